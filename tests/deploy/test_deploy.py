"""deploy/ on this machine: gunicorn (deploy/gunicorn.conf.py) on the test PostgreSQL database behind
nginx (deploy/nginx/hygiene.conf rendered into a temporary folder): sign in, upload a photo
through nginx, read it back as nginx sends it after the application's access check."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.media.models import Photo
from tests.conftest import PASSWORD
from tests.deploy.conftest import NO_NGINX, in_ci, jpeg, nginx_binary
from tests.serving.served import (
    csrf,
    free_port,
    gunicorn_serving,
    incomplete_photos,
    signed_in,
    stop,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
from render import read_env, render  # noqa: E402  (deploy/render.py, what the README runs)

# the SQLite pass of `make test` skips it before building any data; the PostgreSQL pass runs it
pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                                reason="the deploy test runs in the PostgreSQL pass (make test runs both)")

MAIN_CONF = """worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


@contextmanager
def deploying(app, tmp_path: Path, *, workers: int = 2, threads: int = 2):
    """Yield (nginx's address, gunicorn's) while gunicorn and nginx run with the deploy/ configuration."""
    nginx = nginx_binary()
    if nginx is None:
        if in_ci():
            pytest.fail(NO_NGINX.replace("are SKIPPED", "cannot run: CI must install nginx"), pytrace=False)
        pytest.skip(NO_NGINX)
    web, front = free_port(), free_port()
    values = {**read_env(ROOT / "deploy" / "hygiene.env.example"),
              "LISTEN": f"127.0.0.1:{front}", "SERVER_NAME": "127.0.0.1", "UPSTREAM": f"127.0.0.1:{web}",
              "STATIC_DIR": str(ROOT / "static"), "UPLOAD_DIR": app.config["UPLOAD_DIR"]}
    (tmp_path / "site.conf").write_text(render((ROOT / "deploy/nginx/hygiene.conf").read_text(), values))
    (tmp_path / "nginx.conf").write_text(MAIN_CONF.format(
        tmp=tmp_path, user="user root root;" if os.geteuid() == 0 else ""))
    log = tmp_path / "gunicorn.log"
    settings = {key: values[key] for key in ("PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "PHOTO_ACCEL_PREFIX",
                                             "HYGIENE_CONFIG")}
    with gunicorn_serving(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_DIR"], log, port=web,
                          workers=workers, threads=threads, **settings) as (gunicorn, _master):
        with log.open("a") as output:
            front_end = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                                          "-e", str(tmp_path / "error.log"), "-g", "daemon off;"],
                                         stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_for(front, front_end, log)
            yield f"http://127.0.0.1:{front}", gunicorn
        finally:
            stop(front_end, signal.SIGQUIT)


@pytest.fixture
def deployed(app, world, inspection, tmp_path):
    """nginx's address and gunicorn's (2 workers of 2 threads) while both run."""
    with deploying(app, tmp_path) as addresses:
        yield addresses


def _signed_in(base: str, username: str) -> requests.Session:
    return signed_in(base, username, PASSWORD)


def test_a_photo_uploaded_through_nginx_is_stored_and_sent_by_nginx_after_the_access_check(
        app, deployed, inspection):
    base, web = deployed
    inspector = _signed_in(base, "inspector_a")
    fill = inspector.get(f"{base}/inspections/{inspection.id}/fill", timeout=30)
    assert fill.status_code == 200
    picture = jpeg(pattern=5)
    sent = inspector.post(f"{base}/inspections/{inspection.id}/photos", timeout=60,
                          headers={"X-CSRFToken": csrf(fill.text), "Accept": "application/json"},
                          files={"photo": ("field.jpg", picture, "image/jpeg")}, data={"item_id": inspection.floor})
    assert sent.status_code == 201, sent.text
    display = sent.json()["display"]

    shown = inspector.get(f"{base}{display}", timeout=30)
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert shown.content[:2] == b"\xff\xd8" and "X-Accel-Redirect" not in shown.headers
    assert shown.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    stored = list(Path(app.config["UPLOAD_DIR"]).rglob("display.jpg"))
    assert shown.content in [path.read_bytes() for path in stored]

    behind = inspector.get(f"{web}{display}", timeout=30)  # gunicorn itself: the check, not the bytes
    assert behind.status_code == 200 and behind.content == b""
    accel = behind.headers["X-Accel-Redirect"]
    assert accel.startswith("/_photos/") and accel.endswith("/display.jpg")
    assert inspector.get(f"{base}{accel}", timeout=30).status_code == 404  # internal only

    stranger = _signed_in(base, "village_b1")
    assert stranger.get(f"{base}{display}", timeout=30).status_code == 404
    assert requests.get(f"{base}{display}", timeout=30, allow_redirects=False).status_code == 302  # to sign-in


def test_nginx_refuses_a_body_beyond_the_limit_and_serves_the_static_files(deployed):
    base, _web = deployed
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 209715200\r\n\r\n")
        assert sock.recv(64).split(b" ")[1] == b"413"
    css = requests.get(f"{base}/static/css/app.css", timeout=30)
    assert css.status_code == 200 and css.headers.get("Expires")


# --- slow phones through nginx ---------------------------------------------------------------------

RATE = 125_000  # bytes a second: 1 Mbit/s, a village phone on a fair signal


def noisy_jpeg(seed: int, size: tuple[int, int] = (2500, 1800)) -> bytes:
    """A phone-sized photo of about 5 MB (noise does not compress); each seed a different picture."""
    import random
    from io import BytesIO

    from PIL import Image

    noise = random.Random(seed).randbytes(size[0] * size[1] * 3)
    buffer = BytesIO()
    Image.frombytes("RGB", size, noise).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


class SlowBody:
    """A request body sent at `RATE` bytes a second; `sent` is set once the last byte has gone."""

    def __init__(self, data: bytes):
        self.data, self.position, self.started = data, 0, time.monotonic()
        self.sent = threading.Event()

    def __len__(self) -> int:
        return len(self.data)

    def read(self, size: int = -1) -> bytes:
        size = min(size if size > 0 else 16384, 16384)
        ahead = self.position / RATE - (time.monotonic() - self.started)
        if ahead > 0:
            time.sleep(ahead)
        chunk = self.data[self.position:self.position + size]
        self.position += len(chunk)
        if not chunk:
            self.sent.set()
        return chunk


def test_three_slow_phone_uploads_through_nginx_do_not_keep_other_users_waiting(app, world, inspection, tmp_path):
    """gunicorn with ONE worker of two threads: without nginx buffering the bodies, three phones
    sending 5 MB at 1 Mbit/s would hold both threads for 40 s and the office's pages would wait."""
    from urllib3 import encode_multipart_formdata

    with deploying(app, tmp_path, workers=1, threads=2) as (base, _web):
        inspector = _signed_in(base, "inspector_a")
        token = csrf(inspector.get(f"{base}/inspections/{inspection.id}/fill", timeout=30).text)
        office = _signed_in(base, "admin_a")
        bodies, answers, sizes = [], {}, []
        for number in range(3):
            picture = noisy_jpeg(number)
            assert len(picture) >= 5_000_000
            sizes.append(len(picture))
            data, content_type = encode_multipart_formdata({
                "item_id": str(inspection.floor), "photo": (f"phone-{number}.jpg", picture, "image/jpeg")})
            bodies.append((SlowBody(data), content_type))

        def upload(number: int) -> None:
            body, content_type = bodies[number]
            answers[number] = inspector.post(
                f"{base}/inspections/{inspection.id}/photos", data=body, timeout=120,
                headers={"X-CSRFToken": token, "Accept": "application/json", "Content-Type": content_type})

        phones = [threading.Thread(target=upload, args=(number,)) for number in range(3)]
        for phone in phones:
            phone.start()
        pages = []  # (status, were all three uploads still sending when the page came back)
        while not any(body.sent.is_set() for body, _type in bodies) and len(pages) < 40:
            time.sleep(0.5)
            for url in ("/", "/register/villages/", f"/inspections/{inspection.id}"):
                status = office.get(f"{base}{url}", timeout=60).status_code
                pages.append((status, not any(body.sent.is_set() for body, _type in bodies)))
        for phone in phones:
            phone.join(120)

    answered_meanwhile = [status for status, sending in pages if sending]
    assert len(answered_meanwhile) >= 6 and set(answered_meanwhile) == {200}, pages
    assert all(body.position == len(body.data) for body, _type in bodies)  # the phones did send it all
    assert sorted(answers) == [0, 1, 2] and all(answers[n].status_code == 201 for n in answers), {
        n: (answer.status_code, answer.text[:200]) for n, answer in answers.items()}
    with app.app_context():
        stored = db.session.scalars(sa.select(Photo).where(Photo.inspection_id == inspection.id)).all()
        assert sorted(photo.size_bytes for photo in stored) == sorted(sizes)
    assert incomplete_photos(app) == []  # every row has its original, display copy, thumbnail and marker
