"""The field form: drafts, photos, the running score, and a submission that happens once."""
from io import BytesIO

import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo
from tests.inspections.conftest import jpeg


def all_pass(ins, **overrides):
    form = {f"result_{ins.floor}": "pass", f"result_{ins.refuse}": "pass",
            f"result_{ins.veto}": "pass", f"result_{ins.records}": "pass",
            f"grade_{ins.records}": "20", "submission_key": "k1"}
    return {**form, **overrides}


def load(app, inspection_id):
    with app.app_context():
        row = db.session.get(Inspection, inspection_id)
        db.session.expunge(row)
        return row


def test_the_assigned_inspector_fills_and_submits_and_the_server_scores_it(app, client, login, inspection):
    login("inspector_a")
    page = client.get(f"/inspections/{inspection.id}/fill")
    assert page.status_code == 200 and 'capture="environment"' in page.text
    form = all_pass(inspection, **{f"result_{inspection.refuse}": "fail",
                                   f"findings_{inspection.refuse}": "2",
                                   f"grade_{inspection.records}": "15", "action": "submit"})
    response = client.post(f"/inspections/{inspection.id}/fill", data=form)
    assert response.status_code == 302
    done = load(app, inspection.id)
    # 40 + (30 - 2*5) + 10 + 15 = 85 of 100
    assert (done.status, str(done.score), done.grade, done.passed) == ("submitted", "85.00", "合格", True)


def test_autosave_keeps_a_draft_and_returns_the_running_score(app, client, login, inspection):
    login("inspector_a")
    response = client.post(f"/inspections/{inspection.id}/answers",
                           json={"item_id": inspection.floor, "result": "fail"})
    assert response.status_code == 200
    assert response.json == {"score": "0.0", "grade": "不合格", "vetoed": False, "answered": 1, "total": 4}
    response = client.post(f"/inspections/{inspection.id}/answers",
                           json={"item_id": inspection.floor, "result": "pass", "note": "已整改"})
    assert response.json["score"] == "100.0"
    assert load(app, inspection.id).status == "in_progress"
    with app.app_context():
        assert db.session.scalar(sa.select(Answer.note)) == "已整改"


def test_bad_autosave_input_is_refused_with_a_reason(client, login, inspection):
    login("inspector_a")
    url = f"/inspections/{inspection.id}/answers"
    assert client.post(url, json={"item_id": inspection.floor, "result": "maybe"}).status_code == 422
    assert client.post(url, json={"item_id": 999999, "result": "pass"}).status_code == 422
    bad_grade = client.post(url, json={"item_id": inspection.records, "result": "pass", "grade": "25"})
    assert bad_grade.status_code == 422 and "error" in bad_grade.json


def test_a_refused_autosave_answers_with_the_score_of_what_is_saved(app, client, login, inspection):
    """The phone shows the server's last accepted score, and says the refused value is not saved."""
    login("inspector_a")
    url = f"/inspections/{inspection.id}/answers"
    client.post(url, json={"item_id": inspection.records, "result": "pass", "grade": "10"})
    refused = client.post(url, json={"item_id": inspection.records, "result": "pass", "grade": "17.3"})
    assert refused.status_code == 422
    assert (refused.json["score"], refused.json["answered"]) == ("50.0", 1)  # 10 of 20, not 17.3
    assert "17.3" not in refused.json["unsaved"] and "未保存" in refused.json["unsaved"]
    assert refused.json["unsaved"].startswith(refused.json["error"])
    with app.app_context():
        assert str(db.session.scalar(sa.select(Answer.grade))) == "10.00"


def test_submission_is_refused_at_the_items_that_lack_something(app, client, login, inspection):
    login("inspector_a")
    form = all_pass(inspection, **{f"result_{inspection.floor}": "fail", "action": "submit"})
    form.pop(f"result_{inspection.refuse}")
    response = client.post(f"/inspections/{inspection.id}/fill", data=form)
    assert response.status_code == 422
    text = response.text
    assert f'id="item-{inspection.floor}"' in text and text.count('role="alert"') >= 3
    assert load(app, inspection.id).status == "in_progress"  # the draft is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 3


def test_a_photo_satisfies_a_photo_required_failed_item(app, client, login, inspection):
    login("inspector_a")
    form = all_pass(inspection, **{f"result_{inspection.floor}": "fail", "action": "submit",
                                   f"photo_{inspection.floor}": (BytesIO(jpeg()), "floor.jpg")})
    response = client.post(f"/inspections/{inspection.id}/fill", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        photo = db.session.scalar(sa.select(Photo))
        assert photo.item_id == inspection.floor and photo.flags == []
    detail = client.get(f"/inspections/{inspection.id}")
    assert f"/inspections/photos/{photo.id}/thumb" in detail.text
    with client.get(f"/inspections/photos/{photo.id}/display") as shown:
        assert shown.headers["Content-Type"] == "image/jpeg" and shown.data[:2] == b"\xff\xd8"


def test_a_file_that_is_no_photo_is_refused_and_nothing_is_stored(app, client, login, inspection):
    login("inspector_a")
    response = client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                           data={"photo": (BytesIO(b"not an image"), "x.jpg"), "item_id": inspection.floor})
    assert response.status_code == 422 and response.json["error"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0


def test_a_photo_already_used_for_another_target_is_flagged(app, client, login, inspection, world):
    from hygiene.inspections.models import Inspection as Model

    login("inspector_a")
    picture = jpeg(pattern=3)
    client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                data={"photo": (BytesIO(picture), "a.jpg")})
    with app.app_context():
        other = db.session.get(Model, inspection.id)
        twin = Model(version_id=other.version_id, township_id=world.ta, village_id=world.a2,
                     target_kind="unit", target_id=world.unit_a2, target_label="a2饭店",
                     planned_date=other.planned_date, due_date=other.due_date,
                     inspectors=list(other.inspectors))
        db.session.add(twin)
        db.session.commit()
        twin_id = twin.id
    response = client.post(f"/inspections/{twin_id}/photos", content_type="multipart/form-data",
                           data={"photo": (BytesIO(picture), "b.jpg")})
    assert response.json["flags"] == ["reused"]


def test_submitting_twice_makes_one_submission(app, client, login, inspection):
    login("inspector_a")
    form = all_pass(inspection, action="submit")
    first = client.post(f"/inspections/{inspection.id}/fill", data=form)
    second = client.post(f"/inspections/{inspection.id}/fill", data=form)
    assert first.status_code == second.status_code == 302
    with app.app_context():
        submits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "submit"))
    assert submits == 1


def test_only_assigned_inspectors_fill_and_contacts_see_no_draft_scores(app, client, login, inspection, world):
    from hygiene.accounts.models import User

    with app.app_context():
        db.session.add(User(username="inspector_a2", display_name="另一位", role="inspector",
                            township_id=world.ta, password_hash="x"))
        db.session.commit()
    login("inspector_a")
    client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="submit"))
    login("village_a1")
    page = client.get(f"/inspections/{inspection.id}")
    assert page.status_code == 200 and 'id="score"' not in page.text
    assert client.get(f"/inspections/{inspection.id}/fill").status_code in (302, 403)
    login("village_b1")
    assert client.get(f"/inspections/{inspection.id}").status_code == 404
    assert client.post(f"/inspections/{inspection.id}/answers",
                       json={"item_id": inspection.floor, "result": "pass"}).status_code == 404
