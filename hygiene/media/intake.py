"""Photo intake: refuse what is no readable photo, keep the rest under its SHA-256 (design.md, "Photos").

Pure of Flask requests: callers pass the bytes, the store and the limits. Intake verifies the
upload (size, format, pixels, a full decode), turns it upright, makes a display copy and a
thumbnail without metadata, hashes it (SHA-256 for the file, a difference hash for the picture)
and puts the set into the store (`store.py`); the EXIF facts come from `exif.py`.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageFile

from hygiene.errors import DomainError
from hygiene.media.exif import ExifFacts, read_facts
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, PhotoStore, photo_key

# Two photos whose difference hashes differ in at most this many of 64 bits show, probably,
# the same scene or the same photo re-sent (re-encoded, resized).
REUSED_PHOTO_DISTANCE = 6

_PHASH = re.compile(r"[0-9a-f]{16}")

# Only what phones and browsers produce: a short list keeps Pillow's rarer decoders (EPS runs
# Ghostscript, for one) away from uploads. The JPEG opener also returns "MPO", as Pillow names
# many camera JPEGs (multi-picture: a photo plus a preview or depth map). "HEIF" is
# pillow-heif's opener, for the HEIC photos iPhones take by default.
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")
# The upload inputs' accept=: HEIC named on top of image/*, so an iPhone sends its photo as it
# took it (smaller than the JPEG it would make, EXIF kept) and other systems offer .heic files.
PHOTO_ACCEPT = "image/*,.heic,.heif,image/heic,image/heif"
_CONTENT_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png",
                  "WEBP": "image/webp", "GIF": "image/gif"}

# Registered once, here where intake starts. libheif applies the file's own irot/imir turns as it
# decodes and pillow-heif then sets the EXIF orientation to 1, so _upright never turns a HEIC
# twice. Depth maps and auxiliary images (iPhone portrait and HDR layers) are never shown: not
# parsed at all.
pillow_heif.register_heif_opener(depth_images=False, aux_images=False)
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_DISPLAY_QUALITY, _THUMB_QUALITY = 82, 75
_MB = 1024 * 1024

# EXIF orientation -> the turn that makes the picture upright (as ImageOps.exif_transpose)
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}
_SRGB = ImageCms.createProfile("sRGB")


class PhotoRejected(DomainError):
    """An upload is not a photo we keep; `reason` is a stable code, `message` is for the user."""

    def __init__(self, reason: str, message: str, *, field: str | None = None):
        super().__init__(message, field=field)
        self.reason = reason


# Lambdas, so each message is translated when raised, in the locale of that request.
_MESSAGES: dict[str, Callable[..., str]] = {
    "bad_name": lambda **v: _("This file name is not allowed; please choose the photo again."),
    "empty": lambda **v: _("The file is empty; please choose the photo again."),
    "too_large": lambda **v: _("This file is %(size)s MB; a photo may be at most %(limit)s MB.", **v),
    "not_image": lambda **v: _("This file is not a photo we can read. "
                               "Please upload a JPEG, HEIC, PNG, WebP or GIF image."),
    "damaged": lambda **v: _("This photo is damaged or incomplete (perhaps the upload was cut off); "
                             "please send it again."),
    "too_many_pixels": lambda **v: _("This image has too many pixels; a photo may have at most "
                                     "%(limit)s megapixels.", **v),
}


def _reject(reason: str, **values: Any) -> PhotoRejected:
    """Build the refusal for `reason` with its user-facing message."""
    return PhotoRejected(reason, _MESSAGES[reason](**values))


@dataclass(frozen=True)
class PhotoLimits:
    """Size and pixel limits of an upload, and the sizes of the copies made from it."""

    # Pillow refuses more than Image.MAX_IMAGE_PIXELS (about 89 MP) on its own, whatever this says.

    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 50_000_000
    display_side: int = 1600
    thumb_side: int = 320


DEFAULT_LIMITS = PhotoLimits()


@dataclass(frozen=True)
class PhotoInfo:
    """What intake learned about a photo; width and height are of the upright original."""

    sha256: str
    width: int
    height: int
    size_bytes: int
    content_type: str
    taken_at: datetime | None
    gps_lat: float | None
    gps_lon: float | None
    phash: str
    already_stored: bool


@dataclass(frozen=True)
class _Rendered:
    display: bytes
    thumb: bytes
    phash: str


def photo_intake(data: bytes, filename: str, *, store: PhotoStore,
                 limits: PhotoLimits = DEFAULT_LIMITS) -> PhotoInfo:
    """Check an upload, store it with its display copy and thumbnail, and describe it."""
    _check_upload(data, filename, limits)
    sha = hashlib.sha256(data).hexdigest()
    with _pillow_guard(limits):
        image = _open(data, limits)
        width, height = image.size  # before draft mode shrinks it
        phash = _stored_phash(store, sha)
        rendered = None if phash else _decode_and_render(image, limits)
        facts = read_facts(image)
    if rendered is not None:
        _store_set(store, sha, data, rendered)
    return _info(sha, data, _content_type(image), (width, height), facts,
                 phash or rendered.phash, already_stored=rendered is None)


def _check_upload(data: bytes, filename: str, limits: PhotoLimits) -> None:
    """Refuse nameless uploads, empty files and oversize files before any decoding.

    The name is never used as a path (files are stored under their SHA-256), so dots,
    slashes or any other characters in it are harmless and refuse nothing."""
    if not filename:
        raise _reject("bad_name")
    if not data:
        raise _reject("empty")
    if len(data) > limits.max_bytes:
        raise _reject("too_large", size=f"{len(data) / _MB:.1f}", limit=f"{limits.max_bytes / _MB:g}")


@contextmanager
def _pillow_guard(limits: PhotoLimits) -> Iterator[None]:
    """Refuse decompression bombs, whether Pillow flags them with its error or its warning."""
    # catch_warnings is process-wide: a thread racing this block may see the warning as a mere
    # warning, but the pixel check in _open still refuses such an image (limit < Pillow's).
    with warnings.catch_warnings():
        # a broken EXIF block is read as far as it goes; its warnings would only fill the logs
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except _BOMB as exc:
            raise _too_many_pixels(limits) from exc


def _too_many_pixels(limits: PhotoLimits) -> PhotoRejected:
    """Build the refusal of an image over the pixel limit."""
    return _reject("too_many_pixels", limit=f"{limits.max_pixels / 1e6:g}")


def _open(data: bytes, limits: PhotoLimits) -> Image.Image:
    """Read the image header (no pixels yet); refuse unreadable files and too many pixels."""
    try:
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except _BOMB:
        raise
    except Exception as exc:  # Pillow's parsers fail in many ways on junk; all mean "no image"
        raise _reject("not_image") from exc
    # the header's claim is checked before any decoding: this is the decompression-bomb stop
    _check_pixels(image, limits)
    return image


def _check_pixels(image: Image.Image, limits: PhotoLimits) -> None:
    """Refuse an image whose size says it has more pixels than the limit allows."""
    if image.size[0] * image.size[1] > limits.max_pixels:
        raise _too_many_pixels(limits)


def _stored_phash(store: PhotoStore, sha: str) -> str | None:
    """Return the phash of a committed set of this photo, or None if the set must be made."""
    if not store.exists(photo_key(sha, DISPLAY)):
        return None
    try:
        with store.open(photo_key(sha, MARKER)) as f:
            phash = json.load(f).get("phash")
    except (OSError, ValueError, AttributeError):  # unreadable marker: make the set again
        return None
    return phash if isinstance(phash, str) and _PHASH.fullmatch(phash) else None


def _decode_and_render(image: Image.Image, limits: PhotoLimits) -> _Rendered:
    """Decode the first frame and make the display copy, the thumbnail and the phash."""
    _decode(image, limits)
    # shrink first, so colour conversion and turning work on the small copy
    display = _srgb(_fit(_flatten(image), limits.display_side), image.info.get("icc_profile"))
    display = _upright(display, read_facts(image).orientation)
    thumb = _fit(display, limits.thumb_side)
    # the phash comes from the thumbnail: as good for near-duplicates, and nearly free
    return _Rendered(display=_jpeg(display, _DISPLAY_QUALITY), thumb=_jpeg(thumb, _THUMB_QUALITY),
                     phash=_dhash(thumb))


def _decode(image: Image.Image, limits: PhotoLimits) -> None:
    """Decode the first frame; a JPEG only at the reduced scale the display copy needs."""
    # draft() picks the largest 1/1, 1/2, 1/4 or 1/8 scale still at least this size; asking for
    # the display size with the photo's aspect (not a square) is what lets a 4:3 photo use 1/2
    image.draft("RGB", _fit_size(image.size, limits.display_side))
    try:
        image.load()  # truncated files raise here: ImageFile.LOAD_TRUNCATED_IMAGES stays False
    except _BOMB:
        raise
    except Exception as exc:  # any decoder failure on untrusted bytes means a damaged file
        raise _reject("damaged") from exc
    _check_pixels(image, limits)  # a HEIF decoder reports the size it really decoded


def _fit_size(size: tuple[int, int], side: int) -> tuple[int, int]:
    """Return `size` scaled down (never up) so that its longer side is at most `side`."""
    scale = side / max(size)
    if scale >= 1:
        return size
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _fit(image: Image.Image, side: int) -> Image.Image:
    """Return a new image whose longer side is at most `side`."""
    size = _fit_size(image.size, side)
    if size == image.size:
        return image.copy()
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)  # as Image.thumbnail


def _flatten(image: Image.Image) -> Image.Image:
    """Return an 8-bit RGB or L image; transparency is laid on white, as a page would show it."""
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    if image.mode in ("RGB", "L"):
        return image
    if image.mode.startswith("I"):  # 16-bit grey: scale to 8 bits rather than clip to white
        return image.convert("I").point(lambda v: v / 256).convert("L")
    return image.convert("RGB")  # CMYK, 1, P without transparency, ...


def _srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert colours from an embedded profile (e.g. Display P3) to sRGB, as copies carry none."""
    if not icc or image.mode != "RGB":
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")  # type: ignore[return-value]  # None only in place
    except Exception:  # a broken profile costs colour accuracy, not the photo
        return image


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """Turn the image as its EXIF orientation says (the same mapping as ImageOps.exif_transpose)."""
    method = _TRANSPOSE.get(orientation)
    return image if method is None else image.transpose(method)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    """Encode a copy for others to see: progressive JPEG with no metadata (EXIF, GPS, ICC, XMP)."""
    image.info = {}  # Pillow would carry the source's JPEG comment over; drop everything
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, progressive=True)
    return out.getvalue()


def _dhash(image: Image.Image) -> str:
    """Return the 64-bit difference hash (brighter than the right neighbour) as 16 hex digits."""
    pixels = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS).tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            left = pixels[row * 9 + col]
            bits = bits << 1 | (left > pixels[row * 9 + col + 1])
    return f"{bits:016x}"


def perceptual_distance(a: str, b: str) -> int:
    """Return the Hamming distance of two phash hex strings (0 = same picture, 64 = opposite)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _store_set(store: PhotoStore, sha: str, data: bytes, rendered: _Rendered) -> None:
    """Put the original, the display copy and the thumbnail, then the marker that commits them."""
    for name, content in ((ORIGINAL, data), (DISPLAY, rendered.display), (THUMB, rendered.thumb)):
        store.put(photo_key(sha, name), content)
    store.put(photo_key(sha, MARKER), json.dumps({"version": 1, "phash": rendered.phash}).encode())


def _content_type(image: Image.Image) -> str:
    """Return the upload's MIME type: image/heic or image/heif as pillow-heif reads the brand."""
    mime = _CONTENT_TYPES.get(image.format or "")
    if mime is None and isinstance(image, ImageFile.ImageFile):
        mime = image.get_format_mimetype()
    return mime or "application/octet-stream"


def _info(sha: str, data: bytes, content_type: str, size: tuple[int, int], facts: ExifFacts, phash: str,
          *, already_stored: bool) -> PhotoInfo:
    """Assemble the PhotoInfo; width and height are swapped for quarter-turned orientations."""
    width, height = size if facts.orientation < 5 else size[::-1]
    lat, lon = facts.gps or (None, None)
    return PhotoInfo(sha256=sha, width=width, height=height, size_bytes=len(data),
                     content_type=content_type,
                     taken_at=facts.taken_at, gps_lat=lat, gps_lon=lon, phash=phash,
                     already_stored=already_stored)
