"""Changing one's own password from the header, as a village contact on a phone: a wrong
current password is said plainly, the right one changes it and keeps this device signed in."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD


def _contact_of_a_village(session) -> str:
    """A new village contact of 东山村 (the demo's own accounts keep their password)."""
    from hygiene.accounts.models import User

    village = session.scalar(sa.select(User).where(User.username == "village"))
    count = session.scalar(sa.select(sa.func.count()).select_from(User))
    user = User(username=f"cun{count}", display_name=f"东山村联络员李建国{count}", role="village_contact",
                village_id=village.village_id, township_id=village.township_id)
    user.set_password(DEMO_PASSWORD)
    session.add(user)
    session.commit()
    return user.username


def test_a_contact_changes_their_password_from_the_header(page, sign_in, db_query, shot, viewport):
    username = db_query(_contact_of_a_village)
    sign_in(username)
    link = page.locator(".session").get_by_role("link", name="修改密码")
    expect(link).to_be_visible()
    lines = link.evaluate("a => { const r = document.createRange(); r.selectNodeContents(a); "
                          "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }")
    assert lines == 1, "the header link wraps a character a line"
    shot("header")
    link.click()
    page.get_by_label("当前密码").fill("not-my-password")
    page.get_by_label("新密码", exact=True).fill("lantern-river-42")
    page.get_by_label("再次输入新密码").fill("lantern-river-42")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".field.has-error .error")).to_have_text("当前密码不正确，密码未修改。")
    page.get_by_label("当前密码").fill(DEMO_PASSWORD)
    page.get_by_label("新密码", exact=True).fill("lantern-river-42")
    page.get_by_label("再次输入新密码").fill("lantern-river-42")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".flash-success")).to_contain_text("密码已修改")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/$"))  # still signed in here
    shot("changed")
