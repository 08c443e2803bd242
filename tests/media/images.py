"""Images made with Pillow for the photo tests, and ways to read what the store kept."""
from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

import hygiene.media.intake  # noqa: F401  (registers pillow-heif's HEIF opener and saver)
from hygiene.media.store import DISPLAY, photo_key

# --- making images ---------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def scene(seed: int, size=(800, 600)) -> Image.Image:
    """A photo-like picture: a gradient sky, ground and a few shapes placed by the seed."""
    rng = random.Random(seed)
    w, h = size
    sky = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (sky, sky.point(lambda v: 255 - v // 2), Image.new("L", size, 200)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, h * 2 // 3, w, h), fill=(90, 120, 60))
    for _ in range(6):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(30, 140)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x - r, y - r, x + r, y + r), fill=colour)
    return image


def heic(image: Image.Image, exif: Image.Exif | None = None, **params) -> bytes:
    """Encode a HEIC with pillow-heif (its opener and saver are registered by hygiene.media.intake).

    The EXIF goes in as bytes, as pillow-heif reads an orientation only from bytes: an orientation
    other than 1 is then written as the HEIF's own turn (irot/imir) with the EXIF beside it, as an
    iPhone writes its photos."""
    if exif is not None:
        params["exif"] = exif.tobytes()
    return encode(image, "HEIF", **params)


def heic_claiming(data: bytes, width: int, height: int) -> bytes:
    """The HEIC with its first image-size box (ispe, the primary image's) set to claim width x height."""
    at = data.index(b"ispe") + 8  # after the box type, its version and flags
    return data[:at] + struct.pack(">II", width, height) + data[at + 8:]


def exif_with(orientation=None, taken=None, offset=None, gps=None) -> Image.Exif:
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if offset:
        exif.get_ifd(0x8769)[0x9011] = offset
    if gps:
        exif.get_ifd(0x8825).update(gps)
    return exif


def dms(d, m, s):
    return tuple(IFDRational(v) for v in (d, m, s))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming width x height grey pixels with a tiny IDAT (a decompression-bomb shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))



def read(store, info, name=DISPLAY) -> Image.Image:
    with store.open(photo_key(info.sha256, name)) as f:
        image = Image.open(io.BytesIO(f.read()))
        image.load()
    return image


def is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 200 and g < 60 and b < 60


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

