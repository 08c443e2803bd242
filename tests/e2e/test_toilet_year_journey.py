"""A year's toilet renovation in the browser (issue 11's "done when"): the office sets a village's
task, the village contact surveys three households and builds them (the buried tank photographed),
the office asks for acceptance, the inspector checks them (one fails with reasons), the office
publishes, the failed one is reworked and accepted, two subsidies are paid, and the village board's
numbers (quota, accepted, in progress) match the records."""
from __future__ import annotations

import random
import re
from io import BytesIO

import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

PASSWORD = "hygiene-demo"


def _photo(seed: int) -> bytes:
    """A photo of its own (stripes placed by the seed), so no other record's photo looks like it."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (rng.randint(60, 200), rng.randint(60, 200), rng.randint(60, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 600), rng.randint(0, 440)
        draw.rectangle([x, y, x + rng.randint(20, 200), y + rng.randint(20, 200)],
                       fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _files(name: str, seed: int) -> list[dict]:
    return [{"name": name, "mimeType": "image/jpeg", "buffer": _photo(seed)}]


def _new_village(viewport: str):
    """A village of the demo township with three register households and its contact."""
    def make(session) -> dict:
        from hygiene.access.scope import Scope
        from hygiene.accounts.models import Role
        from hygiene.accounts.schemas import UserInput
        from hygiene.accounts.services import user_create
        from hygiene.places.kinds import HOUSEHOLDS, VILLAGES
        from hygiene.places.models import Township
        from hygiene.places.schemas import HouseholdInput, VillageInput
        from hygiene.places.services import record_create

        county = Scope(Role.ADMIN)
        township = session.scalar(sa.select(Township).order_by(Township.id).limit(1))
        village = record_create(kind=VILLAGES, scope=county, actor_id=None, data=VillageInput(
            township_id=township.id, name=f"改厕演练村{viewport}", kind="village"))
        heads = [f"{name}{viewport}" for name in ("赵一", "钱二", "孙三")]
        for head in heads:
            record_create(kind=HOUSEHOLDS, scope=county, actor_id=None, data=HouseholdInput(
                village_id=village.id, group_name="一组", head_name=head, phone="", address="一组1号"))
        user_create(scope=county, actor_id=None, data=UserInput(
            username=f"toilets_{viewport}", display_name="改厕联络员", role=Role.VILLAGE_CONTACT,
            password=PASSWORD, village_id=village.id))
        session.commit()
        return {"id": village.id, "heads": heads}
    return make


def _records(village_id: int):
    def read(session) -> dict:
        from hygiene.toilets.models import HouseholdToilet, ToiletTask
        from hygiene.toilets.status import DONE, IN_PROGRESS

        task = session.scalar(sa.select(ToiletTask).where(ToiletTask.village_id == village_id))
        toilets = session.scalars(sa.select(HouseholdToilet).where(HouseholdToilet.village_id == village_id)).all()
        return {"quota": task.household_quota, "accepted": sum(t.stage in DONE for t in toilets),
                "in_progress": sum(t.stage in IN_PROGRESS for t in toilets),
                "paid": sum(t.subsidy_paid_on is not None for t in toilets),
                "reworked": sum(t.reworks for t in toilets),
                "inspections": {t.household.head_name: t.acceptance_inspection_id for t in toilets},
                "ids": {t.household.head_name: t.id for t in toilets}}
    return read


def _as(page, sign_in, username):
    sign_in(username, fresh=True)


def _step(page, submit, step: str, **fill) -> None:
    form = page.locator(f"form.step-{step}")
    for name, value in fill.items():
        if name == "toilet_type":
            form.locator("select[name=toilet_type]").select_option(value)
        elif name == "inspector":
            form.locator("select[name=inspector_ids] option", has_text=value).first.evaluate("o => o.selected = true")
        else:
            form.locator(f"input[name={name}]").set_input_files(files=value)
    assert submit(form.locator("button[type=submit]")).status == 303


def _board_says(page, village_id: int, year: int, records: dict) -> None:
    page.goto(f"/toilets/board/{village_id}?year={year}")
    figures = page.locator(".progress-card .figures").first
    expect(figures).to_contain_text(f"{records['accepted']}")
    text = figures.inner_text()
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    assert numbers[0] == records["accepted"] and numbers[1] == records["quota"], text
    assert f"{records['in_progress']}" in text.split("·")[1], text


def _accept(page, sign_in, submit, inspection_id: int, *, fail: bool, seed: int) -> None:
    _as(page, sign_in, "inspector")
    page.goto(f"/inspections/{inspection_id}/fill")
    items = page.locator("fieldset.item")
    for index in range(items.count()):
        items.nth(index).locator("label.choice-pass").click()
    if fail:
        photo_item = page.locator("fieldset.item:has(.mark.photo)").first
        photo_item.locator("label.choice-fail").click()
        photo_item.locator("textarea").fill("化粪池盖板破损，出粪口未加盖")
        photo_item.locator("input[type=file]").set_input_files(files=_files("fail.jpg", seed))
        expect(photo_item.locator(".photos img")).to_have_count(1)
    page.locator("#submit-button").click()
    expect(page).to_have_url(re.compile(rf"/inspections/{inspection_id}$"))
    _as(page, sign_in, "admin")
    page.goto(f"/inspections/{inspection_id}")
    page.locator("button[value=publish]").click()
    if page.locator("h1", has_text="照片存疑").count():  # a photo like another's: the office confirms
        page.locator("main form textarea").first.fill("演练照片，已核实")
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".status-published")).to_be_visible()


def test_a_toilet_year_runs_from_survey_to_subsidy(page, sign_in, submit, shot, viewport, db_query):
    from hygiene.clock import local_today

    year = local_today().year
    village = db_query(_new_village(viewport))
    seed = 7 * len(viewport)

    # the office sets the village's task for the year
    _as(page, sign_in, "admin")
    page.goto(f"/toilets/tasks/{village['id']}/{year}")
    form = page.locator("main form")
    form.locator("input[name=household_quota]").fill("3")
    form.locator("input[name=deadline]").fill(f"{year}-12-31")
    form.locator("input[name=rate_three_compartment]").fill("1000")
    form.locator("input[name=rate_double_urn]").fill("800")
    assert submit(form.locator("button[type=submit]")).status == 303

    # the village contact surveys three households and builds them
    _as(page, sign_in, f"toilets_{viewport}")
    for n, head in enumerate(village["heads"]):
        page.goto("/toilets/households/new")
        form = page.locator("main form")
        form.locator("select[name=household_id]").select_option(
            form.locator("select[name=household_id] option", has_text=head).first.get_attribute("value"))
        assert submit(form.locator("button[type=submit]")).status == 303
        _step(page, submit, "plan", toilet_type="three_compartment" if n < 2 else "double_urn")
        _step(page, submit, "start")
        _step(page, submit, "complete", buried_photos=_files("tank.jpg", seed + n))
        expect(page.locator(".timeline img")).to_have_count(1)
    shot("built")
    ids = db_query(_records(village["id"]))["ids"]

    # the office asks for the acceptance inspections
    _as(page, sign_in, "admin")
    for head in village["heads"]:
        page.goto(f"/toilets/households/{ids[head]}")
        _step(page, submit, "accept_request", inspector="李检查")
    inspections = db_query(_records(village["id"]))["inspections"]
    assert all(inspections.values())

    # the inspector checks them: the first fails with reasons, the others pass; the office publishes
    failed = village["heads"][0]
    for n, head in enumerate(village["heads"]):
        _accept(page, sign_in, submit, inspections[head], fail=head == failed, seed=seed + 20 + n)
    records = db_query(_records(village["id"]))
    assert (records["accepted"], records["in_progress"]) == (2, 1)
    _board_says(page, village["id"], year, records)
    page.goto(f"/toilets/households/{ids[failed]}")
    expect(page.locator("ul.reasons").first).to_be_visible()
    shot("failed")

    # the failed one is reworked, completed again and accepted
    _as(page, sign_in, f"toilets_{viewport}")
    page.goto(f"/toilets/households/{ids[failed]}")
    _step(page, submit, "rework")
    _step(page, submit, "complete", buried_photos=_files("tank2.jpg", seed + 40))
    _as(page, sign_in, "admin")
    page.goto(f"/toilets/households/{ids[failed]}")
    _step(page, submit, "accept_request", inspector="李检查")
    again = db_query(_records(village["id"]))["inspections"][failed]
    _accept(page, sign_in, submit, again, fail=False, seed=seed + 50)

    # subsidies for two
    _as(page, sign_in, "admin")
    for head in village["heads"][:2]:
        page.goto(f"/toilets/households/{ids[head]}")
        _step(page, submit, "pay")
    records = db_query(_records(village["id"]))
    assert (records["accepted"], records["in_progress"], records["paid"], records["reworked"]) == (3, 0, 2, 1)
    _board_says(page, village["id"], year, records)
    shot("board")
