"""An attacker's pass: stored XSS through every importer and text form, CSRF on every POST
route, hostile query strings on every public endpoint, path traversal in imports.

None may succeed and none may give a 500.
"""

import hashlib
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.needs import services as need_services
from app.replication import services
from app.replication.services import Innovation, Replication  # noqa: F401 - used as services.X
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user, sign_in, submit

# Classic stored-XSS payloads: tags, event handlers, URLs, encodings, SVG, template syntax.
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "{{ 7*7 }}{% print(1) %}",
    "[klik](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<IMG SRC=`javascript:alert(1)`>",
    "<<SCRIPT>alert(1);//<</SCRIPT>",
    '" onmouseover="alert(1)',
]
assert len(XSS) >= 30

OUR_SCRIPTS = {"/static/js/suar.js"}


class _Scanner(HTMLParser):
    """Collects anything in a page that could run: scripts, handlers, script URLs, frames."""

    DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "meta", "frame", "frameset", "applet"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and (attrs.get("src") or "").split("?v=")[0] not in OUR_SCRIPTS:
            self.problems.append(f"<script {attrs}>")
        if tag == "meta" and set(attrs) <= {"charset", "name", "content", "property"} and "http-equiv" not in attrs:
            pass
        elif tag in self.DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "style":
            self.problems.append("<style>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name == "style":
                self.problems.append(f"<{tag} style>")
            if name in ("href", "src", "action", "formaction", "data", "xlink:href") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value[:40]}>")


def assert_nothing_runs(html, where):
    scanner = _Scanner()
    scanner.feed(html)
    assert scanner.problems == [], (where, scanner.problems[:5])


def _case_study(slug, text):
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    # A contact's name and unit may not hold < or > (app/content/contacts.py): the rest may.
    plain = quoted.replace("<", "").replace(">", "")
    return f'''---
title: "{quoted} judul"
institution: "{quoted} unit"
owner: "{quoted} Kementerian"
owner_kind: ministry
year: 2022
sectors: [aparatur]
legal_basis: "{quoted}"
contacts: [{{name: "{plain}", unit: "{plain} unit", email: kontak@example.org}}]
summary: "{quoted} ringkasan"
---

## {text}

{text}

- {text}

| a | b |
|---|---|
| {text.replace("|", "")} | x |
'''


@pytest.fixture
def imported(runner, db, tmp_path):
    folder = tmp_path / "xss"
    folder.mkdir()
    for n, payload in enumerate(XSS):
        (folder / f"xss-{n:02d}.md").write_text(_case_study(f"xss-{n:02d}", payload))
    result = runner.invoke(args=["content", "import", str(folder)])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["search", "reindex"])
    return [f"xss-{n:02d}" for n in range(len(XSS))]


def test_payloads_through_the_case_study_importer_never_run(client, imported):
    pages = ["/", "/inovasi", "/inovasi?sort=title", "/statistik", "/cari?q=alert", "/sitemap.xml"]
    pages += [f"/inovasi/{slug}" for slug in imported]
    owner_pages = {
        re.search(r'href="(/pemilik/[^"]+)"', client.get(f"/inovasi/{slug}").get_data(as_text=True)).group(1)
        for slug in imported[:5]
    }
    for url in [*pages, *owner_pages]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_runs(response.get_data(as_text=True), url)


def test_template_syntax_is_shown_not_run(client, imported):
    slug = imported[XSS.index("{{ 7*7 }}{% print(1) %}")]
    html = client.get(f"/inovasi/{slug}").get_data(as_text=True)
    assert "<h1>{{ 7*7 }}{% print(1) %} judul</h1>" in html


def test_payloads_in_the_feeds_are_escaped(client, imported):
    body = client.get("/feeds/innovations.atom").get_data(as_text=True)
    assert "<script>" not in body and "<img" not in body and "<svg" not in body


def test_payloads_through_the_network_importer_never_run(runner, client, db, tmp_path):
    folder = tmp_path / "networks"
    folder.mkdir()
    for n, payload in enumerate(XSS[:12]):
        quoted = payload.replace("\\", "\\\\").replace('"', '\\"')
        (folder / f"net-{n}.md").write_text(
            f'---\nname: "JIPP {quoted}"\nprovince: "3{n % 6 + 1}"\nlegal_basis: "{quoted}"\n---\n\n{payload}\n'
        )
    result = runner.invoke(args=["networks", "import", str(folder)])
    assert result.exit_code == 0, result.output
    for url in ["/jaringan", *(f"/jaringan/net-{n}" for n in range(12))]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_runs(response.get_data(as_text=True), url)


@pytest.fixture
def staff(db):
    # A picture and a document, so that their actions (number 1) reach the CSRF check.
    innovation = factories.innovation("Inovasi Sasaran", kind="city", region="33.74", images=[{"alt": "Gambar"}],
                                      documents=[{"title": "Dokumen"}])  # fmt: skip
    network = make_network("jipp-jatim", "35")
    add_member(network, "35.08")
    editor = make_user("editor@example.go.id", "editor")
    coordinator = make_user("koord@example.go.id", "coordinator", networks=[network])
    admin = make_user("admin@example.go.id", "admin")
    _db.session.commit()
    return {"innovation": innovation, "network": network, "editor": editor, "coordinator": coordinator, "admin": admin}


@pytest.mark.parametrize("payload", XSS)
def test_payloads_through_the_replication_form_never_run(client, db, staff, payload):
    sign_in(client, staff["editor"])
    url = f"/inovasi/{staff['innovation'].slug}/replikasi/baru"
    fields = {"local_name": payload[:200], "adopter_unit": payload[:300], "legal_basis": payload[:500],
              "outcome_unit": payload[:100], "notes": payload, "note": payload}  # fmt: skip
    response = submit(client, url, {"adopter": "35.08", "stage": "planned", **fields})
    assert response.status_code in (302, 400), response.status_code
    assert_nothing_runs(response.get_data(as_text=True), "form")
    for page in (
        f"/inovasi/{staff['innovation'].slug}",
        "/jaringan/jipp-jatim",
        "/pemilik/kabupaten-lumajang",
        "/feeds/replications.atom",
    ):
        html = client.get(page).get_data(as_text=True)
        if page.endswith(".atom"):
            assert "<script>" not in html and "<img" not in html
        else:
            assert_nothing_runs(html, page)
    for replication_id in _db.session.scalars(sa.select(services.Replication.id)):
        assert_nothing_runs(client.get(f"/replikasi/{replication_id}").get_data(as_text=True), "replication")


@pytest.mark.parametrize("payload", XSS[::3])
def test_payloads_through_the_activity_and_user_forms_never_run(client, db, staff, payload):
    sign_in(client, staff["coordinator"])
    response = submit(client, "/jaringan/jipp-jatim/kegiatan/baru",
                      {"kind": "workshop", "title": payload[:200], "date": "2024-05-01", "place": payload[:200], "report": payload})  # fmt: skip
    assert response.status_code in (200, 302, 400)
    assert_nothing_runs(client.get("/jaringan/jipp-jatim").get_data(as_text=True), "network")
    sign_in(client, staff["admin"])
    response = submit(
        client,
        "/admin/pengguna",
        {
            "email": "orang@example.go.id",
            "name": payload[:200],
            "password": "sebuah kalimat sandi panjang",
            "roles": "editor",
        },
    )
    assert response.status_code in (200, 302, 400)
    assert_nothing_runs(client.get("/admin/pengguna").get_data(as_text=True), "users")


# --- CSRF on every POST route -----------------------------------------------------------------


def _database_fingerprint():
    """A hash of every row of every table (login failures aside: counting them is the point)."""
    digest = hashlib.sha256()
    for table in _db.metadata.sorted_tables:
        if table.name in ("login_failure",):
            continue
        for row in _db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all():
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _route_values(staff, replication, activity_id, membership_id, need_id):
    return {
        "need_id": need_id,
        "slug": {
            "networks": "jipp-jatim",
            "activity_pictures": "jipp-jatim",
            "replication": staff["innovation"].slug,
            "editing": staff["innovation"].slug,
        },
        "number": 1,
        "replication_id": replication.id,
        "activity_id": activity_id,
        "membership_id": membership_id,
        "user_id": staff["coordinator"].id,
        "step": "terbitkan",
        "action": "hapus",
        "token": "a" * 43,
    }


@pytest.mark.parametrize("token", [None, "forged-token", "IjEyMyI.ZZZZZZ.aaaaaaaaaaaaaaaaaaaaaaaaaaa"])
def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(app, client, db, staff, token):
    from app.networks.models import Activity, ActivityImage, Membership

    replication = services.create(
        staff["innovation"], factories.owner("regency", "35.08"), "planned", user=staff["editor"]
    )
    activity = Activity(
        network=staff["network"], kind="workshop", title="Lokakarya", date=__import__("datetime").date(2024, 5, 1)
    )
    # A picture, so that the activity's picture actions (number 1) reach the CSRF check.
    activity.images = [factories.image_row(1, "Gambar kegiatan", row_class=ActivityImage)]
    _db.session.add(activity)
    lumajang = factories.owner("regency", "35.08")
    author = make_user("pejabat@lumajang.example.go.id", "official", owner=lumajang)
    need = need_services.create(author, lumajang, title="Kebutuhan", problem="Masalah.", visibility="public")
    _db.session.commit()
    membership_id = _db.session.scalar(sa.select(Membership.id))
    values = _route_values(staff, replication, activity.id, membership_id, need.id)
    sign_in(client, staff["admin"])
    before = _database_fingerprint()
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.startswith("static"):
            continue
        arguments = {}
        for name in rule.arguments:
            value = values[name]
            arguments[name] = value[rule.endpoint.split(".")[0]] if isinstance(value, dict) else value
        url = rule.build(arguments)[1]
        data = {"stage": "implemented", "title": "Diubah", "email": "baru@example.go.id", "name": "Baru", "kind": "workshop",
                "date": "2024-05-02", "region": "35.78", "roles": "admin", "password": "sebuah kalimat sandi panjang",
                "current": "x", "new": "kalimat sandi yang baru sekali", "confirm": "kalimat sandi yang baru sekali", "version": "1"}  # fmt: skip
        if token is not None:
            data["csrf_token"] = token
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, response.status_code)
        _db.session.expire_all()
        assert _database_fingerprint() == before, f"{url} changed data without a valid CSRF token"
        checked.append(rule.endpoint)
    assert len(checked) >= 10, checked


# --- hostile query strings ---------------------------------------------------------------------

HOSTILE = ["' OR 1=1 --", '"; DROP TABLE innovation; --', "%00", "\x00", "🙂" * 50, "a" * 5000, "../../etc/passwd",
           "<script>alert(1)</script>", "1e309", "-1", "0", "99999999999999999999", "NaN", "[]", "{}", "%", "_", "\\"]  # fmt: skip
ENDPOINTS = ["/inovasi?q={v}", "/inovasi?sector={v}", "/inovasi?page={v}", "/inovasi?year={v}", "/inovasi?province={v}",
             "/cari?q={v}", "/cari?q=stunting&sector={v}", "/cari?q=x&page={v}", "/api/v1/innovations?q={v}",
             "/api/v1/innovations?per_page={v}", "/api/v1/innovations?sort={v}", "/export/innovations.csv?owner_kind={v}",
             "/export/replications.csv?adopter_region={v}", "/statistik?year={v}", "/statistik?award={v}",
             "/wilayah/{v}", "/pemilik/{v}", "/inovasi/{v}", "/jaringan/{v}", "/bahasa/en?next={v}", "/masuk?next={v}",
             "/kebutuhan?status={v}", "/kebutuhan?page={v}", "/kebutuhan/{v}", "/api/v1/needs?province={v}",
             "/api/v1/needs/{v}", "/export/needs.csv?sector={v}", "/jaringan/{v}/kebutuhan"]  # fmt: skip


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hostile_parameters_never_give_a_500(client, db, endpoint):
    factories.innovation("Inovasi Stunting")
    _db.session.commit()
    for value in HOSTILE:
        from urllib.parse import quote

        url = endpoint.format(v=quote(value, safe=""))
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if endpoint.startswith("/api/") and response.status_code >= 400:
            assert response.is_json and "error" in response.get_json()
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers["Location"]
            assert location.startswith("/") and not location.startswith("//"), location


# --- path traversal ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/etc", "../../../../../../etc", "/proc/self"])
def test_import_paths_outside_content_import_nothing(runner, db, path):
    result = runner.invoke(args=["content", "import", path])
    assert result.exit_code != 0
    assert _db.session.scalar(sa.select(sa.func.count(services.Innovation.id))) == 0
