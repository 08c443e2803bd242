"""Journey: an inspection on a phone, its rectification order, the fix, and publication."""
from __future__ import annotations

import re
from io import BytesIO

import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.factories import new_village_inspection


def _photo(seed: int) -> bytes:
    image = Image.new("RGB", (800, 600), (120, 140 + seed, 110))
    ImageDraw.Draw(image).rectangle([100 + seed, 200, 500, 420], fill=(90, 60, 40))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _order_of(inspection_id):
    def find(session):
        from hygiene.rectifications.models import RectificationOrder

        return session.scalar(sa.select(RectificationOrder.id).where(
            RectificationOrder.inspection_id == inspection_id))
    return find


def _as(page, sign_in, username):
    sign_in(username, fresh=True)


def test_a_whole_inspection_with_photos_to_a_closed_order(page, sign_in, db_query, shot, viewport):
    inspection_id = db_query(new_village_inspection("东山村", f"东山村（{viewport}）"))
    _as(page, sign_in, "inspector")
    page.goto(f"/inspections/{inspection_id}/fill")
    items = page.locator("fieldset.item")
    for index in range(items.count()):
        items.nth(index).locator("label.choice-pass").click()
    expect(page.locator("#live-answered")).to_have_text(str(items.count()))
    expect(page.locator("#live-score")).to_have_text("100.0")

    photo_item = page.locator("fieldset.item:has(.mark.photo)").first
    photo_item.locator("label.choice-fail").click()
    photo_item.locator("textarea").fill("村口垃圾堆放未清理")
    photo_item.locator("input[type=file]").set_input_files(
        files=[{"name": "rubbish.jpg", "mimeType": "image/jpeg", "buffer": _photo(len(viewport))}])
    expect(photo_item.locator(".photos img")).to_have_count(1)
    expect(page.locator("#live-score")).not_to_have_text("100.0")
    shot("filled")

    page.locator("#submit-button").click()
    expect(page).to_have_url(re.compile(rf"/inspections/{inspection_id}$"))
    expect(page.locator(".status-submitted")).to_be_visible()
    shot("submitted")

    order_id = db_query(_order_of(inspection_id))
    assert order_id, "submitting a failed item issues an order"
    _as(page, sign_in, "village")
    page.goto(f"/orders/{order_id}")
    expect(page.locator("body")).to_contain_text("村口垃圾堆放未清理")
    evidence = page.locator("form[action$='/evidence']")
    evidence.locator("textarea[name=note]").fill("已组织清运，并设置垃圾收集点")
    evidence.locator("input[type=file]").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": _photo(40 + len(viewport))}])
    evidence.locator("button[type=submit]").click()
    expect(page.locator(".status-order-evidence_submitted")).to_be_visible()
    shot("evidence")

    _as(page, sign_in, "inspector")
    page.goto(f"/orders/{order_id}")
    reinspect = page.locator("form[action$='/reinspect']")
    reinspect.locator("label.choice-pass").click()
    reinspect.locator("button[type=submit]").click()
    expect(page.locator(".status-order-closed")).to_be_visible()

    _as(page, sign_in, "admin")
    page.goto(f"/inspections/{inspection_id}")
    page.locator("button[value=publish]").click()
    expect(page.locator(".status-published")).to_be_visible()
    shot("published")

    page.goto(f"/orders/{order_id}/notice")
    expect(page.locator("svg").first).to_be_visible()
    shot("notice")
