"""Journey 3: a village contact sees only their own village's records."""
from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

HOME_VILLAGE = "东山村"


def _unit_elsewhere(session) -> int:
    from hygiene.places.models import Unit, Village

    return session.scalar(sa.select(Unit.id).join(Village, Unit.village_id == Village.id)
                          .where(Village.name != HOME_VILLAGE).order_by(Unit.id).limit(1))


def test_village_contact_sees_own_village(page, sign_in, db_query, shot):
    other_unit = db_query(_unit_elsewhere)
    sign_in("village")
    expect(page.locator("a[href='/users/']")).to_have_count(0)
    expect(page.locator("nav.mainnav a[href='/register/villages/']")).to_have_count(0)

    page.goto("/register/units/")
    rows = page.locator("table.records tbody tr")
    expect(rows.first).to_be_visible()
    villages = page.locator("table.records tbody td:nth-child(3)").all_inner_texts()
    assert villages and {v.strip() for v in villages} == {HOME_VILLAGE}
    expect(page.locator("select[name=village_id]")).to_have_count(0)  # nothing to choose from
    shot("units")

    for url in (f"/register/units/{other_unit}", f"/register/units/{other_unit}/edit"):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator(".error-page .code")).to_have_text("404")
    shot("other-village-404")
