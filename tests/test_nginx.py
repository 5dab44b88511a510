"""Suar as deployed: nginx with a copy of deploy/nginx/suar.conf (test paths and ports, a
certificate made for the run) in front of gunicorn with deploy/gunicorn.conf.py and two
workers, SUAR_ENV=production, Redis for the rate limits.

nginx comes from Debian (`apt-get install nginx`; .ci/run installs it when missing)."""

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from config import Config
from tests.live import PASSWORD, PEOPLE, PROJECT, _free_port, prepare_env, serve, server_log

SITE = PROJECT / "deploy" / "nginx" / "suar.conf"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _nginx():
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if found is None:
        pytest.fail("nginx is not installed: `apt-get install nginx` (CI's .ci/run installs it)")
    return found


def _certificate(folder):
    """A self-signed certificate for localhost, made for this run."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def site_copy(folder, app_port, http_port, https_port, cert, key):
    """deploy/nginx/suar.conf with test ports and paths; each change must find its line."""
    text = SITE.read_text(encoding="utf-8")
    changes = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen [::]:80 default_server;", ""),
        ("listen [::]:443 ssl default_server;", ""),
        ("listen [::]:80;", ""),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        ("listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("server_name suar.example.go.id;", "server_name localhost;"),
        ("/etc/ssl/suar/fullchain.pem", str(cert)),
        ("/etc/ssl/suar/privkey.pem", str(key)),
        ("/var/www/acme", str(folder / "acme")),
        ("/var/log/nginx/", f"{folder}/logs/"),
        ("/srv/suar/app/app/static/", f"{PROJECT}/app/static/"),
    ]
    for old, new in changes:
        assert old in text, f"deploy/nginx/suar.conf no longer has {old!r}: update tests/test_nginx.py"
        text = text.replace(old, new)
    assert not re.search(r"/srv/|/etc/ssl|/var/| 80;| 443 ", text), text
    (folder / "suar.conf").write_text(text, encoding="utf-8")
    temp = folder / "temp"
    user = "user root root;" if os.geteuid() == 0 else ""  # workers must read the test's own folders
    (folder / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    access_log {folder}/logs/access.log;
    include {folder}/suar.conf;
}}
""",
        encoding="utf-8",
    )
    for sub in ("logs", "temp", "acme"):
        (folder / sub).mkdir(exist_ok=True)
    return folder / "nginx.conf"


def _nginx_command(conf):
    return [_nginx(), "-c", str(conf), "-p", str(conf.parent), "-e", str(conf.parent / "logs" / "error.log")]


class _TLS(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 naming the site "localhost" in the handshake (SNI), as a browser would."""

    def connect(self):
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname="localhost")


class Visitor:
    """A browser at a loopback address of its own (127.0.0.2, ...), keeping its cookies."""

    def __init__(self, port, cert, address="127.0.0.1"):
        self.port, self.address, self.cookies = port, address, {}
        self.context = ssl.create_default_context(cafile=str(cert))

    def request(self, method, path, form=None, headers=None, body=None):
        connection = _TLS("127.0.0.1", self.port, context=self.context, source_address=(self.address, 0), timeout=30)
        headers = {"Host": "localhost", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response.headers, data

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def login(self, email, password):
        status, _, page = self.get("/masuk")
        assert status == 200
        token = _CSRF.search(page.decode()).group(1)
        return self.request("POST", "/masuk", form={"email": email, "password": password, "csrf_token": token})


@pytest.fixture(scope="module")
def deployed(databases, tmp_path_factory):
    """gunicorn (deploy/gunicorn.conf.py, 2 workers) behind nginx; yields what the tests need."""
    env = prepare_env(databases, tmp_path_factory)
    metrics_dir = tmp_path_factory.mktemp("metrics")
    env.update(
        SUAR_ENV="production",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        RATELIMIT_KEY_PREFIX=f"suar-test-{uuid.uuid4().hex[:8]}",  # a shared Redis: keys of this run only
        TRUSTED_HOSTS="localhost",
        PROXY_FIX_FOR="1",
        LOG_FORMAT="json",
        LOGIN_RATE_LIMIT="3 per minute",
        PAGE_CACHE="on",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    folder = tmp_path_factory.mktemp("nginx")
    cert, key = _certificate(folder)
    with serve(env, "nginx", deployed=True) as (base, gunicorn):
        http_port, https_port = _free_port(), _free_port()
        conf = site_copy(folder, int(base.rsplit(":", 1)[1]), http_port, https_port, cert, key)
        nginx = subprocess.Popen([*_nginx_command(conf), "-g", "daemon off;"], stderr=subprocess.PIPE)
        try:
            _wait_for_port(https_port, nginx)
            yield {
                "env": env, "base": base, "gunicorn": gunicorn, "conf": conf, "cert": cert, "folder": folder,
                "http": http_port, "https": https_port, "metrics_dir": metrics_dir,
            }  # fmt: skip
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
            nginx.stderr.close()


def _wait_for_port(port, process):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped: {process.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("nginx did not listen")


def _eventually(read, deadline=10):
    """What ``read()`` returns once it is true: logs are written after the answer is sent."""
    until = time.monotonic() + deadline
    while not (found := read()) and time.monotonic() < until:
        time.sleep(0.1)
    return found


def _app_log(request_id):
    def read():
        lines = server_log("nginx").read_text(encoding="utf-8").splitlines()
        found = [json.loads(line) for line in lines if line.startswith("{") and request_id in line]
        return [line for line in found if line.get("event") == "request"]

    return _eventually(read)


def test_nginx_accepts_the_site(deployed):
    result = subprocess.run([*_nginx_command(deployed["conf"]), "-t"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_the_request_body_limit_is_the_apps(deployed):
    limit = re.search(r"client_max_body_size (\d+)m;", SITE.read_text()).group(1)
    assert int(limit) * 1024 * 1024 == Config(environ={}).MAX_CONTENT_LENGTH
    visitor = Visitor(deployed["https"], deployed["cert"])
    status, _, _ = visitor.request("POST", "/masuk", body=b"x" * (3 * 1024 * 1024))
    assert status == 413
    # The document upload alone takes the app's larger DOCUMENT_UPLOAD_LIMIT.
    document = re.search(r"location ~ \^/kelola/inovasi/\[\^/\]\+/dokumen\$ \{\s*client_max_body_size (\d+)m;",
                         SITE.read_text()).group(1)  # fmt: skip
    assert int(document) * 1024 * 1024 == Config(environ={}).DOCUMENT_UPLOAD_LIMIT
    status, _, _ = visitor.request("POST", "/kelola/inovasi/contoh/dokumen", body=b"x" * (3 * 1024 * 1024))
    assert status != 413
    status, _, _ = visitor.request("POST", "/kelola/inovasi/contoh/dokumen", body=b"x" * (11 * 1024 * 1024))
    assert status == 413


def test_pages_come_through_nginx_with_its_request_id(deployed):
    visitor = Visitor(deployed["https"], deployed["cert"])
    for path in ("/", "/inovasi", "/statistik", "/jaringan", "/sitemap.xml", "/readyz"):
        status, headers, _ = visitor.get(path)
        assert status == 200, path
    status, headers, page = visitor.get("/inovasi")
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    request_id = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, passed on and kept
    (line,) = _app_log(request_id)
    assert line["path"] == "/inovasi" and line["status"] == 200
    access = deployed["folder"] / "logs" / "suar.access.log"
    assert _eventually(lambda: f"request_id={request_id}" in access.read_text())
    # X-Forwarded-Proto through ProxyFix: the links the app builds are https.
    assert "Sitemap: https://localhost/sitemap.xml" in visitor.get("/robots.txt")[2].decode()


def test_plain_http_is_sent_to_https_and_unknown_hosts_are_dropped(deployed):
    connection = http.client.HTTPConnection("127.0.0.1", deployed["http"], timeout=10)
    connection.request("GET", "/inovasi?x=1", headers={"Host": "localhost"})
    response = connection.getresponse()
    assert response.status == 301 and response.headers["Location"] == "https://localhost/inovasi?x=1"
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", deployed["http"], timeout=10)
    connection.request("GET", "/", headers={"Host": "evil.example"})
    with pytest.raises(http.client.RemoteDisconnected):  # 444: closed without an answer
        connection.getresponse()
    connection.close()


def test_static_files_are_served_by_nginx_for_a_year(deployed):
    visitor = Visitor(deployed["https"], deployed["cert"])
    _, _, page = visitor.get("/inovasi")
    css = re.search(r'href="(/static/css/suar\.css\?v=[0-9a-f]{10})"', page.decode()).group(1)
    status, headers, body = visitor.get(css)
    assert status == 200 and body == (PROJECT / "app" / "static" / "css" / "suar.css").read_bytes()
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"].startswith("text/css")
    assert "X-Request-ID" not in headers  # never reached the app


def test_cached_pages_answer_conditional_requests_through_nginx(deployed):
    visitor = Visitor(deployed["https"], deployed["cert"])
    gzip = {"Accept-Encoding": "gzip"}
    visitor.get("/jaringan", headers=gzip)
    status, headers, _ = visitor.get("/jaringan", headers=gzip)
    assert status == 200 and headers["Cache-Control"] == "public, max-age=5, must-revalidate"
    etag = headers["ETag"]  # gzip made it weak (W/"..."): the app still recognises it
    status, headers, body = visitor.get("/jaringan", headers={**gzip, "If-None-Match": etag})
    assert status == 304 and body == b""


def test_nginx_passes_the_apps_compressed_page_on_as_it_is(deployed):
    """The page cache keeps pages gzip-compressed (decision 0107); nginx, which compresses
    what comes uncompressed, sends those bytes on without compressing them again."""
    visitor = Visitor(deployed["https"], deployed["cert"])

    def hit(**headers):  # each worker has its own cache: ask until one answers from it
        for _ in range(20):
            status, answer_headers, body = visitor.get("/jaringan", headers=headers)
            if answer_headers["X-Page-Cache"] == "hit":
                return status, answer_headers, body
        raise AssertionError("no worker answered from its cache")

    _, plain_headers, plain = hit()
    status, headers, squeezed = hit(**{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain_headers and b"</html>" in plain
    assert status == 200 and headers["Content-Encoding"] == "gzip" and gzip.decompress(squeezed) == plain
    # Compressed by nginx on the way, it would come in chunks of unknown length.
    assert headers["Content-Length"] == str(len(squeezed))


def test_a_login_through_nginx(deployed):
    visitor = Visitor(deployed["https"], deployed["cert"])
    status, headers, _ = visitor.login(PEOPLE["editor"][0], PASSWORD)
    assert status == 302, headers
    assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
    status, _, page = visitor.get("/kelola/inovasi")
    assert status == 200 and "Editor" in page.decode()


def test_the_rate_limiter_sees_the_address_nginx_saw(deployed):
    """ProxyFix takes the last X-Forwarded-For entry, the one nginx added: a client cannot
    choose its address by sending the header, and two clients are counted apart."""
    first = Visitor(deployed["https"], deployed["cert"], address="127.0.0.2")
    codes = []
    for n in range(4):
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        page = first.get("/masuk")[2].decode()
        token = _CSRF.search(page).group(1)
        form = {"email": f"tidak-ada-{n}@example.go.id", "password": "salah sekali", "csrf_token": token}
        codes.append(first.request("POST", "/masuk", form=form, headers=forged)[0])
    assert codes == [200, 200, 200, 429]
    second = Visitor(deployed["https"], deployed["cert"], address="127.0.0.3")
    status, _, _ = second.login("tidak-ada-lagi@example.go.id", "salah sekali")
    assert status == 200  # not limited: another address
    engine = sa.create_engine(deployed["env"]["DATABASE_URL"])
    with engine.connect() as connection:
        addresses = set(connection.scalars(sa.text("SELECT address FROM login_failure")))
    engine.dispose()
    assert addresses == {"127.0.0.2", "127.0.0.3"}


def test_metrics_are_not_public_and_add_up_every_worker(deployed):
    visitor = Visitor(deployed["https"], deployed["cert"])
    assert visitor.get("/metrics")[0] == 404

    def home_requests():
        with urllib.request.urlopen(deployed["base"] + "/metrics", timeout=10) as response:  # noqa: S310
            text = response.read().decode()
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "suar_http_requests_total" and sample.labels["endpoint"] == "catalog.home"
        )

    before = home_requests()
    for _ in range(12):
        assert visitor.get("/")[0] == 200
    # A request is counted when its worker closes the response, a moment after the client has
    # read it: wait for the last one (at most 10 s), then ask again.
    deadline = time.monotonic() + 10
    while home_requests() != before + 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    # Each scrape is answered by whichever worker is free; every one adds up both.
    assert [home_requests() for _ in range(6)] == [before + 12] * 6
    pids = {int(name.rsplit("_", 1)[1].split(".")[0]) for name in os.listdir(deployed["metrics_dir"])}
    assert len(pids) >= 2
    # A worker that dies keeps its counts; gunicorn starts another.
    workers = _workers(deployed["gunicorn"].pid)
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 20
    while (len(_workers(deployed["gunicorn"].pid)) < 2 or workers[0] in _workers(deployed["gunicorn"].pid)) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert home_requests() == before + 12


def _workers(master):
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in path.read_text().split()]
