"""Journey 4: an unknown address gives a proper page, never a stack trace."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def _is_404_page(page, response):
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".error-page .code")).to_have_text("404")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Werkzeug" not in body


def test_unknown_url_signed_out(page, shot):
    response = page.goto("/no/such/page")
    _is_404_page(page, response)
    shot("signed-out")
    page.locator(".error-page a.button").click()
    expect(page).to_have_url(re.compile(r"/login"))  # home needs a sign-in


def test_unknown_record_signed_in(page, sign_in, shot):
    sign_in("admin")
    response = page.goto("/register/units/99999999")
    _is_404_page(page, response)
    expect(page.locator("nav.mainnav")).to_be_visible()
    shot("signed-in")
    page.locator(".error-page a.button").click()
    expect(page).to_have_url(re.compile(r"/$"))
