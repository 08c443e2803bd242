"""The board's stored measurements: each open letter keeps its latest live measure and when it was
taken; the board shows those (and their time), a domain's new record shows after the next refresh
(the job, a letter's own step or "Measure now"), never before; the letter's page measures live."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.checklists.models import TemplateVersion
from hygiene.clock import now_utc
from hygiene.extensions import db
from hygiene.letters.jobs import measure_letters
from hygiene.letters.kinds import actual_of, measured
from hygiene.letters.measure import refresh_all_open, refresh_measurements
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.letters.queries import assessment_board, measured_as_of
from tests.letters.helpers import year_of_work
from tests.letters.test_letters import letters, make, sign_all
from tests.rankings.helpers import add_published

LATER = datetime(2026, 12, 10, 3, 30, tzinfo=UTC)   # 11:30 in Shanghai


@pytest.fixture(autouse=True)
def mid_december():
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def signed(app, client, login, world):
    """甲镇's two village letters, made and signed after a year of work (so measured at signing)."""
    login("admin_a")
    with app.app_context():
        year_of_work(world)
    assert make(client).status_code == 303
    made = letters(app)
    sign_all(client, made)
    return made


def stored(app) -> dict[tuple[int, str], tuple[D | None, datetime | None]]:
    with app.app_context():
        return {(t.village_id, t.kind): (t.measured, t.measured_at)
                for t in db.session.scalars(sa.select(LetterTarget))}


def a_failed_inspection(app, world) -> None:
    """甲二村's second inspection of the year, failed: its pass rate falls from 100% to 50%."""
    with app.app_context():
        version_id = db.session.scalar(sa.select(TemplateVersion.id).order_by(TemplateVersion.id.desc()).limit(1))
        add_published(version_id=version_id, township_id=world.ta, village_id=world.a2, day=date(2026, 11, 2),
                      score=40, passed=False)
        db.session.commit()


def a2_pass_rate(app, world) -> D | None:
    return stored(app)[(world.a2, "inspection_pass_rate")][0]


def test_the_stored_values_equal_the_live_measure_after_a_refresh(app, signed, world):
    with app.app_context():
        refresh_measurements(township_id=world.ta, year=2026, now=now_utc())
        db.session.commit()
        live = measured(township_id=world.ta, year=2026)
        for target in db.session.scalars(sa.select(LetterTarget)):
            assert target.measured == actual_of(live, target.kind, village_id=target.village_id, unit_id=None)
            assert target.measured_at == now_utc()
    assert stored(app)[(world.a1, "inspection_pass_rate")][0] == D("75.00")
    assert stored(app)[(world.a2, "pest_round_coverage")] == (None, now_utc())   # nothing to measure, measured


def test_the_board_shows_the_stored_values_and_when_they_were_measured(app, client, signed, world):
    board = client.get("/letters/assessment?year=2026").get_data(as_text=True)
    assert "数据计算于 12月10日 10:00" in board and "重新计算" in board
    assert "100.00%" in board[board.index("甲二村"):]


def test_a_new_record_shows_on_the_board_after_the_job_runs_not_before(app, client, signed, world):
    a_failed_inspection(app, world)
    before = client.get("/letters/assessment?year=2026").get_data(as_text=True)
    assert "100.00%" in before[before.index("甲二村"):] and "50.00%" not in before[before.index("甲二村"):]
    page = client.get(f"/letters/{signed[world.a2].id}").get_data(as_text=True)
    assert "50.00%" in page                               # the letter's own page measures live
    with app.app_context():
        assert measure_letters(now=LATER) == {"targets_measured": 10}
        db.session.commit()
    after = client.get("/letters/assessment?year=2026").get_data(as_text=True)
    assert "50.00%" in after[after.index("甲二村"):] and "数据计算于 12月10日 11:30" in after


def test_measure_now_refreshes_the_admin_s_township_and_a_resend_changes_nothing_more(app, client, signed, world):
    a_failed_inspection(app, world)
    answer = client.post("/letters/assessment/measure", data={"year": "2026"})
    assert answer.status_code == 303 and "/letters/assessment" in answer.headers["Location"]
    assert a2_pass_rate(app, world) == D("50.00")
    first = stored(app)
    assert client.post("/letters/assessment/measure", data={"year": "2026"}).status_code == 303
    assert stored(app) == first
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LetterTarget)) == 10


@pytest.mark.parametrize("role", ["inspector_a", "village_a1", "unit_a1"])
def test_only_admins_measure_now(app, client, login, signed, world, role):
    a_failed_inspection(app, world)
    login(role)
    assert client.post("/letters/assessment/measure", data={"year": "2026"}).status_code == 403
    assert a2_pass_rate(app, world) == D("100.00")


def test_measure_now_for_another_township_is_not_found_and_the_county_measures_any(app, client, login, signed,
                                                                                  world):
    a_failed_inspection(app, world)
    assert client.post("/letters/assessment/measure", data={"year": "2026", "township": world.tb}).status_code == 404
    assert a2_pass_rate(app, world) == D("100.00")
    login("county")
    assert client.post("/letters/assessment/measure", data={"year": "2026", "township": world.ta}).status_code == 303
    assert a2_pass_rate(app, world) == D("50.00")


def test_measure_now_with_a_bad_year_or_township_is_no_error(app, client, signed, world):
    for data in ({"year": "abc"}, {"year": "2026", "township": "x"}, {"year": "99999"}):
        assert client.post("/letters/assessment/measure", data=data).status_code in (303, 400, 422)


def test_an_assessed_letter_keeps_its_frozen_figures_and_is_not_measured_again(app, client, signed, world):
    letter = signed[world.a2]
    form = {"outcome": "praise", "amount": "100", "decision_note": "", "request_key": "a-1"}
    assert client.post(f"/letters/{letter.id}/assess", data=form).status_code == 303
    a_failed_inspection(app, world)
    with app.app_context():
        measure_letters(now=LATER)
        db.session.commit()
        [row] = [r for r in assessment_board(scope=Scope(Role.ADMIN, township_id=world.ta), year=2026)
                 if r.letter.village_id == world.a2]
        assert row.frozen and {r.kind: r.actual for r in row.results}["inspection_pass_rate"] == D("100.00")
    assert a2_pass_rate(app, world) == D("100.00")    # measured at signing, not since


def test_the_board_says_which_letters_are_not_measured_yet(app, client, signed, world):
    with app.app_context():
        db.session.execute(sa.update(LetterTarget).values(measured_at=None))
        db.session.commit()
        rows = assessment_board(scope=Scope(Role.ADMIN, township_id=world.ta), year=2026)
        assert measured_as_of(rows) == (None, 2)
    board = client.get("/letters/assessment?year=2026").get_data(as_text=True)
    assert "2 份责任书尚未计算" in board


def test_the_board_is_one_statement(app, signed, world, count_queries):
    with app.app_context(), count_queries() as n:
        assessment_board(scope=Scope(Role.ADMIN, township_id=world.ta), year=2026)
    assert n[0] == 1


def test_reopening_a_letter_measures_that_letter_only(app, client, signed, world):
    a_failed_inspection(app, world)
    letter = signed[world.a2]
    form = {"outcome": "none", "amount": "", "decision_note": "", "request_key": "a-2"}
    assert client.post(f"/letters/{letter.id}/assess", data=form).status_code == 303
    assert client.post(f"/letters/{letter.id}/reopen").status_code == 303
    assert a2_pass_rate(app, world) == D("50.00")
    assert stored(app)[(world.a1, "inspection_pass_rate")][1] < LATER   # the other letter was not touched


def test_the_migration_s_fill_measures_every_open_letter(app, signed, world):
    with app.app_context():
        db.session.execute(sa.update(LetterTarget).values(measured=None, measured_at=None))
        db.session.commit()
        db.session.remove()
        with db.engine.begin() as connection:
            assert refresh_all_open(connection) == 10
    assert a2_pass_rate(app, world) == D("100.00")


def test_two_refreshes_at_the_same_moment_both_finish_with_the_same_values(app, signed, world):
    a_failed_inspection(app, world)
    start, errors = threading.Barrier(2), []

    def run():
        try:
            with app.app_context():
                start.wait()
                refresh_measurements(township_id=None, year=2026, now=LATER)
                db.session.commit()
        except Exception as error:  # noqa: BLE001  # reported below
            errors.append(error)

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    assert a2_pass_rate(app, world) == D("50.00")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LetterTarget)) == 10
        assert set(db.session.scalars(sa.select(LetterTarget.measured_at))) == {LATER}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TargetLetter)) == 2


def test_a_letter_is_measured_when_made_and_again_when_its_targets_are_saved(app, client, login, world):
    login("admin_a")
    with app.app_context():
        year_of_work(world)
    assert make(client).status_code == 303
    assert a2_pass_rate(app, world) == D("100.00")          # measured as it was made, a draft
    a_failed_inspection(app, world)
    letter = letters(app)[world.a2]
    form = {"year": "2026", "target_inspection_pass_rate": "90", "target_toilet_quota": "80",
            "target_pest_round_coverage": "85", "target_creation_progress": "60", "target_education_cadence": "90"}
    assert client.post(f"/letters/{letter.id}/targets", data=form).status_code == 303
    assert a2_pass_rate(app, world) == D("50.00")
