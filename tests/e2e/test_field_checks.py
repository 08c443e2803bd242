"""The field app checks on the phone: answers the server refuses show its message on the item and
the others go up meanwhile; a grade beyond the item's points never leaves the phone; a photo the
browser cannot show is a named tile; a submission the server would refuse is stopped on the phone."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.test_offline_field import _assigned_inspection, _open_app, camera_jpeg


@pytest.fixture
def viewport() -> str:
    """The field app is for phones."""
    return "phone"


def _stored(inspection_id: int):
    def read(session):
        from hygiene.inspections.models import Answer

        rows = session.scalars(sa.select(Answer).where(Answer.inspection_id == inspection_id)).all()
        return {a.item_id: (a.result, a.grade, a.note) for a in rows}
    return read


def test_a_refused_answer_shows_the_servers_message_and_the_others_go_up(page, sign_in, db_query, shot):
    inspection_id = db_query(_assigned_inspection("离线采集：被拒答案"))
    _open_app(page, sign_in)
    page.locator(f'a.task[data-id="{inspection_id}"]').click()
    items = page.locator("fieldset.item")
    licence, manager, veto, _deduction, hall = (items.nth(i) for i in range(5))
    ids = [int(items.nth(i).get_attribute("data-item")) for i in range(5)]

    hall.locator("label.choice-pass").click()
    hall.locator("input[name^=grade_]").fill("9")
    hall.locator("input[name^=grade_]").press("Tab")
    expect(hall.locator(".input-problem")).to_have_text("得分必须在0至5之间。")
    expect(page.locator("#badge")).to_have_attribute("data-count", "0")  # nothing of it was kept to send

    page.context.set_offline(True)
    licence.locator("label.choice-pass").click()
    manager.locator("label.choice-pass").click()
    manager.locator("input[name^=grade_]").fill("3.3")  # within the box's bounds; the server wants steps of 0.5
    manager.locator("input[name^=grade_]").press("Tab")
    veto.locator("label.choice-pass").click()
    veto.locator("textarea").fill("粘贴的备注\x00")  # a NUL: the server answers 400
    veto.locator("textarea").blur()
    page.context.set_offline(False)

    expect(manager.locator(".item-problem")).to_have_text("未保存：得分须在 0 至 4 之间，以 0.5 分为单位。",
                                                         timeout=30_000)
    expect(veto.locator(".item-problem")).to_contain_text("未保存：", timeout=30_000)
    shot("refused")
    stored = db_query(_stored(inspection_id))
    assert stored[ids[0]][0] == "pass" and ids[1] not in stored and ids[2] not in stored

    manager.locator("input[name^=grade_]").fill("3.5")
    manager.locator("input[name^=grade_]").press("Tab")
    veto.locator("textarea").fill("粘贴的备注")
    veto.locator("textarea").blur()
    hall.locator("input[name^=grade_]").fill("4.5")
    hall.locator("input[name^=grade_]").press("Tab")
    expect(hall.locator(".input-problem")).to_be_hidden()
    expect(page.locator("#badge")).to_have_attribute("data-count", "0", timeout=30_000)
    expect(page.locator(".item-problem")).to_have_count(0)
    stored = db_query(_stored(inspection_id))
    assert stored[ids[1]][1] == Decimal("3.5") and stored[ids[2]] == ("pass", None, "粘贴的备注")
    assert stored[ids[4]][1] == Decimal("4.5")



def _open_offline(page, sign_in, db_query, label: str) -> int:
    inspection_id = db_query(_assigned_inspection(label))
    _open_app(page, sign_in)
    page.context.set_offline(True)
    page.locator(f'a.task[data-id="{inspection_id}"]').click()
    expect(page.locator("fieldset.item").first).to_be_visible()  # drawn: the items can be counted
    return inspection_id


def test_a_photo_the_browser_cannot_show_is_a_tile_with_its_name(page, sign_in, db_query, shot):
    _open_offline(page, sign_in, db_query, "离线采集：HEIC 照片")
    first = page.locator("fieldset.item").first
    first.locator("label.choice-fail").click()
    first.locator("input[type=file]").set_input_files([
        {"name": "IMG_0042.HEIC", "mimeType": "image/heic", "buffer": b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64}])
    tile = first.locator(".tile")
    expect(tile).to_contain_text("IMG_0042.HEIC")
    expect(tile).to_contain_text("照片将在上传后由服务器转换")
    expect(first.locator("img.thumb")).to_have_count(0)
    shot("heic-tile")


def test_a_submission_the_server_would_refuse_is_stopped_on_the_phone_with_its_words(page, sign_in, db_query, shot):
    _open_offline(page, sign_in, db_query, "离线采集：缺照片")
    items = page.locator("fieldset.item")
    licence = items.first  # fails, and a photo is required when it fails
    for i in range(1, items.count()):
        items.nth(i).locator("label.choice-pass").click()
    page.locator("#submit").click()
    expect(licence.locator(".check-problem")).to_have_text("尚未检查。")
    expect(page.locator("#submit-message")).to_have_text("提交前请填完所有项目（还剩 1 项）。")
    licence.locator("label.choice-fail").click()
    expect(licence.locator(".check-problem")).to_be_hidden()
    page.locator("#submit").click()
    expect(licence.locator(".check-problem")).to_have_text("此项不合格，请拍照。")
    expect(page.locator("#submit-message")).to_have_text("提交前请先处理这 1 项。")
    expect(page.locator("#submit-confirm")).to_be_hidden()
    shot("needs-a-photo")
    licence.locator("input[type=file]").set_input_files([
        {"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg(7, size=(400, 300))}])
    expect(licence.locator("img.thumb")).to_have_count(1)
    page.locator("#submit").click()
    page.locator("#submit-confirm").click()
    expect(page.locator("#state")).to_have_text("已提交，网络恢复后自动上传。")


def test_a_redraw_while_typing_keeps_what_is_typed_and_the_caret(page, sign_in, db_query, shot):
    """The form is drawn again when a send comes back or a refusal arrives; a note being typed (its
    save waits a moment) and the field in use keep what was typed, the caret where it was. (Once it
    did not: typing went on after the stored text, a NUL kept in front of it.)"""
    inspection_id = _open_offline(page, sign_in, db_query, "离线采集：边写边刷新")
    items = page.locator("fieldset.item")
    first, second = items.nth(0), items.nth(1)
    first.locator("label.choice-pass").click()
    note = first.locator("textarea")
    note.click()
    page.keyboard.type("墙面有霉")
    # a redraw from outside before the note's save: as a refusal of another item arriving would
    page.evaluate("""([id, itemId]) => FieldApp.store().update("inspections", id, r => {
        r.local.problems = [{item_id: itemId, message: "测试重绘"}]; return r; })
        .then(() => FieldForm.draw(id, {byInspection: {}}))""",
                  [inspection_id, int(second.get_attribute("data-item"))])
    expect(second.locator(".item-problem")).to_have_text("测试重绘")
    expect(note).to_have_value("墙面有霉")
    expect(note).to_be_focused()
    page.keyboard.type("斑")   # goes on where the caret was
    note.blur()
    expect(note).to_have_value("墙面有霉斑")
    shot("typed-through-a-redraw")
    page.context.set_offline(False)
    expect(page.locator("#badge")).to_have_attribute("data-count", "0", timeout=30_000)
    assert db_query(_stored(inspection_id))[int(first.get_attribute("data-item"))] == ("pass", None, "墙面有霉斑")
