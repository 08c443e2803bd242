"""Journey 2: the administrator keeps the register of units and households."""
from __future__ import annotations

import re

from playwright.sync_api import expect

# each viewport edits its own records, so the two runs never meet
TAG = {"desktop": "甲", "phone": "乙"}
HOME_VILLAGE = "东山村"  # the demo unit contact's restaurant is there; leave its units alone


def _filter(page, **values):
    form = page.locator("form.filters")
    for name, value in values.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    for name in values:
        expect(page).to_have_url(re.compile(f"[?&]{name}="))
    page.wait_for_load_state()


def _rows(page):
    return page.locator("table.records tbody tr")


def test_units_and_households(page, sign_in, submit, shot, viewport):
    sign_in("admin")
    page.locator("nav.mainnav a[href='/register/villages/']").click()
    page.locator("nav.tabs a[href='/register/units/']").click()
    expect(page).to_have_url(re.compile(r"/register/units/$"))
    expect(_rows(page)).to_have_count(20)  # one page of the demo township's 150 units
    expect(page.locator("nav.pager")).to_be_visible()
    shot("units")

    # search, then narrow to one category
    _filter(page, q="饭店")
    names = _rows(page).locator("td:first-child a").all_inner_texts()
    assert names and all("饭店" in n for n in names)
    _filter(page, category="catering")
    label = page.locator("select[name=category] option:checked").inner_text().strip()
    expect(page.locator("input[name=q]")).to_have_value("饭店")  # the search is kept
    categories = _rows(page).locator("td:nth-child(2)").all_inner_texts()
    assert categories and {c.strip() for c in categories} == {label}
    shot("units-filtered")

    # open a unit outside the demo contact's village
    row = _rows(page).filter(has_not=page.locator("td:nth-child(3)", has_text=HOME_VILLAGE)).first
    name = row.locator("td:first-child a").inner_text().strip()
    row.locator("td:first-child a").click()
    expect(page).to_have_url(re.compile(r"/register/units/\d+$"))
    unit_url = page.url.removeprefix(page.url.split("/register")[0])
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    # edit it with a wrong phone number: the error beside the field, the typed values kept
    page.locator(f"a[href='{unit_url}/edit']").click()
    expect(page).to_have_url(re.compile(r"/edit$"))
    new_name = f"{name}（{TAG[viewport]}）"
    page.locator("input[name=name]").fill(new_name)
    page.locator("input[name=address]").fill("清溪镇老街 18 号")
    page.locator("input[name=contact_phone]").fill("12345")
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 422
    phone_field = page.locator(".field.has-error", has=page.locator("input[name=contact_phone]"))
    expect(phone_field.locator(".error")).to_be_visible()
    expect(page.locator("input[name=contact_phone]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator("input[name=name]")).to_have_value(new_name)
    expect(page.locator("input[name=address]")).to_have_value("清溪镇老街 18 号")
    expect(page.locator("input[name=contact_phone]")).to_have_value("12345")
    shot("edit-error")

    # fix it and save
    page.locator("input[name=contact_phone]").fill("139 0000 111" + str(len(viewport)))
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 302
    expect(page).to_have_url(re.compile(re.escape(unit_url) + "$"))
    expect(page.locator(".flash")).to_contain_text(new_name)
    expect(page.get_by_role("heading", level=1)).to_have_text(new_name)
    expect(page.locator("dl.facts")).to_contain_text("139000011" + "1" + str(len(viewport)))
    expect(page.locator("dl.facts")).to_contain_text("清溪镇老街 18 号")
    shot("unit-saved")

    # deactivate it: a badge; gone from the "in use" list, there under "deactivated"
    response = submit(page.locator(".pagehead form button[type=submit]"))
    assert response.status == 302
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator("h1 .badge")).to_be_visible()
    expect(page.locator(".pagehead form input[name=active]")).to_have_value("1")  # now: reactivate
    shot("unit-deactivated")
    page.goto("/register/units/")
    _filter(page, q=new_name)
    expect(page.locator(f"table.records a[href='{unit_url}']")).to_have_count(0)
    expect(_rows(page)).to_have_count(1)  # the "nothing found" row
    _filter(page, status="inactive")
    row = _rows(page).filter(has=page.locator(f"a[href='{unit_url}']"))
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_be_visible()
    expect(page.locator("input[name=q]")).to_have_value(new_name)
    shot("units-deactivated")

    # a new household: refused without a head of household, then saved
    page.locator("nav.tabs a[href='/register/households/']").click()
    page.locator("a.button.primary[href$='/new']").click()
    expect(page).to_have_url(re.compile(r"/register/households/new$"))
    page.locator("select[name=village_id]").select_option(label=HOME_VILLAGE)
    page.locator("input[name=group_name]").fill("三组")
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 422
    expect(page.locator(".field.has-error input[name=head_name]")).to_be_visible()
    expect(page.locator("input[name=group_name]")).to_have_value("三组")
    expect(page.locator("select[name=village_id] option:checked")).to_have_text(HOME_VILLAGE)
    head = f"测试户主{TAG[viewport]}"
    page.locator("input[name=head_name]").fill(head)
    page.locator("input[name=phone]").fill("13700001234")
    page.locator("input[name=address]").fill("东山村三组 6 号")
    shot("household-form")
    response = submit(page.locator("main form button[type=submit]"))
    assert response.status == 302
    expect(page).to_have_url(re.compile(r"/register/households/\d+$"))
    expect(page.locator(".flash")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(head)
    expect(page.locator("dl.facts")).to_contain_text(HOME_VILLAGE)
    shot("household-saved")
