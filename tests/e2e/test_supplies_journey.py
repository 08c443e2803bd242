"""The office issues bait from stock: the supplies menu, a product, an issue to a village with
the taker's typed signature, the office stock going down by exactly what was issued; an issue
beyond the stock comes back with the stock shown."""
from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect


def office_stock(page) -> Decimal:
    return Decimal(page.locator("#office-stock").inner_text().split()[0])


def test_bait_is_issued_from_stock_to_a_village(page, sign_in, submit, shot):
    sign_in("admin")
    page.locator("header").get_by_role("link", name="药物", exact=True).click()
    page.get_by_role("link", name="溴敌隆毒饵").click()
    before = office_stock(page)
    form = page.locator("main form")
    form.locator("select[name=kind]").select_option("issue")
    form.locator("input[name=quantity]").fill("2.5")
    form.locator("select[name=village_id]").select_option(index=1)
    form.locator("input[name=taker_name]").fill("李保管")
    form.locator("input[name=signature]").fill("李保管")
    shot("issue-form")
    assert submit(form.locator("button[type=submit]")).status == 303
    expect(page.locator(".flash-success")).to_be_visible()
    assert office_stock(page) == before - Decimal("2.5")

    form = page.locator("main form")
    form.locator("input[name=quantity]").fill(str(before + 100))
    form.locator("select[name=village_id]").select_option(index=1)
    form.locator("input[name=taker_name]").fill("李保管")
    form.locator("input[name=signature]").fill("李保管")
    assert submit(form.locator("button[type=submit]")).status == 422
    expect(page.locator("main form .error").first).to_contain_text("库存仅剩")
    shot("issue-refused")
