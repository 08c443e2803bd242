"""Cancelling a banquet held or cancelled already: the page says why (no button); confirming a
cancel of a cancelled banquet says it was cancelled already, not "cancelled" as if just now."""
from __future__ import annotations

import re

import pytest
import time_machine

from hygiene.food.models import Banquet
from hygiene.food.status import BanquetStatus
from tests.food.helpers import NOW, get, made_id, register


@pytest.fixture(autouse=True)
def in_june():
    with time_machine.travel(NOW, tick=False):
        yield


def confirm_form(page: str) -> dict:
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    key = re.search(r'name="request_key" type="hidden" value="([^"]+)"', page)
    return {"confirm": "yes", **({"csrf_token": token.group(1)} if token else {}),
            **({"request_key": key.group(1)} if key else {})}


def test_a_cancelled_banquet_s_cancel_page_says_so_and_a_second_confirmation_says_cancelled_already(
        app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    page = client.get(f"/food/banquets/{banquet_id}/cancel").get_data(as_text=True)
    assert "确定取消" in page
    first = client.post(f"/food/banquets/{banquet_id}/cancel", data=confirm_form(page))
    assert first.status_code == 303
    assert "聚餐已取消。" in client.get(first.headers["Location"]).get_data(as_text=True)
    assert get(app, Banquet, banquet_id).status == BanquetStatus.CANCELLED
    page = client.get(f"/food/banquets/{banquet_id}/cancel").get_data(as_text=True)
    assert "确定取消" not in page and "此前已取消" in page and 'name="confirm"' not in page
    # the old confirmation page (another key) sent again: said to be cancelled already
    again = client.post(f"/food/banquets/{banquet_id}/cancel", data={"confirm": "yes", "request_key": "other"})
    assert again.status_code == 303
    shown = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "此前已取消" in shown and "聚餐已取消。" not in shown


def test_a_held_banquet_s_cancel_page_says_why_without_the_button(app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    with time_machine.travel("2026-06-20 20:00 +0800", tick=False):
        login("village_a1")
        assert client.post(f"/food/banquets/{banquet_id}/hold").status_code == 303
        page = client.get(f"/food/banquets/{banquet_id}/cancel").get_data(as_text=True)
        assert "已举办的聚餐不能取消" in page and "确定取消" not in page and 'name="confirm"' not in page
        refused = client.post(f"/food/banquets/{banquet_id}/cancel", data={"confirm": "yes"})
        assert refused.status_code == 303
    assert get(app, Banquet, banquet_id).status == BanquetStatus.HELD
