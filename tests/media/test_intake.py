"""Photo intake: refusals that store nothing, upright metadata-free copies, dedupe and perceptual
hashes. No application: images are made here with Pillow."""
from __future__ import annotations

import io
import warnings

import pytest
from PIL import Image, ImageCms, ImageDraw

from hygiene.errors import DomainError
from hygiene.media.intake import (
    REUSED_PHOTO_DISTANCE,
    PhotoLimits,
    PhotoRejected,
    _decode,
    perceptual_distance,
    photo_intake,
)
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, FileSystemStore, photo_key
from tests.media.images import dms, encode, exif_with, is_red, png_header_only, read, scene, stored_files

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
    ("heic header, junk after", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, "IMG_0001.HEIC", {},
     "not_image"),
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
def test_refusals_have_a_message_and_store_nothing(store, data, filename, limits, reason):
    with pytest.raises(PhotoRejected) as refused:
        photo_intake(data, filename, store=store, limits=PhotoLimits(**limits))
    assert refused.value.reason == reason
    assert isinstance(refused.value, DomainError)
    assert len(refused.value.message) > 20 and refused.value.message == str(refused.value)
    assert list(store.keys()) == []


@pytest.mark.parametrize("filename", ["IMG_2026..01.jpg", "../x.jpg", "a/b.jpg", "C:\\b.jpg", "x\0.jpg"])
def test_a_name_is_never_a_path_so_no_name_refuses_a_photo(store, filename):
    info = photo_intake(encode(scene(13)), filename, store=store)
    assert sorted(key.split("/")[1] for key in store.keys()) == [info.sha256] * 4


def test_messages_are_plain_english_msgids_without_an_app():
    with pytest.raises(PhotoRejected) as refused:
        photo_intake(b"hello", "a.jpg", store=FileSystemStore("/nonexistent"))
    assert "JPEG, HEIC, PNG, WebP or GIF" in refused.value.message
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

    def keys(self):
        return self.inner.keys()


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
    store.put(photo_key(info.sha256, MARKER), b"{not json")
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
