"""Pest monitoring: an inspector enters a fly survey with the form the data builds, a bad count is
refused beside its field, the saved record shows its level; the village contact reads the levels."""
from __future__ import annotations

import re

from playwright.sync_api import expect

HOME_VILLAGE = "东山村"


def test_an_inspector_enters_a_survey_and_the_village_reads_its_level(page, sign_in, submit, shot):
    sign_in("inspector")
    page.locator("nav.mainnav a", has_text="病媒监测").click()
    page.locator("a.button", has_text="录入结果").click()
    page.locator("a", has_text="有蝇房间").click()
    page.locator("select[name=village_id]").select_option(label=HOME_VILLAGE)
    page.locator("input[name=count_rooms_with_flies]").fill("5")
    page.locator("input[name=count_rooms_checked]").fill("4")
    page.locator("input[name=count_flies_counted]").fill("10")
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 422
    expect(page.locator(".has-error .error").first).to_contain_text("不能多于检查房间数")
    shot("refused")
    page.locator("input[name=count_rooms_checked]").fill("100")
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 303
    expect(page).to_have_url(re.compile(r"/pests/monitoring/\d+$"))
    expect(page.locator(".level")).to_have_text("B级")
    expect(page.locator(".fallback")).to_contain_text("GB/T 27772-2025")
    shot("record")

    sign_in("village", fresh=True)
    page.goto("/pests/levels")
    rows = page.locator("table.levels tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(HOME_VILLAGE)
    expect(rows.first).to_contain_text("B级")
    shot("levels")
