"""The field form on a phone: grades the browser and the server both accept, veto items without
N/A, a photo upload that fails and is retried, a photo too large to send, and demo drafts."""
from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect


def _photo() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


def _restaurant_inspection(label: str):
    """A new food-hygiene inspection of a restaurant in 东山村, assigned to `inspector`."""
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
            planned_date=local_today(), due_date=local_today() + timedelta(days=5), inspectors=[inspector])
        session.add(inspection)
        session.commit()
        return inspection.id
    return make


def _open_form(page, sign_in, db_query, label: str):
    inspection_id = db_query(_restaurant_inspection(label))
    sign_in("inspector")
    page.goto(f"/inspections/{inspection_id}/fill")
    return inspection_id


def _item_shot(item, name: str, viewport: str) -> None:
    """A close-up of one item beside the full-page shots, to look at the message in it."""
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    item.screenshot(path=str(SCREENSHOTS / f"field-form-{name}-{viewport}.png"))


def _autosaved(page):
    return page.expect_response(lambda r: r.url.endswith("/answers") and r.request.method == "POST")


def test_a_grade_off_the_steps_is_refused_at_the_item_like_the_browser_refuses_it(
        page, sign_in, db_query, shot, viewport):
    _open_form(page, sign_in, db_query, f"年糕店（{viewport}，得分）")
    item = page.locator("fieldset.item[data-scoring=grade]").first
    grade = item.locator("input[type=number]")
    item.locator("label.choice-fail").click()
    with _autosaved(page) as saved:
        grade.fill("1.7")
        grade.dispatch_event("change")
    assert saved.value.status == 422
    expect(item.locator(".save-state.error")).to_contain_text("0.5")
    assert grade.evaluate("input => input.checkValidity()") is False  # the browser agrees
    shot("grade-refused")
    _item_shot(item, "grade-refused", viewport)
    with _autosaved(page) as saved:
        grade.fill("1.5")
        grade.dispatch_event("change")
    assert saved.value.status == 200
    expect(item.locator(".save-state")).to_have_count(0)
    assert grade.evaluate("input => input.checkValidity()") is True


def test_a_veto_item_offers_only_pass_or_fail(page, sign_in, db_query, shot, viewport):
    _open_form(page, sign_in, db_query, f"年糕店（{viewport}，否决项）")
    veto = page.locator("fieldset.item:has(.mark.veto)")
    assert veto.count() >= 1
    expect(veto.locator("label.choice-na")).to_have_count(0)
    expect(veto.first.locator("label.choice-pass")).to_be_visible()
    expect(page.locator("fieldset.item:not(:has(.mark.veto)) label.choice-na").first).to_be_visible()
    veto.first.scroll_into_view_if_needed()
    shot("veto")
    _item_shot(veto.first, "veto", viewport)


def test_a_failed_upload_says_so_keeps_the_photo_and_retries(page, sign_in, db_query, shot, viewport):
    _open_form(page, sign_in, db_query, f"年糕店（{viewport}，照片）")
    item = page.locator("fieldset.item").first
    cut = {"done": False}

    def lose_the_network_once(route):
        if cut["done"]:
            route.continue_()
        else:
            cut["done"] = True
            route.abort("internetdisconnected")

    page.route(re.compile(r"/inspections/\d+/photos$"), lose_the_network_once)
    picker = item.locator("input[type=file]")
    picker.set_input_files(files=[{"name": "IMG_2026..01.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    problem = item.locator(".upload-state")
    expect(problem).to_contain_text("照片未上传")
    assert picker.evaluate("input => input.files.length") == 1  # still there to send again
    shot("upload-failed")
    _item_shot(item, "upload-failed", viewport)
    problem.locator("button.retry").click()
    expect(item.locator(".photos img")).to_have_count(1)
    expect(problem).to_have_count(0)
    assert picker.evaluate("input => input.files.length") == 0
    shot("upload-retried")
    _item_shot(item, "upload-retried", viewport)


def test_a_photo_too_large_is_explained_before_it_is_sent(page, sign_in, db_query, shot, viewport):
    _open_form(page, sign_in, db_query, f"年糕店（{viewport}，大照片）")
    item = page.locator("fieldset.item").first
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/photos") else None)
    limit = int(page.locator("#fill-form").get_attribute("data-photo-max-bytes"))
    item.locator("input[type=file]").set_input_files(
        files=[{"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (limit + 1)}])
    expect(item.locator(".upload-state")).to_contain_text("MB")
    assert sent == []
    shot("too-large")
    _item_shot(item, "too-large", viewport)


def _demo_draft_with_grades(session):
    from hygiene.checklists.models import TemplateItem
    from hygiene.inspections.models import Answer, Inspection

    return session.scalar(
        sa.select(Inspection.id).join(Answer, Answer.inspection_id == Inspection.id)
        .join(TemplateItem, TemplateItem.id == Answer.item_id)
        .where(Inspection.status == "in_progress", TemplateItem.scoring == "grade",
               Answer.grade.is_not(None)).limit(1))


def _demo_grades(session):
    from hygiene.checklists.models import TemplateItem
    from hygiene.inspections.models import Answer

    return session.execute(sa.select(TemplateItem.points, Answer.grade).join(
        Answer, Answer.item_id == TemplateItem.id).where(Answer.grade.is_not(None))).all()


def test_the_demos_drafts_hold_only_grades_the_form_accepts(page, sign_in, db_query, shot):
    from hygiene.inspections.scoring import grade_scale

    grades = db_query(_demo_grades)
    assert grades and all(grade_scale(points).accepts(grade) for points, grade in grades)
    draft = db_query(_demo_draft_with_grades)
    sign_in("admin")
    page.goto(f"/inspections/{draft}/fill")
    assert page.locator("#fill-form").evaluate("form => form.checkValidity()") is True
    shot("demo-draft")


def _below_the_score_bar(page, target) -> None:
    """`target` is in view, its top below the sticky score bar's bottom and above the buttons."""
    bar = page.locator(".scorebar").bounding_box()
    box = target.bounding_box()
    actions = page.locator(".sticky-actions").bounding_box()
    assert box["y"] >= bar["y"] + bar["height"] - 1, (box, bar)
    assert box["y"] + min(box["height"], 40) <= actions["y"] + 1, (box, actions)


def test_a_link_in_the_list_of_what_needs_attention_shows_the_item_below_the_score_bar(
        page, sign_in, db_query, shot, viewport):
    _open_form(page, sign_in, db_query, f"面馆（{viewport}，跳转）")
    page.locator("#submit-button").click()
    page.wait_for_load_state()
    links = page.locator(".form-error a[href^='#item-']")
    expect(links.first).to_be_visible()
    link = links.nth(min(3, links.count() - 1))
    target = page.locator(link.get_attribute("href"))
    link.click()
    page.wait_for_timeout(300)
    _below_the_score_bar(page, target.locator("legend"))
    shot("anchor")


def test_the_browsers_own_bubble_for_a_bad_grade_is_not_under_the_score_bar(
        page, sign_in, db_query, shot, viewport):
    _open_form(page, sign_in, db_query, f"粥铺（{viewport}，气泡）")
    grade = page.locator("fieldset.item[data-scoring=grade] input[type=number]").last
    with _autosaved(page):
        grade.fill("1.7")
        grade.dispatch_event("change")
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#submit-button").click()
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.name") == grade.get_attribute("name")
    _below_the_score_bar(page, grade)


def test_a_refused_grade_says_it_is_not_saved_and_the_score_stays_the_servers(
        page, sign_in, db_query, shot, viewport):
    inspection_id = _open_form(page, sign_in, db_query, f"包子铺（{viewport}，未保存）")
    item = page.locator("fieldset.item[data-scoring=grade]").first
    grade = item.locator("input[type=number]")

    def servers_score(session):
        from hygiene.inspections import fieldwork
        from hygiene.inspections.models import Inspection

        return str(fieldwork.inspection_score(session.get(Inspection, inspection_id)).score)

    with _autosaved(page) as saved:
        item.locator("label.choice-pass").click()
    assert saved.value.status == 200
    # the bar shows the score the save answered with once the page has read that answer
    expect(page.locator("#live-score")).to_have_text(db_query(servers_score))
    accepted = page.locator("#live-score").inner_text()
    with _autosaved(page) as saved:
        grade.fill("1.7")
        grade.dispatch_event("change")
    assert saved.value.status == 422
    expect(item.locator(".save-state.error")).to_contain_text("未保存")
    expect(grade).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#live-score")).to_have_text(db_query(servers_score))
    assert page.locator("#live-score").inner_text() == accepted
    shot("not-saved")
    _item_shot(item, "not-saved", viewport)
    with _autosaved(page) as saved:
        grade.fill("1.5")
        grade.dispatch_event("change")
    assert saved.value.status == 200
    expect(grade).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#live-score")).to_have_text(db_query(servers_score))
    assert page.locator("#live-score").inner_text() != accepted
