"""Flagged photos in review: the review list shows flags, and publishing a flagged inspection
needs a reason (reuse detection itself: tests/media/test_reuse.py)."""
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.media.models import Photo
from tests.media.support import a2_inspection
from tests.rectifications.conftest import order, submit  # noqa: F401  (fixture)


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
