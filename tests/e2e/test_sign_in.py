"""Journey 1: signing in, in Chinese by default, and switching the language."""
from __future__ import annotations

import re

from playwright.sync_api import expect

SIGN_IN = "登录"  # the login page opens in Chinese: html lang zh-CN is checked before the heading


def test_sign_in_and_language(page, submit, shot):
    response = page.goto("/")
    assert response.ok
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$|/login\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text(SIGN_IN)
    username, password = page.locator("input[name=username]"), page.locator("input[name=password]")
    expect(username).to_be_visible()
    expect(username).to_be_focused()
    expect(password).to_have_attribute("type", "password")
    expect(page.locator("input[name=remember]")).to_be_visible()
    note = page.locator(".demo-note")
    expect(note).to_contain_text("hygiene-demo")
    for user in ("admin", "inspector", "village", "unit"):
        expect(note.locator("code", has_text=re.compile(f"^{user}$"))).to_have_count(1)
    shot("login")

    # a wrong password: an error, the user name kept, the password not echoed back
    username.fill("admin")
    password.fill("not-the-password")
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 401
    expect(page.locator(".form-error")).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value("admin")
    expect(page.locator("input[name=password]")).to_have_value("")
    shot("wrong-password")

    # the right one lands on the dashboard (the `next` page)
    page.locator("input[name=password]").fill("hygiene-demo")
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 302
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("周爱卫")
    expect(page.locator(".tiles .tile")).to_have_count(8)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    shot("dashboard")

    # English on request, on the same page; and back
    page.locator("a[href*='/language/en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/\??$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("周爱卫")
    shot("dashboard-en")
    page.locator("a[href*='/language/zh_CN']").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    # signing out returns to the login page
    submit(page.locator("header form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("input[name=username]")).to_be_visible()
