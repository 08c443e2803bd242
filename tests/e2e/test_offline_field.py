"""The offline field app on a phone: download the tasks, lose the network, fill an inspection
with photos and submit it, reload the app with no network (the service worker serves it, the
queue and its badge survive), and see everything reach the server exactly once when the network
is back: answers, photos shrunk on the phone with their EXIF evidence kept, the submission."""
from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational
from playwright.sync_api import expect

TAKEN = "2026:11:30 09:15:20"  # office time, +08:00
GPS = (30.25, 120.125)


@pytest.fixture
def viewport() -> str:
    """The field app is for phones: these tests run in the phone viewport only."""
    return "phone"


def camera_jpeg(seed: int, size=(3200, 2400)) -> bytes:
    """A camera-like photo with its capture time and GPS position in EXIF."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(100, 600)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    exif = Image.Exif()
    exif[0x0112] = 1
    exif.get_ifd(0x8769)[0x9003] = TAKEN
    exif.get_ifd(0x8769)[0x9011] = "+08:00"
    exif.get_ifd(0x8825).update({1: "N", 2: _dms(GPS[0]), 3: "E", 4: _dms(GPS[1])})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def _dms(value: float):
    degrees = int(value)
    minutes = (value - degrees) * 60
    return (IFDRational(degrees), IFDRational(int(minutes)), IFDRational(round((minutes - int(minutes)) * 60, 4)))


def _assigned_inspection(label: str):
    def make(session) -> int:
        from hygiene.accounts.models import User
        from hygiene.checklists.models import ChecklistTemplate
        from hygiene.clock import local_today
        from hygiene.inspections.models import Inspection
        from hygiene.places.models import Unit, Village

        template = session.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.code == "food_hygiene"))
        village = session.scalar(sa.select(Village).where(Village.name == "东山村"))
        unit = session.scalar(sa.select(Unit).where(Unit.village_id == village.id).limit(1))
        inspector = session.scalar(sa.select(User).where(User.username == "inspector"))
        inspection = Inspection(
            version_id=template.versions[-1].id, township_id=village.township_id, village_id=village.id,
            target_kind="unit", target_id=unit.id, unit_id=unit.id, target_label=label,
            planned_date=local_today(), due_date=local_today() + timedelta(days=3), inspectors=[inspector])
        session.add(inspection)
        session.commit()
        return inspection.id
    return make


def _kept(inspection_id: int):
    def read(session):
        from hygiene.inspections.models import Answer, Inspection
        from hygiene.media.models import Photo

        inspection = session.get(Inspection, inspection_id)
        session.refresh(inspection)
        answers = session.scalars(sa.select(Answer).where(Answer.inspection_id == inspection_id)).all()
        photos = session.scalars(sa.select(Photo).where(Photo.inspection_id == inspection_id)).all()
        return inspection.status, len(inspection.version.items), answers, photos
    return read


def _open_app(page, sign_in):
    sign_in("inspector")
    page.goto("/field/")
    _controlled(page)
    page.get_by_role("button", name="同步离线任务").click()


def _controlled(page) -> None:
    """Wait until the service worker controls the page (polled: the CSP forbids wait_for_function's eval)."""
    for _ in range(100):
        if page.evaluate("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of /field/")


def _fill(page, inspection_id: int, photos: list[bytes]) -> tuple[int, int]:
    """Answer every item (the first deduction item fails twice over), attach the photos to it."""
    page.locator(f'a.task[data-id="{inspection_id}"]').click()
    items = page.locator("fieldset.item")
    failed = page.locator("fieldset.item", has=page.locator("input[name^=findings_]")).first
    failed_id = int(failed.get_attribute("data-item"))
    for i in range(items.count()):
        item = items.nth(i)
        if int(item.get_attribute("data-item")) == failed_id:
            item.locator("label.choice-fail").click()
            item.locator("input[name^=findings_]").fill("2")
            item.locator("textarea").fill("后厨地面有积水")
            item.locator("textarea").blur()
        else:
            item.locator("label.choice-pass").click()
    failed.locator("input[type=file]").set_input_files([
        {"name": f"IMG_{n}.jpg", "mimeType": "image/jpeg", "buffer": data} for n, data in enumerate(photos)])
    expect(failed.locator("img.thumb")).to_have_count(len(photos), timeout=20_000)
    return items.count(), failed_id


def test_an_inspection_filled_offline_reaches_the_server_once_with_its_photos_and_evidence(
        page, sign_in, db_query, shot):
    inspection_id = db_query(_assigned_inspection("离线采集：东山饭店"))
    _open_app(page, sign_in)
    expect(page.locator(f'a.task[data-id="{inspection_id}"]')).to_be_visible()
    shot("tasks")

    page.context.set_offline(True)
    expect(page.locator("#net")).to_have_text("离线")
    photos = [camera_jpeg(1), camera_jpeg(2)]
    total, _failed = _fill(page, inspection_id, photos)
    expect(page.locator("#answered")).to_have_text(f"已填 {total} / {total} 项")
    page.locator("#submit").click()
    page.locator("#submit-confirm").click()
    expect(page.locator("#state")).to_have_text("已提交，网络恢复后自动上传。")
    waiting = total + len(photos) + 1
    expect(page.locator("#badge")).to_have_text(f"待上传 {waiting}")
    shot("filled-offline")

    page.reload()  # no network: the service worker serves the shell, IndexedDB keeps the queue
    expect(page.locator("#badge")).to_have_text(f"待上传 {waiting}")
    expect(page.locator("#state")).to_have_text("已提交，网络恢复后自动上传。")
    shot("reloaded-offline")

    page.context.set_offline(False)
    expect(page.locator("#badge")).to_have_attribute("data-count", "0", timeout=60_000)
    expect(page.locator("#badge")).to_have_text("已全部上传")
    shot("uploaded")

    status, items, answers, stored = db_query(_kept(inspection_id))
    assert status == "submitted"
    assert len(answers) == items == total and all(a.result for a in answers)
    assert len(stored) == len(photos) and len({p.client_id for p in stored}) == len(photos)
    for photo in stored:
        assert max(photo.width, photo.height) <= 1600 and photo.size_bytes < min(len(p) for p in photos)
        assert photo.taken_at == datetime(2026, 11, 30, 1, 15, 20, tzinfo=UTC)
        assert photo.gps_lat == pytest.approx(GPS[0], abs=1e-4) and photo.gps_lon == pytest.approx(GPS[1], abs=1e-4)


def test_a_photo_whose_answer_was_lost_is_sent_again_and_kept_once(page, sign_in, db_query, shot):
    inspection_id = db_query(_assigned_inspection("离线采集：应答丢失"))
    lost = []

    def lose_the_first_answer(route):
        if lost:
            route.continue_()
            return
        response = route.fetch()  # the server stores the photo...
        lost.append(response.status)
        route.abort("connectionreset")  # ...and its answer never reaches the phone

    page.route("**/api/v1/inspections/*/photos", lose_the_first_answer)
    _open_app(page, sign_in)
    expect(page.locator(f'a.task[data-id="{inspection_id}"]')).to_be_visible()
    _fill(page, inspection_id, [camera_jpeg(3)])
    expect(page.locator("#badge")).to_have_attribute("data-count", "0", timeout=60_000)
    shot("resent")

    assert lost == [201]
    _status, _items, _answers, stored = db_query(_kept(inspection_id))
    assert len(stored) == 1


def _office_changes(inspection_id: int, *, answer_first_item: bool = False, cancel: bool = False):
    """What the office does on the server meanwhile: answers the first item, or cancels it all."""
    def change(session):
        from hygiene.access.scope import Scope
        from hygiene.accounts.models import User
        from hygiene.clock import now_utc
        from hygiene.inspections import fieldwork, review
        from hygiene.inspections.models import Inspection

        inspection = session.get(Inspection, inspection_id)
        first = inspection.version.items[0]
        if answer_first_item:
            fieldwork.answer_write(inspection=inspection, item_id=first.id, result="fail", note="办公室复核", now=now_utc())
        if cancel:
            admin = session.scalar(sa.select(User).where(User.username == "admin"))
            review.inspection_cancel(scope=Scope.of(admin), actor_id=admin.id, inspection=inspection,
                                     reason="重复安排", now=now_utc())
        session.commit()
        return first.id
    return change


def _answer_of(inspection_id: int, item_id: int):
    def read(session):
        from hygiene.inspections.models import Answer

        answer = session.scalar(sa.select(Answer).where(Answer.inspection_id == inspection_id, Answer.item_id == item_id))
        return (answer.result, answer.note) if answer else None
    return read


def test_an_answer_changed_on_the_server_meanwhile_is_shown_and_the_inspector_chooses(page, sign_in, db_query, shot):
    inspection_id = db_query(_assigned_inspection("离线采集：答案冲突"))
    _open_app(page, sign_in)
    expect(page.locator(f'a.task[data-id="{inspection_id}"]')).to_be_visible()
    page.context.set_offline(True)
    page.locator(f'a.task[data-id="{inspection_id}"]').click()
    first = page.locator("fieldset.item").first
    first.locator("label.choice-pass").click()
    first.locator("textarea").fill("现场看过，证照齐全")
    first.locator("textarea").blur()
    item_id = db_query(_office_changes(inspection_id, answer_first_item=True))

    page.context.set_offline(False)
    expect(page.locator("#conflict")).to_be_visible(timeout=30_000)
    choice = first.locator(".conflict-choice")
    expect(choice).to_contain_text("我的：合格 · 现场看过，证照齐全")
    expect(choice).to_contain_text("服务器上：不合格 · 办公室复核")
    assert db_query(_answer_of(inspection_id, item_id)) == ("fail", "办公室复核")  # nothing overwritten
    shot("conflict")

    choice.get_by_role("button", name="保留我的").click()
    expect(page.locator("#badge")).to_have_attribute("data-count", "0", timeout=30_000)
    assert db_query(_answer_of(inspection_id, item_id)) == ("pass", "现场看过，证照齐全")


def test_work_on_an_inspection_the_office_cancelled_is_kept_but_not_sent(page, sign_in, db_query, shot):
    inspection_id = db_query(_assigned_inspection("离线采集：已取消"))
    _open_app(page, sign_in)
    expect(page.locator(f'a.task[data-id="{inspection_id}"]')).to_be_visible()
    page.context.set_offline(True)
    page.locator(f'a.task[data-id="{inspection_id}"]').click()
    first = page.locator("fieldset.item").first
    first.locator("label.choice-pass").click()
    first.locator("textarea").fill("取消前填写")
    first.locator("textarea").blur()
    item_id = db_query(_office_changes(inspection_id, cancel=True))

    page.context.set_offline(False)
    expect(page.locator("#state")).to_have_text("已被办公室取消：您填写的内容保留在本机，但不会上传。", timeout=30_000)
    expect(first.locator("textarea")).to_have_value("取消前填写")
    shot("cancelled")
    assert db_query(_answer_of(inspection_id, item_id)) is None
    page.locator("#back").click()
    expect(page.locator(f'a.task[data-id="{inspection_id}"]')).to_contain_text("已被办公室取消")
