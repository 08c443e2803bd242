"""The field form's input rules, closed inspections, refused posts, oversize uploads and error pages."""
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from hygiene.extensions import db
from hygiene.inspections import scoring
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo
from tests.inspections.conftest import jpeg
from tests.inspections.test_fill import all_pass, load
from tests.rectifications.conftest import order  # noqa: F401  (fixture)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored_files(app) -> list:
    from pathlib import Path

    return sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def set_status(app, inspection_id, status):
    with app.app_context():
        db.session.get(Inspection, inspection_id).status = status
        db.session.commit()


# --- one grade rule ------------------------------------------------------------------------------


def test_grades_go_in_half_points_up_to_the_items_points():
    scale = scoring.grade_scale(Decimal("20.00"))
    assert (scale.min, scale.max, scale.step) == (0, 20, Decimal("0.5"))
    assert [scale.accepts(Decimal(v)) for v in ("0", "1.5", "20", "1.7", "20.5", "-0.5", "NaN")] == [
        True, True, True, False, False, False, False]
    fine = scoring.grade_scale(Decimal("2.25"))  # full marks must stay reachable
    assert fine.step == Decimal("0.01") and fine.accepts(Decimal("2.25"))


@given(points=st.decimals("0.5", "100", places=2), fraction=st.decimals("0", "0.99", places=2))
def test_the_nearest_grade_is_accepted_and_never_above_the_value(points, fraction):
    scale = scoring.grade_scale(points)
    grade = scale.nearest(points * fraction)
    assert scale.accepts(grade) and grade <= points * fraction < points


def test_a_grade_off_the_steps_is_refused_by_autosave_as_the_browser_refuses_it(client, login, inspection):
    login("inspector_a")
    url = f"/inspections/{inspection.id}/answers"
    refused = client.post(url, json={"item_id": inspection.records, "result": "fail", "grade": "1.7"})
    assert refused.status_code == 422 and "0.5" in refused.json["error"]
    assert client.post(url, json={"item_id": inspection.records, "result": "fail",
                                  "grade": "1.5"}).status_code == 200
    page = client.get(f"/inspections/{inspection.id}/fill").text
    assert f'min="0" max="20.00" step="0.5" name="grade_{inspection.records}"' in page


def test_the_amend_form_refuses_the_same_grades_and_keeps_what_was_typed(app, client, login, inspection):
    login("inspector_a")
    client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="submit"))
    login("admin_a")
    client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    form = all_pass(inspection, **{f"grade_{inspection.records}": "17.3", "reason": "复核"})
    response = client.post(f"/inspections/{inspection.id}/amend", data=form)
    assert response.status_code == 422 and 'value="17.3"' in response.text
    assert str(load(app, inspection.id).score) == "100.00"


# --- veto items are pass or fail -----------------------------------------------------------------


def test_a_veto_item_is_not_offered_as_not_applicable_and_autosave_refuses_it(app, client, login, inspection):
    login("inspector_a")
    page = client.get(f"/inspections/{inspection.id}/fill").text
    assert f'name="result_{inspection.veto}" value="na"' not in page
    assert f'name="result_{inspection.floor}" value="na"' in page
    refused = client.post(f"/inspections/{inspection.id}/answers",
                          json={"item_id": inspection.veto, "result": "na"})
    assert refused.status_code == 422 and refused.json["error"]
    assert count(app, Answer) == 0


# --- closed inspections and forbidden actions ----------------------------------------------------


@pytest.mark.parametrize("status, says", [("cancelled", "已取消"), ("submitted", "已提交"),
                                          ("published", "已发布")])
def test_a_closed_inspection_says_why_it_cannot_be_filled(app, client, login, inspection, status, says):
    set_status(app, inspection.id, status)
    login("inspector_a")
    opened = client.get(f"/inspections/{inspection.id}/fill", follow_redirects=True)
    assert opened.status_code == 200 and says in opened.text
    autosave = client.post(f"/inspections/{inspection.id}/answers",
                           json={"item_id": inspection.floor, "result": "pass"})
    assert autosave.status_code == 409 and says in autosave.json["error"]
    posted = client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="save"))
    assert posted.status_code == 303 and count(app, Answer) == 0
    assert load(app, inspection.id).status == status


def test_an_inspector_not_assigned_gets_a_403_page(app, client, login, inspection, world):
    from hygiene.accounts.models import User
    from tests.conftest import PASSWORD

    with app.app_context():
        other = User(username="inspector_a2", display_name="另一位", role="inspector", township_id=world.ta)
        other.set_password(PASSWORD)
        db.session.add(other)
        db.session.commit()
    login("inspector_a2")
    page = client.get(f"/inspections/{inspection.id}/fill")
    assert page.status_code == 403 and "其他检查员" in page.text
    posted = client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="save"))
    assert posted.status_code == 403 and count(app, Answer) == 0


# --- a post without script is kept whole or not at all -------------------------------------------


def test_one_bad_photo_keeps_the_typed_answers_and_stores_no_file(app, client, login, inspection):
    login("inspector_a")
    files_before = stored_files(app)
    form = all_pass(inspection, **{
        f"result_{inspection.floor}": "fail", f"note_{inspection.floor}": "地面有积水",
        f"photo_{inspection.floor}": (BytesIO(jpeg(pattern=5)), "good.jpg"),
        f"photo_{inspection.refuse}": (BytesIO(b"not a photo"), "bad.jpg"), "action": "save"})
    response = client.post(f"/inspections/{inspection.id}/fill", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    text = response.text
    assert "地面有积水" in text and "均未保存" in text
    assert f'name="result_{inspection.floor}" value="fail" checked' in text
    assert f'id="item-{inspection.refuse}"' in text and 'class="item card has-error"' in text
    assert stored_files(app) == files_before
    assert count(app, Photo) == count(app, Answer) == 0


def test_a_whole_good_post_stores_its_photos(app, client, login, inspection):
    login("inspector_a")
    files_before = len(stored_files(app))
    # colours no other test uses: the upload folder is shared by the run, and a photo stored
    # before by another test would be stored once (by its hash), not again
    form = all_pass(inspection, **{
        f"photo_{inspection.floor}": (BytesIO(jpeg(color=(12, 140, 210), pattern=6)), "IMG_2026..01.jpg"),
        "photo_general": (BytesIO(jpeg(color=(12, 140, 210), pattern=7)), "b.jpg"), "action": "save"})
    response = client.post(f"/inspections/{inspection.id}/fill", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert count(app, Photo) == 2 and len(stored_files(app)) == files_before + 8


def test_a_photo_named_with_double_dots_is_accepted(client, login, inspection):
    login("inspector_a")
    response = client.post(f"/inspections/{inspection.id}/photos", content_type="multipart/form-data",
                           data={"photo": (BytesIO(jpeg(pattern=8)), "IMG_2026..01.jpg"),
                                 "item_id": inspection.floor})
    assert response.status_code == 201


# --- oversize uploads ----------------------------------------------------------------------------


@pytest.fixture
def small_requests(app):
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    yield
    app.config["MAX_CONTENT_LENGTH"] = old


def test_an_oversize_post_gets_a_page_or_json_that_says_so(client, login, inspection, small_requests):
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    def big(name: str):  # encoded here, so the test client keeps no temporary file open
        photo = FileStorage(BytesIO(b"\xff" * (2 * 1024 * 1024)), "big.jpg", name, "image/jpeg")
        boundary, body = encode_multipart(MultiDict({name: photo, "action": "save"}))
        return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}

    login("inspector_a")
    page = client.post(f"/inspections/{inspection.id}/fill", **big("photo_general"))
    assert page.status_code == 413 and "1 MB" in page.text and "较小的照片" in page.text
    api = client.post(f"/inspections/{inspection.id}/photos", headers={"Accept": "application/json"},
                      **big("photo"))
    assert api.status_code == 413 and "较小的照片" in api.json["error"]


# --- the error page never depends on the failed transaction --------------------------------------


@pytest.fixture
def errors_as_pages(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


def test_a_database_failure_gives_the_chinese_500_page(client, login, inspection, monkeypatch, errors_as_pages):
    from hygiene.inspections import fieldwork

    def broken(**_kwargs):
        db.session.execute(sa.text("SELECT * FROM no_such_table"))  # poisons a PostgreSQL transaction

    monkeypatch.setattr(fieldwork, "answer_write", broken)
    login("inspector_a")
    response = client.post(f"/inspections/{inspection.id}/answers",
                           json={"item_id": inspection.floor, "result": "pass"})
    assert response.status_code == 500 and response.json["error"]
    response = client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="save"))
    assert response.status_code == 500 and "出错" in response.text and "inspector_a" in response.text


def test_when_the_error_page_itself_fails_a_plain_one_answers(client, login, inspection, monkeypatch,
                                                              errors_as_pages):
    from hygiene.inspections import fieldwork

    def broken(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fieldwork, "answer_write", broken)
    login("inspector_a")
    monkeypatch.setattr("hygiene.core.error_page.render_template", _fail_on_layout, raising=True)
    response = client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="save"))
    assert response.status_code == 500 and "出错" in response.text and "<p class=\"code\">500" in response.text


def _fail_on_layout(name, **context):
    from flask import render_template

    if name != "errors/plain.html":
        raise RuntimeError("the layout needs the database")
    return render_template(name, **context)


def test_a_forbidden_step_on_an_order_is_a_403_page_not_a_flash(app, client, login, order):  # noqa: F811
    from hygiene.rectifications.models import RectificationOrder

    login("inspector_a")  # only the recipient acknowledges an order
    response = client.post(f"/orders/{order.id}/acknowledge")
    assert response.status_code == 403 and "error-page" in response.text
    with app.app_context():
        assert db.session.get(RectificationOrder, order.id).status == "issued"


def test_a_post_whose_submission_is_refused_keeps_its_photos_with_the_draft(app, client, login, inspection):
    login("inspector_a")
    form = all_pass(inspection, **{f"result_{inspection.veto}": "fail", "action": "submit",
                                   f"result_{inspection.floor}": "fail",
                                   f"photo_{inspection.veto}": (BytesIO(jpeg(pattern=10)), "v.jpg")})
    response = client.post(f"/inspections/{inspection.id}/fill", data=form, content_type="multipart/form-data")
    assert response.status_code == 422  # the failed floor item still needs its photo
    with app.app_context():
        photo = db.session.scalar(sa.select(Photo))
    with client.get(f"/inspections/photos/{photo.id}/thumb") as thumb:
        assert thumb.status_code == 200
    assert load(app, inspection.id).status == "in_progress"


def test_a_post_refused_at_submission_for_having_nothing_to_score_stores_no_file(app, client, login, world):
    """Every item not applicable (no veto item on this sheet): refused whole, no file left behind."""
    from datetime import date

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role, User
    from hygiene.checklists.services import template_save
    from tests.inspections.helpers import SIMPLE_SHEET, simple_spec

    with app.app_context():
        sections = [{**SIMPLE_SHEET["sections"][0]}]
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None,
                                spec=simple_spec(code="no-veto", sections=sections))
        target = Inspection(version_id=version.id, township_id=world.ta, village_id=world.a1,
                            target_kind="unit", target_id=world.unit_a1, unit_id=world.unit_a1,
                            target_label="a1饭店", planned_date=date(2026, 11, 23), due_date=date(2026, 11, 30),
                            inspectors=[db.session.get(User, world.user_inspector_a)])
        db.session.add(target)
        db.session.commit()
        target_id, items = target.id, [i.id for i in version.items]
    login("inspector_a")
    files_before = stored_files(app)
    form = {f"result_{i}": "na" for i in items} | {"action": "submit", "submission_key": "n",
                                                  "photo_general": (BytesIO(jpeg(pattern=11)), "g.jpg")}
    response = client.post(f"/inspections/{target_id}/fill", data=form, content_type="multipart/form-data")
    assert response.status_code == 422 and stored_files(app) == files_before
    assert count(app, Photo) == count(app, Answer) == 0


@pytest.mark.parametrize("username", ["village_a1", "unit_a1"])
def test_a_contact_opening_the_form_is_told_contacts_do_not_inspect(app, client, login, inspection, world,
                                                                    username):
    login(username)
    page = client.get(f"/inspections/{inspection.id}/fill")
    assert page.status_code == 403 and "只有检查员和爱卫办" in page.text and "其他检查员" not in page.text
    posted = client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="save"))
    assert posted.status_code == 403 and count(app, Answer) == 0
