"""The app with PHOTO_STORE=s3: an upload through the field form lands in the bucket, nowhere on
disk, and the photo pages serve it from there."""
from io import BytesIO

import pytest
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, photo_key
from tests.inspections.conftest import inspection, jpeg  # noqa: F401  (fixture)
from tests.media.images import stored_files
from tests.media.s3 import new_bucket_store, s3_settings


@pytest.fixture
def bucket(app, s3_endpoint):
    """The app's photo store switched to a fresh bucket for one test, then back to the disk."""
    store = new_bucket_store(s3_endpoint)
    saved = dict(app.config)
    app.config.update(s3_settings(s3_endpoint, store.bucket))
    yield store
    app.config.clear()
    app.config.update(saved)


def test_an_upload_is_stored_in_the_bucket_and_served_from_it(app, client, login, inspection, bucket):  # noqa: F811
    from pathlib import Path

    before = stored_files(Path(app.config["UPLOAD_DIR"]))
    login("inspector_a")
    picture = jpeg(pattern=5)
    response = client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                           data={"photo": (BytesIO(picture), "a.jpg"), "item_id": inspection.floor})
    assert response.status_code == 201
    with app.app_context():
        sha = db.session.scalar(sa.select(Photo.sha256))
    assert sorted(bucket.keys()) == sorted(photo_key(sha, n) for n in (DISPLAY, MARKER, ORIGINAL, THUMB))
    assert stored_files(Path(app.config["UPLOAD_DIR"])) == before  # nothing written to the disk

    with client.get(response.json["display"]) as shown:
        assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
        assert shown.data == bucket.open(photo_key(sha, DISPLAY)).read()
    with client.get(response.json["thumb"]) as thumb:
        assert thumb.status_code == 200 and thumb.data[:2] == b"\xff\xd8"


def test_a_photo_whose_set_is_not_in_the_bucket_is_a_404_not_a_crash(app, client, login, inspection,  # noqa: F811
                                                                    bucket):
    login("inspector_a")
    response = client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                           data={"photo": (BytesIO(jpeg(pattern=6)), "a.jpg")})
    with app.app_context():
        sha = db.session.scalar(sa.select(Photo.sha256))
    bucket.client.delete_object(Bucket=bucket.bucket, Key=bucket._name(photo_key(sha, MARKER)))
    assert client.get(response.json["display"]).status_code == 404
