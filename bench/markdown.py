"""Worst-case Markdown render times for the largest input each field accepts.

    .venv/bin/python bench/markdown.py [--repeat 3] [--before SECONDS] [--only NAME]

For every field that takes Markdown (a case-study body, a network description, an activity
report, a replication's notes), each input below is built at the field's length limit and
rendered through ``render_markdown``: the time is the best of ``--repeat`` runs, and the
outcome is "rendered" or the problem ``markdown_problem`` names. ``--before S`` also times
Python-Markdown without the budget (the renderer before docs/decisions/0042), stopped
after S seconds. The ordinary case studies of content/innovations are timed too.
"""

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The script's own folder comes first on the path, where this file would shadow the
# markdown package: the project's root takes its place.
sys.path[0] = str(ROOT)

import markdown  # noqa: E402

from app.content import files  # noqa: E402
from app.content.schema import MAX_BODY  # noqa: E402
from app.networks.forms import MAX_REPORT  # noqa: E402
from app.networks.schema import MAX_DESCRIPTION  # noqa: E402
from app.rendering import EXTENSION_CONFIGS, EXTENSIONS, markdown_problem, render_markdown, sanitise  # noqa: E402
from app.replication.csvio import LIMITS  # noqa: E402

FIELDS = {
    "case-study body": MAX_BODY,
    "network description": MAX_DESCRIPTION,
    "activity report": MAX_REPORT,
    "replication notes": LIMITS["notes"],
}


def _repeat(unit, n):
    return (unit * (n // len(unit) + 1))[:n]


def _ladder(n):
    """Runs of backticks, each longer than the last: none finds a partner."""
    parts, k = [], 1
    while sum(map(len, parts)) < n:
        parts.append("`" * k + "a")
        k += 1
    return "".join(parts)[:n]


def _nested_list(n, indent):
    lines, depth = [], 0
    while sum(map(len, lines)) < n:
        lines.append(" " * (indent * depth) + "- a\n")
        depth += 1
    return "".join(lines)[:n]


# name -> builder of a text of length n. The first group reads to the end of a paragraph or
# document from each opener; the second makes many elements; the third nests.
INPUTS = {
    "[ unmatched": lambda n: "[" * n,
    "![ unmatched": lambda n: _repeat("![", n),
    "[a]( unclosed": lambda n: _repeat("[a](", n),
    "[a][ reference": lambda n: _repeat("[a][", n),
    "[[[ ]]] nested": lambda n: "[" * (n // 2) + "]" * (n - n // 2),
    "[a] short references": lambda n: _repeat("[a]", n),
    '[a](x "y) open title': lambda n: _repeat('[a](x "y) ', n),
    "<a  unclosed tags": lambda n: _repeat("<a ", n),
    "<a x=' quoted": lambda n: _repeat("<a x='", n),
    "</a unclosed end tags": lambda n: _repeat("</a", n),
    "<b> + comments": lambda n: "<b>" * 50 + _repeat("<!-- -->", n - 150),
    "<![CDATA[": lambda n: _repeat("<![CDATA[", n),
    "<http://a unclosed": lambda n: _repeat("<http://a", n),
    "``` unclosed fences": lambda n: _repeat("```a\n", n),
    "` ladder": _ladder,
    "# headings, no blank": lambda n: _repeat("# a\n", n),
    "--- rules, no blank": lambda n: _repeat("---\n", n),
    "a/= setext, no blank": lambda n: _repeat("a\n=\n", n),
    "*a* one paragraph": lambda n: _repeat("*a* ", n),
    "*a* paragraphs": lambda n: _repeat("*a* *b*\n\n", n),
    "\\[ escapes": lambda n: _repeat("\\[", n),
    "`a` code spans": lambda n: _repeat("`a` ", n),
    "[a](b) links": lambda n: _repeat("[a](b) ", n),
    "<b> tags": lambda n: _repeat("<b>", n),
    "&a ampersands": lambda n: _repeat("&a", n),
    "&amp; entities": lambda n: _repeat("&amp; ", n),
    "# headings": lambda n: _repeat("# a\n\n", n),
    "- flat list": lambda n: _repeat("- a\n", n),
    "table rows": lambda n: "|a|b|\n|-|-|\n" + _repeat("|x|y|\n", n - 12),
    "> quotes": lambda n: _repeat("> a\n\n", n),
    "``` fences": lambda n: _repeat("```\n", n),
    "- - - a list in a line": lambda n: _repeat("- ", n - 1) + "a",
    "> > > quote in a line": lambda n: _repeat("> ", n),
    "    - indented list": lambda n: _nested_list(n, 4),
    "  - list, 2 spaces": lambda n: _nested_list(n, 2),
    "**a nested strong": lambda n: "**a " * (n // 7) + "b**" * (n // 7),
    "*a nested emphasis": lambda n: "*a " * (n // 5) + "b*" * (n // 5),
    "plain words": lambda n: _repeat("kata ", n),
}


def best_time(render, source, repeat):
    """The fastest of ``repeat`` renders, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        render(source)
        best = min(best, time.perf_counter() - start)
    return best


def unbounded(source):
    """The renderer as it was before the budget: Python-Markdown, then the same sanitiser."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return sanitise(md.convert(source))


def time_before(source, seconds):
    """Unbounded render time, or None when stopped after ``seconds`` (or on RecursionError: 'error')."""

    def stop(*_):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        unbounded(source)
        return time.perf_counter() - start
    except TimeoutError:
        return None
    except RecursionError:
        return "RecursionError"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _ms(value, seconds=None):
    if value is None:
        return f"> {seconds:g} s"
    if isinstance(value, str):
        return value
    return f"{value * 1000:.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=float, default=0, help="also time the unbounded renderer, up to S seconds")
    parser.add_argument("--only", help="only the inputs whose name contains this")
    args = parser.parse_args()

    worst = {}
    print("| field | input | length | before | after | outcome |")
    print("|---|---|---|---|---|---|")
    for field, limit in FIELDS.items():
        for name, build in INPUTS.items():
            if args.only and args.only not in name:
                continue
            source = build(limit)
            after = best_time(render_markdown, source, args.repeat)
            problem = markdown_problem(source)
            before = _ms(time_before(source, args.before), args.before) if args.before else ""
            outcome = f"refused: {problem.kind}" if problem else "rendered"
            print(f"| {field} | `{name}` | {len(source):,} | {before} | {_ms(after)} | {outcome} |", flush=True)
            if after > worst.get(field, (0, ""))[0]:
                worst[field] = (after, name)

    bodies = [files.read(path)[0].body for path in sorted((ROOT / "content/innovations").glob("*.md"))]
    times = [best_time(render_markdown, body, args.repeat) for body in bodies]
    whole = _repeat("\n\n".join(bodies), MAX_BODY)
    refused = sum(markdown_problem(body) is not None for body in bodies)
    print()
    print(f"ordinary case studies ({len(bodies)}): slowest {_ms(max(times))}, refused: {refused}")
    print(
        f"ordinary text at {MAX_BODY:,} characters (the case studies repeated): "
        f"{_ms(best_time(render_markdown, whole, args.repeat))}, {'refused' if markdown_problem(whole) else 'rendered'}"
    )
    for field, (seconds, name) in worst.items():
        print(f"worst {field}: {_ms(seconds)} ({name})")


if __name__ == "__main__":
    main()
