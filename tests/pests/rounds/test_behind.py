"""Behind (滞后) only on a round its targets see that has started: never on a planned round nor on
one not started yet, on the round page, the roster, the target page and the township board alike."""
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from hygiene.clock import local_today
from tests.pests.rounds.test_planning import plan

LATER = {"starts_on": (local_today() + timedelta(days=5)).isoformat(),
         "ends_on": (local_today() + timedelta(days=15)).isoformat()}


def _marks(page: str) -> int:
    return page.count('class="behind-mark"')


def test_a_planned_round_has_no_one_behind(app, login, world):
    round_id = plan(app, login, world)
    client = login("admin_a")
    page = client.get(f"/pests/rounds/{round_id}").text
    assert _marks(page) == 0 and '<tr class="behind">' not in page


def test_an_announced_round_not_started_has_no_one_behind(app, login, world):
    round_id = plan(app, login, world, **LATER)
    client = login("admin_a")
    client.post(f"/pests/rounds/{round_id}/announce")
    page = client.get(f"/pests/rounds/{round_id}").text
    assert _marks(page) == 0 and '<tr class="behind">' not in page
    board = client.get("/pests/rounds/board").text
    assert "个滞后" not in board and '<tr class="behind">' not in board
    roster = load_workbook(BytesIO(client.get("/exports/round_roster.xlsx",
                                              query_string={"round_id": round_id}).data)).active
    assert all(row[10] in (None, "", 0) for row in list(roster.iter_rows(values_only=True))[2:])


def test_a_started_announced_round_without_work_is_behind(app, login, world):
    round_id = plan(app, login, world)  # 2026-10-20 to 10-31: started
    client = login("admin_a")
    client.post(f"/pests/rounds/{round_id}/announce")
    assert _marks(client.get(f"/pests/rounds/{round_id}").text) == 2
