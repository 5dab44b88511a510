"""Draw the pictures of the labelled sample case studies (``sample: true``) and list them in
their front matter: simple illustrations made for the project, never for a real case study.

    .venv/bin/python tools/sample_images.py [content/innovations]

Each sample gets ``<slug>/alur.png``, a diagram of how the service runs; one with impact
indicators also gets ``<slug>/indikator.png`` (its figures before and after) and
``<slug>/suasana.jpg`` (a drawn scene). A file that already lists ``images:`` is left alone.
"""

import sys
import textwrap
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 960, 540
INK, PAPER, MUTED = (33, 37, 41), (250, 248, 243), (108, 117, 125)
STEPS = {
    "kesehatan": (
        "Warga datang atau dihubungi",
        "Petugas mencatat dan memeriksa",
        "Tindak lanjut terjadwal",
        "Warga terpantau",
    ),
    "administrasi-kependudukan": (
        "Warga mengajukan",
        "Petugas memverifikasi data",
        "Dokumen dicetak",
        "Dokumen diterima",
    ),
    "air-sanitasi": ("Kebutuhan didata", "Sarana dibangun bersama", "Warga merawat", "Air bersih tersedia"),
    "aparatur": ("Pegawai mengajukan", "Sistem memeriksa berkas", "Pejabat menyetujui", "Keputusan terbit"),
    "ekonomi-umkm": ("Pelaku usaha mendaftar", "Pendampingan dan pelatihan", "Pemasaran bersama", "Pendapatan naik"),
    "kebencanaan": ("Tanda bahaya terpantau", "Peringatan disebar", "Warga bersiap", "Korban dicegah"),
    "kelautan-perikanan": (
        "Nelayan mendaftar",
        "Info cuaca dan lokasi",
        "Melaut dengan aman",
        "Hasil tangkapan tercatat",
    ),
    "ketenagakerjaan": ("Pencari kerja mendaftar", "Pelatihan dan pencocokan", "Wawancara kerja", "Bekerja"),
    "keuangan-daerah": ("Tagihan dibuat", "Warga membayar daring", "Kas daerah menerima", "Laporan otomatis"),
    "lingkungan-hidup": ("Sampah dipilah", "Dijemput petugas", "Diolah kembali", "Lingkungan bersih"),
    "pariwisata-budaya": ("Potensi didata", "Warga dilatih", "Paket wisata dijual", "Ekonomi lokal tumbuh"),
    "pendidikan": ("Anak didata", "Guru menjangkau", "Belajar terjadwal", "Anak tetap bersekolah"),
    "pengaduan-partisipasi": ("Warga melapor", "Laporan diteruskan", "Dinas menindaklanjuti", "Warga diberi kabar"),
    "perhubungan": ("Penumpang memesan", "Petugas mendampingi", "Perjalanan aman", "Tiba di tujuan"),
    "perizinan-investasi": ("Pemohon mengisi daring", "Berkas diperiksa", "Izin ditandatangani", "Izin terbit sehari"),
    "pertanian-pangan": ("Petani bertanya", "Penyuluh menjawab", "Praktik diterapkan", "Panen membaik"),
    "sosial": ("Warga rentan didata", "Kunjungan petugas", "Bantuan disalurkan", "Keluarga terdampingi"),
}
PALETTES = [
    ((0, 105, 92), (224, 242, 241)),
    ((21, 101, 192), (227, 242, 253)),
    ((173, 20, 87), (252, 228, 236)),
    ((230, 81, 0), (255, 243, 224)),
    ((69, 39, 160), (237, 231, 246)),
    ((46, 125, 50), (232, 245, 233)),
]


def font(size):
    return ImageFont.load_default(size=size)


def short_title(title):
    return title.split(":")[0].strip()[:48]


def header(draw, title, colour):
    draw.rectangle((0, 0, WIDTH, 86), fill=colour)
    draw.text((32, 22), short_title(title), font=font(34), fill=(255, 255, 255))
    draw.text((WIDTH - 32, HEIGHT - 22), "Ilustrasi contoh · Suar", font=font(18), fill=MUTED, anchor="rs")


def wrapped(draw, box, text, size, fill):
    left, top, right, bottom = box
    lines = textwrap.wrap(text, width=max(8, int((right - left) / (size * 0.5))), break_long_words=False)
    y = (top + bottom) / 2 - len(lines) * size * 0.6
    for line in lines:
        draw.text(((left + right) / 2, y), line, font=font(size), fill=fill, anchor="ma")
        y += size * 1.2


def flow(title, sector, palette):
    strong, light = palette
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    header(draw, title, strong)
    draw.text((32, 112), "Alur layanan", font=font(26), fill=INK)
    steps = STEPS.get(sector, STEPS["sosial"])
    box_w, gap, top = 190, 40, 200
    for n, step in enumerate(steps):
        left = 32 + n * (box_w + gap)
        draw.rounded_rectangle((left, top, left + box_w, top + 170), radius=18, fill=light, outline=strong, width=4)
        draw.ellipse((left + 70, top - 26, left + 120, top + 24), fill=strong)
        draw.text((left + 95, top - 1), str(n + 1), font=font(26), fill=(255, 255, 255), anchor="mm")
        wrapped(draw, (left + 12, top + 30, left + box_w - 12, top + 160), step, 22, INK)
        if n < len(steps) - 1:
            x = left + box_w + 6
            draw.line((x, top + 85, x + gap - 14, top + 85), fill=strong, width=5)
            draw.polygon([(x + gap - 8, top + 85), (x + gap - 20, top + 76), (x + gap - 20, top + 94)], fill=strong)
    draw.text(
        (32, 430), "Setiap langkah tercatat, sehingga petugas dan warga tahu kelanjutannya.", font=font(22), fill=MUTED
    )
    return image


def chart(title, indicators, palette):
    strong, light = palette
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    header(draw, title, strong)
    draw.text((32, 108), "Sebelum dan sesudah", font=font(26), fill=INK)
    shown = indicators[:3]
    row_h = 360 // max(1, len(shown))
    for n, item in enumerate(shown):
        top = 150 + n * row_h
        before, after = float(item["baseline"]["value"]), float(item["result"]["value"])
        scale = max(before, after) or 1
        draw.text((32, top), f"{item['name'][:60]} ({item['unit']})", font=font(20), fill=INK)
        for k, (label, value, fill) in enumerate((("Sebelum", before, MUTED), ("Sesudah", after, strong))):
            y = top + 30 + k * 34
            draw.text((32, y + 2), label, font=font(18), fill=MUTED)
            draw.rectangle((140, y, 140 + int(640 * value / scale), y + 26), fill=fill)
            draw.text((150 + int(640 * value / scale), y + 2), f"{value:g}", font=font(20), fill=INK)
    return image


def scene(title, palette):
    strong, light = palette
    image = Image.new("RGB", (WIDTH, HEIGHT), light)
    draw = ImageDraw.Draw(image)
    for y in range(0, 300):
        shade = int(40 * y / 300)
        draw.line((0, y, WIDTH, y), fill=(200 - shade, 225 - shade, 245 - shade // 2))
    draw.ellipse((760, 50, 860, 150), fill=(255, 213, 79))
    draw.polygon([(0, 330), (220, 200), (460, 320), (700, 190), (960, 310), (960, 540), (0, 540)], fill=(129, 199, 132))
    draw.rectangle((0, 380, WIDTH, 540), fill=(165, 214, 167))
    draw.rectangle((330, 250, 630, 430), fill=(255, 255, 255), outline=strong, width=5)
    draw.polygon([(310, 255), (480, 170), (650, 255)], fill=strong)
    draw.rectangle((455, 340, 505, 430), fill=strong)
    draw.rectangle((360, 290, 430, 330), fill=light, outline=strong, width=3)
    draw.rectangle((530, 290, 600, 330), fill=light, outline=strong, width=3)
    draw.rectangle((350, 200 + 60, 610, 230 + 60), fill=strong)
    draw.text((480, 275), "LAYANAN", font=font(20), fill=(255, 255, 255), anchor="mm")
    for n, x in enumerate((150, 210, 720, 790)):
        draw.ellipse((x, 380, x + 30, 410), fill=INK)
        draw.rounded_rectangle((x - 5, 410, x + 35, 470), radius=10, fill=PALETTES[n % len(PALETTES)][0])
    draw.rectangle((0, 0, WIDTH, 60), fill=strong)
    draw.text((24, 14), short_title(title), font=font(28), fill=(255, 255, 255))
    draw.text((WIDTH - 24, HEIGHT - 16), "Ilustrasi contoh · Suar", font=font(18), fill=INK, anchor="rs")
    return image


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    return text, yaml.safe_load(text.split("---\n")[1])


def images_block(items):
    lines = ["images:"]
    for item in items:
        lines.append(f"  - file: {item['file']}")
        for key in ("alt", "caption", "credit"):
            if item.get(key):
                value = yaml.safe_dump(item[key], allow_unicode=True, width=1000).removesuffix("...\n").strip()
                lines.append(f"    {key}: {value}")
    return "\n".join(lines) + "\n"


def main(folder):
    for n, path in enumerate(sorted(Path(folder).glob("*.md"))):
        text, data = front_matter(path)
        if not data.get("sample") or "images" in data:
            continue
        slug, title, palette = path.stem, data["title"], PALETTES[n % len(PALETTES)]
        target = path.parent / slug
        target.mkdir(exist_ok=True)
        sector = data["sectors"][0]
        flow(title, sector, palette).save(target / "alur.png", optimize=True)
        items = [
            {
                "file": f"{slug}/alur.png",
                "alt": f"Diagram alur empat langkah {short_title(title)}: "
                + ", ".join(STEPS.get(sector, STEPS["sosial"])).lower()
                + ".",
                "caption": "Alur layanan secara ringkas (ilustrasi contoh).",
                "credit": "Ilustrasi Suar",
            }
        ]
        if data.get("indicators"):
            chart(title, data["indicators"], palette).save(target / "indikator.png", optimize=True)
            names = "; ".join(
                f"{i['name']}: {i['baseline']['value']} menjadi {i['result']['value']} {i['unit']}"
                for i in data["indicators"][:3]
            )
            items.append(
                {
                    "file": f"{slug}/indikator.png",
                    "alt": f"Grafik batang sebelum dan sesudah. {names}."[:250],
                    "caption": "Indikator dampak sebelum dan sesudah inovasi (angka contoh).",
                    "credit": "Ilustrasi Suar",
                }
            )
            scene(title, palette).save(target / "suasana.jpg", quality=80, optimize=True)
            items.append(
                {
                    "file": f"{slug}/suasana.jpg",
                    "alt": "Gambar kantor layanan di antara bukit hijau, warga berdiri di depannya.",
                    "caption": "Suasana layanan (gambar ilustrasi, bukan foto).",
                    "credit": "Ilustrasi Suar",
                }
            )
        marker = "\nsample: true\n"
        assert marker in text, path
        path.write_text(text.replace(marker, "\n" + images_block(items) + "sample: true\n", 1), encoding="utf-8")
        print(f"{path}: {len(items)} images")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "content/innovations")
