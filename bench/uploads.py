"""Benchmark: phones uploading big photos slowly to `flask --app hygiene serve` (what `make run` serves),
while someone else reads a page over and over.

Run from the repository root: `.venv/bin/python bench/uploads.py`. The last line printed is one JSON
object (figure, value, unit, baseline, ratio, goal, stored, ...).

PHONES (4) phones, signed in as the inspector, each send a different ~5 MB JPEG to the field form's
photo upload at 1 Mbit/s (the client socket writes 12.5 KB every 0.1 s), all at once. Meanwhile the
office's reader fetches the dashboard again and again. Figure: the reader's p95 during the uploads;
baseline: the reader's p95 on the same server with no upload running (measured first). Also: whether
every upload was answered 201 and its photo row and files stored. Environment: PHONES, PHOTO_MB, MBIT.
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from PIL import Image  # noqa: E402

from tests.serving.served import migrated_sqlite, serving  # noqa: E402

PHONES = int(os.environ.get("PHONES", "4"))
PHOTO_MB = float(os.environ.get("PHOTO_MB", "5"))
MBIT = float(os.environ.get("MBIT", "1"))
PASSWORD = "bench-password-1"
TICK = 0.1  # seconds between two writes of a phone
SHEET = {"code": "bench-sheet", "name": "测试表", "applies_to": "unit", "pass_mark": 60,
         "sections": [{"title": "环境", "items": [{"text": "地面整洁", "points": 100, "photo_on_fail": True}]}]}


def seed(url: str) -> int:
    """A township, a village, a unit, an admin and an inspector; one open inspection. Returns its id."""
    from config import TestConfig
    from hygiene import create_app
    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role, User
    from hygiene.checklists.services import template_save
    from hygiene.checklists.spec import parse_template
    from hygiene.extensions import db
    from hygiene.inspections.models import Inspection
    from hygiene.places.models import Township, Unit, Village

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        town = Township(name="清溪镇")
        db.session.add(town)
        db.session.flush()
        village = Village(name="东山村", township_id=town.id)
        db.session.add(village)
        db.session.flush()
        unit = Unit(name="东山饭店", category="catering", village_id=village.id)
        db.session.add(unit)
        users = [User(username="admin", display_name="爱卫办", role="admin", township_id=town.id),
                 User(username="inspector", display_name="检查员", role="inspector", township_id=town.id)]
        for user in users:
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.flush()
        version = template_save(scope=Scope(Role.ADMIN, township_id=town.id), actor_id=None,
                                spec=parse_template(SHEET))
        inspection = Inspection(version_id=version.id, township_id=town.id, village_id=village.id,
                                target_kind="unit", target_id=unit.id, unit_id=unit.id, target_label="东山饭店",
                                planned_date=date.today(), due_date=date.today())
        inspection.inspectors = [users[1]]
        db.session.add(inspection)
        db.session.commit()
        ident = inspection.id
        db.engine.dispose()
    return ident


def photo(seed_value: int) -> bytes:
    """A noisy JPEG of about PHOTO_MB megabytes (noise does not compress: a phone photo's size)."""
    side = int((PHOTO_MB / 4.2) ** 0.5 * 2600)
    rng = random.Random(seed_value)
    image = Image.frombytes("RGB", (side, side * 3 // 4), rng.randbytes(side * (side * 3 // 4) * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def signed_in(base: str, username: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    form = browser.get(f"{base}/login", timeout=60)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    done = browser.post(f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                        allow_redirects=False, timeout=60)
    assert done.status_code == 302, f"sign-in of {username} failed"
    return browser, token


def slow_upload(base: str, browser: requests.Session, token: str, inspection_id: int, data: bytes,
                results: list) -> None:
    """POST the photo through a socket that sends MBIT megabits a second; record the status."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"phone.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    head = (f"POST /inspections/{inspection_id}/photos HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
            f"X-CSRFToken: {token}\r\nAccept: application/json\r\nConnection: close\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n")
    port = int(base.rsplit(":", 1)[1])
    step = int(MBIT * 1_000_000 / 8 * TICK)
    with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
        sock.sendall(head.encode())
        start = time.monotonic()
        for number, offset in enumerate(range(0, len(body), step)):
            sock.sendall(body[offset:offset + step])
            time.sleep(max(0.0, start + (number + 1) * TICK - time.monotonic()))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    results.append(int(answer.split(b" ", 2)[1]) if answer else 0)


def reader_times(browser: requests.Session, url: str, until) -> list[float]:
    times = []
    while not until():
        start = time.perf_counter()
        response = browser.get(url, timeout=120)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        time.sleep(0.05)  # a person clicking, not a load generator
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] * 1000


def stored_photos(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM photo")).scalar_one()
    engine.dispose()
    return int(count)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        url = migrated_sqlite(folder)
        inspection_id = seed(url)
        pictures = [photo(n) for n in range(PHONES)]
        with serving(url, folder) as (base, _process):
            reader, _token = signed_in(base, "admin")
            page = f"{base}/"
            reader.get(page, timeout=60)
            quiet_end = time.monotonic() + 15
            quiet = reader_times(reader, page, lambda: time.monotonic() > quiet_end)
            phones = [signed_in(base, "inspector") for _ in range(PHONES)]
            results: list[int] = []
            senders = [threading.Thread(target=slow_upload, args=(base, browser, token, inspection_id, data, results))
                       for (browser, token), data in zip(phones, pictures, strict=True)]
            started = time.monotonic()
            for sender in senders:
                sender.start()
            busy = reader_times(reader, page, lambda: not any(sender.is_alive() for sender in senders))
            upload_seconds = time.monotonic() - started
            for sender in senders:
                sender.join()
        stored = stored_photos(url)
    base_p95, busy_p95 = p95(quiet), p95(busy)
    print(f"reader: {len(quiet)} pages quiet (p95 {base_p95:.1f} ms), {len(busy)} during uploads "
          f"(p95 {busy_p95:.1f} ms, max {max(busy) * 1000:.1f} ms); uploads {results} in {upload_seconds:.0f} s, "
          f"{stored} of {PHONES} photos stored; photo {len(pictures[0]) / 1e6:.1f} MB at {MBIT} Mbit/s")
    print(json.dumps({
        "figure": f"dashboard p95 while {PHONES} phones upload {PHOTO_MB:g} MB photos at {MBIT:g} Mbit/s (flask serve)",
        "value": round(busy_p95, 1), "unit": "ms", "baseline": round(base_p95, 1),
        "ratio": round(busy_p95 / base_p95, 2), "goal": "ratio <= 3 and every upload stored",
        "stored": f"{stored}/{PHONES}", "uploads_201": sum(1 for status in results if status == 201),
        "upload_seconds": round(upload_seconds, 1), "max_ms": round(max(busy) * 1000, 1)}))


if __name__ == "__main__":
    main()
