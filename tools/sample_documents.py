"""Write the small PDF documents of a few labelled sample case studies (``sample: true``):
texts written for the project, clearly marked as samples, never attached to a real case
study. Each holds words the case study itself does not use, so that a search by the text of
a document can be shown (docs/decisions/0083).

    .venv/bin/python tools/sample_documents.py [content/innovations]

The PDFs are written by hand (one page of Helvetica text, no dependency); the front matter
of each case study lists its document under ``documents:`` (added by hand once).
"""

import sys
from pathlib import Path

SAMPLES = {
    "pbg-sehari-pekanbaru": (
        "sop-pbg-sehari.pdf",
        [
            "CONTOH - DOKUMEN SAMPEL SUAR, BUKAN DOKUMEN RESMI",
            "Standar Operasional Prosedur PBG SEHARI (contoh)",
            "1. Pemohon mengunggah gambar denah dan sertifikat tanah melalui portal.",
            "2. Verifikator memeriksa kesesuaian dengan prototipe dalam dua jam kerja.",
            "3. Retribusi dihitung otomatis dan dibayar melalui kanal perbankan.",
            "4. Kepala dinas menandatangani secara elektronik sebelum pukul 16.00.",
            "Ketentuan tambahan: juru ukur kelurahan mendampingi pemohon lansia.",
            "Kata kunci contoh: kavling, sempadan, juru ukur.",
        ],
    ),
    "jaga-nifas-pemalang": (
        "perbup-jaga-nifas.pdf",
        [
            "CONTOH - DOKUMEN SAMPEL SUAR, BUKAN PERATURAN YANG BERLAKU",
            "Rancangan Peraturan Bupati tentang Pendampingan Ibu Nifas (contoh)",
            "Pasal 1. Bidan desa mengunjungi ibu nifas pada hari ke-3, ke-7 dan ke-28.",
            "Pasal 2. Kader posyandu mencatat tanda bahaya pada kartu kunjungan.",
            "Pasal 3. Antrean rujukan ke rumah sakit diprioritaskan bagi ibu dengan",
            "perdarahan, demam tinggi atau tekanan darah tinggi.",
            "Pasal 4. Biaya transportasi rujukan ditanggung dana desa.",
            "Kata kunci contoh: perbup, antrean rujukan, kartu kunjungan.",
        ],
    ),
    "klik-tani-lampung-tengah": (
        "sop-klik-tani.pdf",
        [
            "CONTOH - DOKUMEN SAMPEL SUAR, BUKAN DOKUMEN RESMI",
            "Standar Operasional Prosedur Klinik Tanaman Keliling (contoh)",
            "1. Jadwal singgah mobil klinik diumumkan di balai desa sepekan sebelumnya.",
            "2. Petani membawa daun atau batang bergejala dalam kantong sampel berlabel.",
            "3. Petugas mengisi lembar rekomendasi dan memotret gejala wereng atau blas.",
            "4. Sampel yang belum terdiagnosis dikirim ke laboratorium hama provinsi.",
            "Kata kunci contoh: wereng, blas, kantong sampel berlabel.",
        ],
    ),
}


def _escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines, title="Contoh"):
    """The bytes of a one-page PDF showing ``lines`` (Latin-1 text) in Helvetica."""
    stream = ["BT", "/F1 11 Tf", "14 TL", "50 790 Td"]
    for line in lines:
        stream.append(f"({_escape(line)}) Tj T*")
    stream.append("ET")
    content = "\n".join(stream).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Title (" + _escape(title).encode("latin-1") + b") /Producer (Suar tools/sample_documents.py) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def main(folder):
    for slug, (name, lines) in SAMPLES.items():
        markdown = folder / f"{slug}.md"
        if "sample: true" not in markdown.read_text(encoding="utf-8"):
            raise SystemExit(f"{markdown} is not a labelled sample: no documents for real case studies")
        target = folder / slug / name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(text_pdf(lines, title=lines[1]))
        print(f"wrote {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "content/innovations"))
