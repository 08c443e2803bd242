"""A web worker killed (kill -9) in the middle of serving: gunicorn (deploy/gunicorn.conf.py, gthread,
2 workers) on the test's database, SQLite file or PostgreSQL. Photos are uploaded from several
threads while one worker is killed: the master starts a new one, the other worker keeps answering,
a request cut off leaves no photo row without its files, and afterwards every request succeeds."""
from __future__ import annotations

import os
import signal
import threading
import time
from io import BytesIO
from pathlib import Path

import requests
import sqlalchemy as sa
from PIL import Image

from hygiene.extensions import db
from hygiene.media.models import Photo
from tests.conftest import PASSWORD
from tests.serving.served import csrf, gunicorn_serving, incomplete_photos, signed_in

PHONES = 4


def workers_of(master: int) -> set[int]:
    """Pids of the processes whose parent is `master` (gunicorn's workers)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.add(int(entry.name))
    return found


def until(check, seconds: float):
    deadline = time.monotonic() + seconds
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def photo() -> bytes:
    """A different picture each time (an upload of the same bytes is kept once), big enough to keep
    a worker busy decoding and resizing it."""
    image = Image.frombytes("RGB", (640, 480), os.urandom(640 * 480 * 3))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_worker_killed_mid_upload_is_replaced_and_leaves_nothing_half_written(app, world, inspection, tmp_path):
    with gunicorn_serving(app.config["SQLALCHEMY_DATABASE_URI"], app.config["UPLOAD_DIR"], tmp_path / "gunicorn.log",
                          workers=2, threads=2) as (base, master):
        assert until(lambda: len(workers_of(master.pid)) == 2, 30), "gunicorn did not start two workers"
        inspector = signed_in(base, "inspector_a", PASSWORD)
        token = csrf(inspector.get(f"{base}/inspections/{inspection.id}/fill", timeout=30).text)
        cookies = inspector.cookies.get_dict()
        outcomes: list[tuple[float, str]] = []  # (when, "201" / "200" / "connection error" / other status)
        stopping = threading.Event()

        def phone(number: int) -> None:
            session = requests.Session()
            session.cookies.update(cookies)
            sent = 0
            while not stopping.is_set():
                sent += 1
                try:
                    if sent % 3:
                        answer = session.post(
                            f"{base}/inspections/{inspection.id}/photos", timeout=60,
                            headers={"X-CSRFToken": token, "Accept": "application/json"},
                            data={"item_id": inspection.floor},
                            files={"photo": (f"{number}-{sent}.jpg", photo(), "image/jpeg")})
                    else:
                        answer = session.get(f"{base}/inspections/{inspection.id}", timeout=60)
                    outcomes.append((time.monotonic(), str(answer.status_code)))
                except requests.ConnectionError:
                    outcomes.append((time.monotonic(), "connection error"))

        phones = [threading.Thread(target=phone, args=(number,)) for number in range(PHONES)]
        for thread in phones:
            thread.start()
        try:
            assert until(lambda: len(outcomes) >= 8, 60), "no requests answered before the kill"
            before = set(workers_of(master.pid))
            victim = min(before)
            os.kill(victim, signal.SIGKILL)
            killed = time.monotonic()
            replaced = until(lambda: (now := workers_of(master.pid)) and len(now) == 2 and victim not in now, 30)
            assert replaced, "the master did not start a new worker"
            new_worker = (workers_of(master.pid) - before).pop()
            assert until(lambda: len([1 for when, _ in outcomes if when > killed + 3]) >= 8, 60)
        finally:
            stopping.set()
            for thread in phones:
                thread.join(90)

        during = [what for when, what in outcomes if when <= killed + 3]
        after = [what for when, what in outcomes if when > killed + 3]
        assert set(during) <= {"200", "201", "connection error"}, during  # never a 500
        assert during.count("201") >= 4 and after and set(after) <= {"200", "201"}, (during, after)
        assert master.poll() is None and new_worker in workers_of(master.pid)

        again = signed_in(base, "admin_a", PASSWORD)  # a new sign-in lands on whichever worker: all work
        assert all(again.get(f"{base}{url}", timeout=30).status_code == 200
                   for url in ("/", "/register/villages/", f"/inspections/{inspection.id}") * 3)

    uploaded = sum(1 for _when, what in outcomes if what == "201")
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count(Photo.id)).where(Photo.inspection_id == inspection.id))
    cut_off = sum(1 for _when, what in outcomes if what == "connection error")
    assert uploaded <= rows <= uploaded + cut_off  # an upload cut off was kept whole or not at all
    assert incomplete_photos(app) == []
