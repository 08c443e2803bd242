"""A hygiene creation in the browser (issue 12's "done when"): a village contact applies for a
county-level hygienic village and fills the self-assessment on the field form (the review's
checklist), the office asks for the township
review, the inspector fills it with the hygienic village checklist, the office publishes it (the
application is township reviewed), records the submission to the county and the county's
acceptance and naming; the title is named, its re-review three years on, and the board counts it."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from hygiene.accounts.models import User

PASSWORD = "hygiene-demo"


def _new_village(viewport: str):
    """A village of the demo township and its contact."""
    def make(session) -> dict:
        from hygiene.access.scope import Scope
        from hygiene.accounts.models import Role
        from hygiene.accounts.schemas import UserInput
        from hygiene.accounts.services import user_create
        from hygiene.places.kinds import VILLAGES
        from hygiene.places.models import Township
        from hygiene.places.schemas import VillageInput
        from hygiene.places.services import record_create

        county = Scope(Role.ADMIN)
        township = session.scalar(sa.select(Township).order_by(Township.id).limit(1))
        village = record_create(kind=VILLAGES, scope=county, actor_id=None, data=VillageInput(
            township_id=township.id, name=f"创卫演练村{viewport}", kind="village"))
        user_create(scope=county, actor_id=None, data=UserInput(
            username=f"creation_{viewport}", display_name="创卫联络员", role=Role.VILLAGE_CONTACT,
            password=PASSWORD, village_id=village.id))
        session.commit()
        return {"id": village.id, "name": village.name}
    return make


def _application(village_id: int):
    def read(session) -> dict:
        from hygiene.creation.models import CreationApplication

        found = session.scalar(sa.select(CreationApplication).where(CreationApplication.village_id == village_id))
        return {"id": found.id, "status": found.status, "review": found.review_inspection_id,
                "named_on": found.named_on, "review_due_on": found.review_due_on}
    return read


def _as(page, sign_in, username):
    sign_in(username, fresh=True)


def test_a_village_goes_from_application_to_naming(page, sign_in, shot, viewport, db_query):
    from hygiene.clock import local_today

    village = db_query(_new_village(viewport))

    # the village contact applies and assesses itself
    _as(page, sign_in, f"creation_{viewport}")
    page.goto("/")
    page.locator("nav a", has_text="卫生创建").first.click()
    expect(page).to_have_url(re.compile(r"/creation/applications$"))
    page.locator("a.button", has_text="申报").last.click()
    form = page.locator("main form")
    form.locator("select[name=applicant]").select_option(f"v{village['id']}")
    form.locator("select[name=title]").select_option("hygienic_village:county")
    shot("apply")
    form.locator("button[type=submit]").click()
    expect(page.locator("#creation-status")).to_have_text("已申报")
    expect(page.locator("#form-self_assess")).to_have_count(0)   # no typed score: the field form
    page.locator("#form-self_start button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/inspections/\d+/fill$"))
    items = page.locator("fieldset.item")
    for index in range(items.count()):
        items.nth(index).locator("label.choice-pass").click()
    shot("self_assessment")
    page.locator("#submit-button").click()
    expect(page).to_have_url(re.compile(r"/inspections/\d+$"))
    application = db_query(_application(village["id"]))
    page.goto(f"/creation/applications/{application['id']}")
    expect(page.locator("#creation-status")).to_have_text("已自评")
    expect(page.locator("#self-assessment")).to_contain_text("100")

    # the office asks for the township review, and sees the self-assessment's inspection
    _as(page, sign_in, "admin")
    page.goto(f"/creation/applications/{application['id']}")
    expect(page.locator("#self-assessment a", has_text="自评检查")).to_be_visible()
    review = page.locator("#form-review")
    inspector = db_query(lambda session: session.scalar(sa.select(User.display_name).where(User.username == "inspector")))
    review.get_by_label(inspector, exact=True).check()
    shot("review")
    review.locator("button[type=submit]").click()
    expect(page.locator("a", has_text="初审检查")).to_be_visible()
    inspection_id = db_query(_application(village["id"]))["review"]
    assert inspection_id

    # the inspector fills it with the hygienic village checklist, the office publishes it
    _as(page, sign_in, "inspector")
    page.goto(f"/inspections/{inspection_id}/fill")
    items = page.locator("fieldset.item")
    for index in range(items.count()):
        items.nth(index).locator("label.choice-pass").click()
    page.locator("#submit-button").click()
    expect(page).to_have_url(re.compile(rf"/inspections/{inspection_id}$"))
    _as(page, sign_in, "admin")
    page.goto(f"/inspections/{inspection_id}")
    page.locator("button[value=publish]").click()
    if page.locator("h1", has_text="照片存疑").count():
        page.locator("main form textarea").first.fill("演练，已核实")
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".status-published")).to_be_visible()

    # township reviewed: the office records the submission, then the county's acceptance and naming
    page.goto(f"/creation/applications/{application['id']}")
    expect(page.locator("#creation-status")).to_have_text("镇级初审通过")
    page.locator("#form-submit button[type=submit]").click()
    expect(page.locator("#creation-status")).to_have_text("已报县")
    naming = page.locator("#form-name")
    naming.locator("input[name=document]").fill("县爱卫发〔2026〕8号")
    naming.locator("button[type=submit]").click()
    expect(page.locator("#creation-status")).to_have_text("已命名")
    shot("named")
    named = db_query(_application(village["id"]))
    today = local_today()
    assert (named["status"], named["named_on"]) == ("named", today)
    assert named["review_due_on"] == today.replace(year=today.year + 3)

    # the board counts the title named this year
    page.goto(f"/creation/?year={today.year}")
    row = page.locator("#creation-board tr", has_text="县级卫生村")
    expect(row).to_be_visible()
    assert int(row.locator("td").nth(4).inner_text().split()[0]) >= 1
