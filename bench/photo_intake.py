"""Benchmark: photo intake of a camera-like 12-megapixel JPEG (or HEIC) against Pillow alone.

Run from the repository root: `.venv/bin/python bench/photo_intake.py`; with `--heic` the same
picture is saved as an iPhone-like HEIC (pillow-heif, quality 40: about 1.8 MB, the size of a
12 MP iPhone photo; x265 takes a minute or two to make it) and both sides decode that HEIC
(figure photo_intake_12mp_heic). The last line printed is one JSON object (figure, value, unit,
baseline, ratio, goal, peak_mem_mb, file_mb).

(a) intake: `photo_intake` into a fresh temporary FileSystemStore each run (the dedupe shortcut is
    never hit), including SHA-256, draft-mode decode, display copy, thumbnail, phash and the four
    fsynced writes.
(b) baseline: Pillow alone: Image.open, a full load(), thumbnail((1600, 1600)) and a JPEG (quality
    82, as the display copy) saved to BytesIO; no hashing, no files.

Runs of (a) and (b) alternate, so a busy machine slows both alike; the medians are compared.
Memory: tracemalloc does not see Pillow's pixel buffers (they are malloc'ed in C), so peak memory is
the peak RSS (VmHWM) of a fresh subprocess doing one run, next to one that only imports and reads
the file.
"""
from __future__ import annotations

import io
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from bench._timing import interleaved_times  # noqa: E402
from hygiene.media.intake import photo_intake  # noqa: E402
from hygiene.media.store import FileSystemStore  # noqa: E402

RUNS = 7
SIZE = (4000, 3000)
QUALITY, HEIC_QUALITY = 91, 40


def camera_like(fmt: str) -> bytes:
    """A generated 4000x3000 scene: gradients, shapes, text and a noise texture, as a camera saves
    it: a JPEG of quality 91, or a HEIC of quality 40 (about 1.8 MB, as an iPhone saves 12 MP)."""
    w, h = SIZE
    rng = random.Random(12)
    image = Image.merge("RGB", (Image.linear_gradient("L").resize(SIZE),
                                Image.radial_gradient("L").resize(SIZE),
                                Image.linear_gradient("L").rotate(90).resize(SIZE)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, h * 2 // 3, w, h), fill=(96, 110, 70))
    for _ in range(60):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(40, 500)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice((draw.ellipse, draw.rectangle))
        shape((x - r, y - r // 2, x + r, y + r // 2), fill=colour, outline=(0, 0, 0), width=6)
    font = ImageFont.load_default(size=140)
    draw.text((200, 200), "甲一村 卫生检查 2024-05-01 09:30", fill=(255, 255, 255), font=font)
    draw.text((200, h - 400), "Hygiene inspection / 公共厕所 / 垃圾收集点", fill=(20, 20, 20), font=font)
    noise = Image.effect_noise(SIZE, 64)
    textured = Image.blend(image, Image.merge("RGB", (noise, noise, noise)), 0.14)
    out = io.BytesIO()
    textured.save(out, fmt, quality=QUALITY if fmt == "JPEG" else HEIC_QUALITY)
    return out.getvalue()


def run_intake(data: bytes, scratch: Path) -> None:
    """One intake into a new, empty store."""
    root = Path(tempfile.mkdtemp(dir=scratch))
    try:
        photo_intake(data, "IMG_20240501_093000.jpg", store=FileSystemStore(root))
    finally:
        shutil.rmtree(root)


def run_pillow(data: bytes) -> None:
    """Pillow alone: open, full decode, thumbnail, JPEG to memory (a HEIC through pillow-heif's
    opener, registered by importing hygiene.media.intake, as in the app)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    image.thumbnail((1600, 1600))
    image.save(io.BytesIO(), "JPEG", quality=82)




def child(kind: str, path: str) -> None:
    """In a fresh process: do one run of `kind` and print its peak RSS and traced Python heap in MB."""
    data = Path(path).read_bytes()
    tracemalloc.start()
    if kind == "intake":
        run_intake(data, Path(tempfile.gettempdir()))
    elif kind == "pillow":
        run_pillow(data)
    traced = tracemalloc.get_traced_memory()[1]
    print(json.dumps({"rss_mb": peak_rss_kib() / 1024, "traced_mb": traced / 1e6}))


def peak_rss_kib() -> int:
    """Peak resident memory of this process in KiB."""
    # VmHWM belongs to this process image; ru_maxrss on Linux also counts the parent's RSS at
    # fork time (the kernel carries it over exec), which would hide a child's own peak
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_memory(path: Path) -> dict:
    """Peak RSS of one run of each kind, each in a fresh subprocess."""
    result = {}
    for kind in ("idle", "intake", "pillow"):
        out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                             check=True, capture_output=True, text=True, cwd=ROOT).stdout
        result[kind] = json.loads(out.strip().splitlines()[-1])
    return result


def filesystem_of(path: Path) -> str:
    """Name the filesystem type holding `path` (fsync cost depends on it)."""
    best, kind = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            mount, fstype = line.split()[1:3]
            if str(path).startswith(mount) and len(mount) > len(best):
                best, kind = mount, fstype
    except OSError:
        pass
    return kind


def measure(data: bytes) -> tuple[dict[str, list[float]], dict]:
    """Time both kinds of work, alternating, then measure their memory in fresh processes."""
    scratch = Path(tempfile.mkdtemp(prefix="photo-bench-"))
    try:
        print(f"store: fresh FileSystemStore per run under {scratch} ({filesystem_of(scratch)}, fsync on)")
        times = interleaved_times({"intake": lambda: run_intake(data, scratch),
                                   "pillow": lambda: run_pillow(data)}, runs=RUNS)
        photo = scratch / "photo"
        photo.write_bytes(data)
        return times, measure_memory(photo)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def report(times: dict[str, list[float]], memory: dict, file_mb: float, figure: str) -> None:
    """Print the human lines, then the JSON figure as the very last line."""
    intake, pillow = statistics.median(times["intake"]), statistics.median(times["pillow"])
    for label, kind, median in (("(a) photo_intake", "intake", intake),
                                ("(b) Pillow alone, full decode", "pillow", pillow)):
        runs = " ".join(f"{t * 1000:.0f}" for t in times[kind])
        print(f"{label:30s} median {median * 1000:6.1f} ms   runs (ms): {runs}")
    print(f"ratio intake / Pillow alone = {intake / pillow:.2f} (goal <= 1.2)")
    idle = memory["idle"]["rss_mb"]
    for kind in ("intake", "pillow"):
        m = memory[kind]
        print(f"peak RSS, one {kind} run in a fresh process: {m['rss_mb']:.0f} MB "
              f"({m['rss_mb'] - idle:.0f} MB over an idle process at {idle:.0f} MB); "
              f"tracemalloc sees only {m['traced_mb']:.1f} MB (Python objects, not Pillow's pixels)")
    print(json.dumps({
        "figure": figure, "value": round(intake, 4), "unit": "s",
        "baseline": round(pillow, 4), "ratio": round(intake / pillow, 3), "goal": "<= 1.2",
        "peak_mem_mb": {"method": "VmHWM (peak RSS) of a fresh subprocess per run",
                        "intake": round(memory["intake"]["rss_mb"], 1),
                        "pillow": round(memory["pillow"]["rss_mb"], 1),
                        "idle_process": round(idle, 1)},
        "file_mb": round(file_mb, 2),
    }))


def main(fmt: str) -> None:
    started = time.perf_counter()
    data = camera_like(fmt)
    file_mb = len(data) / 1e6
    quality = QUALITY if fmt == "JPEG" else HEIC_QUALITY
    print(f"test photo: {SIZE[0]}x{SIZE[1]} {fmt}, quality {quality}, {file_mb:.2f} MB "
          f"(generated in {time.perf_counter() - started:.1f} s)")
    times, memory = measure(data)
    print(f"bench took {time.perf_counter() - started:.1f} s")
    report(times, memory, file_mb, "photo_intake_12mp" + ("_heic" if fmt == "HEIF" else ""))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main("HEIF" if "--heic" in sys.argv[1:] else "JPEG")
