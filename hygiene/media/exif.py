"""A photo's EXIF facts: orientation, capture time and GPS position, kept as evidence.

EXIF is untrusted, optional metadata: a malformed tag must cost that one fact, never the photo.
Pillow raises many exception types on broken blocks, hence the broad catch in `_guarded`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import Image

from hygiene.clock import local_zone

# EXIF tags and IFDs used below (numbers from the EXIF 2.32 specification).
_ORIENTATION, _EXIF_IFD, _GPS_IFD = 0x0112, 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4


@dataclass(frozen=True)
class ExifFacts:
    """What the EXIF block says: orientation 1-8 (1 when unknown), capture time, position."""

    orientation: int
    taken_at: datetime | None
    gps: tuple[float, float] | None


def _guarded(read: Callable[..., Any], *args: Any) -> Any:
    """Return read(*args), or None if it fails on malformed metadata."""
    try:
        return read(*args)
    except Exception:
        return None


def read_facts(image: Image.Image) -> ExifFacts:
    """Read orientation, capture time and position from the image's EXIF."""
    exif = _guarded(image.getexif)
    if exif is None:
        return ExifFacts(orientation=1, taken_at=None, gps=None)
    return ExifFacts(orientation=_guarded(_orientation, exif) or 1,
                     taken_at=_guarded(_taken_at, exif), gps=_guarded(_gps, exif))


def _orientation(exif: Image.Exif) -> int:
    """Return the EXIF orientation 1-8; anything else counts as 1 (upright)."""
    value = exif.get(_ORIENTATION)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _taken_at(exif: Image.Exif) -> datetime | None:
    """Return DateTimeOriginal as aware UTC, read in its OffsetTimeOriginal or else office time."""
    exif_ifd = exif.get_ifd(_EXIF_IFD)
    text = _text(exif_ifd.get(_DATETIME_ORIGINAL))
    local = _parse_exif_datetime(text[:19]) if text else None
    if local is None:
        return None
    zone = _parse_offset(_text(exif_ifd.get(_OFFSET_TIME_ORIGINAL))) or local_zone()
    return local.replace(tzinfo=zone).astimezone(UTC)


def _parse_exif_datetime(text: str) -> datetime | None:
    """Parse "YYYY:MM:DD HH:MM:SS" (some phones write dashes in the date); None if invalid."""
    for pattern in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _parse_offset(text: str | None) -> timezone | None:
    """Parse an EXIF offset such as "+08:00"; None if absent or invalid."""
    match = re.fullmatch(r"([+-])(\d\d):(\d\d)", text or "")
    if not match or int(match[2]) > 14 or int(match[3]) > 59:
        return None
    delta = timedelta(hours=int(match[2]), minutes=int(match[3]))
    return timezone(-delta if match[1] == "-" else delta)


def _text(value: Any) -> str | None:
    """Return an EXIF ASCII value as a stripped str (Pillow may give str or bytes), else None."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 ") or None


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    """Return (latitude, longitude) in signed degrees, or None if either is missing or bad."""
    gps_ifd = exif.get_ifd(_GPS_IFD)
    lat = _coordinate(gps_ifd.get(_GPS_LAT), gps_ifd.get(_GPS_LAT_REF), "N", "S", 90)
    lon = _coordinate(gps_ifd.get(_GPS_LON), gps_ifd.get(_GPS_LON_REF), "E", "W", 180)
    # 0,0 is what some phones write when they have no fix, not a place in this township
    if lat is None or lon is None or (lat == 0 and lon == 0):
        return None
    return lat, lon


def _coordinate(dms: Any, ref: Any, positive: str, negative: str, limit: int) -> float | None:
    """Convert degrees/minutes/seconds rationals and an N/S or E/W ref to signed degrees."""
    ref = (_text(ref) or "").upper()
    try:
        degrees, minutes, seconds = (float(x) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    parts_ok = all(math.isfinite(x) and x >= 0 for x in (degrees, minutes, seconds))
    if ref not in (positive, negative) or not parts_ok or minutes >= 60 or seconds >= 60:
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if value > limit:
        return None
    return round(-value if ref == negative else value, 7)
