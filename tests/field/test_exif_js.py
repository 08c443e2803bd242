"""static/field/exif.js, run by Node: the EXIF block of a camera photo carried over to the JPEG the
canvas made (no EXIF of its own), its orientation set upright, the capture time and GPS kept."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from hygiene.media.exif import read_facts
from tests.media.images import dms, encode, exif_with, scene

EXIF_JS = Path(__file__).resolve().parents[2] / "static" / "field" / "exif.js"
SPLICE = """
globalThis.self = globalThis;
require(process.argv[1]);
const fs = require("fs");
const original = fs.readFileSync(process.argv[2]), small = fs.readFileSync(process.argv[3]);
const segment = self.FieldExif.app1(original.buffer.slice(original.byteOffset, original.byteOffset + original.length));
if (!segment) { process.stdout.write("none"); process.exit(0); }
const out = self.FieldExif.insert(small.buffer.slice(small.byteOffset, small.byteOffset + small.length),
                                  self.FieldExif.upright(segment));
fs.writeFileSync(process.argv[4], out);
process.stdout.write("ok");
"""

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="no Node to run static/field/exif.js")


def splice(tmp_path, original: bytes, small: bytes) -> tuple[str, bytes]:
    (tmp_path / "original.jpg").write_bytes(original)
    (tmp_path / "small.jpg").write_bytes(small)
    done = subprocess.run(["node", "-e", SPLICE, str(EXIF_JS), str(tmp_path / "original.jpg"),
                           str(tmp_path / "small.jpg"), str(tmp_path / "out.jpg")],
                          capture_output=True, text=True, timeout=60, check=True)
    out = tmp_path / "out.jpg"
    return done.stdout, out.read_bytes() if out.exists() else b""


def test_the_shrunk_photo_keeps_time_and_gps_and_says_upright(tmp_path):
    exif = exif_with(orientation=6, taken="2026:11:30 09:15:20", offset="+08:00",
                     gps={1: "N", 2: dms(30, 15, 0), 3: "E", 4: dms(120, 7, 30)})
    original = encode(scene(1, (1200, 900)), "JPEG", exif=exif.tobytes())
    small = encode(scene(1, (400, 300)).rotate(90, expand=True), "JPEG", quality=80)  # what a canvas gives
    state, out = splice(tmp_path, original, small)
    assert state == "ok"
    image = Image.open(io.BytesIO(out))
    image.load()  # still a sound JPEG
    assert image.size == (300, 400)
    facts = read_facts(image)
    assert facts.orientation == 1
    assert facts.taken_at.isoformat() == "2026-11-30T01:15:20+00:00"
    assert facts.gps == pytest.approx((30.25, 120.125), abs=1e-6)


def test_a_photo_without_exif_is_left_as_the_canvas_made_it(tmp_path):
    state, out = splice(tmp_path, encode(scene(2), "JPEG"), encode(scene(2, (400, 300)), "JPEG"))
    assert state == "none" and out == b""


def test_junk_is_no_jpeg_and_gives_no_exif(tmp_path):
    state, _out = splice(tmp_path, b"\xff\xd8\xff\xe1\xff\xff" + b"junk" * 10, encode(scene(3, (40, 30)), "JPEG"))
    assert state == "none"
