"""The month counts the cadence flags read are kept equal to the log (after every activity written,
for activities entered at the same moment too, on both databases; `flask campaigns rebuild-counts`
gives the same); and a township's "count cadence from" day keeps the months before it from being
flagged on the cadence page, in the reminders, the ranking component and the briefing."""
from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.models import AuditEvent
from hygiene.core.periods import parse_period
from hygiene.education.briefing import education_section
from hygiene.education.cadence import Target, assess, counted_window, windows
from hygiene.education.models import MONTHS, EducationActivity, EducationMonthCount
from hygiene.education.queries import cadence
from hygiene.education.ranking import education_cadence_component
from hygiene.education.reminders import scan_education_cadence
from hygiene.education.status import CadenceState
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.rankings.components import Subject
from tests.campaigns.helpers import post_form, signed_in
from tests.education.helpers import add_activities, made_id, record

MONTHLY, FOUR_A_YEAR = Target(every_months=1, at_least=1), Target(every_months=12, at_least=4)
TO_OCTOBER = [date(2026, m, 10) for m in range(1, 11)]


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel("2026-11-26 09:00 +0800", tick=False):
        yield


def kept(app) -> set[tuple]:
    with app.app_context():
        m = EducationMonthCount
        return {(row[0], row[1], row[2], row[3:]) for row in db.session.execute(sa.select(
            m.subject_key, m.kind, m.year, *(getattr(m, month) for month in MONTHS))) if any(row[3:])}


def of_log(app) -> set[tuple]:
    """What the counts must be: the log counted afresh per subject, kind, year and month."""
    with app.app_context():
        found: dict[tuple, list[int]] = {}
        for a in db.session.scalars(sa.select(EducationActivity)):
            key = (EducationMonthCount.key_of(a.village_id, a.unit_id), a.kind, a.held_on.year)
            found.setdefault(key, [0] * 12)[a.held_on.month - 1] += 1
        return {(*key, tuple(months)) for key, months in found.items()}


# --- the counts ---------------------------------------------------------------------------------

def test_the_counts_follow_every_activity_entered(app, client, login, world):
    login("admin_a")
    key = uuid.uuid4().hex
    for subject, fields in ((f"village:{world.a1}", {"held_on": "2026-03-05"}),
                            (f"village:{world.a1}", {"held_on": "2026-03-20"}),
                            (f"village:{world.a1}", {"held_on": "2025-12-31", "kind": "board", "attendance": ""}),
                            (f"unit:{world.unit_a1}", {"held_on": "2026-11-02", "kind": "column", "attendance": ""}),
                            (f"village:{world.a2}", {"held_on": "2026-11-01", "request_key": key}),
                            (f"village:{world.a2}", {"held_on": "2026-11-01", "request_key": key})):  # a resend
        made_id(record(client, subject, **fields))
        assert kept(app) == of_log(app), (subject, fields)
    assert (f"village:{world.a1}", "lecture", 2026, (0, 0, 2) + (0,) * 9) in kept(app)
    assert (f"village:{world.a2}", "lecture", 2026, (0,) * 10 + (1, 0)) in kept(app)
    bad = record(client, f"village:{world.a1}", held_on="2026-13-01")
    assert bad.status_code == 422 and kept(app) == of_log(app)


def test_activities_of_one_village_entered_at_the_same_moment_all_count(app, live, world):
    opener = signed_in(live, "village_a1")
    start, statuses = threading.Barrier(4), []

    def post(number: int):
        start.wait()
        statuses.append(post_form(opener, f"{live}/education/new", {
            "subject": f"village:{world.a1}", "kind": "lecture", "held_on": "2026-11-20",
            "topic": f"冬季流感预防（第{number}讲）", "attendance": "20", "note": "", "request_key": uuid.uuid4().hex}))

    workers = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert kept(app) == of_log(app) == {(f"village:{world.a1}", "lecture", 2026, (0,) * 10 + (4, 0))}


def test_rebuilding_gives_the_counts_kept(app, world):
    add_activities(app, township_id=world.ta, village_id=world.a1, kind="board", days=TO_OCTOBER)
    add_activities(app, township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1, kind="column",
                   days=[date(2026, 4, 1), date(2026, 4, 9)])
    before = kept(app)
    result = app.test_cli_runner().invoke(args=["campaigns", "rebuild-counts"])
    assert result.exit_code == 0 and "2 education month counts" in result.output
    assert kept(app) == before == of_log(app)


# --- counting from a day: the rule -------------------------------------------------------------

def test_a_window_that_ended_before_counting_began_is_not_judged():
    january, june = windows(2026, 1)[0], windows(2026, 1)[5]
    assert counted_window(MONTHLY, january, date(2026, 6, 15)) is None
    assert counted_window(MONTHLY, june, date(2026, 6, 15)) == (june, 1)   # its month counts whole
    assert counted_window(MONTHLY, june, None) == (june, 1)


def test_a_long_window_counting_began_in_asks_its_share_from_that_month_on():
    year = windows(2026, 12)[0]
    counted, wanted = counted_window(FOUR_A_YEAR, year, date(2026, 10, 8))
    # its share (4 × 3/12), and every activity of the whole year counts: the day only excuses
    assert (counted.start, counted.end, wanted) == (date(2026, 1, 1), date(2026, 12, 31), 1)
    assert counted_window(FOUR_A_YEAR, year, date(2026, 7, 1))[1] == 2
    assert counted_window(FOUR_A_YEAR, year, date(2026, 1, 1))[1] == 4


def test_months_before_counting_began_are_not_flagged():
    missed_march = {m: 1 for m in range(1, 11) if m != 3}
    assert assess(MONTHLY, missed_march, year=2026, today=date(2026, 11, 26), soon_days=7).state == CadenceState.OVERDUE
    later = assess(MONTHLY, missed_march, year=2026, today=date(2026, 11, 26), soon_days=7,
                   count_from=date(2026, 4, 1))
    assert later.state == CadenceState.DUE_SOON and later.missed == ()
    # installed in October: one column wanted by the year's end, none held yet, not behind in November
    columns = assess(FOUR_A_YEAR, {}, year=2026, today=date(2026, 11, 26), soon_days=7,
                     count_from=date(2026, 10, 15))
    assert (columns.state, columns.missing_now, columns.done_now) == (CadenceState.DUE, 1, 0)
    # one held in February counts too: the day never makes the window stricter
    columns = assess(FOUR_A_YEAR, {2: 1}, year=2026, today=date(2026, 11, 26), soon_days=7,
                     count_from=date(2026, 10, 15))
    assert (columns.state, columns.missing_now, columns.done_now) == (CadenceState.ON_TRACK, 0, 1)
    # a year before counting began is not judged at all
    assert assess(MONTHLY, {}, year=2025, today=date(2026, 11, 26), soon_days=7,
                  count_from=date(2026, 1, 1)).state == CadenceState.ON_TRACK


# --- counting from a day: the pages, reminders, ranking and briefing ----------------------------

@pytest.fixture
def history(app, world):
    """甲一村 missed the lecture in October; 甲二村 in March and in October."""
    for kind in ("board", "lecture"):
        add_activities(app, township_id=world.ta, village_id=world.a1, kind=kind,
                       days=[d for d in TO_OCTOBER if kind == "board" or d.month != 10])
        add_activities(app, township_id=world.ta, village_id=world.a2, kind=kind,
                       days=[d for d in TO_OCTOBER if kind == "board" or d.month not in (3, 10)])
    return world


def _settings_form(**changes) -> dict:
    data = {"remind_days_before": "7", "count_from": ""}
    for subject in ("village", "unit"):
        for kind in ("board", "lecture", "consultation"):
            data[f"{subject}_{kind}_every"] = "1"
            data[f"{subject}_{kind}_at_least"] = "1" if subject == "village" and kind != "consultation" else "0"
        data[f"{subject}_column_every"], data[f"{subject}_column_at_least"] = "12", "4"
    return data | changes


def _a2_row(app, world):
    with app.app_context():
        rows = cadence(scope=Scope(Role.ADMIN, township_id=world.ta), subject_kind="village", year=2026,
                       today=date(2026, 11, 26))
        return next(r for r in rows if r.id == world.a2)


def test_the_office_sets_the_day_and_earlier_months_are_no_longer_flagged(app, client, login, history):
    assert [w.start.month for w in _a2_row(app, history).assessments["lecture"].missed] == [3, 10]
    login("admin_a")
    assert client.post("/education/settings", data=_settings_form(count_from="2026-04-01")).status_code == 303
    assert [w.start.month for w in _a2_row(app, history).assessments["lecture"].missed] == [10]
    assert 'value="2026-04-01"' in client.get("/education/settings").text
    page = client.get("/education/cadence").text
    assert "2026-03" not in page and "2026-10" in page
    with app.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "education_settings"))
        assert event.after["count_from"] == "2026-04-01"
    assert client.post("/education/settings", data=_settings_form(count_from="")).status_code == 303
    assert [w.start.month for w in _a2_row(app, history).assessments["lecture"].missed] == [3, 10]


@pytest.mark.parametrize("value", ["abc", "2026-02-30", "1999-12-31", "99999-01-01"])
def test_a_bad_day_is_refused_and_nothing_changes(app, client, login, history, value):
    login("admin_a")
    answer = client.post("/education/settings", data=_settings_form(count_from=value))
    assert answer.status_code == 422 and 'class="error"' in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.entity_type == "education_settings")) == 0


def _count_from(app, client, login, day: str) -> None:
    login("admin_a")
    assert client.post("/education/settings", data=_settings_form(count_from=day)).status_code == 303


def _overdue_reminders(app, village_id: int) -> int:
    """The overdue reminders the daily scan queues for one village's contact (October's lecture)."""
    from datetime import UTC, datetime

    with app.app_context():
        scan_education_cadence(now=datetime(2026, 11, 26, 1, tzinfo=UTC))
        db.session.commit()
        return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == "education_cadence",
            Notification.dedupe_key.like(f"%village:{village_id}:%:overdue"))) or 0


def test_no_reminder_for_a_month_before_the_day(app, client, login, history):
    _count_from(app, client, login, "2026-11-01")
    assert _overdue_reminders(app, history.a1) == 0


def test_the_reminder_of_a_month_missed_after_the_day_still_goes(app, client, login, history):
    _count_from(app, client, login, "2026-04-01")
    assert _overdue_reminders(app, history.a1) >= 1   # 甲一村's October lecture, to its contact


def test_the_ranking_and_the_briefing_leave_out_the_months_before_the_day(app, client, login, history):
    villages = Subject(township_id=history.ta, kind="villages")
    with app.app_context():
        before = education_cadence_component(villages, parse_period("2026-Q1"))
        brief_before = education_section(Scope(Role.ADMIN, township_id=history.ta), parse_period("2026-03"))
    assert before[history.a2] == {"value": before[history.a2]["value"], "met": 5, "due": 6}
    assert not brief_before.empty
    _count_from(app, client, login, "2026-04-01")
    with app.app_context():
        assert education_cadence_component(villages, parse_period("2026-Q1")) == {}
        assert education_section(Scope(Role.ADMIN, township_id=history.ta), parse_period("2026-03")).empty
        year = education_cadence_component(villages, parse_period("2026"))
    assert year[history.a1]["due"] == 2 * 9 + 1   # April to December, board and lecture; 4 columns → 3
