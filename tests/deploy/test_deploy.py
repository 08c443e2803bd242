"""deploy/ on this machine: gunicorn (deploy/gunicorn.conf.py) on the test PostgreSQL database behind
nginx (deploy/nginx/hygiene.conf rendered into a temporary folder): sign in, upload a photo
through nginx, read it back as nginx sends it after the application's access check."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.deploy.conftest import NO_NGINX, in_ci, jpeg, nginx_binary
from tests.serving.served import free_port

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


@pytest.fixture
def deployed(app, world, inspection, tmp_path):
    """nginx's address while gunicorn and nginx run with the deploy/ configuration."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
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
    env = {**os.environ, **{key: values[key] for key in ("PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO",
                                                         "PHOTO_ACCEL_PREFIX", "HYGIENE_CONFIG")},
           "DATABASE_URL": url, "SECRET_KEY": "deploy-test-secret-0123456789abcdef",
           "UPLOAD_DIR": app.config["UPLOAD_DIR"], "HYGIENE_BIND": f"127.0.0.1:{web}", "WEB_CONCURRENCY": "2",
           "WEB_THREADS": "2", "HYGIENE_INSECURE_COOKIES": "1", "PYTHONPATH": str(ROOT)}
    env.pop("TEST_DATABASE_URL", None)
    logs = (tmp_path / "gunicorn.log").open("w")
    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                                 "hygiene:create_app()"], cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT)
    front_end = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                                  "-e", str(tmp_path / "error.log"), "-g", "daemon off;"],
                                 stdout=logs, stderr=subprocess.STDOUT)
    try:
        _wait_for(web, gunicorn, tmp_path / "gunicorn.log")
        _wait_for(front, front_end, tmp_path / "gunicorn.log")
        yield f"http://127.0.0.1:{front}", f"http://127.0.0.1:{web}"
    finally:
        for process, stop in ((front_end, signal.SIGQUIT), (gunicorn, signal.SIGTERM)):
            process.send_signal(stop)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        logs.close()


def _wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[:3]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port} within a minute:\n{log.read_text()}")


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _signed_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{base}/login", timeout=30)
    assert form.status_code == 200 and "登录" in form.text
    done = browser.post(f"{base}/login", timeout=30, allow_redirects=False, data={
        "username": username, "password": PASSWORD, "csrf_token": _csrf(form.text)})
    assert done.status_code == 302, f"sign-in of {username} through nginx failed"
    return browser


def test_a_photo_uploaded_through_nginx_is_stored_and_sent_by_nginx_after_the_access_check(
        app, deployed, inspection):
    base, web = deployed
    inspector = _signed_in(base, "inspector_a")
    fill = inspector.get(f"{base}/inspections/{inspection.id}/fill", timeout=30)
    assert fill.status_code == 200
    picture = jpeg(pattern=5)
    sent = inspector.post(f"{base}/inspections/{inspection.id}/photos", timeout=60,
                          headers={"X-CSRFToken": _csrf(fill.text), "Accept": "application/json"},
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
