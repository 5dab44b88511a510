"""A synthetic catalogue for benchmarks: realistic Indonesian-like case studies and
replications, written through the same services as real data.

    python bench/synthetic.py seed --innovations 20000 --replications 50000
    python bench/synthetic.py sample-slug

It runs against the database of the environment (``DATABASE_URL``), like ``flask``. It lives
in bench/, not in the app: it is a tool of the benchmarks, not a feature of the site.

Each case study dwells on a few words of its sector, as real ones do, with function words,
everyday words and invented names around them; one in ten is in English. They are all
marked ``sample: true``.
"""

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its markdown.py would shadow the package

import click  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import current_app  # noqa: E402

from app.extensions import db, refresh_statistics  # noqa: E402
from app.regions.models import Region  # noqa: E402

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


bench_cli = click.Group("bench", help="Synthetic data for benchmarks.")


@bench_cli.command("seed")
@click.option("--innovations", type=click.IntRange(0, 200_000), default=20_000, show_default=True)
@click.option("--replications", type=click.IntRange(0, 500_000), default=50_000, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed: the same seed gives the same data.")
def seed_command(innovations, replications, seed):
    """Add synthetic innovations (through the importer) and replications (through the
    replication service). The search index is not fed here: run ``flask search reindex``."""
    from app.catalog.models import Innovation
    from app.catalog.owners import government_owner
    from app.content.importer import import_case_studies
    from app.replication import services
    from app.replication.models import STAGES

    current_app.config["SEARCH_SYNC_AFTER_COMMIT"] = False  # one reindex afterwards is far faster
    rows = db.session.execute(sa.select(Region.code, Region.name, Region.kind).where(Region.kind != "province"))
    regions = [(code, name, kind) for code, name, kind in rows]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="suar-seed-") as folder:
        write_case_studies(Path(folder), innovations, regions, seed=seed)
        for batch in sorted(Path(folder).iterdir()):
            import_case_studies(batch)
            db.session.commit()
    click.echo(f"{innovations:,} innovations in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    rng = random.Random(seed)
    ids = list(db.session.scalars(sa.select(Innovation.id).where(Innovation.slug.startswith("sintetis-"))))
    adopters = [
        government_owner(db.session.get(Region, code)) for code, _, _ in rng.sample(regions, min(300, len(regions)))
    ]
    db.session.commit()
    taken = set(
        db.session.execute(sa.select(services.Replication.innovation_id, services.Replication.adopter_id)).all()
    )
    made = 0
    weights = (30, 20, 12, 12, 14, 7, 5)
    while made < replications and ids:
        chunk = []
        for innovation_id in rng.choices(ids, k=min(2000, replications - made)):
            adopter = rng.choice(adopters)
            if (innovation_id, adopter.id) in taken:
                continue
            taken.add((innovation_id, adopter.id))
            chunk.append((innovation_id, adopter))
        innovations_by_id = {
            i.id: i for i in db.session.scalars(sa.select(Innovation).where(Innovation.id.in_({i for i, _ in chunk})))
        }
        for innovation_id, adopter in chunk:
            innovation = innovations_by_id[innovation_id]
            if innovation.owner_id == adopter.id:
                continue
            stage = rng.choices(STAGES, weights=weights)[0]
            extra = {"discontinued_reason": "Anggaran tidak berlanjut"} if stage == "discontinued" else {}
            services.create(
                innovation, adopter, stage, batch=True, local_name=f"{innovation.title.split(':')[0]} Lokal", **extra
            )
            made += 1
        db.session.flush()
        for innovation in innovations_by_id.values():
            services.refresh_count(innovation)
        db.session.commit()
    click.echo(f"{made:,} replications in {time.perf_counter() - started:.1f} s")
    refresh_statistics()


@bench_cli.command("write")
@click.option("--seconds", type=float, default=10, show_default=True)
@click.option("--every", type=float, default=1.0, show_default=True, help="Seconds between writes.")
@click.option("--seed", type=int, default=11, show_default=True)
@click.option(
    "--keep/--restore",
    default=False,
    help="Keep the stages moved; by default they are put back after the run, so that every run's "
    "writes have the same effect (the same replications move across the same stages).",
)
@click.option(
    "--counts",
    is_flag=True,
    help="Every stage change moves a replication count: a replication at 'committed' reaches "
    "'piloting', the first stage that counts as replicated.",
)
def write_command(seconds, every, seed, keep, counts):
    """A writer for the mixed load run: once per ``--every`` seconds, in turn, move a
    replication to a later stage (through the replication service) or edit a case study's
    summary; each commit starts a new data generation, as a real one does. Afterwards the
    replications moved are put back as they were (``--keep`` leaves them moved). With
    ``--counts`` every stage change moves its case study's replication count."""
    from app.catalog.models import Innovation
    from app.replication import services
    from app.replication.models import Replication, ReplicationEvent

    rng = random.Random(seed)
    # In the order of their ids: the same seed picks the same rows in every run (a table's
    # physical order changes as rows are updated).
    movable = Replication.stage == "committed" if counts else Replication.stage != "discontinued"
    query = sa.select(Replication.id).where(movable).order_by(Replication.id)
    replication_ids = list(db.session.scalars(query))
    query = sa.select(Innovation.id).where(Innovation.slug.startswith("sintetis-")).order_by(Innovation.id)
    innovation_ids = list(db.session.scalars(query))
    last_event = db.session.scalar(sa.select(sa.func.max(ReplicationEvent.id))) or 0
    db.session.rollback()
    moved = {}  # replication id -> its columns before this run moved it
    written, late, started = 0, 0, time.monotonic()
    while time.monotonic() - started < seconds:
        due = started + written * every
        if time.monotonic() < due:
            time.sleep(due - time.monotonic())
        elif written:
            late += 1
        if written % 2 == 0:
            replication = db.session.get(Replication, rng.choice(replication_ids))
            moved.setdefault(replication.id, _columns(replication))
            later = [s for s in services.allowed_stages(replication) if s != "discontinued"]
            stage = later[0] if later else "discontinued"
            extra = {"discontinued_reason": "Anggaran tidak berlanjut"} if stage == "discontinued" else {}
            services.update(
                replication, user=None, expected_version=replication.version, stage=stage, notify=False, **extra
            )
        else:
            innovation = db.session.get(Innovation, rng.choice(innovation_ids))
            innovation.summary = f"{innovation.summary.split(' [')[0]} [disunting {written}]"
        db.session.commit()
        written += 1
    took = time.monotonic() - started
    if not keep:
        _put_back(moved, last_event)
    click.echo(f"{written} writes in {took:.1f} s ({late} late)")


def _columns(row):
    """A row's column values, but its id and version (SQLAlchemy counts the version)."""
    return {a.key: getattr(row, a.key) for a in sa.inspect(type(row)).column_attrs if a.key not in ("id", "version")}


def _put_back(moved, last_event):
    """The replications ``moved`` as they were, without the events of their moves, and their
    case studies' replication counts again (one commit, after the measured run)."""
    from app.catalog.models import Innovation
    from app.replication import services
    from app.replication.models import Replication, ReplicationEvent

    if not moved:
        return
    innovations = set()
    for replication_id, columns in moved.items():
        replication = db.session.get(Replication, replication_id)
        for key, value in columns.items():
            setattr(replication, key, value)
        innovations.add(replication.innovation_id)
    db.session.execute(
        sa.delete(ReplicationEvent).where(ReplicationEvent.id > last_event, ReplicationEvent.replication_id.in_(moved))
    )
    db.session.flush()
    for innovation_id in innovations:
        services.refresh_count(db.session.get(Innovation, innovation_id))
    db.session.commit()


@bench_cli.command("slugs")
@click.option("--limit", type=int, default=2000, show_default=True)
def slugs_command(limit):
    """Print slugs of synthetic case studies, the most replicated first (the mixed run draws
    case studies from them with a Zipf distribution)."""
    from app.catalog.models import Innovation

    query = (
        sa.select(Innovation.slug)
        .where(Innovation.slug.startswith("sintetis-"))
        .order_by(Innovation.replication_count.desc(), Innovation.id)
        .limit(limit)
    )
    click.echo("\n".join(db.session.scalars(query)))


@bench_cli.command("sample-slug")
def sample_slug():
    """Print the slug of a synthetic case study with replications (for the load benchmark)."""
    from app.catalog.models import Innovation

    query = sa.select(Innovation.slug).order_by(Innovation.replication_count.desc(), Innovation.id).limit(1)
    click.echo(db.session.scalar(query) or "")


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        bench_cli()
