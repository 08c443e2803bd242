"""The control levels by month: a village's level per pest (its month's latest graded survey),
the township's (the month's village surveys pooled), their charts, and who may read which."""
from datetime import date

import pytest
import time_machine

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.pests.monitoring import history
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.monitoring.queries import level_history
from hygiene.pests.standards import PESTS
from tests.pests.derived import refresh_derived

TODAY = "2026-11-29 10:00 +0800"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def signs(township_id, village_id, day, positive, checked=100, method="room_signs", pest="rodent"):
    return MonitoringRecord(township_id=township_id, village_id=village_id, pest=pest, method=method,
                            surveyed_on=date.fromisoformat(day),
                            counts={"rooms_with_signs": positive, "rooms_checked": checked})


def add(app, *records):
    with app.app_context():
        db.session.add_all(records)
        refresh_derived()
        db.session.commit()


def scope_of(username):
    return Scope.of(db.session.query(User).filter_by(username=username).one())


def test_months_back_counts_whole_months_across_a_year_end():
    assert history.months_back(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert len(history.months_back(date(2026, 11, 29), 24)) == 24


def test_a_villages_month_is_its_latest_graded_survey_and_a_month_without_one_is_a_gap(app, world):
    add(app, signs(world.ta, world.a1, "2026-09-03", 8),     # below C early in the month...
        signs(world.ta, world.a1, "2026-09-20", 2),          # ...B at its end: the month is B
        signs(world.ta, world.a1, "2026-11-02", 4),
        signs(world.ta, world.a1, "2026-11-02", 0),          # same day, pooled: 4/200 = 2% is B
        MonitoringRecord(township_id=world.ta, village_id=world.a1, pest="rodent", method="trap_night",
                         surveyed_on=date(2026, 11, 20), counts={"rodents_caught": 3, "trap_nights_valid": 300}))
    with app.app_context():
        levels = level_history(scope=scope_of("admin_a"), village_id=world.a1, today=date(2026, 11, 29),
                               months=12, pests=PESTS)
    by_month = {p.month: (p.level, p.surveyed_on) for p in levels["rodent"]}
    assert by_month[date(2026, 9, 1)] == ("B", date(2026, 9, 20))
    assert by_month[date(2026, 10, 1)] == (None, None)
    assert by_month[date(2026, 11, 1)] == ("B", date(2026, 11, 2))   # trap nights grade nothing: skipped
    assert [p.level for p in levels["fly"]] == [None] * 12


def test_the_townships_month_pools_its_villages_surveys_as_the_standard_grades_an_area(app, world):
    add(app, signs(world.ta, world.a1, "2026-10-05", 0),       # A on its own
        signs(world.ta, world.a2, "2026-10-12", 8),            # below C on its own
        signs(world.tb, world.b1, "2026-10-12", 50))           # another township: not counted
    with app.app_context():
        levels = level_history(scope=scope_of("admin_a"), today=date(2026, 11, 29), months=12, pests=PESTS)
    october = next(p for p in levels["rodent"] if p.month == date(2026, 10, 1))
    assert (october.level, october.surveyed_on) == ("C", date(2026, 10, 12))   # 8 of 200 rooms: 4%


def test_the_township_page_charts_each_pest_against_the_c_level(app, client, login, world):
    add(app, signs(world.ta, world.a1, "2026-10-05", 2))
    login("admin_a")
    page = client.get("/pests/levels/history")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4 and "卫生乡镇须达到C级" in page.text
    assert "2026-10: B" in page.text and "最近：B级（2026-10）" in page.text
    one = client.get("/pests/levels/history?pest=rodent&months=24")
    assert one.text.count("<svg") == 1 and "2024-12: —" in one.text


def test_unreadable_filters_fall_back_to_every_pest_and_twelve_months(app, client, login, world):
    login("admin_a")
    for query in ("pest=dragon&months=7", "months=99999999999999999999", "pest=&months=x"):
        page = client.get(f"/pests/levels/history?{query}")
        assert page.status_code == 200 and page.text.count("<svg") == 4 and "2025-12: —" in page.text
    assert client.get("/pests/levels/history?pest=%00").status_code == 400   # the app refuses NUL bytes


def test_a_village_contact_sees_only_their_own_villages_history(app, client, login, world):
    add(app, signs(world.ta, world.a1, "2026-10-05", 2), signs(world.ta, world.a2, "2026-10-05", 8))
    login("village_a1")
    own = client.get(f"/pests/levels/history/{world.a1}")
    assert own.status_code == 200 and "甲一村" in own.text and "2026-10: B" in own.text
    assert client.get(f"/pests/levels/history/{world.a2}").status_code == 404
    assert client.get(f"/pests/levels/history/{world.b1}").status_code == 404
    assert client.get("/pests/levels/history/99999999999999999999").status_code == 404
    sent = client.get("/pests/levels/history?pest=rodent")
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/pests/levels/history/{world.a1}?pest=rodent")


def test_the_office_cannot_read_another_townships_village_and_a_unit_contact_is_turned_away(app, client, login,
                                                                                               world):
    login("admin_a")
    assert client.get(f"/pests/levels/history/{world.a2}").status_code == 200
    assert client.get(f"/pests/levels/history/{world.b1}").status_code == 404
    login("unit_a1")
    assert client.get("/pests/levels/history").status_code == 403
    assert client.get(f"/pests/levels/history/{world.a1}").status_code == 403


def test_the_board_and_a_record_link_to_the_history(app, client, login, world):
    add(app, signs(world.ta, world.a1, "2026-10-05", 2))
    login("admin_a")
    board = client.get("/pests/levels").text
    assert "/pests/levels/history\"" in board and f"/pests/levels/history/{world.a1}" in board
    with app.app_context():
        record_id = db.session.query(MonitoringRecord.id).scalar()
    detail = client.get(f"/pests/monitoring/{record_id}").text
    assert f"/pests/levels/history/{world.a1}?pest=rodent" in detail


def test_the_history_pages_speak_english_on_request(app, client, login, world):
    login("admin_a")
    page = client.get("/pests/levels/history?lang=en")
    assert "A hygienic town must reach C" in page.text and "Control levels by month" in page.text


def test_the_methods_that_get_a_level_are_those_the_control_standard_grades():
    from hygiene.pests import surveys

    assert "room_signs" in surveys.grading_methods("rodent") and "trap_night" not in surveys.grading_methods("rodent")
    assert "dipper" in surveys.grading_methods("mosquito") and "light_trap" not in surveys.grading_methods("mosquito")
    assert "fly_rooms" in surveys.grading_methods("fly") and "cage_trap" not in surveys.grading_methods("fly")
    assert set(surveys.graded_fields("rodent")) >= {"rooms_with_signs", "rooms_checked"}
