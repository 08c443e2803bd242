"""Importing surveyed households from Excel: every row names a register household; the file is
checked whole and saved all or nothing, by the rules of the form; only the office imports."""
import json
import re
from html import unescape
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa

from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.toilets.models import HouseholdToilet
from tests.toilets.test_toilet_pages import add, made_id, make_tasks


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def workbook(rows, header=("村/社区", "组", "户主", "摸底日期", "备注")) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name="摸底.xlsx"):
    return client.post("/toilets/import", data={"file": (BytesIO(data), name)}, content_type="multipart/form-data")


def confirm_fields(page: str) -> dict:
    fields = dict(re.findall(r'name="(rows|request_key)"[^>]*value="([^"]*)"', page))
    return {k: unescape(v) for k, v in fields.items()}


def toilets(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdToilet))


def test_a_clean_file_is_checked_then_saved_at_once(app, client, login, world, tasks):
    login("admin_a")
    today = local_today().isoformat()
    checked = upload(client, workbook([("甲一村", "一组", "a1户主", today, "愿意改厕"), ("甲一村", "二组", "a1二户", "", ""),
                                       ("甲二村", "一组", "a2户主", today, "")]))
    assert checked.status_code == 200 and toilets(app) == 0
    fields = confirm_fields(checked.text)
    assert len(json.loads(fields["rows"])) == 3
    saved = client.post("/toilets/import/confirm", data=fields)
    assert saved.status_code == 303 and toilets(app) == 3
    again = client.post("/toilets/import/confirm", data=fields)  # a double tap saves nothing twice
    assert again.status_code == 303 and toilets(app) == 3
    with app.app_context():
        notes = db.session.scalars(sa.select(HouseholdToilet.note).order_by(HouseholdToilet.household_id)).all()
    assert "愿意改厕" in notes


def test_a_file_with_any_bad_row_names_each_problem_and_saves_nothing(app, client, login, world, tasks):
    login("admin_a")
    made_id(add(client, world, world.household_a1))
    rows = [("甲一村", "一组", "a1户主", "", ""),          # already recorded
            ("甲一村", "二组", "a1二户", "", ""),
            ("甲一村", "二组", "a1二户", "", ""),          # twice in the file
            ("甲一村", "三组", "王五", "", ""),            # not in the register
            ("乙一村", "一组", "b1户主", "", ""),          # another township's village
            ("甲二村", "一组", "a2户主", "2999-01-01", ""),  # a future date
            ("甲二村", "一组", "a2户主", "junk", "")]
    checked = upload(client, workbook(rows))
    assert checked.status_code == 422
    text = checked.text
    for expected in ("已有改厕记录", "a1二户", "王五", "乙一村", "摸底日期"):
        assert expected in text
    assert 'name="rows"' not in text and toilets(app) == 1


def test_a_village_without_a_task_or_a_broken_file_is_refused(app, client, login, world, tasks):
    login("admin_a")
    with app.app_context():
        from hygiene.toilets.models import ToiletTask

        db.session.execute(sa.delete(ToiletTask).where(ToiletTask.id == tasks.task_a2))
        db.session.commit()
    assert upload(client, workbook([("甲二村", "一组", "a2户主", "", "")])).status_code == 422
    assert upload(client, b"not a workbook").status_code == 422
    assert upload(client, workbook([("甲一村",)], header=("村/社区",))).status_code == 422  # no 户主 column
    assert upload(client, b"x", name="list.pdf").status_code == 422
    assert upload(client, workbook([])).status_code == 422
    assert toilets(app) == 0


def test_a_tampered_confirm_is_checked_again_by_the_rules(app, client, login, world, tasks):
    login("admin_a")
    checked = upload(client, workbook([("甲一村", "一组", "a1户主", "", "")]))
    fields = confirm_fields(checked.text)
    rows = json.loads(fields["rows"])
    rows.append({"row": 3, "village_id": world.b1, "household_id": world.household_b1, "surveyed_on": "", "note": ""})
    refused = client.post("/toilets/import/confirm", data=fields | {"rows": json.dumps(rows)})
    assert refused.status_code == 422 and toilets(app) == 0
    for junk in ("", "{", "[1]", "[]", json.dumps([{"household_id": "99999999999999999999"}]), "\x00"):
        response = client.post("/toilets/import/confirm", data=fields | {"rows": junk})
        assert response.status_code in (400, 422), junk
    assert toilets(app) == 0


def test_only_the_office_imports(app, client, login, world, tasks):
    for user in ("village_a1", "inspector_a", "unit_a1", "county"):
        login(user)
        assert client.get("/toilets/import").status_code == 403
        assert upload(client, workbook([("甲一村", "一组", "a1户主", "", "")])).status_code == 403
        assert client.post("/toilets/import/confirm", data={"rows": "[]"}).status_code == 403
    assert toilets(app) == 0
