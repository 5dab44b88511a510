"""Search latency and reindex time on a synthetic catalogue.

    .venv/bin/python bench/search_latency.py [--sizes 160,20000] [--runs 300] [--procs 2]

For each size, writes that many synthetic case studies (Indonesian-like text built from
the vocabulary of each sector, 10% in English, real regions, awards, themes) as files,
imports them with the real importer (``flask content import``'s code) into a temporary
SQLite database, rebuilds the index (timed), then times ``search()`` in-process, the code
the API and /cari call, with facets, for a mix of queries and filters: median and p95.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.catalog.filters import parse_filters  # noqa: E402
from app.content.importer import import_case_studies  # noqa: E402
from app.extensions import db  # noqa: E402
from app.regions.models import Region  # noqa: E402
from app.search import search  # noqa: E402
from app.search.index import IndexStore  # noqa: E402
from app.search.service import snapshot  # noqa: E402
from config import Config  # noqa: E402

TOPICS = {
    "kesehatan": (
        "Dinas Kesehatan",
        "puskesmas posyandu balita stunting gizi ibu hamil bidan imunisasi rujukan "
        "antrean pasien rumah sakit kader kesehatan jiwa lansia obat sanitasi jamban",
    ),
    "administrasi-kependudukan": (
        "Dinas Kependudukan dan Pencatatan Sipil",
        "akta kelahiran KTP-el kartu keluarga "
        "KIA perekaman dokumen kependudukan jemput bola desa operator data NIK akta kematian",
    ),
    "pendidikan": (
        "Dinas Pendidikan",
        "sekolah guru siswa literasi putus sekolah beasiswa perpustakaan pelatihan guru "
        "pembelajaran kurikulum madrasah bahasa daerah taman baca",
    ),
    "perizinan-investasi": (
        "Dinas Penanaman Modal dan PTSP",
        "izin usaha perizinan daring investasi pelaku usaha NIB "
        "OSS PBG tanda tangan elektronik loket mal pelayanan publik berkas",
    ),
    "sosial": (
        "Dinas Sosial",
        "bantuan sosial DTKS keluarga miskin penyandang disabilitas verifikasi data penerima "
        "bantuan lansia terlantar PKH pendamping sosial",
    ),
    "ekonomi-umkm": (
        "Dinas Koperasi dan UMKM",
        "UMKM pemasaran produk lokapasar koperasi pelatihan usaha modal "
        "kemasan promosi digital pasar pelaku usaha mikro",
    ),
    "pertanian-pangan": (
        "Dinas Pertanian",
        "petani pupuk bersubsidi kelompok tani penyuluh benih panen irigasi sawah "
        "kartu tani harga gabah lumbung pangan",
    ),
    "kelautan-perikanan": (
        "Dinas Kelautan dan Perikanan",
        "nelayan asuransi nelayan kapal ikan pelelangan tambak budidaya pesisir cuaca laut pendaratan ikan",
    ),
    "lingkungan-hidup": (
        "Dinas Lingkungan Hidup",
        "sampah bank sampah daur ulang kompos pilah sampah TPS3R plastik penghijauan mangrove sungai limbah",
    ),
    "kebencanaan": (
        "Badan Penanggulangan Bencana Daerah",
        "banjir peringatan dini longsor evakuasi sirene relawan desa tangguh bencana gempa tinggi muka air posko",
    ),
    "infrastruktur": (
        "Dinas Pekerjaan Umum",
        "jalan rusak perbaikan jalan penerangan jalan umum PJU tenaga surya drainase jembatan aduan warga peta",
    ),
    "pengaduan-partisipasi": (
        "Bagian Organisasi",
        "pengaduan warga WhatsApp media sosial tindak lanjut OPD laporan musrenbang survei kepuasan kanal aduan",
    ),
}
COMMON = [
    "pelayanan",
    "masyarakat",
    "warga",
    "daerah",
    "pemerintah",
    "kabupaten",
    "kota",
    "aplikasi",
    "layanan",
    "data",
    "petugas",
    "kantor",
    "waktu",
    "biaya",
    "proses",
    "dinas",
    "program",
    "kegiatan",
    "kerja",
    "sama",
    "hasil",
    "meningkat",
    "turun",
    "persen",
    "tahun",
    "bulan",
    "hari",
]
EN = [
    "service",
    "residents",
    "district",
    "office",
    "application",
    "data",
    "staff",
    "cost",
    "time",
    "health",
    "village",
    "report",
    "complaint",
    "school",
    "farmers",
    "waste",
    "flood",
    "permit",
    "online",
    "training",
]
QUERIES = [
    "stunting",
    "akta kelahiran rumah sakit",
    "bank sampah jawa timur",
    "izin usaha online",
    "pelayanan kesehatan",
    "stuntng balita",
    "peringatan dini banjir",
    "pupuk bersubsidi",
    '"jemput bola"',
    "bansos tepat sasaran",
    "teacher training",
    "pengaduan warga whatsapp",
    "umkm pemasaran digital",
    "kesehatan jawa tengah",
]
FILTERS = [
    {},
    {"sector": "kesehatan"},
    {"province": "35"},
    {"year": "2021"},
    {"award": "top99"},
    {"owner_kind": "regency", "sort": "newest"},
]


FUNCTION = [
    "yang",
    "dan",
    "di",
    "untuk",
    "dengan",
    "dari",
    "ke",
    "pada",
    "dalam",
    "ini",
    "itu",
    "oleh",
    "agar",
    "sehingga",
    "serta",
    "bagi",
    "juga",
    "telah",
]
SYLLABLES = [
    "ka",
    "ri",
    "so",
    "ma",
    "ta",
    "na",
    "la",
    "pa",
    "se",
    "gi",
    "ru",
    "bo",
    "ne",
    "wa",
    "du",
    "mi",
    "lo",
    "be",
    "ha",
    "ju",
]
THEMES = [
    "sistem-informasi",
    "pemberdayaan-masyarakat",
    "kearifan-lokal",
    "jemput-bola",
    "layanan-terpadu",
    "kemitraan",
]


def _name(rng):
    """An invented proper name (a village, a programme): the long tail of real vocabulary."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _sentence(rng, focus, common, names):
    words = []
    for _ in range(rng.randint(9, 18)):
        roll = rng.random()
        if roll < 0.35:
            words.append(rng.choice(FUNCTION))
        elif roll < 0.60:
            words.append(rng.choice(common))
        elif roll < 0.90:
            words.append(rng.choice(focus))
        else:
            words.append(rng.choice(names))
    return " ".join(words).capitalize() + "."


def write_case_studies(folder, count, regions, seed=7):
    """Write ``count`` synthetic case-study files into ``folder`` (batches of 2,000 per subfolder).

    Each case study dwells on a few words of its sector, as real ones do, with function
    words, everyday words and invented names around them; one in ten is in English.
    """
    rng = random.Random(seed)
    sectors = list(TOPICS)
    for n in range(count):
        sector = rng.choice(sectors)
        unit, vocabulary = TOPICS[sector]
        words = vocabulary.split()
        code, name, kind = rng.choice(regions)
        english = rng.random() < 0.1
        focus = rng.sample(EN, 5) if english else rng.sample(words, min(6, len(words)))
        common = EN if english else COMMON
        names = [_name(rng) for _ in range(4)]
        title = f"{names[0]}: {' '.join(rng.sample(focus, 3)).capitalize()} {name}"
        body = "\n\n".join(
            f"## {heading}\n" + " ".join(_sentence(rng, focus, common, names) for _ in range(rng.randint(3, 6)))
            for heading in ("Latar Belakang", "Inovasi", "Hasil dan Dampak", "Cara Mereplikasi")
        )
        stage = rng.choice(["top99", "top45", "proposal"])
        award = f"{{competition: KIPP, year: {rng.randint(2015, 2024)}, stage: {stage}}}"
        awards = f"\nawards:\n  - {award}" if rng.random() < 0.3 else ""
        themes = ", ".join(rng.sample(THEMES, rng.randint(0, 2)))
        batch = folder / f"batch-{n // 2000:03d}"
        batch.mkdir(exist_ok=True)
        (batch / f"sintetis-{n:05d}.md").write_text(
            f'---\ntitle: "{title}"\ninstitution: {unit} {name}\nowner: Pemerintah {name}\nowner_kind: {kind}\n'
            f'region: "{code}"\nyear: {rng.randint(2014, 2024)}\nsectors: [{sector}]\nthemes: [{themes}]{awards}\n'
            f"language: {'en' if english else 'id'}\nsample: true\nsummary: >\n  "
            f"{' '.join(_sentence(rng, focus, common, names) for _ in range(3))}\n---\n\n{body}\n",
            encoding="utf-8",
        )


def build(workdir, size):
    config = Config(environ={})
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'latency.db'}"
    config.SEARCH_INDEX_DIR = str(workdir / "index")
    config.SEARCH_SYNC_AFTER_COMMIT = False  # the index is built once, timed, below
    app = create_app(config)
    with app.app_context():
        upgrade()
        rows = db.session.execute(sa.select(Region.code, Region.name, Region.kind).where(Region.kind != "province"))
        regions = [(c, n, k) for c, n, k in rows]
        folder = workdir / "cases"
        folder.mkdir()
        write_case_studies(folder, size, regions)
        started = time.perf_counter()
        for batch in sorted(folder.iterdir()):
            import_case_studies(batch)
            db.session.commit()
        print(f"  imported {size} case studies in {time.perf_counter() - started:.1f} s")
    return app


def time_searches(app, runs, cold=False):
    cases = [(q, f) for q in QUERIES for f in FILTERS] + [("", f) for f in FILTERS]
    timings = []
    with app.test_request_context():
        search(parse_filters({"q": "warm up"}))  # loads the snapshot once, as a worker's first request does
        for n in range(runs):
            q, extra = cases[n % len(cases)]
            args = {"q": q, **extra} if q else {k: v for k, v in extra.items() if k != "sort" or v != "relevance"}
            filters = parse_filters(args)
            if cold:  # forget every remembered word, concept and filter set of the snapshot
                snapshot()._memo.clear()
            started = time.perf_counter()
            result = search(filters)
            timings.append((time.perf_counter() - started) * 1000)
            assert result.facets is not None
            db.session.remove()  # one search per request, as in the app
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], timings[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="160,20000")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--procs", type=int, default=1, help="processes for the timed rebuild")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="suar-latency-") as tmp:
            print(f"{size} innovations")
            app = build(Path(tmp), size)
            with app.app_context():
                started = time.perf_counter()
                IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine, procs=args.procs)
                print(f"  full reindex (procs={args.procs}): {time.perf_counter() - started:.1f} s")
                for cold in (False, True):
                    median, p95, worst = time_searches(app, args.runs, cold)
                    print(
                        f"  search with filters and facets, {args.runs} runs, {'cold' if cold else 'warm'}: "
                        f"median {median:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms"
                    )
                db.engine.dispose()


if __name__ == "__main__":
    main()
