"""Photo intake: refusals that store nothing, upright metadata-free copies, EXIF evidence, dedupe,
perceptual hashes and an all-or-nothing store. No application: images are made here with Pillow."""
from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import warnings
import zlib
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageCms, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from hygiene.errors import DomainError
from hygiene.media import (
    DISPLAY,
    MARKER,
    ORIGINAL,
    REUSED_PHOTO_DISTANCE,
    THUMB,
    FileSystemStore,
    PhotoLimits,
    PhotoRejected,
    _decode,
    perceptual_distance,
    photo_intake,
    photo_key,
)

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


@pytest.fixture
def root(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture
def store(root):
    return FileSystemStore(root)


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


# --- a good photo ------------------------------------------------------------------------------


def test_orientation_6_turns_the_copies_upright(store):
    image = Image.new("RGB", (400, 200), (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 39, 39), fill=(255, 0, 0))  # top-left as stored
    info = photo_intake(encode(image, exif=exif_with(orientation=6)), "IMG_1.jpg", store=store)

    assert (info.width, info.height) == (200, 400)
    display = read(store, info)
    assert display.size == (200, 400)
    # a quarter turn clockwise moves the stored top-left corner to the top-right
    assert is_red(display.getpixel((190, 10)))
    assert not is_red(display.getpixel((10, 10)))
    assert read(store, info, THUMB).size == (160, 320)


def test_capture_time_is_office_time_unless_exif_gives_an_offset(store):
    local = photo_intake(encode(scene(1), exif=exif_with(taken="2024:05:01 09:30:00")), "a.jpg", store=store)
    assert local.taken_at == datetime(2024, 5, 1, 1, 30, tzinfo=UTC)
    assert local.taken_at.tzinfo is UTC

    abroad = photo_intake(encode(scene(2), exif=exif_with(taken="2024:05:01 09:30:00", offset="+02:00")),
                          "b.jpg", store=store)
    assert abroad.taken_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)


def test_gps_position_is_read_as_signed_degrees(store):
    north_east = {1: "N", 2: dms(30, 15, 30), 3: "E", 4: (IFDRational(120), IFDRational(30),
                                                          IFDRational(1234, 100))}
    info = photo_intake(encode(scene(1), exif=exif_with(gps=north_east)), "a.jpg", store=store)
    assert info.gps_lat == pytest.approx(30.2583333, abs=1e-6)
    assert info.gps_lon == pytest.approx(120.5 + 12.34 / 3600, abs=1e-6)

    south_west = {1: "S", 2: dms(33, 52, 0), 3: "W", 4: dms(70, 40, 0)}
    info = photo_intake(encode(scene(2), exif=exif_with(gps=south_west)), "b.jpg", store=store)
    assert (info.gps_lat, info.gps_lon) == (pytest.approx(-33.8666667), pytest.approx(-70.6666667))


def test_the_copies_carry_no_metadata_and_the_original_is_kept_as_is(store):
    gps = {1: "N", 2: dms(30, 0, 0), 3: "E", 4: dms(120, 0, 0)}
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(scene(3), exif=exif_with(orientation=1, taken="2024:05:01 09:30:00", gps=gps),
                  icc_profile=srgb, comment=b"secret note", xmp=b"<x:xmpmeta/>")
    info = photo_intake(data, "a.jpg", store=store)

    assert info.gps_lat == 30.0 and info.taken_at is not None
    for name in (DISPLAY, THUMB):
        copy = read(store, info, name)
        assert copy.format == "JPEG"
        assert len(copy.getexif()) == 0 and not copy.getexif().get_ifd(0x8825)
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(copy.info), copy.info.keys()
    with store.open(photo_key(info.sha256, ORIGINAL)) as f:
        assert f.read() == data
    assert info.size_bytes == len(data) and info.content_type == "image/jpeg"


def test_a_large_photo_is_shrunk_and_decoded_at_reduced_scale(store):
    data = encode(scene(4, size=(4000, 3000)), quality=90)
    image = Image.open(io.BytesIO(data))
    _decode(image, PhotoLimits())
    # the draft asks for 1600x1200, not 1600x1600, so libjpeg can decode at 1/2 scale
    assert image.size == (2000, 1500)

    info = photo_intake(data, "big.jpg", store=store)
    assert (info.width, info.height) == (4000, 3000)
    assert read(store, info).size == (1600, 1200)
    assert read(store, info, THUMB).size == (320, 240)
    assert read(store, info).info.get("progressive") == 1


def test_a_small_photo_is_not_enlarged(store):
    info = photo_intake(encode(scene(5, size=(300, 200))), "small.jpg", store=store)
    assert read(store, info).size == (300, 200)
    assert read(store, info, THUMB).size == (300, 200)


# --- modes and formats -------------------------------------------------------------------------


def transparent_png() -> bytes:
    image = Image.new("RGBA", (60, 40), (0, 0, 0, 0))  # fully transparent black
    ImageDraw.Draw(image).rectangle((0, 0, 19, 19), fill=(255, 0, 0, 255))
    return encode(image, "PNG")


def palette_png(transparent: bool) -> bytes:
    image = scene(6, size=(60, 40)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return encode(image, "PNG", **({"transparency": 0} if transparent else {}))


@pytest.mark.parametrize("name, data, content_type", [
    ("rgba", transparent_png(), "image/png"),
    ("palette", palette_png(False), "image/png"),
    ("palette-transparent", palette_png(True), "image/png"),
    ("la", encode(Image.new("LA", (50, 50), (128, 100)), "PNG"), "image/png"),
    ("bilevel", encode(Image.new("1", (50, 50), 1), "PNG"), "image/png"),
    ("grey-jpeg", encode(Image.new("L", (50, 50), 77)), "image/jpeg"),
    ("cmyk-jpeg", encode(Image.new("CMYK", (50, 50), (0, 255, 255, 0))), "image/jpeg"),
    ("webp", encode(scene(7, size=(80, 60)), "WEBP"), "image/webp"),
    ("gif", encode(scene(8, size=(80, 60)).convert("P"), "GIF"), "image/gif"),
])
def test_common_modes_and_formats_are_accepted(store, name, data, content_type):
    info = photo_intake(data, f"{name}.img", store=store)
    display = read(store, info)
    assert display.mode in ("RGB", "L")
    assert info.content_type == content_type and len(info.phash) == 16


def test_transparency_is_laid_on_white(store):
    display = read(store, photo_intake(transparent_png(), "a.png", store=store))
    assert display.getpixel((50, 30))[:3] >= (245, 245, 245)
    assert is_red(display.getpixel((5, 5)))


def test_a_16_bit_grey_png_is_scaled_not_clipped(store):
    data = encode(Image.new("I;16", (40, 30), 32768), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    display = read(store, photo_intake(data, "grey16.png", store=store))
    assert 120 <= display.convert("L").getpixel((20, 15)) <= 136


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP"])
def test_an_animation_is_kept_and_its_first_frame_shown(store, fmt):
    frames = [Image.new("RGB", (64, 48), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2
    info = photo_intake(data, f"anim.{fmt.lower()}", store=store)
    assert is_red(read(store, info).getpixel((30, 20)))


# --- refusals ----------------------------------------------------------------------------------


def huge_jpeg_cut_in_half() -> bytes:
    data = encode(scene(9, size=(640, 480)), quality=95)
    return data[: len(data) // 2]


REFUSALS = [
    ("text named .jpg", b"this is not a photo at all\n" * 10, "notes.jpg", {}, "not_image"),
    ("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "scan.jpg", {}, "not_image"),
    ("heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, "IMG_0001.HEIC", {}, "heic"),
    ("truncated jpeg", huge_jpeg_cut_in_half(), "cut.jpg", {}, "damaged"),
    ("truncated png", encode(scene(10), "PNG")[:3000], "cut.png", {}, "damaged"),
    ("over max_bytes", encode(scene(11)), "big.jpg", {"max_bytes": 1000}, "too_large"),
    ("over max_pixels", encode(scene(12, size=(300, 200))), "a.jpg", {"max_pixels": 300 * 200 - 1},
     "too_many_pixels"),
    ("64 MP header", png_header_only(8000, 8000), "bomb.png", {}, "too_many_pixels"),
    ("100 MP header (Pillow warns)", png_header_only(10_000, 10_000), "bomb.png", {}, "too_many_pixels"),
    ("400 MP header (Pillow errs)", png_header_only(20_000, 20_000), "bomb.png", {}, "too_many_pixels"),
    ("empty name", encode(scene(13)), "", {}, "bad_name"),
    ("empty data", b"", "a.jpg", {}, "empty"),
]


@pytest.mark.parametrize("data, filename, limits, reason",
                         [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals_have_a_message_and_store_nothing(root, store, data, filename, limits, reason):
    with pytest.raises(PhotoRejected) as refused:
        photo_intake(data, filename, store=store, limits=PhotoLimits(**limits))
    assert refused.value.reason == reason
    assert isinstance(refused.value, DomainError)
    assert len(refused.value.message) > 20 and refused.value.message == str(refused.value)
    assert stored_files(root) == []


@pytest.mark.parametrize("filename", ["IMG_2026..01.jpg", "../x.jpg", "a/b.jpg", "C:\\b.jpg", "x\0.jpg"])
def test_a_name_is_never_a_path_so_no_name_refuses_a_photo(root, store, filename):
    info = photo_intake(encode(scene(13)), filename, store=store)
    assert sorted(p.relative_to(root).parts[1] for p in stored_files(root)) == [info.sha256] * 4


def test_messages_are_plain_english_msgids_without_an_app():
    with pytest.raises(PhotoRejected) as refused:
        photo_intake(b"hello", "a.jpg", store=FileSystemStore("/nonexistent"))
    assert "JPEG, PNG, WebP or GIF" in refused.value.message
    with pytest.raises(PhotoRejected) as refused:
        photo_intake(b"x" * 20 * 1024 * 1024, "a.jpg", store=FileSystemStore("/nonexistent"))
    assert refused.value.message == "This file is 20.0 MB; a photo may be at most 15 MB."


def test_the_bomb_warning_never_escapes_even_when_warnings_are_only_recorded(store):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(PhotoRejected):
            photo_intake(png_header_only(10_000, 10_000), "bomb.png", store=store,
                         limits=PhotoLimits(max_pixels=200_000_000))
    assert caught == []


# --- dedupe ------------------------------------------------------------------------------------


class CountingStore:
    """A store that records every put."""

    def __init__(self, inner):
        self.inner, self.puts = inner, []

    def exists(self, key):
        return self.inner.exists(key)

    def put(self, key, data):
        self.puts.append(key)
        self.inner.put(key, data)

    def open(self, key):
        return self.inner.open(key)

    def path_or_none(self, key):
        return self.inner.path_or_none(key)


def test_the_same_bytes_twice_are_stored_once(root, store):
    counting = CountingStore(store)
    data = encode(scene(14), exif=exif_with(orientation=6, taken="2024:05:01 09:30:00",
                                            gps={1: "N", 2: dms(30, 0, 0), 3: "E", 4: dms(120, 0, 0)}))
    first = photo_intake(data, "a.jpg", store=counting)
    assert not first.already_stored and len(counting.puts) == 4 and counting.puts[-1].endswith(MARKER)
    mtimes = {p: p.stat().st_mtime_ns for p in stored_files(root)}

    counting.puts.clear()
    second = photo_intake(data, "again.jpg", store=counting)
    assert second.already_stored and counting.puts == []
    assert {p: p.stat().st_mtime_ns for p in stored_files(root)} == mtimes
    assert second == first.__class__(**{**first.__dict__, "already_stored": True})


def test_an_unreadable_marker_makes_the_set_again(store):
    data = encode(scene(15))
    info = photo_intake(data, "a.jpg", store=store)
    store.path_or_none(photo_key(info.sha256, MARKER)).write_text("{not json")
    again = photo_intake(data, "a.jpg", store=store)
    assert not again.already_stored and again.phash == info.phash


# --- perceptual hash ---------------------------------------------------------------------------


def test_the_same_picture_re_encoded_or_resized_is_near_and_another_scene_far(store):
    picture = scene(16, size=(1200, 900))
    base = photo_intake(encode(picture, quality=92), "a.jpg", store=store).phash
    rough = photo_intake(encode(picture, quality=35), "b.jpg", store=store).phash
    smaller = photo_intake(encode(picture.resize((1080, 810)), quality=80), "c.jpg", store=store).phash
    other = photo_intake(encode(scene(17, size=(1200, 900)), quality=92), "d.jpg", store=store).phash

    assert perceptual_distance(base, rough) <= REUSED_PHOTO_DISTANCE
    assert perceptual_distance(base, smaller) <= REUSED_PHOTO_DISTANCE
    assert perceptual_distance(base, other) > 3 * REUSED_PHOTO_DISTANCE


def test_the_phash_is_of_the_upright_picture(store):
    picture = scene(18, size=(600, 400))
    upright = photo_intake(encode(picture), "a.jpg", store=store).phash
    # the same scene stored on its side with orientation 6, as a phone held upright writes it
    sideways = picture.transpose(Image.Transpose.ROTATE_90)
    turned = photo_intake(encode(sideways, exif=exif_with(orientation=6)), "b.jpg", store=store).phash
    assert perceptual_distance(upright, turned) <= REUSED_PHOTO_DISTANCE


def test_perceptual_distance_counts_differing_bits():
    assert perceptual_distance("0000000000000000", "0000000000000000") == 0
    assert perceptual_distance("0000000000000000", "ffffffffffffffff") == 64
    assert perceptual_distance("00000000000000ff", "000000000000000f") == 4


# --- broken EXIF -------------------------------------------------------------------------------


BROKEN_GPS = {
    "unknown ref": {1: "X", 2: dms(30, 0, 0), 3: "E", 4: dms(120, 0, 0)},
    "missing ref": {2: dms(30, 0, 0), 3: "E", 4: dms(120, 0, 0)},
    "missing longitude": {1: "N", 2: dms(30, 0, 0)},
    "zero denominator": {1: "N", 2: (IFDRational(30), IFDRational(1, 0), IFDRational(0)), 3: "E",
                         4: dms(120, 0, 0)},
    "two parts": {1: "N", 2: (IFDRational(30), IFDRational(5)), 3: "E", 4: dms(120, 0, 0)},
    "latitude 95": {1: "N", 2: dms(95, 0, 0), 3: "E", 4: dms(120, 0, 0)},
    "minutes 75": {1: "N", 2: dms(30, 75, 0), 3: "E", 4: dms(120, 0, 0)},
    "one rational for degrees": {1: "N", 2: IFDRational(30), 3: "E", 4: dms(120, 0, 0)},
    "null island": {1: "N", 2: dms(0, 0, 0), 3: "E", 4: dms(0, 0, 0)},
}


@pytest.mark.parametrize("gps", BROKEN_GPS.values(), ids=BROKEN_GPS.keys())
def test_broken_gps_is_no_position(store, gps):
    info = photo_intake(encode(scene(19), exif=exif_with(gps=gps)), "a.jpg", store=store)
    assert (info.gps_lat, info.gps_lon) == (None, None)


@pytest.mark.parametrize("taken, offset, expected", [
    ("garbage", None, None),
    ("0000:00:00 00:00:00", None, None),
    ("    :  :     :  :  ", None, None),
    ("2024:02:30 10:00:00", None, None),
    ("2024-05-01 09:30:00", None, datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
    ("2024:05:01 09:30:00\0", "+25:00", datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
    ("2024:05:01 09:30:00", "-05:00", datetime(2024, 5, 1, 14, 30, tzinfo=UTC)),
])
def test_capture_time_edge_cases(store, taken, offset, expected):
    info = photo_intake(encode(scene(20), exif=exif_with(taken=taken, offset=offset)), "a.jpg", store=store)
    assert info.taken_at == expected


@pytest.mark.parametrize("orientation", [0, 9, 300])
def test_a_bad_orientation_counts_as_upright(store, orientation):
    info = photo_intake(encode(Image.new("RGB", (40, 20)), exif=exif_with(orientation=orientation)),
                        "a.jpg", store=store)
    assert (info.width, info.height) == (40, 20)


@pytest.mark.parametrize("warning_action", ["error", "always"])
def test_corrupted_exif_blocks_never_refuse_the_photo_nor_warn(store, warning_action):
    """Under "error" (as pytest runs) nothing escapes; under "always" (as production) nothing
    reaches the logs either."""
    full = exif_with(orientation=6, taken="2024:05:01 09:30:00", offset="+08:00",
                     gps={1: "N", 2: dms(30, 15, 30), 3: "E", 4: dms(120, 30, 0)}).tobytes()
    picture = Image.new("RGB", (32, 24), (20, 140, 60))
    rng = random.Random(2024)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter(warning_action)
        for _ in range(150):
            block = bytearray(full)
            for _ in range(rng.randrange(1, 8)):
                block[rng.randrange(6, len(block))] = rng.randrange(256)
            block = bytes(block[: rng.choice([len(block), rng.randrange(8, len(block))])])
            info = photo_intake(encode(picture, exif=block), "a.jpg", store=store)
            assert (info.width, info.height) in ((32, 24), (24, 32))
    assert caught == []


# --- the store ---------------------------------------------------------------------------------


@pytest.mark.parametrize("failing_call", [1, 2, 3, 4])
def test_a_crash_mid_write_leaves_no_visible_part_and_a_retry_completes(root, store, monkeypatch,
                                                                       failing_call):
    data = encode(scene(21))
    real_replace, calls = os.replace, []

    def crashing_replace(src, dst):
        calls.append(dst)
        if len(calls) == failing_call:
            raise OSError("disk full (simulated)")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crashing_replace)
    with pytest.raises(OSError, match="simulated"):
        photo_intake(data, "a.jpg", store=store)
    monkeypatch.setattr(os, "replace", real_replace)

    sha = hashlib.sha256(data).hexdigest()
    for name in (ORIGINAL, DISPLAY, THUMB, MARKER):
        key = photo_key(sha, name)
        assert not store.exists(key) and store.path_or_none(key) is None
        with pytest.raises(FileNotFoundError):
            store.open(key)
    assert not [p for p in stored_files(root) if p.name.endswith(".tmp")]

    info = photo_intake(data, "a.jpg", store=store)
    assert not info.already_stored
    assert all(store.exists(photo_key(sha, name)) for name in (ORIGINAL, DISPLAY, THUMB, MARKER))


def test_a_key_is_visible_only_once_its_folder_is_committed(store):
    key = "ab/set/original"
    store.put(key, b"one")
    assert not store.exists(key) and store.path_or_none(key) is None
    store.put("ab/set/" + MARKER, b"{}")
    assert store.exists(key)
    store.put(key, b"two")
    with store.open(key) as f:
        assert f.read() == b"two"


@pytest.mark.parametrize("key", ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "C:/x", "", "a/./b",
                                 "a/\0b"])
def test_unsafe_keys_are_refused(store, key):
    for call in (store.exists, store.open, store.path_or_none, lambda k: store.put(k, b"x")):
        with pytest.raises(ValueError):
            call(key)


def test_photo_keys_are_content_addressed():
    sha = "ab" + "0" * 62
    assert photo_key(sha, DISPLAY) == f"ab/{sha}/display.jpg"
    for bad in ("../" + "0" * 61, "AB" + "0" * 62, "ab"):
        with pytest.raises(ValueError):
            photo_key(bad, DISPLAY)
    with pytest.raises(ValueError):
        photo_key(sha, "other.jpg")
