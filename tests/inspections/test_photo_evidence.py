"""Photos as evidence: every photo takes part in reuse detection, a flag names where else the
photo was used, the review list shows flags, and publishing a flagged inspection needs a reason."""
import sqlalchemy as sa

from hygiene.accounts.scope import Scope
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.media.models import Photo
from hygiene.media.reuse import photo_uses
from tests.inspections.photo_support import inspection_of, photo_on, report_fix, user
from tests.rectifications.conftest import order, submit  # noqa: F401  (fixture)


def a2_inspection(app, order, status="planned") -> int:  # noqa: F811
    with app.app_context():
        return inspection_of(order.inspection.id, township_id=db.session.get(
            Inspection, order.inspection.id).township_id, village_id=_world_a2(), unit_id=_unit_a2(),
            label="甲二村 · a2饭店", status=status)


def _world_a2() -> int:
    from hygiene.places.models import Village
    return db.session.scalar(sa.select(Village.id).where(Village.name == "甲二村"))


def _unit_a2() -> int:
    from hygiene.places.models import Unit
    return db.session.scalar(sa.select(Unit.id).where(Unit.name == "a2饭店"))


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


def flagged_submission(app, order) -> int:  # noqa: F811
    """A submitted inspection of a2 whose failed-item photo repeats a1's (already submitted)."""
    other = a2_inspection(app, order)
    with app.app_context():
        like = db.session.get(Inspection, order.inspection.id)
        submit(type("Ids", (), {"id": other, "floor": _item(like, 0), "refuse": _item(like, 1),
                                "veto": _item(like, 2), "records": _item(like, 3)}), key="k2")
        db.session.commit()
    return other


def _item(inspection, n):
    return inspection.version.items[n].id


def test_the_review_list_shows_the_flag_column_to_the_office(app, client, login, order):  # noqa: F811
    other = flagged_submission(app, order)
    login("admin_a")
    page = client.get("/inspections/?status=submitted&lang=en").text
    assert "Photo flags" in page
    row = page.split(f'/inspections/{other}"', 1)[1].split("</tr>")[0]
    assert "1 flagged photo" in row
    first = page.split(f'/inspections/{order.inspection.id}"', 1)[1].split("</tr>")[0]
    assert "flagged photo" not in first
    login("village_a1")
    assert "Photo flags" not in client.get("/inspections/?lang=en").text


def test_publishing_a_flagged_inspection_asks_for_a_reason_kept_in_the_audit(app, client, login, order):  # noqa: F811
    other = flagged_submission(app, order)
    login("admin_a")
    asked = client.post(f"/inspections/{other}/review", data={"action": "publish"})
    assert asked.status_code == 200 and 'name="flag_reason"' in asked.text
    assert f'href="/inspections/{order.inspection.id}">' in asked.text  # where else it was used
    empty = client.post(f"/inspections/{other}/review", data={"action": "publish", "flag_reason": "  "})
    assert empty.status_code == 422 and 'role="alert"' in empty.text
    with app.app_context():
        assert db.session.get(Inspection, other).status == "submitted"
        assert not db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "publish"))
    done = client.post(f"/inspections/{other}/review",
                       data={"action": "publish", "flag_reason": "同一店主两处门店，现场核实无误"})
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(Inspection, other).status == "published"
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "publish"))
        flagged = list(db.session.scalars(sa.select(Photo.id).where(Photo.inspection_id == other)))
    assert event.after["flag_reason"] == "同一店主两处门店，现场核实无误"
    assert event.after["flagged_photos"] == flagged


def test_an_inspection_without_flags_publishes_in_one_step(app, client, login, order):  # noqa: F811
    login("admin_a")
    response = client.post(f"/inspections/{order.inspection.id}/review", data={"action": "publish"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Inspection, order.inspection.id).status == "published"
