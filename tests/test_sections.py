"""The guided sections of the case-study form: a body splits into its sections and is put
back as the same page, whatever it holds; a body that does not follow the guide stays whole."""

import re

from hypothesis import given
from hypothesis import strategies as st

from app.editing.sections import HEADINGS, SECTIONS, compose, split
from app.rendering import render_markdown
from tests.accounts_fixtures import sign_in
from tests.test_editing_world import fresh, post, valid_form, world  # noqa: F401 (fixture)

LINES = st.sampled_from([
    "Warga antre lama.", "- satu", "- dua", "**tebal** dan *miring*", "### Subjudul", "## Bagian lain",
    "```", "## Inovasi", "1. langkah", "> kutipan", "", "Angka: 12 %", "| a | b |", "|---|---|", "| 1 | 2 |",
])  # fmt: skip
TEXT = st.lists(LINES, min_size=1, max_size=6).map("\n".join).filter(lambda t: t.count("```") % 2 == 0)


@st.composite
def guided_bodies(draw):
    language = draw(st.sampled_from(sorted(HEADINGS)))
    chosen = draw(st.lists(st.sampled_from(SECTIONS), unique=True, min_size=1)).copy()
    chosen.sort(key=SECTIONS.index)
    intro = draw(st.one_of(st.just(""), TEXT.filter(lambda t: "## Inovasi" not in t)))
    chunks = [intro.strip("\n")] if intro.strip() else []
    for key in chosen:
        text = draw(TEXT.filter(lambda t: "## Inovasi" not in t and t.strip()))
        chunks.append(f"## {HEADINGS[language][key]}\n\n{text.strip(chr(10))}")
    return language, "\n\n".join(chunks)


@given(guided_bodies())
def test_a_guided_body_comes_back_as_the_same_text(case):
    language, body = case
    parts = split(body)
    assert compose(parts, "id" if language == "en" else "en") == body.strip("\n")  # its own headings kept


@given(st.lists(st.one_of(LINES, st.sampled_from(["## Latar Belakang", "## Background", "## Cara Mereplikasi",
                                                   "## Hasil dan Dampak", "## How to Replicate"])),
                max_size=14).map("\n".join))  # fmt: skip
def test_any_body_is_put_back_as_the_same_page(body):
    parts = split(body)
    again = compose(parts, "id")
    if any(parts[key] == "" and key in parts.get("_present", ()) for key in SECTIONS):
        return  # an empty guided heading: see the next test
    assert render_markdown(again) == render_markdown(body.strip("\n")), (body, again)


def test_an_empty_guided_heading_is_kept_when_split_and_dropped_only_when_the_form_sends_nothing():
    body = "## Latar Belakang\n\nMasalah.\n\n## Inovasi\n\n## Hasil dan Dampak\n\nAngka."
    parts = split(body)
    assert parts["innovation"] == "" and compose(parts) == body
    assert compose({k: v for k, v in parts.items() if k != "_present"}) == (
        "## Latar Belakang\n\nMasalah.\n\n## Hasil dan Dampak\n\nAngka."
    )


def test_a_body_out_of_the_guides_order_stays_whole_in_the_opening():
    body = "## Inovasi\n\nA\n\n## Latar Belakang\n\nB"
    assert split(body)["intro"] == body and compose(split(body)) == body
    mixed = "## Background\n\nA\n\n## Inovasi\n\nB"
    assert split(mixed)["intro"] == mixed


def test_the_form_shows_each_section_apart_and_saves_them_as_one_body(client, world):  # noqa: F811
    sign_in(client, world["editor"])
    item = world["draft"]
    edit = f"/kelola/inovasi/{item.slug}/ubah"
    data = valid_form(slug=item.slug, version=str(fresh(item.id).version))
    del data["body"]
    data.update(section_background="Balita tidak ditimbang.", section_innovation="Kader <b>menjemput</b>.",
                section_results="", section_replication="Perbup No. 3/2020.", section_intro="")  # fmt: skip
    preview = post(client, edit, {**data, "preview": "Pratinjau"}, edit).get_data(as_text=True)
    shown = re.search(r'<article class="preview-page".*?</article>', preview, re.S).group(0)
    assert f'<p class="preview-title">{data["title"]}</p>' in shown and "Kesehatan" in shown
    assert re.search(r"<h2[^>]*>Latar Belakang</h2>", shown) and "Hasil dan Dampak" not in shown  # empty: left out
    assert "<b>menjemput" not in shown  # Markdown's HTML is never run
    assert post(client, edit, data, edit).status_code == 302
    assert fresh(item.id).body_md.strip() == (
        "## Latar Belakang\n\nBalita tidak ditimbang.\n\n## Inovasi\n\nKader <b>menjemput</b>.\n\n"
        "## Cara Mereplikasi\n\nPerbup No. 3/2020."
    )
    form = client.get(edit).get_data(as_text=True)
    assert re.search(
        r'<textarea[^>]*id="section_innovation"[^>]*>\s*Kader &lt;b&gt;menjemput&lt;/b&gt;.</textarea>', form
    )
