"""Target letters: the office makes the year's letters for every village (safe to repeat), sets
targets, records the signing with the scan, and at the year's end assesses each village against
its letter once, with its decision; a village reads its own letter only."""
from __future__ import annotations

import io
import re
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
import time_machine
from PIL import Image

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.media.models import Photo
from tests.campaigns.helpers import posts_at_once
from tests.letters.helpers import year_of_work
from tests.rectifications.test_evidence_once import signed_in, status_of

DEFAULTS = {"year": "2026", "target_inspection_pass_rate": "90", "target_toilet_quota": "100",
            "target_pest_round_coverage": "85", "target_creation_progress": "60", "target_education_cadence": "90"}


@pytest.fixture(autouse=True)
def mid_december():
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        yield


def letters(app, year: int = 2026) -> dict[int, TargetLetter]:
    with app.app_context():
        found = db.session.scalars(sa.select(TargetLetter).where(TargetLetter.year == year))
        return {letter.village_id: letter for letter in found}


def make(client, **changes):
    return client.post("/letters/new", data={**DEFAULTS, "request_key": uuid.uuid4().hex, **changes})


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def made(app, client, login, world):
    login("admin_a")
    assert make(client).status_code == 303
    return letters(app)


def test_the_office_makes_a_letter_for_every_village_of_its_township_and_again_makes_none(app, client, made, world):
    assert set(made) == {world.a1, world.a2}                # not 乙一村 of the other township
    with app.app_context():
        targets = {t.kind: t.target for t in db.session.scalars(
            sa.select(LetterTarget).where(LetterTarget.village_id == world.a1))}
    assert targets == {"inspection_pass_rate": D("90.00"), "toilet_quota": D("100.00"),
                       "pest_round_coverage": D("85.00"), "creation_progress": D("60.00"),
                       "education_cadence": D("90.00")}
    again = make(client)
    assert again.status_code == 303 and len(letters(app)) == 2
    assert "每个村都已有责任书" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_the_new_form_offers_the_default_targets(client, login, world):
    login("admin_a")
    page = client.get("/letters/new?year=2027").get_data(as_text=True)
    assert 'value="2027"' in page and 'value="90"' in page and "检查合格率" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("target_toilet_quota", "-5", "不能为负数"), ("target_toilet_quota", "101", "最多"),
    ("target_toilet_quota", "abc", "请输入数字"), ("target_toilet_quota", "9" * 30, "最多"),
    ("target_toilet_quota", "1\x00", "请输入数字"), ("year", "99999999999999999999", "请输入年份"),
    ("year", "1900", "请输入年份")])
def test_bad_targets_are_refused_beside_the_field_and_nothing_is_made(app, client, login, world, field, value,
                                                                        message):
    login("admin_a")
    answer = make(client, **{field: value})
    assert answer.status_code in (400, 422)
    if answer.status_code == 422:
        assert message in answer.get_data(as_text=True)
    assert letters(app) == {}


def test_targets_are_changed_on_a_draft_and_refused_once_signed(app, client, made, world):
    letter = made[world.a1]
    form = {**DEFAULTS, "target_toilet_quota": "80"}
    assert client.post(f"/letters/{letter.id}/targets", data=form).status_code == 303
    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "80.00%" in page
    assert client.post(f"/letters/{letter.id}/sign", data={"signed_on": "2026-02-01", "signed_by_name": "王书记",
                                                           "request_key": "k1"}).status_code == 303
    refused = client.post(f"/letters/{letter.id}/targets", data={**form, "target_toilet_quota": "70"})
    assert refused.status_code == 422 and "不能再修改" in refused.get_data(as_text=True)


def test_signing_keeps_the_scan_once_and_the_village_reads_it(app, client, login, made, world):
    letter = made[world.a1]
    form = {"signed_on": "2026-02-01", "signed_by_name": "王书记", "request_key": "same"}
    for _n in range(2):  # the form sent twice
        answer = client.post(f"/letters/{letter.id}/sign", data={**form, "photos": (io.BytesIO(jpeg()), "scan.jpg")},
                             content_type="multipart/form-data")
        assert answer.status_code == 303
    with app.app_context():
        scans = list(db.session.scalars(sa.select(Photo).where(Photo.letter_id == letter.id)))
        signed = db.session.get(TargetLetter, letter.id)
        assert len(scans) == 1 and signed.status == "signed" and signed.signed_on == date(2026, 2, 1)
    other = client.post(f"/letters/{letter.id}/sign", data={**form, "request_key": "another"})
    assert other.status_code == 422 and "不能再次签订" in other.get_data(as_text=True)
    login("village_a1")
    assert client.get("/letters/").status_code == 302          # straight to its own letter
    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "王书记" in page and "记录签订" not in page
    shown = client.get(f"/inspections/photos/{scans[0].id}/thumb")
    shown.close()
    assert shown.status_code == 200
    login("village_b1")
    assert client.get(f"/inspections/photos/{scans[0].id}/thumb").status_code == 404


@pytest.mark.parametrize(("signed_on", "message"), [("2024-06-01", "签订"), ("", "请输入日期"),
                                                    ("2026-02-30", "请输入日期")])
def test_a_bad_signing_date_is_refused(app, client, made, world, signed_on, message):
    letter = made[world.a1]
    answer = client.post(f"/letters/{letter.id}/sign", data={"signed_on": signed_on, "signed_by_name": "王书记"})
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert letters(app)[world.a1].status == "draft"


def test_other_villages_townships_and_roles_cannot_read_or_change_a_letter(app, client, login, made, world):
    letter_a1, letter_a2 = made[world.a1].id, made[world.a2].id
    login("village_a1")
    assert client.get(f"/letters/{letter_a2}").status_code == 404
    assert client.post(f"/letters/{letter_a1}/sign", data={"signed_on": "2026-02-01", "signed_by_name": "x"}
                       ).status_code == 403
    assert client.get("/letters/assessment").status_code == 403
    assert client.get("/letters/new").status_code == 403
    login("admin_b")
    assert client.get(f"/letters/{letter_a1}").status_code == 404
    assert client.post(f"/letters/{letter_a1}/assess", data={"outcome": "none"}).status_code == 404
    login("inspector_a")
    assert client.get(f"/letters/{letter_a1}").status_code == 200
    assert client.post(f"/letters/{letter_a1}/reopen").status_code in (303, 403)
    assert letters(app)[world.a1].status == "draft"
    login("unit_a1")   # a unit contact reads their unit's letter only: a village's is not found
    assert "甲一村" not in client.get("/letters/").get_data(as_text=True)
    assert client.get(f"/letters/{letter_a1}").status_code == 404
    login("admin_a")
    assert client.get("/letters/99999999999999999999").status_code == 404


def sign_all(client, made):
    for n, letter in enumerate(made.values()):
        assert client.post(f"/letters/{letter.id}/sign", data={"signed_on": "2026-02-01", "signed_by_name": "村主任",
                                                               "request_key": f"s{n}"}).status_code == 303


def test_the_assessment_measures_each_village_against_its_letter(app, client, made, world):
    with app.app_context():
        year_of_work(world)
    sign_all(client, made)
    board = client.get("/letters/assessment?year=2026").get_data(as_text=True)
    assert board.index("甲一村") < board.index("甲二村")              # the best score first
    a1 = board[board.index("甲一村"):board.index("甲二村")]
    # 甲一村: pass rate 75% of 90 not met; toilets 100% met; rounds 90% of 85 met; no education
    # activity (0% of 90) not met; no creation application: not measured: 2 of 4
    assert "75.00%" in a1 and "100.00%" in a1 and "90.00%" in a1 and "50.00" in a1
    a2 = board[board.index("甲二村"):]
    # 甲二村: pass rate 100% met; toilets 25% not met; no round: not measured, not scored;
    # education 0% not met: 1 of 3
    assert "25.00%" in a2 and "未测得" in a2 and "不计分" in a2 and "33.33" in a2


def test_the_assessment_is_recorded_once_frozen_and_reopened(app, client, made, world):
    with app.app_context():
        year_of_work(world)
    sign_all(client, made)
    letter = made[world.a1]
    form = {"outcome": "praise", "amount": "800", "decision_note": "环境整治成效好", "request_key": "assess-1"}
    assert client.post(f"/letters/{letter.id}/assess", data=form).status_code == 303
    assert client.post(f"/letters/{letter.id}/assess", data=form).status_code == 303       # a resend
    again = client.post(f"/letters/{letter.id}/assess", data={**form, "request_key": "assess-2"})
    assert again.status_code == 422
    with app.app_context():
        done = db.session.get(TargetLetter, letter.id)
        assert (done.status, done.score, done.outcome, done.amount) == ("assessed", D("50.00"), "praise", D("800.00"))
        assert {t.kind: (t.actual, t.met) for t in done.targets}["inspection_pass_rate"] == (D("75.00"), False)
        trail = db.session.scalars(sa.select(AuditEvent.after).where(
            AuditEvent.entity_type == "target_letter", AuditEvent.entity_id == letter.id))
        assert [after.get("outcome") for after in trail if "outcome" in after] == ["praise"]
    assert client.post(f"/letters/{letter.id}/reopen").status_code == 303
    assert letters(app)[world.a1].status == "reopened"
    assert client.post(f"/letters/{letter.id}/assess", data={**form, "outcome": "criticism", "amount": "200",
                                                             "request_key": "assess-3"}).status_code == 303
    assert letters(app)[world.a1].outcome == "criticism"


@pytest.mark.parametrize(("field", "value"), [("outcome", "bogus"), ("amount", "-1"), ("amount", "1e400"),
                                              ("amount", "99999999999999999999"), ("decision_note", "a\x00b")])
def test_a_bad_decision_is_refused_and_nothing_is_assessed(app, client, made, world, field, value):
    sign_all(client, made)
    letter = made[world.a1]
    answer = client.post(f"/letters/{letter.id}/assess", data={"outcome": "praise", field: value})
    assert answer.status_code in (400, 422)
    assert letters(app)[world.a1].status == "signed"


def test_the_assessment_waits_for_its_opening_day(app, client, made, world):
    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role
    from hygiene.clock import now_utc
    from hygiene.errors import DomainError
    from hygiene.letters import services
    from hygiene.letters.schemas import AssessInput

    sign_all(client, made)
    with app.app_context():
        letter = db.session.get(TargetLetter, made[world.a1].id)
        with pytest.raises(DomainError, match="2026-12-01"):
            services.letter_assess(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, letter=letter,
                                   data=AssessInput(outcome="none"), today=date(2026, 11, 30), now=now_utc())
        db.session.rollback()
    assert letters(app)[world.a1].status == "signed"


def test_the_export_and_the_year_s_ranking_link(app, client, made, world):
    sign_all(client, made)
    answer = client.get("/exports/letter_assessment.xlsx?year=2026")
    assert answer.status_code == 200 and answer.data[:2] == b"PK"
    ranking = client.get("/rankings/?period=2026&subject=villages").get_data(as_text=True)
    assert "/letters/assessment?year=2026" in ranking
    assert client.get("/exports/letter_assessment.xlsx?year=abc").status_code in (400, 422)


def test_the_assessment_board_s_queries_do_not_grow_with_the_villages(app, client, login, world, count_queries):
    from hygiene.places.models import Village

    login("admin_a")

    def measure() -> int:
        make(client)
        with count_queries() as n:
            assert client.get("/letters/assessment?year=2026").status_code == 200
        return n[0]

    few = measure()
    with app.app_context():
        db.session.add_all(Village(name=f"新村{i}", township_id=world.ta) for i in range(30))
        db.session.commit()
    assert measure() == few


def test_two_identical_requests_at_the_same_moment_make_each_letter_once(app, live, world):
    statuses = posts_at_once(signed_in(live, "admin_a"), f"{live}/letters/new", {**DEFAULTS, "request_key": "same"})
    assert statuses == [303] * 3
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TargetLetter)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LetterTarget)) == 10   # 2 villages × 5 target kinds


def test_assessments_at_the_same_moment_record_one(app, client, made, live, world):
    sign_all(client, made)
    letter_id = made[world.a1].id
    opener = signed_in(live, "admin_a")
    start, statuses = threading.Barrier(3), []

    def post(key):
        body = urllib.parse.urlencode({"outcome": "praise", "amount": "500", "request_key": key}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/letters/{letter_id}/assess", data=body)))

    workers = [threading.Thread(target=post, args=(k,)) for k in ("k", "k", "k")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 3
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "target_letter", AuditEvent.entity_id == letter_id,
            AuditEvent.action == "update")) == 2          # signed, assessed
    assert re.fullmatch(r"\d+", str(letter_id))


def test_before_it_opens_the_letter_page_says_when_the_assessment_opens_instead_of_its_form(app, client, made, world):
    assert make(client, year="2027").status_code == 303  # next year's: its assessment opens 2027-12-01
    next_year = letters(app, 2027)
    sign_all(client, next_year)
    page = client.get(f"/letters/{next_year[world.a1].id}").get_data(as_text=True)
    assert f"/letters/{next_year[world.a1].id}/assess" not in page and "2027-12-01" in page and "起开放" in page
    sign_all(client, made)
    page = client.get(f"/letters/{made[world.a1].id}").get_data(as_text=True)  # this year's: open since 1 December
    assert f"/letters/{made[world.a1].id}/assess" in page


def test_the_signing_asks_for_photos_of_the_signed_page(app, client, made, world):
    page = client.get(f"/letters/{made[world.a1].id}").get_data(as_text=True)
    assert "签字页照片" in page and "扫描件" not in page and 'accept="image/*,.heic,.heif' in page


def test_the_year_s_village_ranking_shows_the_assessment_beside_it(app, client, login, made, world):
    sign_all(client, made)
    login("admin_b")
    assert make(client).status_code == 303  # 乙镇's letters too
    login("admin_a")
    ranking = client.get("/rankings/?period=2026&subject=villages").get_data(as_text=True)
    beside = ranking[ranking.index('id="assessment"'):]
    assert "年终目标考核" in beside or "target assessment" in beside
    assert f"/letters/{made[world.a1].id}" in beside and "甲一村" in beside
    assert "乙一村" not in beside  # another township's letters stay on its own ranking
    month = client.get("/rankings/?period=2026-11&subject=villages").get_data(as_text=True)
    assert 'id="assessment"' not in month  # a month's ranking has no year-end assessment


def test_a_county_admin_sees_the_chosen_township_s_assessment_beside_its_ranking(app, client, login, made, world):
    sign_all(client, made)
    login("admin_b")
    assert make(client).status_code == 303
    login("county")
    ranking = client.get(f"/rankings/?period=2026&subject=villages&township_id={world.ta}").get_data(as_text=True)
    beside = ranking[ranking.index('id="assessment"'):]
    assert "甲一村" in beside and "乙一村" not in beside
