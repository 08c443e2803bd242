"""Benchmark: the offline field app syncing an inspection with 10 camera photos over a weak link.

Run from the repository root: `.venv/bin/python bench/weak_network.py`. The last line printed is one
JSON object (figure, value, unit, baseline, ratio, goal, ...).

The app (/field/) runs in Chromium on a phone viewport against `flask --app hygiene serve` (waitress,
SQLite). Offline, the inspector answers the inspection and takes PHOTOS (10) camera-size photos
(4000x3000 JPEGs of about 4-5 MB, gradients, shapes and sensor-like noise, EXIF time and GPS); the app
shrinks each on the phone (1600 px, JPEG 0.8, EXIF kept) and queues it. Then the network comes back as
a weak mobile link (Chromium's Network.emulateNetworkConditions: UPLOAD_KBIT (500) kbit/s up, 2 Mbit/s
down, LATENCY_MS (150) ms) and the figure is the seconds until the app's badge says nothing waits.
Bytes: the photo files the server received plus every request's headers and other bodies (Playwright's
request sizes), against the raw size of the photos taken. "prepare" (not in the figure): from handing
the files to the page (Playwright copies 45 MB over its protocol) to all 10 kept shrunk in IndexedDB. The service worker is blocked here, so the page's own queue sends everything
through the throttled link (Background Sync would send from the worker, outside the page's throttle).
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from PIL.TiffImagePlugin import IFDRational  # noqa: E402

from bench.uploads import PASSWORD, seed  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, VIEWPORTS, _chromium  # noqa: E402
from tests.serving.served import migrated_sqlite, serving  # noqa: E402

PHOTOS = int(os.environ.get("PHOTOS", "10"))
UPLOAD_KBIT = float(os.environ.get("UPLOAD_KBIT", "500"))
LATENCY_MS = float(os.environ.get("LATENCY_MS", "150"))
GOAL_SECONDS, GOAL_SHARE = 60.0, 0.10


def camera_photo(seed_value: int) -> bytes:
    """A 12-megapixel photo-like JPEG with capture time and GPS in its EXIF."""
    rng, size = random.Random(seed_value), (4000, 3000)
    base = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (base, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), Image.new("L", size, 120)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(40, 500)
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(
            (x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = Image.blend(image, Image.effect_noise(size, 40).convert("RGB"), 0.25)
    exif = Image.Exif()
    exif[0x0112] = 1
    exif.get_ifd(0x8769)[0x9003] = f"2026:11:30 09:{seed_value:02d}:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (IFDRational(30), IFDRational(15), IFDRational(0)),
                                 3: "E", 4: (IFDRational(120), IFDRational(7), IFDRational(30))})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def stored(url: str, inspection_id: int) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT width, height, size_bytes, taken_at, gps_lat FROM photo "
                                    "WHERE inspection_id = :i"), {"i": inspection_id}).all()
        status = conn.execute(sa.text("SELECT status FROM inspection WHERE id = :i"), {"i": inspection_id}).scalar_one()
    engine.dispose()
    return {"photos": len(rows), "status": status, "photo_bytes": sum(r[2] for r in rows), "max_side": max((max(r[0], r[1]) for r in rows), default=0),
            "with_time_and_gps": sum(1 for r in rows if r[3] is not None and r[4] is not None)}


def badge_count(page) -> str:
    return page.locator("#badge").get_attribute("data-count") or ""


def run_app(base: str, inspection_id: int, photos: list[bytes]) -> dict:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      service_workers="block", **VIEWPORTS["phone"])
        context.set_default_timeout(120_000)
        page = context.new_page()
        page.goto("/login")
        page.locator("input[name=username]").fill("inspector")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/$"))
        page.goto("/field/")
        page.get_by_role("button", name="同步离线任务").click()
        page.locator(f'a.task[data-id="{inspection_id}"]').click()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                      "downloadThroughput": -1, "uploadThroughput": -1})
        item = page.locator("fieldset.item").first
        item.locator("label.choice-fail").click()
        started = time.monotonic()
        item.locator("input[type=file]").set_input_files(
            [{"name": f"IMG_{n:04d}.jpg", "mimeType": "image/jpeg", "buffer": data} for n, data in enumerate(photos)])
        expect(item.locator("img.thumb")).to_have_count(len(photos))
        prepare_seconds = time.monotonic() - started
        page.locator("#submit").click()
        page.locator("#submit-confirm").click()
        sent: list[int] = []
        page.on("requestfinished", lambda request: sent.append(
            sum(request.sizes()[k] for k in ("requestBodySize", "requestHeadersSize")))
            if "/api/v1/" in request.url else None)
        started = time.monotonic()
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": LATENCY_MS, "downloadThroughput": 2_000_000 / 8,
            "uploadThroughput": UPLOAD_KBIT * 1000 / 8})
        expect(page.locator("#badge")).to_have_attribute("data-count", "0", timeout=600_000)
        seconds = time.monotonic() - started
        page.wait_for_timeout(500)  # the last requestfinished event
        score = page.locator("#score").text_content()
        browser.close()
    return {"seconds": seconds, "prepare_seconds": prepare_seconds, "bytes_sent": sum(sent),
            "requests": len(sent), "score": score}


def main() -> None:
    photos = [camera_photo(n) for n in range(PHOTOS)]
    raw = sum(len(p) for p in photos)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        url = migrated_sqlite(folder)
        inspection_id = seed(url)
        with serving(url, folder) as (base, _process):
            result = run_app(base, inspection_id, photos)
        kept = stored(url, inspection_id)
    # Playwright gives no body size for a multipart body made of a Blob: the photos' bytes are what
    # the server received of each file (size_bytes, the upload as sent), the rest as Playwright measured
    result["bytes_sent"] += kept["photo_bytes"]
    share = result["bytes_sent"] / raw
    print(f"{PHOTOS} photos, raw {raw / 1e6:.1f} MB; shrunk on the phone in {result['prepare_seconds']:.1f} s; "
          f"synced in {result['seconds']:.1f} s over {UPLOAD_KBIT:g} kbit/s up, {LATENCY_MS:g} ms: "
          f"{result['requests']} requests, {result['bytes_sent'] / 1e6:.2f} MB sent ({share:.1%}); server: {kept}; "
          f"{result['score']}")
    print(json.dumps({
        "figure": f"offline field app: an inspection with {PHOTOS} camera photos synced over {UPLOAD_KBIT:g} kbit/s",
        "value": round(result["seconds"], 1), "unit": "s", "baseline": round(raw / 1e6, 1),
        "ratio": round(share, 3), "goal": f"< {GOAL_SECONDS:g} s and < {GOAL_SHARE:.0%} of the raw bytes",
        "baseline_means": "raw MB of the photos taken; ratio: bytes sent / raw bytes",
        "bytes_sent": result["bytes_sent"], "raw_bytes": raw, "requests": result["requests"],
        "prepare_seconds": round(result["prepare_seconds"], 1), "stored": kept,
        "met": result["seconds"] < GOAL_SECONDS and share < GOAL_SHARE and kept["photos"] == PHOTOS}))


if __name__ == "__main__":
    main()
