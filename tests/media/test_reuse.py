"""Photos as evidence: every photo takes part in reuse detection, and a flag names where else the
photo was used (with a link only where the viewer may open it)."""
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.media.reuse import photo_uses
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)
from tests.media.support import a2_inspection, photo_on, report_fix, user
from tests.rectifications.conftest import order  # noqa: F401  (fixture)


def test_evidence_reusing_another_villages_inspection_photo_is_flagged(app, order):  # noqa: F811
    other = a2_inspection(app, order)
    with app.app_context():
        earlier = photo_on(other, pattern=3)
        [evidence] = report_fix(order.id, pattern=3)
        photo = db.session.get(Photo, evidence)
        assert (photo.flags, photo.reuse_of) == (["reused"], [earlier])


def test_evidence_of_a_different_scene_is_not_flagged(app, order):  # noqa: F811
    other = a2_inspection(app, order)
    with app.app_context():
        photo_on(other, pattern=3)
        [evidence] = report_fix(order.id, pattern=5)
        assert db.session.get(Photo, evidence).flags == []


def test_an_inspection_photo_reusing_evidence_of_another_village_names_the_order(
        app, client, login, order):  # noqa: F811
    other = a2_inspection(app, order)
    with app.app_context():
        [evidence] = report_fix(order.id, pattern=4)
        again = photo_on(other, pattern=4)
        assert db.session.get(Photo, again).reuse_of == [evidence]
    login("admin_a")
    page = client.get(f"/inspections/{other}").text
    assert f'href="/orders/{order.id}">' in page and "〔2026〕第1号" in page
    assert "2026-11-23" in page and "甲一村 · a1饭店" in page  # the order's date and place


def test_the_reinspector_sees_where_else_the_evidence_was_used(app, client, login, order):  # noqa: F811
    other = a2_inspection(app, order)
    with app.app_context():
        photo_on(other, pattern=3)
        report_fix(order.id, pattern=3)
    login("inspector_a")
    page = client.get(f"/orders/{order.id}").text
    assert 'class="flag"' in page and f'href="/inspections/{other}">' in page
    assert "甲二村 · a2饭店" in page and "2026-11-20" in page
    login("village_a1")  # the recipient sees their photos, not the office's suspicion
    assert 'class="flag"' not in client.get(f"/orders/{order.id}").text


def test_a_use_the_viewer_may_not_open_is_named_without_a_link(app, world, order):  # noqa: F811
    other = a2_inspection(app, order)
    with app.app_context():
        photo_on(other, pattern=3)
        [evidence] = report_fix(order.id, pattern=3)
        photos = [db.session.get(Photo, evidence)]
        [staff] = photo_uses(photos, Scope.of(user("inspector_a")))[evidence]
        [outsider] = photo_uses(photos, Scope.of(user("village_b1")))[evidence]
    assert (staff.kind, staff.record_id, staff.place, staff.linked) == (
        "inspection", other, "甲二村 · a2饭店", True)
    assert outsider.linked is False and outsider.place == "甲二村 · a2饭店"


def test_the_same_file_again_is_flagged_even_for_the_same_target(app, order):  # noqa: F811
    with app.app_context():
        [evidence] = report_fix(order.id, pattern=0)  # the "after" photo is the "before" photo
        photo = db.session.get(Photo, evidence)
        before = db.session.scalar(sa.select(Photo.id).where(Photo.inspection_id == order.inspection.id))
        assert photo.reuse_of == [before] and "reused" in photo.flags
