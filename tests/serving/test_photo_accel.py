"""Behind nginx (PHOTO_ACCEL_PREFIX): the application checks who may see a photo, nginx sends it."""
from __future__ import annotations

from io import BytesIO

from tests.inspections.conftest import jpeg


def _upload(client, inspection) -> str:
    response = client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                           data={"photo": (BytesIO(jpeg(pattern=2)), "a.jpg"), "item_id": inspection.floor})
    assert response.status_code == 201
    return response.json["display"]


def test_with_the_prefix_set_a_permitted_photo_is_handed_to_nginx_not_sent(app, login, inspection, monkeypatch):
    display = _upload(login("inspector_a"), inspection)
    monkeypatch.setitem(app.config, "PHOTO_ACCEL_PREFIX", "/_photos/")
    client = login("admin_a")
    with client.get(display) as response:
        assert response.status_code == 200 and response.data == b""
        accel = response.headers["X-Accel-Redirect"]
        assert accel.startswith("/_photos/") and accel.endswith("/display.jpg") and ".." not in accel
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert login("village_b1").get(display).status_code == 404  # the check comes first
    assert "X-Accel-Redirect" not in login("unit_a1").get(display.replace("display", "original")).headers


def test_without_the_prefix_the_application_sends_the_photo_itself(login, inspection):
    display = _upload(login("inspector_a"), inspection)
    with login("admin_a").get(display) as response:
        assert response.status_code == 200 and response.data[:2] == b"\xff\xd8"
        assert "X-Accel-Redirect" not in response.headers
