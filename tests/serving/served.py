"""Start `flask --app hygiene serve` (waitress) or gunicorn with deploy/gunicorn.conf.py as a real
process on a free port; sign in to it over HTTP as a browser does."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def migrated_sqlite(folder: Path) -> str:
    """An SQLite file with the schema made by the migrations (in a process of its own)."""
    url = f"sqlite:///{folder / 'hygiene.db'}"
    migrate(url, folder)
    return url


def migrate(url: str, folder: Path) -> None:
    """Make the schema of the database at `url` with the migrations, in a process of its own."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "hygiene", "db", "upgrade"], cwd=ROOT, check=True,
                   env=server_env(url, folder), capture_output=True, timeout=180)


def server_env(url: str, folder: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_URL", "FLASK_DEBUG")}
    return {**env, "HYGIENE_CONFIG": "development", "HYGIENE_DEMO": "0", "DATABASE_URL": url,
            "SECRET_KEY": "served-test-secret-0123456789abcdef", "UPLOAD_DIR": str(folder / "uploads"),
            "PYTHONPATH": str(ROOT), **extra}


@contextmanager
def serving(url: str, folder: Path, *args: str, **extra: str):
    """Yield (base URL, the process) while `flask serve` answers; stop it with SIGTERM afterwards."""
    port = free_port()
    log = open(folder / f"serve-{port}.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "hygiene", "serve", "--port", str(port),
                                *args], cwd=ROOT, env=server_env(url, folder, **extra),
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(port, process, Path(log.name))
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process, signal.SIGTERM, 20)
        log.close()


@contextmanager
def gunicorn_serving(url: str, upload_dir: str, log: Path, *, workers: int = 2, threads: int = 2,
                     port: int | None = None, **extra: str):
    """Yield (base URL, the master process) while gunicorn with deploy/gunicorn.conf.py (gthread,
    HYGIENE_CONFIG=production) answers on `url`'s database; stop it with SIGTERM afterwards."""
    port = port or free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_URL", "FLASK_DEBUG")}
    env |= {"HYGIENE_CONFIG": "production", "DATABASE_URL": url, "SECRET_KEY": "deploy-test-secret-0123456789abcdef",
            "UPLOAD_DIR": upload_dir, "HYGIENE_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
            "WEB_THREADS": str(threads), "HYGIENE_INSECURE_COOKIES": "1", "PYTHONPATH": str(ROOT), **extra}
    with log.open("a") as output:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                                    "hygiene:create_app()"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process, signal.SIGTERM)


def stop(process: subprocess.Popen, how: int = signal.SIGTERM, seconds: float = 30) -> None:
    """Ask a process to stop; kill it when it has not within `seconds`."""
    if process.poll() is None:
        process.send_signal(how)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def output_of(folder: Path) -> str:
    return "".join(path.read_text() for path in sorted(folder.glob("serve-*.log")))


def wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Return when something answers on `port`; fail with the log when `process` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[:5]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port} within {seconds:g} s:\n{log.read_text()}")


def csrf(page: str) -> str:
    """The CSRF token of a page (a form's hidden field or the page's meta tag)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def signed_in(base: str, username: str, password: str) -> requests.Session:
    """A browser session signed in as `username` through the sign-in form."""
    browser = requests.Session()
    form = browser.get(f"{base}/login", timeout=30)
    assert form.status_code == 200 and "登录" in form.text
    done = browser.post(f"{base}/login", timeout=30, allow_redirects=False, data={
        "username": username, "password": password, "csrf_token": csrf(form.text)})
    assert done.status_code == 302, f"sign-in of {username} failed ({done.status_code})"
    return browser


def incomplete_photos(app) -> list[int]:
    """Ids of photo rows whose files are not all in the photo store (a write left half-done)."""
    import sqlalchemy as sa

    from hygiene.extensions import db
    from hygiene.media.models import Photo
    from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, configured_store, photo_key

    store = configured_store(app.config)
    with app.app_context():
        return [photo.id for photo in db.session.scalars(sa.select(Photo))
                if not all(store.exists(photo_key(photo.sha256, name)) for name in (ORIGINAL, DISPLAY, THUMB, MARKER))]
