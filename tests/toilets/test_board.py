"""The progress boards: the numbers match the records, the forecast runs from the last four
weeks' pace, villages behind are highlighted and come first; a village contact sees their own
village's board only; the board's queries do not grow with the villages."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.extensions import db
from hygiene.places.models import Village
from hygiene.toilets.board import township_board, village_board
from hygiene.toilets.status import ToiletStage as S
from tests.toilets.task_helpers import add_public, add_task, add_toilets

TODAY = date(2026, 9, 15)


@pytest.fixture(autouse=True)
def mid_september():
    with time_machine.travel("2026-09-15 09:00 +0800", tick=False):
        yield


@pytest.fixture
def year(app, world):
    """甲一村 has reached its quota of 5; 甲二村 is behind on 20; 乙一村 (another township) has a task too."""
    with app.app_context():
        a1 = add_task(world.a1, quota=5, public=2)
        add_toilets(a1, S.ACCEPTED, 5, accepted_on=date(2026, 9, 1))
        add_public(a1, S.ACCEPTED)
        add_public(a1, S.UNDER_CONSTRUCTION)
        a2 = add_task(world.a2, quota=20)
        add_toilets(a2, S.ACCEPTED, 3, accepted_on=date(2026, 9, 1))
        add_toilets(a2, S.ACCEPTED, 2, accepted_on=date(2026, 7, 1))     # before the pace window
        add_toilets(a2, S.SUBSIDY_PAID, 1, accepted_on=date(2026, 9, 10))
        add_toilets(a2, S.UNDER_CONSTRUCTION, 2)
        add_toilets(a2, S.COMPLETED, 1)
        add_toilets(a2, S.FAILED, 1)
        add_toilets(a2, S.SURVEYED, 2)
        add_toilets(a2, S.PLANNED, 1)
        add_toilets(a2, S.EXCLUDED, 1)
        b1 = add_task(world.b1, quota=3)
        add_toilets(b1, S.ACCEPTED, 1, accepted_on=date(2026, 9, 1))
    return world


def test_the_township_board_counts_each_group_and_forecasts_from_the_recent_pace(app, year):
    with app.app_context():
        board = township_board(scope=Scope(Role.ADMIN, township_id=year.ta), year=2026, today=TODAY)
    behind, done = board.villages
    assert (behind.name, done.name) == ("甲二村", "甲一村")     # behind first
    assert (behind.quota, behind.accepted, behind.in_progress, behind.not_started, behind.excluded,
            behind.accepted_recently) == (20, 6, 4, 3, 1, 4)
    # 4 in 28 days = 1 a week; 46 days to 31 October: 6 more, 12 of 20, 8 short; the quota on 22 December
    assert behind.behind and behind.forecast.expected_by_deadline == 12 and behind.short_by_deadline == 8
    assert behind.forecast.finish_on == date(2026, 12, 22) and behind.percent == 30
    assert not done.behind and done.percent == 100 and (done.public_quota, done.public_accepted,
                                                        done.public_in_progress) == (2, 1, 1)
    total = board.township
    assert (total.quota, total.accepted, total.accepted_recently, total.public_quota) == (25, 11, 9, 2)
    assert board.behind == 1


def _problems(toilet_id: int, *statuses: str) -> None:
    from hygiene.toilets.models import HouseholdToilet, ToiletProblem

    toilet = db.session.get(HouseholdToilet, toilet_id)
    for status in statuses:
        db.session.add(ToiletProblem(township_id=toilet.township_id, village_id=toilet.village_id, toilet_id=toilet.id,
                                     kind="leak", status=status, reported_on=date(2026, 9, 10)))
    db.session.commit()


def test_the_township_board_counts_each_villages_open_follow_up_problems_in_its_one_query(app, client, login, year,
                                                                                         count_queries):
    from hygiene.toilets.status import ProblemStatus as P

    with app.app_context():
        _problems(add_toilets(add_task(year.a2, year=2025, quota=1), S.ACCEPTED, 1, accepted_on=date(2025, 9, 1))[0],
                  P.REPORTED, P.IN_HAND, P.FIXED)    # last year's toilet: its problems count now
        _problems(add_toilets(add_task(year.b1, year=2025, quota=1), S.ACCEPTED, 1, accepted_on=date(2025, 9, 1))[0],
                  P.REPORTED)                         # another township's
        with count_queries() as queries:
            board = township_board(scope=Scope(Role.ADMIN, township_id=year.ta), year=2026, today=TODAY)
    behind, done = board.villages
    assert (behind.open_problems, done.open_problems, board.township.open_problems) == (2, 0, 2)
    assert queries[0] == 1
    page = login("admin_a").get("/toilets/board?year=2026").text
    assert page.count("回头看问题未解决") == 2  # 甲二村 and the township; 甲一村 has none
    assert f"/toilets/problems?village_id={year.a2}" in page


def test_a_year_without_tasks_and_a_village_without_toilets_read_as_nothing_done(app, world):
    with app.app_context():
        add_task(world.a1, quota=8)
        board = township_board(scope=Scope(Role.ADMIN, township_id=world.ta), year=2026, today=TODAY)
        empty = township_board(scope=Scope(Role.ADMIN, township_id=world.ta), year=2025, today=TODAY)
    [row] = board.villages
    assert (row.accepted, row.in_progress, row.forecast.finish_on, row.behind) == (0, 0, None, True)
    assert empty.villages == [] and empty.township is None


def test_the_office_sees_the_board_behind_villages_highlighted(client, login, year):
    page = login("admin_a").get("/toilets/board?year=2026").text
    assert page.index("甲二村") < page.index("甲一村") and "乙一村" not in page
    assert "滞后" in page and "按此进度到2026-10-31完不成任务，还差8户" in page
    assert "已完成任务" in page and "全镇合计" in page and "已验收11户／任务25户" in page
    assert "公厕：已验收1座／任务2座，在建1座" in page
    english = login("inspector_a").get("/toilets/board?lang=en").text
    assert "Will not reach the quota by 2026-10-31: 8 short." in english


def test_the_village_board_shows_its_stages(client, login, year):
    page = login("admin_a").get(f"/toilets/board/{year.a2}").text
    assert "甲二村" in page and "各阶段户厕数" in page and "还差8户" in page
    assert "<th>不纳入改厕</th><td class=\"num\">1</td>" in page
    assert "尚未设定2025年改厕任务" in login("admin_a").get(f"/toilets/board/{year.a2}?year=2025").text


def test_a_village_contact_reads_their_own_board_only(client, login, year):
    login("village_a1")
    own = client.get("/toilets/board")
    assert own.status_code == 302 and own.location.endswith(f"/toilets/board/{year.a1}?year=2026")
    assert "已完成任务" in client.get(f"/toilets/board/{year.a1}").text
    for other in (year.a2, year.b1, 99999999999999999999):
        assert client.get(f"/toilets/board/{other}").status_code == 404
    login("admin_a")
    assert client.get(f"/toilets/board/{year.b1}").status_code == 404
    assert client.get("/toilets/board?year=junk").status_code == 200
    assert client.get("/toilets/board?year=99999999999999999999999").status_code == 200


def _county(app, world, villages: int) -> None:
    with app.app_context():
        for n in range(villages):
            village = Village(name=f"村{n:03d}", township_id=world.ta)
            db.session.add(village)
            db.session.commit()
            task = add_task(village.id, quota=10, public=1)
            accepted = add_toilets(task, S.ACCEPTED, 2, accepted_on=date(2026, 9, 1))
            _problems(accepted[0], "reported")
            add_toilets(task, S.UNDER_CONSTRUCTION, 1)
            add_public(task, S.PLANNED)


@pytest.mark.parametrize("villages", [5, 50])
def test_the_boards_use_the_same_queries_for_5_villages_as_for_50(app, client, login, world, count_queries,
                                                                  villages):
    _county(app, world, villages)
    scope = Scope(Role.ADMIN, township_id=world.ta)
    with app.app_context():
        village = db.session.get(Village, world.a1)
        with count_queries() as township:
            board = township_board(scope=scope, year=2026, today=TODAY)
        with count_queries() as one:
            village_board(scope=scope, village=village, year=2026, today=TODAY)
    assert len(board.villages) == villages and township[0] == 1 and one[0] <= 2
    login("admin_a")
    with count_queries() as page:
        assert client.get("/toilets/board").status_code == 200
    assert page[0] <= 6   # the user, the township's board, the menu's questions: never one per village


def test_after_the_deadline_the_board_says_how_many_are_short(client, login, year):
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False):
        page = login("admin_a").get("/toilets/board").text
    assert "截止日期2026-10-31已过，还差14户未完成" in page and "已完成任务" in page


def test_a_late_village_s_card_names_its_deadline_once(client, login, year):
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False):
        page = login("admin_a").get("/toilets/board").text
    late = [card for card in page.split('<section class="card progress-card')[1:] if "已过" in card]
    assert late and all(card.count("2026-10-31") == 1 for card in late)
