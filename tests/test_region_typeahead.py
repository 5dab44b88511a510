"""The 552-region choice is a text box with suggestions (a <datalist>, no JavaScript): every
region is found by its suggestion, its code and its full name; a name without its kind finds
it when only one region has that name; an ambiguous or unknown name is refused with a message
that says what to do, never guessed."""

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.forms import Form, typeahead_field
from app.networks.queries import region_choices
from app.regions.models import Region
from tests.accounts_fixtures import networks, people, sign_in, submit  # noqa: F401 (fixtures)


class _RegionForm(Form):
    class Meta:
        csrf = False

    region = typeahead_field("Daerah")


def _choices():
    return [(code, label) for group in region_choices().values() for code, label in group]


def _read(app, text, choices=None):
    """What the field makes of ``text``: ``(code or None, errors)``. ``choices``: the regions
    as the form offers them (read from the database when not given)."""
    with app.test_request_context(method="POST"):
        form = _RegionForm(formdata=MultiDict({"region": text}))
        form.region.choices = choices if choices is not None else _choices()
        ok = form.validate()
        return (form.region.data if ok else None), [str(e) for e in form.region.errors]


def test_every_region_is_found_by_its_suggestion_its_code_and_its_full_name(app, db):
    regions = list(db.session.scalars(sa.select(Region)))
    assert len(regions) == 552
    with app.test_request_context():
        choices = _choices()  # read once: 1,650 readings of one list
        form = _RegionForm(formdata=None)
        form.region.choices = choices
        suggestions = {c.value: form.region.suggestion(c.value, c.label) for c in form.region.all_choices()}
        labels = {c.value: str(c.label) for c in form.region.all_choices()}
    full_names = {}
    for label in labels.values():
        full_names[label.casefold()] = full_names.get(label.casefold(), 0) + 1
    for region in regions:
        assert _read(app, suggestions[region.code], choices)[0] == region.code
        assert _read(app, region.code, choices)[0] == region.code
        if full_names[labels[region.code].casefold()] == 1:
            assert _read(app, labels[region.code].upper(), choices)[0] == region.code, region.code


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [("Lumajang", "35.08", None), ("kab. lumajang", "35.08", None), ("Kab Banyumas", "33.02", None),
     ("Bandung", None, "Bandung bisa berarti beberapa daerah: Kabupaten Bandung (32.04); Kota Bandung (32.73)"),
     ("Atlantis", None, "Tidak ada Atlantis di daftar"), ("<script>alert(1)</script>", None, "Tidak ada <script>"),
     ("35.08' OR 1=1 --", None, "Tidak ada 35.08' OR 1=1 --"), ("x" * 5000, None, "Tidak ada " + "x" * 60 + " di"),
     ("Kota Lumajang (35.08)", "35.08", None), ("", None, "Pilihan tidak sah"), ("   ", None, "Pilihan tidak sah")],
)  # fmt: skip
def test_names_as_people_type_them(app, db, text, code, words):
    found, errors = _read(app, text)
    assert found == code
    if words:
        assert any(words in e for e in errors), errors


def test_a_coordinator_adds_a_member_by_typing_its_name(client, db, networks, people):  # noqa: F811
    sign_in(client, people["coordinator"])
    form = client.get("/jaringan/jipp-jawa-timur/anggota").get_data(as_text=True)
    assert 'id="region" list="region-options" name="region"' in form
    assert '<option value="Kabupaten Lumajang (35.08)" label="Jawa Timur">' in form
    assert (
        submit(client, "/jaringan/jipp-jawa-timur/anggota", {"region": "lumajang", "role": "member"}).status_code == 302
    )
    members = client.get("/jaringan/jipp-jawa-timur/anggota").get_data(as_text=True)
    assert "Kabupaten Lumajang ditambahkan sebagai anggota." in members
    refused = submit(client, "/jaringan/jipp-jawa-timur/anggota", {"region": "Bandung", "role": "member"})
    assert refused.status_code == 200 and 'value="Bandung"' in refused.get_data(as_text=True)  # kept as typed
