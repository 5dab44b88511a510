"""Load benchmark: Suar's pages against a bare Flask page, both under gunicorn, one run.

    .venv/bin/python bench/load.py [--innovations 20000] [--replications 50000]
                                   [--seconds 10] [--connections 16] [--workers 2]
                                   [--mixed] [--same-size] [--accept-encoding VALUE]

Builds a fresh SQLite database (or uses DATABASE_URL), imports the sample content, seeds
a synthetic catalogue through the services (``bench/synthetic.py seed``), builds the search
index, then serves Suar and ``bench/bare_app.py`` with gunicorn (same worker count) and
drives each page with wrk (Debian package ``wrk``) at the same concurrency. Prints
requests per second, p50/p95 latency, each page's ratio to the bare page, and the memory
of each worker afterwards. Everything stays on 127.0.0.1. ``--same-size`` also times the
bare app answering a page as long as each of Suar's (its ``/size/<bytes>``): the share
against it is what Suar's own code costs, apart from the bytes. Every request carries the
``Accept-Encoding`` a browser sends (``gzip, deflate, br``), as nginx passes it on; Suar
keeps and sends cached pages gzip-compressed (docs/decisions/0107). ``--accept-encoding ''``
sends none, as curl does: the cost of inflating a page for such a reader.

``--mixed`` (issue 16): instead of one page at a time, the readers walk a realistic mix
(home, filtered catalogues, case studies drawn with a Zipf distribution, searches, the API)
with the page cache on: ``--warm`` seconds untimed (to fill the workers' caches), then alone
(read-only), then while a writer moves a replication to a later stage or edits a case study
once per second (``bench/synthetic.py write``); each write starts a new data generation, so
every page is rendered again after it.
"""

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ACCEPT_ENCODING = "gzip, deflate, br"  # what a browser sends, and nginx passes on
PAGES = (
    ("bare Flask page", "bare", "/"),
    ("home", "suar", "/"),
    ("filtered catalogue", "suar", "/inovasi?sector=kesehatan&province=33&sort=most_replicated"),
    ("case-study page", "suar", "/inovasi/{slug}"),
    ("search with filters", "suar", "/cari?q=stunting+posyandu&province=33"),
    ("API list", "suar", "/api/v1/innovations?sector=kesehatan&per_page=20"),
    ("statistics page", "suar", "/statistik"),
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SEED = (str(ROOT / "bench" / "synthetic.py"),)  # the synthetic catalogue (bench/synthetic.py)


def flask(env, *args, timeout=3600, tool=("-m", "flask", "--app", "wsgi")):
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, *tool, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    print(f"  flask {' '.join(args)}: {time.perf_counter() - started:.1f} s  {result.stdout.strip().splitlines()[-1:]}")
    return result.stdout


def serve(app_path, env, workers):
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_path],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/", timeout=2):  # noqa: S310 - our own loopback server
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"{app_path} did not start")


def worker_memory(master):
    """``{VmRSS, RssAnon, RssFile, Pss}`` in MiB of each gunicorn worker of ``master``:
    resident, its own, mapped files (the index's segments and the libraries, which the page
    cache of the kernel shares between workers), and its proportional share (what is shared
    divided among the processes sharing it: what each worker adds to the machine)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = {}
        for name in ("status", "smaps_rollup"):
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "Pss"):
                    status[key] = int(value.split()[0]) / 1024
        sizes.append(status)
    return sizes


def print_memory(memory):
    for name, sizes in memory.items():
        parts = [
            f"{s['VmRSS']:.0f} MiB (own {s['RssAnon']:.0f}, files {s['RssFile']:.0f}; proportional {s['Pss']:.0f})"
            for s in sizes
        ]
        print(f"\nworker memory after the run, {name}: " + ", ".join(parts))


def wrk(connections, seconds):
    """The wrk command line, with the readers' Accept-Encoding (``--accept-encoding``)."""
    encoding = ["-H", f"Accept-Encoding: {ACCEPT_ENCODING}"] if ACCEPT_ENCODING else []
    return ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", *encoding]


def hammer(url, seconds, connections):
    result = subprocess.run(
        [*wrk(connections, seconds), "-s", str(ROOT / "bench" / "wrk_report.lua"), url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = [row for row in result.stdout.splitlines() if row.startswith("{")][-1]
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main():
    global ACCEPT_ENCODING
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--innovations", type=int, default=20000)
    parser.add_argument("--replications", type=int, default=50000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", help="reuse this folder's database and index (skips seeding when present)")
    parser.add_argument(
        "--cache",
        choices=("on", "off", "both"),
        default="both",
        help="the anonymous page cache (both: one pass with it, one without)",
    )
    parser.add_argument(
        "--same-size", action="store_true", help="also time the bare app with a page as long as each of Suar's"
    )
    parser.add_argument("--mixed", action="store_true", help="a realistic mix, read-only then with a writer")
    parser.add_argument("--write-every", type=float, default=1.0, help="seconds between writes (--mixed)")
    parser.add_argument("--count-moves", action="store_true", help="every stage change moves a count (--mixed)")
    parser.add_argument("--warm", type=int, default=30, help="seconds of the mix, untimed, before the runs (--mixed)")
    parser.add_argument(
        "--accept-encoding", default=ACCEPT_ENCODING, help="the readers' Accept-Encoding ('' for none, as curl)"
    )
    options = parser.parse_args()
    ACCEPT_ENCODING = options.accept_encoding
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: sudo apt-get install wrk")

    workdir = Path(options.keep or tempfile.mkdtemp(prefix="suar-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'load.db'}")
    # The API's per-address limit would stop one load generator on one address.
    env.update(SEARCH_INDEX_DIR=str(workdir / "index"), SECRET_KEY="load-benchmark", API_RATE_LIMIT="1000000/minute")
    print(f"Database {env['DATABASE_URL']}, index {env['SEARCH_INDEX_DIR']}")
    if not (workdir / ".seeded").exists():
        flask(env, "db", "upgrade")
        flask(env, "content", "import")
        flask(env, "networks", "import")
        flask(env, "replications", "import")
        flask(
            env,
            "seed",
            "--innovations",
            str(options.innovations),
            "--replications",
            str(options.replications),
            tool=SEED,
        )
        flask(env, "search", "reindex")
        (workdir / ".seeded").touch()
    if options.mixed:
        run_mixed(env, workdir, options)
        return
    slug = flask(env, "sample-slug", tool=SEED).strip().splitlines()[-1]

    passes = ("on", "off") if options.cache == "both" else (options.cache,)
    for cache in passes:
        run_pass(env, slug, options, cache)


def run_pass(env, slug, options, cache):
    """Serve Suar (with or without its page cache) and the bare app; hammer every page."""
    suar_env = {**env, "PAGE_CACHE": cache}
    servers = {
        "suar": serve("wsgi:app", suar_env, options.workers),
        "bare": serve("bench.bare_app:app", env, options.workers),
    }
    results = []
    try:
        for label, server, path in PAGES:
            url = servers[server][1] + path.format(slug=slug)
            with urllib.request.urlopen(url, timeout=30) as response:  # warm up, and check it answers 200
                assert response.status == 200, url
                size = len(response.read())  # for --same-size
            figures = hammer(url, options.seconds, options.connections)
            if options.same_size and server == "suar":
                # The bare app again, with a page as long as this one: what the bytes alone cost.
                figures["same_size"] = hammer(f"{servers['bare'][1]}/size/{size}", options.seconds, options.connections)
            results.append((label, path.format(slug=slug), figures))
        memory = {name: worker_memory(process) for name, (process, _) in servers.items()}
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=20)

    bare = results[0][2]["rps"]
    print(
        f"\nPage cache {cache}. {options.innovations:,} synthetic innovations + sample content, "
        f"{options.replications:,} replications; gunicorn {options.workers} workers; "
        f"wrk {options.connections} connections, {options.seconds} s each; "
        f"Accept-Encoding: {ACCEPT_ENCODING or 'none'}\n"
    )
    same = options.same_size
    extra = " bare, same size req/s | vs it |" if same else ""
    print("| page | URL | req/s | p50 ms | p95 ms | errors | vs bare |" + extra)
    print("|---|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if same else ""))
    for label, path, figures in results:
        errors = figures["socket_errors"] + figures["non_2xx"]
        row = (
            f"| {label} | `{path}` | {figures['rps']:.0f} | {figures['p50_us'] / 1000:.1f} | "
            f"{figures['p95_us'] / 1000:.1f} | {errors} | {figures['rps'] / bare:.0%} |"
        )
        if same:
            sized = figures.get("same_size")
            row += f" {sized['rps']:.0f} | {figures['rps'] / sized['rps']:.0%} |" if sized else " | |"
        print(row)
    print_memory(memory)


SECTORS = ("kesehatan", "pendidikan", "sosial", "ekonomi-umkm", "pertanian-pangan", "lingkungan-hidup", "kebencanaan")
PROVINCES = ("11", "31", "32", "33", "34", "35", "51", "52", "53", "64", "73")
QUERIES = ("stunting posyandu", "akta kelahiran", "bank sampah", "izin usaha daring", "peringatan dini banjir")


def mix(slugs, count=5000, seed=3):
    """``count`` paths as readers ask for them: the home page, filtered catalogues, case
    studies (Zipf, s = 1.1, over ``slugs``: a few are read far more than the rest),
    searches and the API."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(slugs))]
    paths = []
    for kind in rng.choices(("home", "catalogue", "case", "search", "api"), weights=(15, 20, 40, 15, 10), k=count):
        if kind == "home":
            paths.append("/")
        elif kind == "catalogue":
            args = [f"sector={rng.choice(SECTORS)}"]
            if rng.random() < 0.5:
                args.append(f"province={rng.choice(PROVINCES)}")
            args.append(f"sort={rng.choice(('newest', 'most_replicated', 'title'))}")
            paths.append("/inovasi?" + "&".join(args))
        elif kind == "case":
            paths.append("/inovasi/" + rng.choices(slugs, weights=weights)[0])
        elif kind == "search":
            paths.append(f"/cari?q={rng.choice(QUERIES).replace(' ', '+')}&province={rng.choice(PROVINCES)}")
        else:
            paths.append(f"/api/v1/innovations?sector={rng.choice(SECTORS)}&per_page=20")
    return paths


def hammer_mix(base, paths_file, seconds, connections):
    result = subprocess.run(
        [*wrk(connections, seconds), "-s", str(ROOT / "bench" / "wrk_mix.lua"), base, "--", str(paths_file)],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = [row for row in result.stdout.splitlines() if row.startswith("{")][-1]
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def run_mixed(env, workdir, options):
    """The mix read-only, then with a writer once per second; the bare page in the same run."""
    slugs = flask(env, "slugs", tool=SEED).split()
    paths = mix(slugs)
    paths_file = workdir / "mix.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    suar_env = {**env, "PAGE_CACHE": "on"}
    servers = {
        "suar": serve("wsgi:app", suar_env, options.workers),
        "bare": serve("bench.bare_app:app", env, options.workers),
    }
    rows = []
    try:
        rows.append(("bare Flask page", hammer(servers["bare"][1] + "/", options.seconds, options.connections), ""))
        base = servers["suar"][1]
        hammer_mix(base, paths_file, options.warm, options.connections)  # untimed: fills both workers' caches
        rows.append(("mix, read-only", hammer_mix(base, paths_file, options.seconds, options.connections), ""))
        writer = subprocess.Popen(
            [PYTHON, *SEED, "write", "--seconds", str(options.seconds + 2), "--every", str(options.write_every)]
            + (["--counts"] if options.count_moves else []),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)  # the writer's first commit falls inside the run
        mixed = hammer_mix(base, paths_file, options.seconds, options.connections)
        written = writer.communicate(timeout=120)[0].strip().splitlines()[-1:]
        rows.append((f"mix with a writer ({', '.join(written)})", mixed, ""))
        memory = {name: worker_memory(process) for name, (process, _) in servers.items()}
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=20)

    read_only = rows[1][1]["rps"]
    print(
        f"\nMixed run, page cache on. {options.innovations:,} synthetic innovations + sample content, "
        f"{options.replications:,} replications; gunicorn {options.workers} workers; wrk {options.connections} "
        f"connections, {options.seconds} s each; {len(paths):,} paths: {len(set(paths)):,} distinct; "
        f"Accept-Encoding: {ACCEPT_ENCODING or 'none'}\n"
    )
    print("| run | req/s | p50 ms | p95 ms | p99 ms | errors | timeouts | vs read-only |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, figures, _ in rows:
        errors = figures["socket_errors"] + figures["non_2xx"]
        print(
            f"| {label} | {figures['rps']:.0f} | {figures['p50_us'] / 1000:.1f} | {figures['p95_us'] / 1000:.1f} | "
            f"{figures['p99_us'] / 1000:.1f} | {errors} | {figures.get('timeouts', 0)} | "
            f"{'' if label.startswith('bare') else format(figures['rps'] / read_only, '.0%')} |"
        )
    print_memory(memory)


if __name__ == "__main__":
    main()
