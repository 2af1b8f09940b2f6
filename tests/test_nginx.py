"""deploy/nginx.conf, run for real by Debian's nginx: media and static from folders, the rest proxied.

The compose stack's nginx (docker-compose.yml) uses this very file; here only its listen
address, upstream and folders are swapped for a free port and temporary folders.
"""

import http.client
import io
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian package nginx-light)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(*, port: int, upstream: str, media: Path, static: Path, temp: Path) -> str:
    """deploy/nginx.conf with test addresses and folders; each swapped line must exist once."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    swaps = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server web:8000;": f"server {upstream};",
        "alias /data/media/;": f"alias {media}/;",
        "alias /app/var/static/;": f"alias {static}/;",
        "worker_processes auto;": "worker_processes 1;",
    }
    for old, new in swaps.items():
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has {old!r} once"
        text = text.replace(old, new)
    temp_paths = "".join(
        f"    {kind}_temp_path {temp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {\n", "http {\n" + temp_paths, 1)


@pytest.fixture
def served_dir():
    """A folder nginx's unprivileged workers may read (pytest's tmp_path is private to its user),
    as the shared volumes are in the compose stack."""
    path = Path(tempfile.mkdtemp(prefix="fk-nginx-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start_nginx(tmp_path: Path, *, upstream: str, media: Path, static: Path):
    port = _free_port()
    # Request bodies over 16 KiB are buffered here by the workers (nobody, when started as root).
    temp = media.parent / "nginx-temp"
    temp.mkdir()
    temp.chmod(0o777)
    conf = tmp_path / "nginx.conf"
    conf.write_text(_config(port=port, upstream=upstream, media=media, static=static, temp=temp))
    log = open(tmp_path / "nginx.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            NGINX,
            "-e",
            "stderr",
            "-p",
            str(tmp_path),
            "-c",
            str(conf),
            "-g",
            f"daemon off; pid {tmp_path / 'nginx.pid'};",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"nginx exited:\n{log.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("nginx did not listen within 10 s")
    return proc, port, log


def _stop(proc, log) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _get(port: int, path: str, *, method: str = "GET", headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "#b5532a").save(buffer, format="JPEG")
    return buffer.getvalue()


class _Backend(BaseHTTPRequestHandler):
    """Stands in for gunicorn: records each request and answers who it is."""

    seen: list = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        type(self).seen.append({"path": self.path, "headers": dict(self.headers), "body_length": len(body)})
        payload = b"from django"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def stack(tmp_path, served_dir):
    """nginx with deploy/nginx.conf in front of a recording backend, with media and static folders."""
    media, static = served_dir / "media", served_dir / "static"
    (media / "images" / "products").mkdir(parents=True)
    (static / "faelleskurv" / "css").mkdir(parents=True)
    _Backend.seen = []
    backend = ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    threading.Thread(target=backend.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    upstream = f"127.0.0.1:{backend.server_port}"
    proc, port, log = _start_nginx(tmp_path, upstream=upstream, media=media, static=static)
    yield {"port": port, "media": media, "static": static, "seen": _Backend.seen}
    _stop(proc, log)
    backend.shutdown()
    backend.server_close()


def test_media_file_is_served_by_nginx_with_its_image_type(stack):
    jpeg = _jpeg()
    (stack["media"] / "images" / "products" / "honning.jpg").write_bytes(jpeg)

    status, headers, body = _get(stack["port"], "/media/images/products/honning.jpg")

    assert status == 200
    assert headers["content-type"] == "image/jpeg"
    assert headers["x-content-type-options"] == "nosniff"
    assert body == jpeg
    assert stack["seen"] == []  # the app was not asked


def test_missing_media_file_is_404_without_asking_the_app(stack):
    status, _, _ = _get(stack["port"], "/media/images/products/gone.jpg")

    assert status == 404
    assert stack["seen"] == []


def test_hashed_static_file_is_cached_for_a_year_and_unhashed_briefly(stack):
    css = stack["static"] / "faelleskurv" / "css"
    (css / "shop.0123456789ab.css").write_text("body{color:#222}")
    (css / "shop.css").write_text("body{color:#222}")

    status, headers, body = _get(stack["port"], "/static/faelleskurv/css/shop.0123456789ab.css")
    _, plain_headers, _ = _get(stack["port"], "/static/faelleskurv/css/shop.css")

    assert status == 200 and body == b"body{color:#222}"
    assert headers["content-type"] == "text/css"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain_headers["cache-control"] == "public, max-age=60"


def test_other_paths_go_to_the_app_with_host_scheme_and_client_address(stack):
    headers = {"Host": "faelleskurv.example:8000", "X-Forwarded-For": "203.0.113.9"}

    status, _, body = _get(stack["port"], "/da/katalog/?q=honning", headers=headers)
    _get(stack["port"], "/da/", headers={"Host": "faelleskurv.example", "X-Forwarded-Proto": "https"})

    assert status == 200 and body == b"from django"
    direct, behind_tls = stack["seen"]
    assert direct["path"] == "/da/katalog/?q=honning"
    assert direct["headers"]["Host"] == "faelleskurv.example:8000"
    assert direct["headers"]["X-Forwarded-Proto"] == "http"
    # The address nginx saw, not the one the client claimed (login lock-outs count per address).
    assert direct["headers"]["X-Forwarded-For"] == "127.0.0.1"
    # Behind a TLS terminator its scheme is passed on, so Django sees a secure request.
    assert behind_tls["headers"]["X-Forwarded-Proto"] == "https"


def test_a_product_image_upload_of_several_megabytes_reaches_the_app(stack):
    body = b"x" * (4 * 1024 * 1024)  # nginx's default limit is 1 MiB

    status, _, _ = _get(
        stack["port"],
        "/da/dashboard/catalogue/products/1/",
        method="POST",
        body=body,
        headers={"Content-Type": "application/octet-stream"},
    )

    assert status == 200
    assert stack["seen"][0]["body_length"] == len(body)


@pytest.mark.django_db(transaction=True)
def test_vendor_logo_on_a_page_from_the_app_is_served_through_nginx(
    tmp_path, served_dir, live_server, settings, client
):
    """The whole path: a page rendered by Django (no media serving, DEBUG off) names the logo's
    URL, and that URL answers 200 through nginx from the media folder the app wrote to (with
    the permissions Django gives uploads, readable by nginx's workers)."""
    from marketplace.demo import seed_base
    from vendors.tests.conftest import VALID_CVRS, make_vendor

    settings.MEDIA_ROOT = str(served_dir / "media")
    seed_base()
    vendor = make_vendor("n", cvr=VALID_CVRS[0])
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "#5b8c3a").save(buffer, format="PNG")
    vendor.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    static = served_dir / "static"
    static.mkdir()
    upstream = live_server.url.removeprefix("http://")
    media = Path(settings.MEDIA_ROOT)
    proc, port, log = _start_nginx(tmp_path, upstream=upstream, media=media, static=static)
    try:
        status, _, page = _get(port, f"/da/vendors/{vendor.slug}/")
        logo_url = re.search(r'src="(/media/[^"]+)"', page.decode()).group(1)
        logo_status, logo_headers, logo = _get(port, logo_url)
    finally:
        _stop(proc, log)

    assert status == 200
    assert logo_status == 200
    assert logo_headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(logo)).size[0] > 0
    # Django itself serves no media with DEBUG off (urls.py), so without nginx this is a 404.
    assert client.get(logo_url).status_code == 404
