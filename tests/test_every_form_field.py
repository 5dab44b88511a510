"""Hostile text in every field of every form the site shows, one field at a time.

The forms are found, not listed: every GET route (with real arguments) is opened as an admin,
which may open them all, and every ``<form method="post">`` on the answers is sent back with
its own token and values, one text field replaced by a payload. No answer may be a 500, and no
answer, nor any page shown afterwards, may let the payload run (a form's error message once
printed what was typed as HTML: ``Bukan tautan http(s) yang sah: <script>...``).
"""

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.accounts import tokens
from app.extensions import db as _db
from app.needs import services as need_services
from app.networks.models import Activity, ActivityImage
from app.replication import services as replication_services
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user, sign_in
from tests.test_security_attacks import assert_nothing_runs

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>{{7*7}}'
TEXT_TYPES = {"text", "email", "search", "url", "tel", "password", None}
SKIP_ACTIONS = ("/keluar",)  # signing out ends the hunt


class _Forms(HTMLParser):
    """The post forms of a page: action and fields with their current values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "text": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"].setdefault(name, []).append(attrs.get("value", "y"))
            elif kind not in ("submit", "button", "file"):
                self._form["fields"][name] = [attrs.get("value", "")]
                if kind in TEXT_TYPES:
                    self._form["text"].append(name)
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = [""]
            self._form["text"].append(name)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            values = self._form["fields"].setdefault(self._select, [])
            if "selected" in attrs or (not values and attrs.get("value")):
                self._form["fields"][self._select] = [attrs.get("value", "")]

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] = [self._form["fields"][self._textarea][0] + data]

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


@pytest.fixture
def everything(db):
    """One of each record a form is about, and an admin who may open every form."""
    innovation = factories.innovation(
        "Inovasi Sasaran",
        kind="city",
        region="33.74",
        images=[{"alt": "Gambar sasaran"}],
        documents=[{"title": "Dokumen sasaran", "kind": "regulation", "regulation_type": "Peraturan Wali Kota",
                    "regulation_number": "5", "regulation_year": 2022}],
    )  # fmt: skip
    network = make_network("jipp-jawa-timur", "35")
    add_member(network, "35.08")
    add_member(network, "33.74")
    admin = make_user("admin@example.go.id", "admin", "editor")
    activity = Activity(
        network=network, kind="workshop", title="Lokakarya", date=__import__("datetime").date(2024, 5, 1)
    )
    activity.images = [factories.image_row(1, "Gambar kegiatan", row_class=ActivityImage)]
    db.session.add(activity)
    replication = replication_services.create(innovation, factories.owner("regency", "35.08"), "planned", user=admin)
    # The links of a reset and an invitation email open forms too (for another account).
    invitee = make_user("undangan@example.go.id", "editor")
    links = [
        f"/akun/atur-ulang/{tokens.issue(invitee, 'reset')}",
        f"/akun/undangan/{tokens.issue(invitee, 'invitation')}",
    ]
    # A need of a member (its form, status and suggestion forms; admins moderate, never post).
    need = need_services.create(make_user("pejabat@lumajang.example.go.id", "official",
                                          owner=factories.owner("regency", "35.08")),
                                factories.owner("regency", "35.08"), title="Kebutuhan sasaran", problem="Masalah.",
                                visibility="networks")  # fmt: skip
    db.session.commit()
    return {"innovation": innovation, "network": network, "admin": admin, "activity": activity,
            "replication": replication, "links": links, "need": need}  # fmt: skip


def _form_pages(app, world):
    values = {"slug": [world["innovation"].slug, world["network"].slug], "code": ["33.74"],
              "replication_id": [world["replication"].id], "activity_id": [world["activity"].id],
              "user_id": [world["admin"].id], "lang": ["id"], "filename": ["css/suar.css"],
              "need_id": [world["need"].id]}  # fmt: skip
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and "POST" in rule.methods:
            if "token" in rule.arguments:
                continue  # the links below
            for slug in values["slug"]:
                args = {name: (slug if name == "slug" else values[name][0]) for name in rule.arguments}
                urls.add(rule.build(args, append_unknown=False)[1])
    urls.add(f"/inovasi/{world['innovation'].slug}")  # forms shown on pages that only take GET
    urls.add(f"/kebutuhan/{world['need'].id}")
    urls.update(world["links"])
    return sorted(urls)


def test_hostile_text_in_every_field_of_every_form(app, client, everything):
    sign_in(client, everything["admin"])
    sent = []
    for url in _form_pages(app, everything):
        page = client.get(url)
        if page.status_code != 200:
            continue
        parser = _Forms()
        parser.feed(page.get_data(as_text=True))
        for form in parser.forms:
            action = form["action"] or url
            if action.startswith(SKIP_ACTIONS):
                continue
            for field in form["text"]:
                if field == "csrf_token":
                    continue
                data = {**form["fields"], field: [PAYLOAD]}
                response = client.post(action, data=data)
                assert response.status_code < 500, (action, field, response.status_code)
                assert_nothing_runs(response.get_data(as_text=True), f"{action} {field}")
                sent.append((action, field))
                sign_in(client, everything["admin"])  # a password change ends the session
    assert len({action for action, _ in sent}) >= 8, sent
    # The documents page: the upload form and each document's own form.
    slug = everything["innovation"].slug
    for action, field in (
        (f"/kelola/inovasi/{slug}/dokumen", "title"),
        (f"/kelola/inovasi/{slug}/dokumen/1/ubah", "d1-title"),
        (f"/kelola/inovasi/{slug}/dokumen/1/ubah", "d1-regulation_type"),
    ):
        assert (action, field) in sent, (action, field)
    assert len(sent) >= 40, len(sent)
    need = everything["need"].id
    for action, field in ((f"/kebutuhan/{need}/ubah", "title"), (f"/kebutuhan/{need}/ubah", "problem"),
                          (f"/kebutuhan/{need}/usulan", "innovation")):  # fmt: skip
        assert (action, field) in sent, (action, field)
    # Whatever was stored is shown safely everywhere it appears.
    for url in _form_pages(app, everything) + ["/", "/inovasi", "/jaringan/jipp-jawa-timur", "/admin/pengguna"]:
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            assert_nothing_runs(response.get_data(as_text=True), url)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) >= 1
