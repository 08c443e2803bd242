"""The page the notice's QR code opens, as the recipient sees it on a phone: every problem
readable, and a button that leads, through sign-in, to reporting the fix."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD


def _village_order(session) -> tuple[int, str]:
    """An open order of 东山村 whose findings have a note, as (id, token)."""
    from hygiene.places.models import Village
    from hygiene.rectifications.models import OrderItem, RectificationOrder

    village = session.scalar(sa.select(Village).where(Village.name == "东山村"))
    row = session.execute(sa.select(RectificationOrder.id, RectificationOrder.token)
                          .join(OrderItem, OrderItem.order_id == RectificationOrder.id)
                          .where(RectificationOrder.village_id == village.id,
                                 RectificationOrder.status.in_(("issued", "overdue")), OrderItem.note != "")
                          .order_by(RectificationOrder.id).limit(1)).one()
    return row.id, row.token


def test_the_qr_page_reads_on_a_phone_and_leads_to_reporting_the_fix(page, db_query, shot, viewport):
    order_id, token = db_query(_village_order)
    page.goto(f"/o/{token}")
    found = page.locator("table.items td.found").first
    expect(found).not_to_be_empty()
    table_width = page.locator("table.items").bounding_box()["width"]
    # on a phone the findings get the width of the problem's block, not a two-character column
    share = 0.7 if viewport == "phone" else 0.25
    assert found.bounding_box()["width"] >= share * table_width, (found.bounding_box(), table_width)
    button = page.get_by_role("link", name="上报整改情况")
    expect(button).to_be_visible()
    shot("public")
    page.emulate_media(media="print")
    expect(button).to_be_hidden()  # never on paper
    assert page.locator("table.items").evaluate("t => getComputedStyle(t).display") == "table"
    page.emulate_media(media="screen")
    button.click()
    # a visitor learns nothing more of the order: the sign-in page names only the token
    expect(page).to_have_url(re.compile(rf"/login\?next=(/|%2F)o(/|%2F){token}(/|%2F)report$"))
    page.locator("input[name=username]").fill("village")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order_id}$"))
    shot("order-after-sign-in")
