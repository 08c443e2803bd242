"""Target letters for units: the office makes the year's letters of every unit (of a category) in
one step, safe to repeat and to race; a unit's targets are measured from its own inspections,
health certificates, education and creation; the unit contact reads and acknowledges only their
unit's letter, a village contact never a unit's; the board and the export list units beside
villages; the unit contact is told through the outbox."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.food.models import HealthCertificate
from hygiene.letters.kinds import measured
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.notifications.models import Notification
from hygiene.places.models import Unit
from tests.campaigns.helpers import posts_at_once
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published
from tests.rectifications.test_evidence_once import signed_in

UNIT_FORM = {"year": "2026", "category": "", "target_unit_inspection_pass_rate": "90",
             "target_unit_inspection_mean_score": "85", "target_unit_certificates_valid": "100",
             "target_unit_education_cadence": "90", "target_unit_creation_progress": "20"}


@pytest.fixture(autouse=True)
def mid_december():
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        yield


def unit_letters(app, year: int = 2026) -> dict[int, TargetLetter]:
    with app.app_context():
        found = db.session.scalars(sa.select(TargetLetter).where(TargetLetter.year == year,
                                                                 TargetLetter.unit_id.is_not(None)))
        return {letter.unit_id: letter for letter in found}


def make_units(client, **changes):
    return client.post("/letters/new-units", data={**UNIT_FORM, "request_key": uuid.uuid4().hex, **changes})


@pytest.fixture
def made(app, client, login, world):
    login("admin_a")
    assert make_units(client).status_code == 303
    return unit_letters(app)


def test_the_office_makes_every_unit_s_letter_once_with_the_unit_targets(app, client, made, world):
    assert set(made) == {world.unit_a1, world.unit_a2}        # not 乙一村's unit of the other township
    with app.app_context():
        targets = {t.kind: t.target for t in db.session.scalars(
            sa.select(LetterTarget).where(LetterTarget.unit_id == world.unit_a1))}
    assert targets == {"unit_inspection_pass_rate": D(90), "unit_inspection_mean_score": D(85),
                       "unit_certificates_valid": D(100), "unit_education_cadence": D(90),
                       "unit_creation_progress": D(20)}
    again = make_units(client)
    assert again.status_code == 303 and len(unit_letters(app)) == 2
    assert "每个单位都已有责任书" in client.get(again.headers["Location"]).get_data(as_text=True)
    # the villages' own letters are made apart, and each village still gets one
    assert client.post("/letters/new", data={"year": "2026", "request_key": uuid.uuid4().hex,
                                             "target_inspection_pass_rate": "90", "target_toilet_quota": "100",
                                             "target_pest_round_coverage": "85", "target_creation_progress": "60",
                                             "target_education_cadence": "90"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TargetLetter).where(
            TargetLetter.unit_id.is_(None))) == 2


def test_only_the_category_chosen_gets_its_letters(app, client, login, world):
    with app.app_context():
        db.session.add(Unit(name="甲一村小学食堂", category="school_canteen", village_id=world.a1))
        db.session.commit()
    login("admin_a")
    assert make_units(client, category="school_canteen").status_code == 303
    assert len(unit_letters(app)) == 1
    assert make_units(client).status_code == 303
    assert len(unit_letters(app)) == 3


@pytest.mark.parametrize(("changes", "message"), [
    ({"category": "spaceport"}, "请从列表中选择"), ({"target_unit_inspection_mean_score": "abc"}, "请输入数字"),
    ({"target_unit_certificates_valid": "101"}, "最多"), ({"year": "1900"}, "请输入年份")])
def test_bad_input_is_refused_with_its_reason_and_makes_nothing(app, client, login, world, changes, message):
    login("admin_a")
    page = make_units(client, **changes)
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert unit_letters(app) == {}


def test_a_unit_s_targets_are_measured_from_its_own_records(app, world, ctx):
    version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
    for day, score, passed in ((3, 90, True), (4, 80, True), (5, 50, False), (6, 100, True)):
        add_published(version_id=version.id, township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1,
                      day=date(2026, day, 10), score=score, passed=passed)
    add_published(version_id=version.id, township_id=world.ta, village_id=world.a1, day=date(2026, 5, 1),
                  score=10, passed=False)        # the village's inspection is not the unit's
    db.session.add_all([HealthCertificate(township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1,
                                          worker_name=name, number=f"J{n}", issued_on=date(2026, 1, 5),
                                          expires_on=expires)
                        for n, (name, expires) in enumerate((("张三", date(2027, 1, 4)), ("李四", date(2026, 11, 30)),
                                                            ("王五", date(2027, 3, 1)), ("赵六", date(2027, 6, 1))))])
    db.session.commit()
    actual = measured(township_id=world.ta, year=2026, subjects=("unit",))
    assert actual["unit_inspection_pass_rate"] == {world.unit_a1: D("75.00")}
    assert actual["unit_inspection_mean_score"] == {world.unit_a1: D("80.00")}
    assert actual["unit_certificates_valid"] == {world.unit_a1: D("75.00")}   # 李四's expired on 30 November
    assert "inspection_pass_rate" not in actual                                  # the villages' kinds not asked


def test_the_unit_contact_reads_and_acknowledges_only_their_own_unit_s_letter(app, client, login, made, world):
    mine, theirs = made[world.unit_a1].id, made[world.unit_a2].id
    login("unit_a1")
    listed = client.get("/letters/?year=2026")
    assert listed.status_code == 302 and listed.headers["Location"].endswith(f"/letters/{mine}")
    assert client.get(f"/letters/{theirs}").status_code == 404
    for step in ("acknowledge", "sign", "targets", "assess", "reopen"):
        assert client.post(f"/letters/{theirs}/{step}").status_code == 404
    assert client.post(f"/letters/{mine}/sign", data={"signed_on": "2026-02-01", "signed_by_name": "x"}
                       ).status_code == 403            # the office records the signing
    assert client.get("/letters/assessment").status_code == 403
    assert client.get("/letters/new-units").status_code == 403
    page = client.get(f"/letters/{mine}").get_data(as_text=True)
    assert "a1饭店" in page and "确认收到责任书" not in page  # a draft: nothing to acknowledge yet
    assert client.post(f"/letters/{mine}/acknowledge").status_code == 409
    login("admin_a")
    assert client.post(f"/letters/{mine}/sign", data={"signed_on": "2026-02-01", "signed_by_name": "店长",
                                                      "request_key": uuid.uuid4().hex}).status_code == 303
    login("unit_a1")
    assert "确认收到责任书" in client.get(f"/letters/{mine}").get_data(as_text=True)
    assert client.post(f"/letters/{mine}/acknowledge").status_code == 303
    assert client.post(f"/letters/{mine}/acknowledge").status_code == 303     # a double tap: once
    assert unit_letters(app)[world.unit_a1].acknowledged_at is not None
    assert unit_letters(app)[world.unit_a2].acknowledged_at is None


def test_a_village_contact_never_sees_a_unit_s_letter(app, client, login, made, world):
    login("village_a1")
    for unit_id in (world.unit_a1, world.unit_a2):
        assert client.get(f"/letters/{made[unit_id].id}").status_code == 404
        assert client.post(f"/letters/{made[unit_id].id}/acknowledge").status_code == 404
    assert "饭店" not in client.get("/letters/?year=2026&subject=unit").get_data(as_text=True)
    login("admin_b")
    assert client.get(f"/letters/{made[world.unit_a1].id}").status_code == 404


def test_the_board_and_the_export_list_units_beside_villages(app, client, made, world):
    board = client.get("/letters/assessment?year=2026").get_data(as_text=True)
    assert "a1饭店（甲一村）" in board and "健康证有效率" in board
    units_only = client.get("/letters/assessment?year=2026&subject=unit").get_data(as_text=True)
    assert "a1饭店" in units_only and "厕所" not in units_only
    assert client.get("/letters/assessment?year=2026&subject=moon").status_code == 200
    export = client.get("/exports/letter_assessment.xlsx?year=2026&subject=unit")
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook
    sheet = load_workbook(BytesIO(export.data)).active
    names = {row[1] for row in sheet.iter_rows(values_only=True)}
    assert {"a1饭店（甲一村）", "a2饭店（甲二村）"} <= names


def test_the_unit_contact_is_told_in_the_outbox_when_the_letter_is_made(app, made, world):
    with app.app_context():
        told = db.session.execute(sa.select(Notification.recipient_id, Notification.link).where(
            Notification.kind == "letter_made", Notification.channel == "in_app")).all()
    assert told == [(world.user_unit_a1, f"/letters/{made[world.unit_a1].id}")]


def test_two_identical_requests_at_the_same_moment_make_each_unit_s_letter_once(app, live, world):
    statuses = posts_at_once(signed_in(live, "admin_a"), f"{live}/letters/new-units", {**UNIT_FORM, "request_key": "same"})
    assert statuses == [303] * 3
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TargetLetter)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LetterTarget)) == 10
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == "letter_made", Notification.channel == "in_app")) == 1


def test_a_unit_s_letter_is_signed_and_assessed_and_its_contact_told_the_result(app, client, made, world):
    letter_id = made[world.unit_a1].id
    assert client.post(f"/letters/{letter_id}/sign", data={"signed_on": "2026-01-15", "signed_by_name": "店长",
                                                           "request_key": uuid.uuid4().hex}).status_code == 303
    assert client.post(f"/letters/{letter_id}/assess", data={"outcome": "praise", "amount": "300",
                                                             "request_key": uuid.uuid4().hex}).status_code == 303
    letter = unit_letters(app)[world.unit_a1]
    # only the unit's education cadence is measured (no activity: 0, missed); the rest is not scored
    assert (letter.status, letter.score) == ("assessed", D("0.00"))
    with app.app_context():
        frozen = {t.kind: (t.actual, t.met) for t in db.session.scalars(
            sa.select(LetterTarget).where(LetterTarget.letter_id == letter_id))}
    assert frozen["unit_education_cadence"] == (D("0.00"), False)
    assert frozen["unit_inspection_pass_rate"] == (None, None)
    with app.app_context():
        told = db.session.execute(sa.select(Notification.recipient_id, Notification.body).where(
            Notification.kind == "letter_assessed", Notification.channel == "in_app")).all()
    assert [who for who, _body in told] == [world.user_unit_a1] and "a1饭店" in told[0][1]
    assert "通报表扬" in told[0][1]
