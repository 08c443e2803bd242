"""`flask --app hygiene serve` (what `make run` starts): waitress, the scheduler inside, SQLite in WAL mode."""
from __future__ import annotations

import socket
import sqlite3
import threading
import urllib.request

import pytest

from tests.serving.served import migrated_sqlite, output_of, serving

BODY = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One served process for the module, with a single worker thread: slow bodies must not need it."""
    folder = tmp_path_factory.mktemp("serve")
    url = migrated_sqlite(folder)
    with serving(url, folder, "--threads", "1") as (base, _process):
        yield base, folder


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def _open_upload(base: str, length: int) -> socket.socket:
    """A client that has sent the headers of a POST with a `length`-byte body and nothing more."""
    port = int(base.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                 f"Content-Length: {length}\r\nConnection: close\r\n\r\n".encode())
    return sock


def _status_of(sock: socket.socket) -> int:
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split(b" ", 2)[1])


def test_the_login_page_is_served_by_waitress_with_the_scheduler_and_sqlite_in_wal_mode(server):
    base, folder = server
    status, page = _get(f"{base}/login")
    assert status == 200 and "登录" in page
    with urllib.request.urlopen(f"{base}/login", timeout=30) as response:
        assert response.headers["Server"] == "hygiene"  # waitress's ident, not Werkzeug's
    output = output_of(folder)
    assert "with waitress, 1 threads" in output and "SQLite journal: wal" in output
    assert "Scheduler started in this process" in output
    with sqlite3.connect(folder / "hygiene.db") as conn:  # WAL is a property of the file itself
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_slow_uploads_do_not_hold_the_only_worker_thread(server):
    """Two phones each send half a body and stall; a third client's page answers before either
    upload completes, and both uploads are then answered (waitress buffers bodies first)."""
    base, _folder = server
    order: list[str] = []
    uploads = [_open_upload(base, BODY) for _ in range(2)]
    try:
        for sock in uploads:
            sock.sendall(b"x" * (BODY // 2))
        page_done = threading.Event()

        def fetch_page() -> None:
            status, _text = _get(f"{base}/login")
            order.append(f"page {status}")
            page_done.set()

        reader = threading.Thread(target=fetch_page)
        reader.start()
        assert page_done.wait(60), "the page did not answer while two uploads were in flight"
        for number, sock in enumerate(uploads):
            sock.sendall(b"x" * (BODY - BODY // 2))
            order.append(f"upload {number} {_status_of(sock)}")
        reader.join()
    finally:
        for sock in uploads:
            sock.close()
    assert order[0] == "page 200"
    assert [entry.split()[:2] for entry in order[1:]] == [["upload", "0"], ["upload", "1"]]
    assert all(int(entry.split()[2]) < 500 for entry in order[1:])  # the login form refuses a body, calmly


def test_a_body_far_beyond_the_upload_limit_is_refused_before_it_is_read(server):
    base, _folder = server
    sock = _open_upload(base, 500 * 1024 * 1024)
    try:
        assert _status_of(sock) == 413
    finally:
        sock.close()
    assert _get(f"{base}/login")[0] == 200
