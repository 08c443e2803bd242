"""Health education in the browser (issue 12's "done when"): a village contact records last
month's notice board (on the phone, with a photo from the camera) and this month's lecture; the
cadence page then flags the village for last month's missing lecture, names the month, and does
not flag the board; the office sees the village flagged among the township's."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

PASSWORD = "hygiene-demo"


def _photo(seed: int) -> bytes:
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


def _new_village(viewport: str):
    """A village of the demo township and its contact."""
    def make(session) -> int:
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
            township_id=township.id, name=f"宣教演练村{viewport}", kind="village"))
        user_create(scope=county, actor_id=None, data=UserInput(
            username=f"education_{viewport}", display_name="宣教联络员", role=Role.VILLAGE_CONTACT,
            password=PASSWORD, village_id=village.id))
        session.commit()
        return village.id
    return make


def _record(page, submit, *, kind: str, day: date, topic: str, attendance: str = "", photo: bytes | None = None):
    page.goto("/education/new")
    form = page.locator("form.edu-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=held_on]").fill(day.isoformat())
    form.locator("input[name=topic]").fill(topic)
    if attendance:
        form.locator("input[name=attendance]").fill(attendance)
    if photo is not None:
        form.locator("input[name=photos]").set_input_files(files=[{"name": "board.jpg", "mimeType": "image/jpeg",
                                                                   "buffer": photo}])
    assert submit(form.locator("button[type=submit]")).status == 303
    expect(page.locator("h1")).to_have_text(topic)


def _row(page, name: str):
    return page.locator("tr.cadence-row").filter(has_text=name)


def test_the_cadence_flags_a_village_that_missed_a_month(page, sign_in, submit, shot, viewport, db_query):
    village_id = db_query(_new_village(viewport))
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the office's day, as the server counts it
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
    sign_in(f"education_{viewport}")
    expect(page.locator("nav.mainnav a[href=\"/education/\"]")).to_have_text("健康教育")
    page.goto("/education/")
    expect(page.locator("h1")).to_have_text("健康教育")
    _record(page, submit, kind="board", day=last_month, topic="秋冬季传染病预防",
            photo=_photo(41) if viewport == "phone" else None)
    if viewport == "phone":
        expect(page.locator(".photos img")).to_have_count(1)
    shot("activity")
    _record(page, submit, kind="lecture", day=today, topic="冬季保暖与心脑血管", attendance="42")
    page.goto("/education/")
    expect(page.locator("table.records tbody tr")).to_have_count(2)

    page.goto(f"/education/cadence?year={last_month.year}")
    row = _row(page, f"宣教演练村{viewport}")
    expect(row.locator("td").nth(1)).to_contain_text("已逾期")
    lecture, board = row.locator("td").nth(3), row.locator("td").nth(2)
    expect(lecture).to_contain_text("缺：")
    expect(lecture).to_contain_text(last_month.strftime("%Y-%m"))
    expect(board).not_to_contain_text(last_month.strftime("%Y-%m"))
    shot("cadence")

    sign_in("admin", fresh=True)
    page.goto(f"/education/cadence?year={last_month.year}")
    expect(_row(page, f"宣教演练村{viewport}").locator("td").nth(1)).to_contain_text("已逾期")
    assert db_query(lambda s: s.scalar(sa.text("SELECT count(*) FROM education_activity WHERE village_id = :v"),
                                       {"v": village_id})) == 2
    shot("office")
