"""HEIC/HEIF photos (the iPhone default) go through intake like a JPEG: upright once, JPEG copies
without metadata, the original kept under its SHA-256, capture time and GPS as evidence, the same
refusals. No application: the HEIC files are made here with pillow-heif (libheif and x265)."""
from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageDraw

from hygiene.media.intake import (
    REUSED_PHOTO_DISTANCE,
    PhotoLimits,
    PhotoRejected,
    perceptual_distance,
    photo_intake,
)
from hygiene.media.store import DISPLAY, ORIGINAL, THUMB, photo_key
from tests.media.images import dms, encode, exif_with, heic, heic_claiming, is_red, read, scene

GPS = {1: "N", 2: dms(30, 15, 0), 3: "E", 4: dms(120, 9, 0)}


def marked(size=(400, 200)) -> Image.Image:
    """Blue, with a red square in the top-left corner as stored."""
    image = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 39, 39), fill=(255, 0, 0))
    return image


def test_a_heic_is_kept_as_sent_with_jpeg_copies_and_its_evidence(store):
    data = heic(scene(20), exif_with(taken="2026:11:23 09:30:00", offset="+08:00", gps=GPS))
    assert data[4:12] == b"ftypheic"
    info = photo_intake(data, "IMG_0001.HEIC", store=store)

    assert info.content_type == "image/heic" and (info.width, info.height) == (800, 600)
    assert info.sha256 == hashlib.sha256(data).hexdigest() and info.size_bytes == len(data)
    assert info.taken_at == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert (info.gps_lat, info.gps_lon) == (30.25, 120.15)
    with store.open(photo_key(info.sha256, ORIGINAL)) as f:
        assert f.read() == data  # the evidence as the phone wrote it, EXIF included
    for name, size in ((DISPLAY, (800, 600)), (THUMB, (320, 240))):
        copy = read(store, info, name)
        assert copy.format == "JPEG" and copy.size == size
        assert len(copy.getexif()) == 0 and not copy.getexif().get_ifd(0x8825)
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(copy.info), copy.info.keys()


def test_the_same_scene_as_heic_and_as_jpeg_looks_alike(store):
    as_jpeg = photo_intake(encode(scene(21)), "a.jpg", store=store)
    as_heic = photo_intake(heic(scene(21)), "a.heic", store=store)
    assert as_heic.sha256 != as_jpeg.sha256
    assert perceptual_distance(as_heic.phash, as_jpeg.phash) <= REUSED_PHOTO_DISTANCE


def test_a_heic_turned_by_the_phone_is_turned_once(store):
    # an iPhone held upright: the pixels lie sideways, the HEIF says "turn" (irot) and so does EXIF
    data = heic(marked(), exif_with(orientation=6))
    assert b"irot" in data
    info = photo_intake(data, "IMG_0002.HEIC", store=store)

    assert (info.width, info.height) == (200, 400)
    display = read(store, info)
    assert display.size == (200, 400)
    # a quarter turn clockwise moves the stored top-left corner to the top-right, as for a JPEG
    assert is_red(display.getpixel((190, 10)))
    assert not is_red(display.getpixel((10, 10))) and not is_red(display.getpixel((10, 390)))
    assert read(store, info, THUMB).size == (160, 320)


def test_an_exif_orientation_without_the_heif_turn_is_not_applied(store):
    # HEIF readers follow the file's irot/imir and ignore EXIF orientation: so does intake
    upright = heic(marked(), exif_with(orientation=1))
    tag = b"\x01\x12\x00\x03\x00\x00\x00\x01"  # Pillow's big-endian EXIF: Orientation, SHORT, 1 value
    assert upright.count(tag + b"\x00\x01") == 1 and b"irot" not in upright
    data = upright.replace(tag + b"\x00\x01", tag + b"\x00\x06")
    assert Image.open(io.BytesIO(data)).info["original_orientation"] == 6  # pillow-heif saw the 6
    info = photo_intake(data, "a.heic", store=store)

    assert (info.width, info.height) == (400, 200)
    assert is_red(read(store, info).getpixel((10, 10)))


def test_a_large_heic_is_shrunk_and_its_small_embedded_thumbnail_not_shown(store):
    data = heic(scene(22, size=(2400, 1800)), thumbnails=[256])
    info = photo_intake(data, "big.heic", store=store)
    assert (info.width, info.height) == (2400, 1800)
    assert read(store, info).size == (1600, 1200)
    assert read(store, info, THUMB).size == (320, 240)
    assert read(store, info).info.get("progressive") == 1


def test_a_heic_with_transparency_is_laid_on_white(store):
    image = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 19, 19), fill=(255, 0, 0, 255))
    display = read(store, photo_intake(heic(image), "a.heif", store=store))
    assert display.getpixel((50, 30))[:3] >= (240, 240, 240)
    assert is_red(display.getpixel((5, 5)))


def test_the_same_heic_twice_is_stored_once(store):
    data = heic(scene(23), exif_with(gps=GPS))
    first = photo_intake(data, "a.heic", store=store)
    second = photo_intake(data, "again.heic", store=store)
    assert not first.already_stored and second.already_stored
    assert second.phash == first.phash and second.gps_lat == first.gps_lat


# --- refusals ----------------------------------------------------------------------------------

SMALL = heic(scene(24, size=(300, 200)))

REFUSALS = [
    ("header and junk", SMALL[:40] + b"\0" * 200, {}, "not_image"),
    ("cut off", SMALL[: len(SMALL) // 2], {}, "damaged"),
    ("cut off near the end", SMALL[:-50], {}, "damaged"),
    ("size box disagrees with the picture", heic_claiming(SMALL, 3000, 2000), {}, "damaged"),
    ("over max_pixels", SMALL, {"max_pixels": 300 * 200 - 1}, "too_many_pixels"),
    ("over max_bytes", SMALL, {"max_bytes": len(SMALL) - 1}, "too_large"),
    ("64 MP claimed", heic_claiming(SMALL, 8000, 8000), {}, "too_many_pixels"),
    ("100 MP claimed (Pillow warns)", heic_claiming(SMALL, 10_000, 10_000), {}, "too_many_pixels"),
    ("400 MP claimed (Pillow errs)", heic_claiming(SMALL, 20_000, 20_000), {}, "too_many_pixels"),
]


@pytest.mark.parametrize("data, limits, reason", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_bad_heic_is_refused_with_the_jpeg_messages_and_nothing_stored(store, data, limits, reason):
    with pytest.raises(PhotoRejected) as refused:
        photo_intake(data, "IMG_0003.HEIC", store=store, limits=PhotoLimits(**limits))
    assert refused.value.reason == reason and len(refused.value.message) > 20
    assert list(store.keys()) == []


def test_a_heic_that_is_no_photo_is_told_which_formats_are_read(store):
    with pytest.raises(PhotoRejected) as refused:
        photo_intake(SMALL[:40] + b"\0" * 200, "IMG_0003.HEIC", store=store)
    assert refused.value.message == ("This file is not a photo we can read. "
                                     "Please upload a JPEG, HEIC, PNG, WebP or GIF image.")
