"""A canary hunts for leaks instead of listing them.

Case studies that are not public (draft, submitted, returned, archived), and the
replications, history notes, awards, activity links and inbox messages that hang on them,
carry a word found nowhere else. Every GET route of the app (from ``app.url_map``, with real
arguments, and every link found on the pages it answers) is then requested as the public
and as every signed-in role that has no right to those case studies; the word must never
appear. A new route, filter or panel is covered without anyone adding a case here. The
same roles then try every POST route on the hidden records: each is a 404 (or the login
page) and nothing changes.
"""

import hashlib
import re
import zipfile
from datetime import date
from html import escape
from io import BytesIO
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

import pytest
import sqlalchemy as sa
from markupsafe import escape as markup_escape

from app.catalog.models import Award
from app.extensions import db as _db
from app.jobs.models import BulkRun
from app.needs import services as need_services
from app.needs.models import NeedSuggestion
from app.networks.models import Activity, ActivityImage
from app.notices.models import InboxItem
from app.replication import services as replication_services
from app.replication.models import Replication, ReplicationEvent, ReplicationMessage
from app.search.index import IndexStore
from tests import factories
from tests.accounts_fixtures import add_member, make_network, make_user, sign_in

WORD = "kanarikuning"
LEAK = re.compile(r"kanari\w*", re.IGNORECASE)
# Said in the thread of the public replication: only its participants may read it.
PRIVATE = "bisikanpercakapan"
OUTSIDE_THE_THREAD = ("anonymous", "other_official")
HIDDEN = ("draft", "submitted", "returned", "archived")
OWNER, ADOPTER, ELSEWHERE = "33.02", "35.78", "33.74"  # Banyumas, Surabaya, Semarang
TOO_BIG = (2**31, 2**63, 10**30)
MAX_PAGES = 460  # per role: the routes with their arguments, then the links they show
ROLES = ("anonymous", "other_official", "adopter_official", "coordinator")


@pytest.fixture
def hidden(db, app):
    """A public case study, hidden ones carrying the word everywhere, what hangs on them,
    and the people who may not see them."""
    public = factories.innovation("Layanan Terbuka Banyumas", region=OWNER, year=2021, summary="Terbuka untuk umum.",
                                  images=[{"alt": "Gambar terbuka", "color": (200, 200, 10)}],
                                  documents=[{"title": "Dokumen terbuka", "name": "terbuka.pdf"}],
                                  kit_steps=[{"step": "Langkah terbuka", "weeks": 2}])  # fmt: skip
    adopter = factories.owner("city", ADOPTER)
    hidden = {}
    for status in HIDDEN:
        body = f"## Latar {WORD} {status}\n\n{WORD} di badan teks.\n\n- {WORD}\n"
        item = factories.innovation(
            f"Inovasi {WORD} {status}",
            slug=f"tersembunyi-{status}",
            region=OWNER,
            year=2021,
            status=status,
            summary=f"Ringkasan {WORD}.",
            body=body,
            legal_basis=f"Perbup {WORD}",
            contacts=[{"name": f"Kontak {WORD}", "email": "kontak@example.org"}],
            institution=f"Dinas {WORD} {status}",
            awards=[(2031, "top99")],
            kit_steps=[{"step": f"Langkah {WORD}", "weeks": 3}],
            kit_pitfalls=[f"Jebakan {WORD}"],
            themes=("sistem-informasi",),
            digital=True,
            images=[{"alt": f"Gambar {WORD}", "caption": f"Keterangan {WORD}", "credit": f"Foto {WORD}",
                     "color": (len(status), 10, 20)}],
            # A document whose title, description, citation and text (in the PDF) carry the word.
            documents=[{"title": f"Dokumen {WORD}", "description": f"Uraian {WORD}", "kind": "regulation",
                        "regulation_type": f"Perbup {WORD}", "regulation_number": "1", "regulation_year": 2020,
                        "text": f"Isi peraturan {WORD} {status}", "name": "dokumen-rahasia.pdf"}],
        )  # fmt: skip
        hidden[status] = item
    db.session.flush()
    network = make_network("jipp-jawa-tengah-uji", "33")
    add_member(network, OWNER)
    add_member(network, ADOPTER)
    for item in (public, *hidden.values()):
        replication_services.create(
            item, adopter, "planned", local_name=f"Lokal {WORD}" if item is not public else "Lokal terbuka",
            notes=f"Catatan {WORD}" if item is not public else "Catatan terbuka",
            legal_basis=f"Perwal {WORD}" if item is not public else None,
            network_id=network.id, note=f"Keterangan {WORD}" if item is not public else None,
        )  # fmt: skip
    activity = Activity(network=network, kind="replication_forum", title="Forum replikasi", date=date(2024, 5, 1))
    activity.innovations = [public, *hidden.values()]
    activity.images = [factories.image_row(1, "Gambar forum", color=(5, 6, 7), row_class=ActivityImage)]
    db.session.add(activity)
    db.session.commit()
    people = {
        "owner_official": make_user("pejabat@banyumas.example.go.id", "official", owner=public.owner),
        "other_official": make_user("pejabat@semarang.example.go.id", "official",
                                    owner=factories.owner("city", ELSEWHERE)),
        "adopter_official": make_user("pejabat@surabaya.example.go.id", "official", owner=adopter),
        "coordinator": make_user("koordinator@jateng.example.go.id", "coordinator", networks=[network]),
        "editor": make_user("editor@example.go.id", "editor"),
    }  # fmt: skip
    # Messages about the hidden replications reached inboxes before the rules were fixed; their
    # threads carry the word, and the public one's thread a word of its own.
    for replication in db.session.scalars(sa.select(Replication)).all():
        own = PRIVATE if replication.innovation is public else WORD
        message = ReplicationMessage(replication=replication, author_id=people["adopter_official"].id,
                                     body=f"Pesan {own}", body_html=f"<p>Pesan {own}</p>")  # fmt: skip
        db.session.add(message)
        for person in ("other_official", "adopter_official", "coordinator"):
            if replication.innovation is not public:
                db.session.add(InboxItem(user_id=people[person].id, replication=replication, kind="interest"))
                db.session.add(InboxItem(user_id=people[person].id, replication=replication, message=message,
                                         kind="message"))  # fmt: skip
    # A need only its own network may read, of an owner in a network none of these people share;
    # a case study suggested for it by hand, and the notice of it.
    makassar = factories.owner("city", "73.71")
    add_member(make_network("jipp-sulawesi-selatan-uji", "73"), "73.71")
    need_author = make_user("pejabat@makassar.example.go.id", "official", owner=makassar)
    need = need_services.create(need_author, makassar, title=f"Kebutuhan {WORD}", problem=f"Masalah {WORD}.",
                                affected=f"Warga {WORD}", visibility="networks", sectors=["kesehatan"])  # fmt: skip
    db.session.add(NeedSuggestion(need=need, innovation=public, note=f"Usulan {WORD}"))
    # The public replication was asked for from it: its pages must not name the need.
    db.session.scalar(sa.select(Replication).where(Replication.innovation_id == public.id)).need_id = need.id
    for person in ("other_official", "adopter_official", "coordinator"):
        db.session.add(InboxItem(user_id=people[person].id, need=need, innovation=public, kind="need_suggestion"))
    # An editor's bulk run whose re-check named the word: only its sender (and admins) see it.
    run = BulkRun(kind="replications", user_id=people["editor"].id, payload=f"{WORD}\n".encode(), status="refused",
                  params={}, result={"problems": [[2, "innovation", f"Inovasi {WORD} diarsipkan."]]})  # fmt: skip
    db.session.add(run)
    db.session.commit()
    IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild(db.engine)
    return {"public": public, "hidden": hidden, "network": network, "activity": activity, "people": people,
            "run": run, "need": need}  # fmt: skip


def _candidates(world):
    """Real values for every route argument, and numbers too large to name any record."""
    db = _db.session
    innovations = [world["public"], *world["hidden"].values()]
    # A picture's address names its bytes: the public one's, each hidden one's, and none at all.
    digests = [i.images[0].digest(size, kind) for i in innovations for size in ("page", "thumb")
               for kind in ("original", "webp")]  # fmt: skip
    digests += [world["activity"].images[0].digest(size, kind) for size in ("page", "thumb")
                for kind in ("original", "webp")]  # fmt: skip
    return {
        "digest": [*digests, "0" * 64, "x" * 200],
        "ext": ["png", "webp", "jpg"],
        "name": ["dokumen-rahasia.pdf", "terbuka.pdf", "x" * 200],
        "slug": [i.slug for i in innovations] + [world["network"].slug, world["public"].owner.slug, "x" * 200],
        "code": [OWNER, ADOPTER, "33", "35"],
        "replication_id": [*db.scalars(sa.select(Replication.id)), *TOO_BIG],
        "activity_id": [world["activity"].id, *TOO_BIG],
        "user_id": [*db.scalars(sa.select(sa.text("id")).select_from(sa.table("user_account"))), *TOO_BIG],
        "membership_id": [1, *TOO_BIG],
        "run_id": [world["run"].id, *TOO_BIG],
        "need_id": [world["need"].id, *TOO_BIG],
        "number": [1, *TOO_BIG],
        "step": ["ajukan"],
        "lang": ["id", "en"],
        "filename": ["css/suar.css"],
        "token": ["a" * 43, "x" * 500],
    }


def _route_urls(app, world):
    """Every GET route with every combination of candidate arguments (one argument varies)."""
    values = _candidates(world)
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        arguments = sorted(rule.arguments)
        base = {name: values[name][0] for name in arguments}
        combos = [base] + [{**base, name: value} for name in arguments for value in values[name][1:]]
        for combo in combos:
            urls.append(rule.build(combo, append_unknown=False)[1])
    q = [WORD, WORD[:-1] + "x", f'"{WORD}"', "kanari", "sistem informasi"]
    probes = [f"/cari?q={word}" for word in q] + [f"/api/v1/innovations?q={word}" for word in q]
    for slug in (i.slug for i in world["hidden"].values()):
        probes += [f"/api/v1/replications?innovation={slug}", f"/export/replications.csv?innovation={slug}"]
    need = world["need"].id
    probes += [f"/kebutuhan/{need}", f"/api/v1/needs/{need}", "/api/v1/needs?province=73", "/export/needs.csv",
               "/feeds/needs.atom", "/kebutuhan?network=jipp-sulawesi-selatan-uji",
               f"/inovasi/{world['public'].slug}/minat?kebutuhan={need}"]  # fmt: skip
    probes += [f"/api/v1/regions/{ADOPTER}", f"/api/v1/regions/{OWNER}", "/api/v1/stats/composition?year=2031",
               "/statistik?year=2031", "/inovasi?year=2021&digital=true", "/export/innovations.csv?year=2021",
               f"/api/v1/replications?network={world['network'].slug}", "/inovasi?theme=sistem-informasi"]  # fmt: skip
    # Every picture's bytes asked through the public activity: only its own are served.
    pictures = f"/jaringan/{world['network'].slug}/kegiatan/{world['activity'].id}/gambar"
    probes += [f"{pictures}/{digest}.{ext}" for digest in values["digest"] for ext in ("png", "webp")]
    return list(dict.fromkeys(urls + probes))


_HREF = re.compile(r'(?:href|action)="(/[^"#]*)"')


def _crawl(client, start):
    """Request ``start`` and then the site's own links found on the pages, breadth first."""
    seen, queue, answers = set(), list(start), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or url.startswith(("/keluar", "/bahasa/", "/static/")):
            continue
        seen.add(url)
        response = client.get(url)
        body = response.get_data().decode("utf-8", "replace")  # pictures too: their bytes are searched as well
        if response.mimetype == "application/zip":  # a replication kit: what is inside is searched
            with zipfile.ZipFile(BytesIO(response.get_data())) as archive:
                body += "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        answers.append((url, response.status_code, body, dict(response.headers)))
        if response.mimetype == "text/html":
            queue += [link for link in _HREF.findall(body) if urlsplit(link).path not in ("/keluar",)]
    return answers


def _without_own_words(text, url):
    """The answer without what the request itself said (a search page repeats its query)."""
    parts = urlsplit(url)
    own = [value for _, value in parse_qsl(parts.query)] + [unquote(parts.path)]
    for value in sorted(own, key=len, reverse=True):
        forms = {
            value,
            escape(value),
            escape(value, quote=False),
            str(markup_escape(value)),
            quote(value),
            quote_plus(value),
        }
        for form in forms:
            if form:
                text = text.replace(form, "")
    return text


@pytest.mark.parametrize("role", ROLES)
def test_the_word_never_shows_to_anyone_without_the_right(app, client, hidden, role):
    if role != "anonymous":
        sign_in(client, hidden["people"][role])
    answers = _crawl(client, _route_urls(app, hidden))
    assert len(answers) >= 120, len(answers)
    errors = [(url, status) for url, status, _, _ in answers if status >= 500]
    assert not errors, errors
    leaks = []
    for url, status, body, headers in answers:
        for text in (body, " ".join(f"{k}: {v}" for k, v in headers.items())):
            text = _without_own_words(text, url)
            for pattern in (LEAK, *([re.compile(PRIVATE)] if role in OUTSIDE_THE_THREAD else [])):
                match = pattern.search(text)
                if match:
                    leaks.append((url, status, text[max(0, match.start() - 80) : match.end() + 40]))
    assert not leaks, leaks[:10]
    too_big = [(url, status) for url, status, _, _ in answers if str(2**31) in urlsplit(url).path and status != 404]
    assert not too_big, too_big
    # The hidden case studies' pictures are not served, whichever address is tried.
    pictures = [(url, status) for url, status, _, _ in answers if "/gambar/" in url and url.startswith("/inovasi/")]
    served = [(url, status) for url, status in pictures if status != 404 and "tersembunyi-" in url]
    assert not served, served
    public = hidden["public"].images[0]
    assert (f"/inovasi/{hidden['public'].slug}/gambar/{public.page_sha256}.png", 200) in pictures
    # Nor through a public activity's address; the activity's own picture is served.
    activity = hidden["activity"].images[0]
    through = [(url, status) for url, status, _, _ in answers if "/kegiatan/" in url and "/gambar/" in url]
    own = {activity.digest(size, kind) for size in ("page", "thumb") for kind in ("original", "webp")}
    assert not [(url, status) for url, status in through if status != 404 and not any(d in url for d in own)]
    base = f"/jaringan/{hidden['network'].slug}/kegiatan/{hidden['activity'].id}/gambar"
    assert (f"{base}/{activity.page_sha256}.png", 200) in through
    assert (f"{base}/{activity.page_webp_sha256}.webp", 200) in through
    # Nor their documents (the public one's is).
    documents = [(url, status) for url, status, _, _ in answers if "/dokumen/" in url and url.startswith("/inovasi/")]
    served = [(url, status) for url, status in documents if status != 404 and "tersembunyi-" in url]
    assert not served, served
    assert (f"/inovasi/{hidden['public'].slug}/dokumen/terbuka.pdf", 200) in documents
    assert any(
        url.startswith("/inovasi/tersembunyi-") and "/dokumen/dokumen-rahasia.pdf" in url for url, _ in documents
    )
    # Nor their replication kits (the public one's is, a ZIP searched inside above).
    kits = [(url, status) for url, status, _, _ in answers if url.endswith("/paket-replikasi.zip")]
    assert not [(url, status) for url, status in kits if status != 404 and "tersembunyi-" in url], kits
    assert (f"/inovasi/{hidden['public'].slug}/paket-replikasi.zip", 200) in kits
    assert {f"/inovasi/tersembunyi-{status}/paket-replikasi.zip" for status in HIDDEN} <= {url for url, _ in kits}


def test_the_canary_is_seen_by_those_with_the_right(app, client, hidden):
    # The hunt would find nothing if the word were never shown at all: the owner's official
    # and an editor see it, on the case study and in the search.
    for person in ("owner_official", "editor"):
        sign_in(client, hidden["people"][person])
        page = client.get(f"/inovasi/{hidden['hidden']['draft'].slug}")
        assert page.status_code == 200 and WORD in page.get_data(as_text=True)
        document = client.get(f"/inovasi/{hidden['hidden']['draft'].slug}/dokumen/dokumen-rahasia.pdf")
        assert document.status_code == 200 and WORD.encode() in document.get_data()
        kit = client.get(f"/inovasi/{hidden['hidden']['draft'].slug}/paket-replikasi.zip")
        assert kit.status_code == 200
        assert WORD in zipfile.ZipFile(BytesIO(kit.get_data())).read("ringkasan.html").decode()
        replication = _db.session.scalar(sa.select(Replication).where(Replication.innovation_id ==
                                                                       hidden["hidden"]["archived"].id))  # fmt: skip
        page = client.get(f"/replikasi/{replication.id}")
        assert page.status_code == 200 and WORD in page.get_data(as_text=True)
        page = client.get(f"/replikasi/{replication.id}/percakapan")
        assert page.status_code == 200 and f"Pesan {WORD}" in page.get_data(as_text=True)
    page = client.get(f"/kebutuhan/{hidden['need'].id}")  # the editor sees every need
    assert page.status_code == 200 and f"Masalah {WORD}" in page.get_data(as_text=True)
    page = client.get(f"/proses/{hidden['run'].id}")  # the editor sent the run
    assert page.status_code == 200 and f"Inovasi {WORD} diarsipkan." in page.get_data(as_text=True)
    # ... and the participants of the public thread read its word.
    public = _db.session.scalar(sa.select(Replication).where(Replication.innovation_id == hidden["public"].id))
    for person in ("adopter_official", "coordinator", "owner_official"):
        sign_in(client, hidden["people"][person])
        assert PRIVATE in client.get(f"/replikasi/{public.id}/percakapan").get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(Award.id)).where(Award.year == 2031)) == len(HIDDEN)


# --- actions on what the user cannot see ----------------------------------------------------


def _fingerprint():
    digest = hashlib.sha256()
    for table in _db.metadata.sorted_tables:
        if table.name in ("login_failure", "cache_generation"):
            continue
        for row in _db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all():
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _post_urls(app, world):
    """Every POST route that names a case study or a replication, aimed at the hidden ones."""
    hidden_replications = list(_db.session.scalars(sa.select(Replication.id).where(
        Replication.innovation_id.in_([i.id for i in world["hidden"].values()]))))  # fmt: skip
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        arguments = set(rule.arguments)
        if rule.endpoint.startswith(("networks.", "user_admin.")) or not arguments & {
            "slug",
            "replication_id",
            "need_id",
        }:
            continue
        for item in world["hidden"].values():
            for replication_id in hidden_replications:
                values = {"slug": item.slug, "replication_id": replication_id, "number": 1, "step": "terbitkan",
                          "action": "hapus", "activity_id": world["activity"].id, "need_id": world["need"].id}  # fmt: skip
                urls.append(rule.build({k: values[k] for k in arguments}, append_unknown=False)[1])
    return sorted(set(urls))


@pytest.mark.parametrize("role", ROLES)
def test_no_action_reaches_what_the_user_cannot_see(app, client, hidden, role):
    token = ""
    if role != "anonymous":
        sign_in(client, hidden["people"][role])
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/akun/kata-sandi").get_data(as_text=True)).group(1)  # fmt: skip
    urls = _post_urls(app, hidden)
    assert any("/minat" in url for url in urls) and any("/replikasi/baru" in url for url in urls)
    assert any("/percakapan" in url for url in urls) and any("/tarik" in url for url in urls)
    assert any("/kebutuhan/" in url and "/usulan" in url for url in urls)
    urls += [f"/inovasi/{hidden['public'].slug}/minat?kebutuhan={hidden['need'].id}"]
    before = _fingerprint(), _db.session.scalar(sa.select(sa.func.count(ReplicationEvent.id)))
    data = {"csrf_token": token, "stage": "implemented", "adopter": ELSEWHERE, "version": "1", "title": "Diubah",
            "comment": "x", "notes": "x", "message": "x", "body": "x"}  # fmt: skip
    for url in urls:
        response = client.post(url, data=data)
        if role == "anonymous":  # the login page, or a refused CSRF token before it
            assert response.status_code == 400 or "/masuk" in response.headers.get("Location", ""), url
        else:
            assert response.status_code == 404, (url, response.status_code)
        _db.session.expire_all()
    assert (_fingerprint(), _db.session.scalar(sa.select(sa.func.count(ReplicationEvent.id)))) == before
