"""The Patriotic Hygiene Month in the browser (issue 12's "done when"): the office generates a
year's calendar (a year whose holidays are not official yet: it is told so), starts the Hygiene
Month campaign from the calendar with a clean-up task for two villages, each village's contact
completes its task with photos on a phone, and the campaign's board shows every village done."""
from __future__ import annotations

import random
import re
from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

PASSWORD = "hygiene-demo"
PHONE = {"width": 390, "height": 844}


def _photo(seed: int) -> bytes:
    """A photo of its own (shapes placed by the seed), so no other record's photo looks like it."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (rng.randint(60, 200), rng.randint(60, 200), rng.randint(60, 200)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 600), rng.randint(0, 440)
        draw.ellipse([x, y, x + rng.randint(20, 200), y + rng.randint(20, 200)],
                     fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _villages(viewport: str):
    """Two villages of the demo township, each with its contact."""
    def make(session) -> list[dict]:
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
        made = []
        for n in (1, 2):
            village = record_create(kind=VILLAGES, scope=county, actor_id=None, data=VillageInput(
                township_id=township.id, name=f"卫生月演练{n}村{viewport}", kind="village"))
            user_create(scope=county, actor_id=None, data=UserInput(
                username=f"month{n}_{viewport}", display_name=f"演练联络员{n}", role=Role.VILLAGE_CONTACT,
                password=PASSWORD, village_id=village.id))
            made.append({"id": village.id, "name": village.name, "user": f"month{n}_{viewport}"})
        session.commit()
        return made
    return make


def _tasks(campaign_id: int):
    def read(session) -> dict:
        from hygiene.campaigns.models import CampaignTask
        from hygiene.media.models import Photo

        tasks = session.scalars(sa.select(CampaignTask).where(CampaignTask.campaign_id == campaign_id)).all()
        photos = session.scalar(sa.select(sa.func.count()).select_from(Photo).where(
            Photo.campaign_task_id.in_([t.id for t in tasks])))
        return {"villages": sorted(t.village_id for t in tasks), "done": sorted(t.status for t in tasks),
                "photos": photos}
    return read


def _as(page, sign_in, username):
    sign_in(username, fresh=True)


def test_a_hygiene_month_campaign_runs_to_completion(page, sign_in, submit, shot, viewport, db_query):
    from hygiene.campaigns.yearly import official_years
    from hygiene.clock import local_today

    today = local_today()
    villages = db_query(_villages(viewport))

    # the office generates the calendar of the year after the last official one: it is told the
    # holiday clean-ups are provisional; a second click makes nothing more
    _as(page, sign_in, "admin")
    year = max(official_years()) + 1
    page.goto(f"/campaigns/calendar?year={year}")
    generate = page.locator("button", has_text="生成全年活动日历")
    if generate.count():
        assert submit(generate).status == 303
        expect(page.locator(".flash, .flashes").first).to_contain_text("暂定")
    expect(page.locator("main table")).to_contain_text(f"第{year - 1988}个爱国卫生月")
    expect(page.locator("main table")).to_contain_text("元旦前环境卫生大扫除")
    expect(page.locator("button", has_text="生成全年活动日历")).to_have_count(0)
    shot("calendar")

    # ...and starts this year's Hygiene Month from its own calendar, for the two villages
    page.goto(f"/campaigns/calendar?year={today.year}")
    row = page.locator("main table tr", has_text=f"第{today.year - 1988}个爱国卫生月")
    row.locator("a", has_text="发起活动").click()
    expect(page.locator("input[name=name]")).to_have_value(f"第{today.year - 1988}个爱国卫生月")
    page.locator("input[name=name]").fill(f"第{today.year - 1988}个爱国卫生月（{viewport}演练）")
    page.locator("input[name=starts_on]").fill((today - timedelta(days=1)).isoformat())
    page.locator("input[name=ends_on]").fill((today + timedelta(days=20)).isoformat())
    page.locator("input[name=due_on]").fill((today + timedelta(days=10)).isoformat())
    page.locator("input[name=all_villages]").uncheck()
    page.locator("summary", has_text="选择村（社区）").click()
    for village in villages:
        page.locator("label", has_text=village["name"]).click()
    shot("new-campaign")
    assert submit(page.locator("main form button[type=submit]")).status == 303
    expect(page).to_have_url(re.compile(r"/campaigns/\d+$"))
    campaign_id = int(page.url.rsplit("/", 1)[1])
    assert db_query(_tasks(campaign_id))["villages"] == sorted(v["id"] for v in villages)
    expect(page.locator(".camp-board tbody tr")).to_have_count(2)

    # each village's contact completes its task on a phone, with two photos
    page.set_viewport_size(PHONE)
    for n, village in enumerate(villages):
        _as(page, sign_in, village["user"])
        page.locator("nav.mainnav a", has_text="爱卫活动").click()
        page.locator("main table a", has_text="环境卫生大扫除").first.click()
        form = page.locator("form", has_text="标记完成")
        form.locator("textarea[name=note]").fill("已清理房前屋后、沟渠和卫生死角")
        form.locator("input[name=photos]").set_input_files(files=[
            {"name": f"before{n}.jpg", "mimeType": "image/jpeg", "buffer": _photo(100 * n + len(viewport))},
            {"name": f"after{n}.jpg", "mimeType": "image/jpeg", "buffer": _photo(100 * n + len(viewport) + 50)}])
        if n == 0:
            shot("complete-on-phone")
        assert submit(form.locator("button[type=submit]")).status == 303
        expect(page.locator(".pagehead .badge")).to_have_text("已完成")
        expect(page.locator(".photos img")).to_have_count(2)

    # the office's board: every village done
    _as(page, sign_in, "admin")
    page.goto(f"/campaigns/{campaign_id}")
    expect(page.locator("main .facts")).to_contain_text("2 / 2")
    expect(page.locator(".camp-board tr.camp-row-done")).to_have_count(2)
    shot("board")
    records = db_query(_tasks(campaign_id))
    assert records["done"] == ["done", "done"] and records["photos"] == 4
