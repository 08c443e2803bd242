"""Journey: a sent-back inspection stands out in the inspector's agenda; an amendment of a
published inspection shows its history on the inspection and makes the ranking page say which
villages differ from the publication."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.factories import new_village_inspection


def _published_of_last_month(viewport):
    def find(session):
        from hygiene.clock import local_today
        from hygiene.core.periods import period_containing
        from hygiene.inspections.models import Inspection

        period = period_containing("month", local_today()).previous()
        ids = session.scalars(sa.select(Inspection.id).where(
            Inspection.status == "published", Inspection.target_kind == "village",
            Inspection.planned_date.between(period.start, period.end)).order_by(Inspection.id)).all()
        return ids[0 if viewport == "desktop" else 1], period.key
    return find


def _as(page, sign_in, username):
    sign_in(username, fresh=True)


def test_a_sent_back_inspection_stands_out_in_the_agenda(page, sign_in, db_query, shot, viewport):
    inspection_id = db_query(new_village_inspection("西河村", f"西河村（退回 {viewport}）"))
    _as(page, sign_in, "inspector")
    page.goto(f"/inspections/{inspection_id}/fill")
    items = page.locator("fieldset.item")
    for index in range(items.count()):
        items.nth(index).locator("label.choice-pass").click()
    expect(page.locator("#live-answered")).to_have_text(str(items.count()))
    page.locator("#submit-button").click()
    expect(page.locator(".status-submitted")).to_be_visible()

    _as(page, sign_in, "admin")
    page.goto(f"/inspections/{inspection_id}")
    page.locator("textarea[name=comment]").fill("垃圾收集点照片不清楚，请补拍")
    page.locator("button[value=send_back]").click()
    expect(page.locator(".status-sent-back")).to_be_visible()

    _as(page, sign_in, "inspector")
    page.goto("/inspections/agenda")
    card = page.locator(".agenda-item.sent-back", has_text=f"西河村（退回 {viewport}）")
    expect(card).to_be_visible()
    expect(card.locator(".status-sent-back")).to_have_text("已退回")
    expect(card).to_contain_text("垃圾收集点照片不清楚，请补拍")
    # it looks different from an inspection merely in progress: a red edge the others lack
    edge = card.evaluate("e => getComputedStyle(e).borderLeftWidth")
    assert edge == "6px"
    ordinary = page.locator(".agenda-item:not(.sent-back)").first
    if ordinary.count():
        assert ordinary.evaluate("e => getComputedStyle(e).borderLeftWidth") != "6px"
    # the sent-back one leads the list
    assert "sent-back" in page.locator(".agenda-item").first.get_attribute("class")
    shot("agenda")


def test_an_amendment_shows_its_history_and_the_ranking_says_what_differs(page, sign_in, db_query, shot, viewport):
    inspection_id, period_key = db_query(_published_of_last_month(viewport))
    _as(page, sign_in, "admin")
    page.goto(f"/inspections/{inspection_id}")
    before = page.locator("#score").inner_text()
    page.locator("a[href$='/amend']").click()
    passing = page.locator("fieldset.item:has(input[value=pass]:checked)").first.get_attribute("id")
    item = page.locator(f"#{passing}")  # fixed before failing it: "the first passing" moves on
    item_text = item.locator(".item-text span").first.inner_text()
    item.locator("label.choice-fail").click()
    item.locator("textarea").fill("复核发现积存垃圾")
    page.locator("textarea[name=reason]").fill(f"群众反映后复核（{viewport}）")
    page.locator("form.fill button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/inspections/{inspection_id}$"))

    history = page.locator("#amendments")
    expect(history).to_be_visible()
    expect(history).to_contain_text(f"群众反映后复核（{viewport}）")
    expect(history).to_contain_text(item_text)
    expect(history.locator("del").first).to_contain_text(before)
    assert page.locator("#score").inner_text() != before
    history.scroll_into_view_if_needed()
    shot("history")

    page.goto(f"/rankings/?period={period_key}")
    differs = page.locator("#differs")
    expect(differs).to_be_visible()
    expect(differs).to_contain_text(f"群众反映后复核（{viewport}）")
    expect(page.locator(".badge.differs")).to_be_visible()
    differs.locator("a[href='#publish']").click()
    expect(page.locator("#publish")).to_be_in_viewport()
    differs.scroll_into_view_if_needed()
    shot("ranking")
