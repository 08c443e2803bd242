"""An iPhone's HEIC through the real pages: the inspection field form (the whole form and the page
script's one-photo upload) and a rectification order's evidence. What others are shown is an
upright JPEG without metadata; the capture time and GPS stay with the photo as evidence; a
corrupt HEIC is refused with the clear message and keeps nothing; other villages and townships
cannot see it."""
import threading
import urllib.request
import uuid
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.test_fill import all_pass
from tests.media.images import dms, exif_with, heic, is_red, stored_files
from tests.media.test_s3_app import bucket  # noqa: F401  (fixture)
from tests.rectifications.conftest import inspection, order  # noqa: F401  (fixtures)
from tests.rectifications.test_evidence_once import evidence_written, multipart, signed_in, status_of

GPS = {1: "N", 2: dms(30, 15, 0), 3: "E", 4: dms(120, 9, 0)}
NOT_READ_ZH = "无法识别该照片文件。请上传JPEG、HEIC、PNG、WebP或GIF格式的图片。"


def iphone_photo(seed: int = 0) -> bytes:
    """A HEIC as an iPhone held upright writes it: pixels sideways, turned by irot (and EXIF 6),
    with capture time and GPS; a red mark in the stored top-left corner."""
    image = Image.new("RGB", (400, 200), (0, 0, 255 - seed))
    ImageDraw.Draw(image).rectangle((0, 0, 39, 39), fill=(255, 0, 0))
    return heic(image, exif_with(orientation=6, taken="2026:11:23 09:30:00", offset="+08:00", gps=GPS))


def corrupt_heic() -> bytes:
    data = iphone_photo()
    return data[:40] + b"\0" * 400


def photos(app, **where) -> list[Photo]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Photo).filter_by(**where).order_by(Photo.id)))
        db.session.expunge_all()
        return rows


def assert_kept_as_evidence(photo: Photo) -> None:
    assert (photo.gps_lat, photo.gps_lon) == (30.25, 120.15)
    assert photo.taken_at == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert (photo.width, photo.height) == (200, 400)


def assert_shown_upright_without_metadata(client, photo_id: int) -> None:
    for size, shape in (("display", (200, 400)), ("thumb", (160, 320))):
        with client.get(f"/inspections/photos/{photo_id}/{size}") as shown:
            assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
            image = Image.open(BytesIO(shown.data))
            assert image.format == "JPEG" and image.size == shape
            assert len(image.getexif()) == 0 and "exif" not in image.info
        if size == "display":  # a quarter turn clockwise: the stored top-left is now top-right
            assert is_red(image.getpixel((190, 10))) and not is_red(image.getpixel((10, 10)))


# --- the inspection field form ----------------------------------------------------------------


def test_the_field_form_offers_heic_to_the_camera(client, login, inspection):  # noqa: F811
    login("inspector_a")
    page = client.get(f"/inspections/{inspection.id}/fill").text
    assert 'accept="image/*,.heic,.heif,image/heic,image/heif"' in page


def test_a_heic_in_the_field_form_is_kept_and_shown_as_an_upright_jpeg(app, client, login, inspection):  # noqa: F811
    login("inspector_a")
    data = iphone_photo()
    form = all_pass(inspection, **{f"result_{inspection.floor}": "fail", "action": "submit",
                                   f"photo_{inspection.floor}": (BytesIO(data), "IMG_0001.HEIC")})
    response = client.post(f"/inspections/{inspection.id}/fill", data=form, content_type="multipart/form-data")
    assert response.status_code == 302  # the photo-required failed item has its photo: submitted

    [photo] = photos(app, inspection_id=inspection.id)
    assert photo.item_id == inspection.floor
    assert_kept_as_evidence(photo)
    assert_shown_upright_without_metadata(client, photo.id)
    login("admin_a")
    with client.get(f"/inspections/photos/{photo.id}/original") as original:
        assert original.data == data  # the office keeps the phone's file, EXIF and all
        assert original.headers["Content-Type"] == "image/heic"


@pytest.mark.parametrize("where", ["disk behind nginx", "bucket"])
def test_the_original_goes_out_as_heic_wherever_it_is_kept(app, client, login, inspection, where,  # noqa: F811
                                                          request, monkeypatch):
    if where == "bucket":
        request.getfixturevalue("bucket")
    else:
        monkeypatch.setitem(app.config, "PHOTO_ACCEL_PREFIX", "/_photos/")
    login("inspector_a")
    sent = client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                       data={"photo": (BytesIO(iphone_photo()), "IMG_0007.HEIC"), "item_id": inspection.floor})
    login("admin_a")
    original = sent.json["display"].replace("display", "original")
    for url, mimetype in ((sent.json["display"], "image/jpeg"), (sent.json["thumb"], "image/jpeg"),
                          (original, "image/heic")):
        with client.get(url) as response:
            assert response.status_code == 200 and response.headers["Content-Type"] == mimetype
            assert ("X-Accel-Redirect" in response.headers) == (where != "bucket")


def test_the_page_script_uploads_a_heic_and_a_corrupt_one_is_refused_clearly(app, client, login, inspection):  # noqa: F811
    login("inspector_a")
    url = f"/inspections/{inspection.id}/photos"
    sent = client.post(url, content_type="multipart/form-data",
                       data={"photo": (BytesIO(iphone_photo()), "IMG_0002.HEIC"), "item_id": inspection.floor})
    assert sent.status_code == 201
    assert_kept_as_evidence(photos(app, inspection_id=inspection.id)[0])
    files = stored_files(Path(app.config["UPLOAD_DIR"]))

    refused = client.post(url, content_type="multipart/form-data",
                          data={"photo": (BytesIO(corrupt_heic()), "IMG_0003.HEIC"), "item_id": inspection.floor})
    assert refused.status_code == 422 and refused.json["error"] == NOT_READ_ZH
    assert len(photos(app, inspection_id=inspection.id)) == 1
    assert stored_files(Path(app.config["UPLOAD_DIR"])) == files


def test_other_villages_and_townships_cannot_see_an_inspection_heic(app, client, login, inspection):  # noqa: F811
    login("inspector_a")
    client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                data={"photo": (BytesIO(iphone_photo()), "IMG_0004.HEIC"), "item_id": inspection.floor})
    [photo] = photos(app, inspection_id=inspection.id)
    for username in ("village_b1", "admin_b"):
        login(username)
        for size in ("thumb", "display", "original"):
            assert client.get(f"/inspections/photos/{photo.id}/{size}").status_code == 404


# --- a rectification order's evidence ---------------------------------------------------------


def evidence_post(client, order_id: int, data: bytes, key: str):
    return client.post(f"/orders/{order_id}/evidence", content_type="multipart/form-data",
                       data={"note": "已整改", "evidence_key": key, "photos": [(BytesIO(data), "IMG_0005.HEIC")]})


def test_heic_evidence_of_a_fix_is_kept_and_shown_as_an_upright_jpeg(app, client, login, order):  # noqa: F811
    login("village_a1")
    assert 'accept="image/*,.heic,.heif,image/heic,image/heif"' in client.get(f"/orders/{order.id}").text
    assert evidence_post(client, order.id, iphone_photo(seed=1), "k1").status_code == 303
    with app.app_context():
        assert db.session.get(RectificationOrder, order.id).status == "evidence_submitted"
    [photo] = photos(app, order_id=order.id, purpose="evidence")
    assert_kept_as_evidence(photo)
    assert_shown_upright_without_metadata(client, photo.id)
    assert client.get(f"/inspections/photos/{photo.id}/original").status_code == 404  # office only

    for username in ("village_b1", "admin_b"):
        login(username)
        for size in ("thumb", "display", "original"):
            assert client.get(f"/inspections/photos/{photo.id}/{size}").status_code == 404


@pytest.mark.parametrize("bad", [corrupt_heic(), iphone_photo()[:-60]], ids=["junk", "cut off"])
def test_a_corrupt_heic_as_evidence_is_refused_with_a_message_and_keeps_nothing(app, client, login, order, bad):  # noqa: F811
    login("village_a1")
    response = evidence_post(client, order.id, bad, "k2")
    assert response.status_code == 303
    assert NOT_READ_ZH in client.get(response.headers["Location"]).text
    with app.app_context():
        row = db.session.get(RectificationOrder, order.id)
        assert (row.status, row.evidence_key) == ("issued", None)
    assert photos(app, order_id=order.id, purpose="evidence") == []


def test_identical_heic_reports_posted_at_the_same_moment_count_once(app, live, order):  # noqa: F811
    opener = signed_in(live, "village_a1")
    body, content_type = multipart({"note": "已整改", "evidence_key": uuid.uuid4().hex},
                                   [("photos", "IMG_0006.HEIC", iphone_photo(seed=2))])
    start, statuses = threading.Barrier(3), []

    def post():
        request = urllib.request.Request(f"{live}/orders/{order.id}/evidence", data=body,
                                         headers={"Content-Type": content_type})
        start.wait()
        statuses.append(status_of(opener, request))

    workers = [threading.Thread(target=post) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 3
    assert evidence_written(app, order.id) == (1, 1)
    assert_kept_as_evidence(photos(app, order_id=order.id, purpose="evidence")[0])
