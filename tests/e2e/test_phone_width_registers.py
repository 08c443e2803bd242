"""The campaign, creation, education and food pages on a phone (390 px): nothing runs off the side of
the screen, list actions are buttons a thumb can hit, and the board's cells say what they count; a
banquet is cancelled through its confirmation page, no script needed."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

PAGES = {
    "village": ["/campaigns/", "/creation/applications", "/creation/applications/new", "/education/",
                "/education/new", "/education/cadence", "/food/banquets", "/food/banquets/new"],
    "unit": ["/campaigns/", "/food/certificates", "/food/certificates/new"],
    "admin": ["/campaigns/", "/campaigns/calendar", "/creation/", "/creation/applications", "/education/cadence",
              "/education/settings", "/food/banquets", "/food/certificates", "/food/settings"],
}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def phone_only(viewport):
    if viewport != "phone":
        pytest.skip("a phone-width check")


@pytest.mark.parametrize("user", list(PAGES))
def test_no_page_runs_off_a_phone_screen(page, sign_in, shot, phone_only, user):
    sign_in(user)
    for path in PAGES[user]:
        assert page.goto(path).status == 200, path
        assert page.evaluate(OVERFLOW) <= 0, f"{path} is wider than the phone"
    shot(f"{user}-last")


def test_certificate_row_actions_are_buttons_a_thumb_can_hit(page, sign_in, phone_only):
    sign_in("unit")
    page.goto("/food/certificates")
    buttons = page.locator("main td.row-actions a.button").all()
    assert buttons
    for button in buttons[:4]:
        assert button.bounding_box()["height"] >= 40


def test_the_campaign_board_counts_are_thumb_sized_and_labelled(page, sign_in, db_query, phone_only):
    sign_in("admin")
    campaign = db_query(lambda s: s.scalar(sa.text("select id from campaign where status = 'active' order by id desc")))
    page.goto(f"/campaigns/{campaign}")
    board = page.locator("main table.camp-board")
    assert "查看" not in board.inner_text()   # the open tasks' cells are labelled as such, not "view"
    for link in board.locator("td a").all()[:6]:
        assert link.bounding_box()["height"] >= 36 and link.bounding_box()["width"] >= 40


def test_a_banquet_is_cancelled_through_its_confirmation_page(page, sign_in, db_query, shot, phone_only, submit):
    banquet = db_query(lambda s: s.scalar(sa.text(
        "select b.id from food_banquet b join user_account u on u.village_id = b.village_id "
        "where u.username = 'village' and b.status = 'registered' order by b.id desc")))
    sign_in("village")
    page.goto(f"/food/banquets/{banquet}")
    page.locator("main a.button.danger").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/food/banquets/{banquet}/cancel")
    shot("confirm")
    assert submit(page.locator("main form button[type=submit]")).status == 303
    assert "已取消" in page.locator("main").inner_text()
