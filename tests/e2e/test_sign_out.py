"""A shared village-office PC: "keep me signed in", sign out, and the next person who opens
the browser meets the sign-in page, even with a copy of the old remember cookie."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, VIEWPORTS


def reopen(browser, live_server, viewport, cookies):
    """A browser started again: only the cookies that outlive closing it (those with expiry)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **VIEWPORTS[viewport])
    kept = [c for c in cookies if c.get("expires", -1) > 0]
    if kept:
        context.add_cookies(kept)
    return context


def test_keep_me_signed_in_then_sign_out_leaves_nobody_signed_in(page, browser, live_server, viewport,
                                                                  submit, shot):
    page.goto("/login")
    page.locator("input[name=username]").fill("village")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=remember]").check()
    assert submit(page.locator("main form button[type=submit]")).status == 302
    expect(page).to_have_url(re.compile(r"/$"))
    before = page.context.cookies()
    remember = [c for c in before if c["name"] == "remember_token"]
    assert remember and remember[0]["httpOnly"] and remember[0]["expires"] > 0

    # closed and opened again while signed in: still signed in (what the tick is for)
    context = reopen(browser, live_server, viewport, before)
    again = context.new_page()
    again.goto("/")
    expect(again).to_have_url(re.compile(r"/$"))
    context.close()

    submit(page.locator("header form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/login$"))
    assert not [c for c in page.context.cookies() if c["name"] == "remember_token"]
    shot("signed-out")

    # the next person opens the browser: the sign-in page
    for cookies in (page.context.cookies(), before):  # before: a copy taken while signed in
        context = reopen(browser, live_server, viewport, cookies)
        next_person = context.new_page()
        next_person.goto("/")
        expect(next_person).to_have_url(re.compile(r"/login"))
        expect(next_person.locator("input[name=username]")).to_be_visible()
        context.close()
