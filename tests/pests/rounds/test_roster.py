"""A round's coverage roster in Excel: every target's cells, behind first, within the reader's scope."""
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from tests.pests.rounds.test_board import refuse, two_village_round, work


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    return list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))


def test_the_roster_has_a_row_per_target_with_its_coverage(app, client, login, world):
    round_id = two_village_round(app, login, world)
    work(app, round_id, f"village:{world.a1}", covered=27, done_on=date(2026, 10, 21))
    work(app, round_id, f"village:{world.a1}", covered=1, kind="mop_up", done_on=date(2026, 10, 24))
    refuse(app, round_id, f"village:{world.a1}")
    work(app, round_id, f"unit:{world.unit_a1}", covered=1)
    response = login("admin_a").get("/exports/round_roster.xlsx", query_string={"round_id": round_id})
    rows = sheet_rows(response)
    assert "2026年秋季统一灭鼠" in rows[0][0] and "目标 95%" in rows[0][0]  # the caption
    assert rows[1][:6] == ("村/社区", "单位", "应覆盖", "计量单位", "已覆盖", "覆盖率")
    body, totals = rows[2:5], rows[5:]
    assert [t[0] for t in totals] == ["合计(3)", "合计(3)"]  # households and places, apart
    assert totals[0][2:6] == (50, "农户", 28, Decimal("56")) and totals[0][6:9] == (3, 1, 1)
    assert totals[1][2:6] == (1, "处", 1, Decimal(100))
    assert [r[0] for r in body] == ["甲二村", "甲一村", "甲一村"]  # behind first, the lowest first
    a1 = body[1]
    assert a1[1] in (None, "") and a1[2] == 30 and a1[3] == "农户" and a1[4] == 28
    assert Decimal(str(a1[5])) == Decimal("93.33") and a1[6:9] == (2, 1, 1) and a1[10] == "是"
    assert body[0][4] == 0 and body[0][10] == "是"
    unit = body[2]
    assert unit[1] == "a1饭店" and unit[3] == "处" and Decimal(str(unit[5])) == Decimal(100) and unit[10] in (None, "")


def test_a_contact_exports_nothing_and_a_bad_round_id_is_refused(app, client, login, world):
    round_id = two_village_round(app, login, world)
    client = login("village_b1")
    assert client.get("/exports/round_roster.xlsx", query_string={"round_id": round_id}).status_code == 404
    client = login("admin_a")
    assert client.get("/exports/round_roster.xlsx").status_code == 400
    assert client.get("/exports/round_roster.xlsx", query_string={"round_id": "9" * 30}).status_code == 400
    assert client.get("/exports/round_roster.xlsx", query_string={"round_id": "12345"}).status_code == 404
