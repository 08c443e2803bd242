"""A phone passed from the inspector to a village contact: signing out locks the field app's
data on the device; offline, the next person sees nothing of it; the inspector, signed in again,
finds it all and it goes up as theirs."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_offline_field import _answer_of, _assigned_inspection, _open_app

LOCKED = "已退出登录：请联网并登录后继续"


@pytest.fixture
def viewport() -> str:
    """The field app is for phones."""
    return "phone"


def _sign_out(page, submit) -> None:
    page.goto("/")
    submit(page.locator("header form[data-sign-out] button[type=submit]"))


def test_a_signed_out_inspectors_field_data_is_locked_for_the_next_user_and_sent_when_they_return(
        page, sign_in, submit, db_query, shot):
    inspection_id = db_query(_assigned_inspection("共用手机：东山饭店"))
    _open_app(page, sign_in)
    task = page.locator(f'a.task[data-id="{inspection_id}"]')
    expect(task).to_be_visible()

    page.route("**/api/v1/inspections/**", lambda route: route.fulfill(status=503, body="busy"))
    page.context.set_offline(True)
    task.click()
    first = page.locator("fieldset.item").first
    item_id = int(first.get_attribute("data-item"))
    first.locator("label.choice-pass").click()
    first.locator("textarea").fill("检查员离线填写")
    first.locator("textarea").blur()
    page.context.set_offline(False)  # the server is busy: what was typed still waits
    expect(page.locator("#badge")).to_have_text("待上传 1")
    _sign_out(page, submit)
    page.unroute("**/api/v1/inspections/**")

    sign_in("village")
    page.context.set_offline(True)
    page.goto("/field/")  # the service worker serves the kept shell
    expect(page.locator("#notice")).to_have_text(LOCKED)
    expect(page.locator("#tasks")).to_be_hidden()
    expect(page.locator("a.task")).to_have_count(0)
    expect(page.get_by_text("共用手机：东山饭店")).to_have_count(0)
    expect(page.locator(".whoami")).to_be_hidden()
    shot("locked-for-the-contact")
    page.goto("/field/#i/" + str(inspection_id))
    expect(page.locator("#notice")).to_have_text(LOCKED)
    expect(page.locator("fieldset.item")).to_have_count(0)

    page.context.set_offline(False)
    _sign_out(page, submit)
    assert db_query(_answer_of(inspection_id, item_id)) is None  # nothing went up as the contact

    sign_in("inspector")
    page.goto("/field/")
    expect(page.locator("#badge")).to_have_attribute("data-count", "0", timeout=30_000)
    expect(page.locator("#notice")).to_be_hidden()
    expect(page.locator(f'a.task[data-id="{inspection_id}"]')).to_be_visible()
    shot("back-to-the-inspector")
    assert db_query(_answer_of(inspection_id, item_id)) == ("pass", "检查员离线填写")


def test_another_inspector_sees_an_empty_app_and_how_many_items_of_someone_else_wait(
        page, sign_in, submit, db_query, shot):
    inspection_id = db_query(_assigned_inspection("共用手机：他人待传"))
    _open_app(page, sign_in)
    task = page.locator(f'a.task[data-id="{inspection_id}"]')
    page.route("**/api/v1/inspections/**", lambda route: route.fulfill(status=503, body="busy"))
    task.click()
    first = page.locator("fieldset.item").first
    first.locator("label.choice-pass").click()
    expect(page.locator("#badge")).to_have_text("待上传 1")
    _sign_out(page, submit)
    page.unroute("**/api/v1/inspections/**")

    sign_in("admin")
    page.goto("/field/")
    expect(page.locator("#others")).to_have_text("此设备上还有其他用户的 1 项待上传，请该用户登录后上传")
    expect(page.get_by_text("共用手机：他人待传")).to_have_count(0)
    expect(page.locator("#badge")).to_have_attribute("data-count", "0")
    shot("others-waiting")
