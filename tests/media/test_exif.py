"""EXIF evidence: capture time and GPS position, and broken EXIF that never costs the photo.
No application: images are made here with Pillow."""
from __future__ import annotations

import random
import warnings
from datetime import UTC, datetime

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from hygiene.media.intake import photo_intake
from tests.media.images import dms, encode, exif_with, scene

# --- capture time and position ---------------------------------------------------------------


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
