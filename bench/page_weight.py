"""What a case study with 12 pictures weighs in Chromium: the bytes transferred to show the
first screen (lazy pictures below it not fetched), and after scrolling to the end, on a
desktop (1280×800) and a phone (390×844), beside the same page without pictures.

    .venv/bin/python bench/page_weight.py [--slug alas-akta-lahir-lumajang]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/page_weight.py

Builds a fresh database (SQLite in a temporary folder, or a database of its own on the
PostgreSQL server of DATABASE_URL, dropped afterwards) and imports the sample content. It
measures the chosen case study as imported, then gives it 12 photographs (1600×1200
JPEG, noisy like a phone's, made here with Pillow) through the same code as the upload
form, and measures again. gunicorn (2 workers) serves it; Debian's Chromium, driven by
Playwright, opens the page in a fresh context each time (no cache, no service worker) and
sums what each response carried on the wire (body as transferred, and headers).
"""

import argparse
import io
import os
import random
import secrets
import sys
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
# The project, not this folder, first: bench/markdown.py would shadow the Markdown package.
sys.path[0] = str(ROOT)

from bench.interest_latency import serve  # noqa: E402 - gunicorn with 2 workers on a free port
from bench.load import flask  # noqa: E402

VIEWPORTS = {"desktop 1280×800": (1280, 800), "phone 390×844": (390, 844)}
CHROMIUM = "/usr/bin/chromium"


def photo(seed, size=(1600, 1200)):
    """A JPEG that compresses like a photograph: smooth shapes under sensor noise."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(40, 400)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(12))
    noise = Image.effect_noise(size, 28).convert("RGB")
    image = Image.blend(image, noise, 0.18)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def add_pictures(env, slug, count=12):
    """Give ``slug`` ``count`` photographs through the editing service, as an admin."""
    os.environ.update(env)
    from app import create_app
    from app.accounts.models import User
    from app.catalog.models import Innovation
    from app.changes import commit
    from app.editing import images
    from app.extensions import db

    app = create_app()
    sizes = []
    with app.app_context():
        admin = User(email="admin@bench.example", name="Admin", password_hash="x", active=True)
        admin.set_roles(["admin"])
        db.session.add(admin)
        db.session.commit()
        innovation = db.session.scalar(sa.select(Innovation).where(Innovation.slug == slug))
        for number in range(len(innovation.images) + 1, count + 1):
            data = photo(number)
            sizes.append(len(data))
            written = []
            _image, refused = commit(
                images.add, innovation, data, filename=f"foto-{number}.jpg", user=admin, written=written,
                alt=f"Foto kegiatan {number}", caption=f"Kegiatan layanan, foto {number}", credit="Bangku uji Suar",
            )  # fmt: skip
            if refused is not None:
                sys.exit(f"picture {number} refused: {refused.message}")
        db.session.remove()
        db.engine.dispose()
    return sizes


def weigh(browser, url, viewport):
    """Bytes on the wire for the first screen, then after scrolling to the end: (first
    screen bytes, first screen requests, {type: bytes}, total bytes, total requests)."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    seen = []
    page.on("requestfinished", lambda request: seen.append(request))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")

    def total(requests):
        sizes = [(r.resource_type, r.sizes()) for r in requests]
        by_type = {}
        for kind, size in sizes:
            by_type[kind] = by_type.get(kind, 0) + size["responseBodySize"] + size["responseHeadersSize"]
        return sum(by_type.values()), by_type

    first, first_types = total(list(seen))
    first_count = len(seen)
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + viewport[1], viewport[1] // 2):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    everything, _ = total(list(seen))
    context.close()
    return first, first_count, first_types, everything, len(seen)


def measure(base, slug):
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for label, viewport in VIEWPORTS.items():
            weigh(browser, f"{base}/inovasi/{slug}", viewport)  # warm the page cache and the workers
            results[label] = weigh(browser, f"{base}/inovasi/{slug}", viewport)
        browser.close()
    return results


def report(title, results):
    print(title)
    for label, (first, first_count, types, everything, count) in results.items():
        parts = ", ".join(f"{kind} {size / 1024:.0f}" for kind, size in sorted(types.items(), key=lambda t: -t[1]))
        print(f"  {label:<17} first screen {first / 1024:6.0f} KB in {first_count:2d} requests ({parts})")
        print(f"  {'':<17} scrolled to the end {everything / 1024:6.0f} KB in {count:2d} requests")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="alas-akta-lahir-lumajang")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="suar-weight-"))
    server = os.environ.get("DATABASE_URL", "")
    name = None
    if server.startswith("postgresql"):
        name = f"suar_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        database = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        database = f"sqlite:///{work / 'suar.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REDIS_URL", "MAIL_"))}
    env.update(
        DATABASE_URL=database,
        SEARCH_INDEX_DIR=str(work / "index"),
        UPLOAD_DIR=str(work / "uploads"),
        MAIL_FOLDER=str(work / "mail"),
        SECRET_KEY=secrets.token_hex(32),
    )
    try:
        print(f"Preparing {database.split('@')[-1]}")
        for args in (("db", "upgrade"), ("content", "import"), ("search", "reindex")):
            flask({**env, "PYTHONWARNINGS": "ignore"}, *args)
        process, base = serve(env)
        try:
            before = measure(base, options.slug)
        finally:
            process.terminate()
            process.wait(timeout=30)
        sizes = add_pictures(env, options.slug)
        print(f"  added {len(sizes)} photographs of 1600×1200, {sum(sizes) / 1024:.0f} KB as uploaded")
        process, base = serve(env)
        try:
            after = measure(base, options.slug)
        finally:
            process.terminate()
            process.wait(timeout=30)
        print(f"\n/inovasi/{options.slug} ({'PostgreSQL' if name else 'SQLite'}), bytes on the wire in Chromium:")
        report("as imported:", before)
        report("with 12 pictures:", after)
    finally:
        if name:
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
