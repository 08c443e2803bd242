"""The "count cadence from" day only excuses, never makes things stricter: in the window it falls
in, that window asks its share but every activity of the window counts; the cadence page, the
reminders, the ranking component, the briefing and the letters' measure agree; a day after today
is refused."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.core.periods import parse_period
from hygiene.education.briefing import education_section
from hygiene.education.cadence import Target, assess
from hygiene.education.models import EducationSettings
from hygiene.education.queries import cadence
from hygiene.education.ranking import education_cadence_component
from hygiene.education.reminders import scan_education_cadence
from hygiene.education.status import CadenceState
from hygiene.education.targets import education_cadence_by_village
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.rankings.components import Subject
from tests.education.helpers import add_activities
from tests.education.test_counts_and_count_from import _settings_form

FOUR_A_YEAR = Target(every_months=12, at_least=4)
COLUMNS = [date(2026, m, 10) for m in (2, 3, 4, 5)]   # the year's four columns, all before July


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel("2026-11-26 09:00 +0800", tick=False):
        yield


def test_the_window_the_day_falls_in_counts_all_its_activities():
    met = assess(FOUR_A_YEAR, {2: 1, 3: 1, 4: 1, 5: 1}, year=2026, today=date(2026, 11, 26), soon_days=7,
                 count_from=date(2026, 7, 1))
    assert (met.state, met.missing_now, met.done_now) == (CadenceState.ON_TRACK, 0, 4)
    # no stricter than without the day, whatever the day
    for day in (date(2026, 1, 1), date(2026, 6, 15), date(2026, 11, 26)):
        with_day = assess(FOUR_A_YEAR, {5: 1}, year=2026, today=date(2026, 11, 26), soon_days=7, count_from=day)
        without = assess(FOUR_A_YEAR, {5: 1}, year=2026, today=date(2026, 11, 26), soon_days=7)
        assert with_day.missing_now <= without.missing_now and with_day.done_now == without.done_now == 1


def _columns_only(**changes) -> dict:
    form = _settings_form(**changes)
    for kind in ("board", "lecture", "consultation"):
        form[f"village_{kind}_at_least"] = "0"
    return form


def test_a_village_that_met_its_year_is_met_everywhere_after_the_day_is_set(app, client, login, world):
    add_activities(app, township_id=world.ta, village_id=world.a1, kind="column", days=COLUMNS)
    login("admin_a")
    assert client.post("/education/settings", data=_columns_only(count_from="2026-07-01")).status_code == 303
    page = client.get("/education/cadence").text
    assert "还需" not in page.split("甲一村", 1)[1].split("甲二村", 1)[0]
    with app.app_context():
        [row] = [r for r in cadence(scope=Scope(Role.ADMIN, township_id=world.ta), subject_kind="village",
                                    year=2026, today=date(2026, 11, 26)) if r.id == world.a1]
        assert row.assessments["column"].missing_now == 0
        assert row.assessments["column"].state == CadenceState.ON_TRACK
        year = education_cadence_component(Subject(township_id=world.ta, kind="villages"), parse_period("2026"))
        assert year[world.a1]["met"] == year[world.a1]["due"] == 1
        assert education_cadence_by_village(world.ta, 2026)[world.a1]["met"] == 1   # the letters' measure
        section = education_section(Scope(Role.ADMIN, township_id=world.ta), parse_period("2026-12"))
        assert section.rows[0][-2:] == [2, 1]   # villages: asked 甲一村 and 甲二村, only 甲二村 short
        scan_education_cadence(now=datetime(2026, 11, 26, 1, tzinfo=UTC))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == "education_cadence",
            Notification.dedupe_key.like(f"%village:{world.a1}:%"))) == 0


def test_a_day_after_today_is_refused(app, client, login, world):
    login("admin_a")
    answer = client.post("/education/settings", data=_settings_form(count_from="2026-11-27"))
    assert answer.status_code == 422 and "起算日期不能晚于今天" in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EducationSettings)) == 0
    assert client.post("/education/settings", data=_settings_form(count_from="2026-11-26")).status_code == 303
