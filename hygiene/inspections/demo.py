"""Demo inspections: three months of plans, filled sheets with photos, reviews and loose ends."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from io import BytesIO

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from hygiene.accounts.models import User
from hygiene.accounts.scope import Scope
from hygiene.checklists.models import ChecklistTemplate
from hygiene.checklists.services import templates_install_builtin
from hygiene.clock import local_zone
from hygiene.extensions import db
from hygiene.inspections import fieldwork, planning, review, scoring
from hygiene.inspections.models import Answer, Inspection
from hygiene.media import FileSystemStore, PhotoLimits
from hygiene.rectifications import services as rectifications
from hygiene.rectifications.models import RectificationOrder

FIXES = ["已组织人员清理", "已清运并设置收集点", "已补齐台账", "已维修防蝇门帘", "已疏通排水沟"]
FAULT_NOTES = ["路边有垃圾堆放", "排水沟堵塞", "台账未及时更新", "防蝇设施破损", "地面有积水",
               "健康教育宣传栏未更新", "垃圾桶未加盖", "消毒记录缺失", "鼠迹明显", "物品堆放杂乱"]


def demo_inspections(*, township_id: int, today: date, seed: int = 7) -> int:
    """Plan three months of inspections in the demo township and play them out; return count."""
    rng = random.Random(seed)
    templates_install_builtin()
    admin = _user("admin")
    inspector = _user("inspector")
    scope = Scope.of(admin)
    start = _months_back(today, 2)
    for name, code, extra in [
        ("村庄环境卫生月度检查", "village_environment", {"target_mode": "all", "recurrence": "monthly"}),
        ("餐饮单位食品卫生不定期抽查", "food_hygiene",
         {"target_mode": "sample", "unit_category": "catering", "sample_size": 8, "recurrence": "monthly"}),
        ("村卫生室季度检查", "village_clinic", {"target_mode": "all", "recurrence": "quarterly"}),
        ("保洁员月度考核", "cleaner_assessment", {"target_mode": "all", "recurrence": "monthly"}),
        ("公厕每周巡查", "unit_hygiene", {"target_mode": "category", "unit_category": "public_toilet",
                                    "recurrence": "weekly", "start_date": today - timedelta(days=today.weekday())}),
        ("岁末年初环境卫生整治检查", "hygienic_village",
         {"target_mode": "all", "recurrence": "once", "start_date": today + timedelta(days=3)}),
    ]:
        plan = planning.plan_create(scope=scope, actor_id=admin.id, today=today, data={
            "name": name, "template_id": _template_id(code), "start_date": start, "days_allowed": 10,
            "inspector_ids": [inspector.id, admin.id], "backfill": True, **extra})
        db.session.flush()
        planning.plan_generate(plan=plan, today=today)
    inspections = db.session.scalars(sa.select(Inspection).where(
        Inspection.township_id == township_id).order_by(Inspection.planned_date, Inspection.id)).all()
    quality = {v: rng.uniform(0.86, 0.99) for v in sorted({i.village_id for i in inspections})}
    reused: list[int] = []  # the first two inspections left for review get the same old photo
    for inspection in inspections:
        _play_out(inspection, rng, quality[inspection.village_id], today, admin, inspector, reused)
        db.session.flush()
    return len(inspections)


def _reused_photo(inspection, inspector, when) -> None:
    """The classic fake: one old photo sent for two targets; the reviewer sees it flagged."""
    picture = _scene(random.Random(1), datetime.combine(date(2025, 6, 1), time(10), local_zone()))
    fieldwork.photo_attach(scope=Scope.of(inspector), user=inspector, inspection=inspection,
                           item_id=None, filename="整改后.jpg", data=picture, limits=PhotoLimits(),
                           store=FileSystemStore(current_app.config["UPLOAD_DIR"]), now=when)


def _play_out(inspection, rng, quality, today, admin, inspector, reused: list[int]) -> None:
    """Fill, submit and review an inspection as far as its dates say it would have got."""
    days_left = (inspection.due_date - today).days
    if days_left > 4 or (days_left >= 0 and rng.random() < 0.5):
        return  # still planned
    when = datetime.combine(min(inspection.due_date, today) - timedelta(days=rng.randint(0, 3)),
                            time(9 + rng.randint(0, 7), rng.randint(0, 59)), local_zone())
    _fill(inspection, rng, quality, when, inspector)
    if days_left >= 0 or (days_left > -20 and rng.random() < 0.08):
        return  # in progress, or left overdue
    waits_for_review = days_left > -16 and rng.random() < 0.6
    if waits_for_review and len(reused) < 2:
        _reused_photo(inspection, inspector, when)
        reused.append(inspection.id)
    fieldwork.inspection_submit(scope=Scope.of(inspector), user=inspector, inspection=inspection,
                                submission_key=f"demo-{inspection.id}", now=when)
    _work_the_order(inspection, rng, when, today, admin, inspector)
    if waits_for_review:
        return  # waiting for the office's review
    review.inspection_publish(scope=Scope.of(admin), actor_id=admin.id, inspection=inspection,
                              now=when + timedelta(days=2), flag_reason="现场复核属实")  # if flagged


def _work_the_order(inspection, rng, issued: datetime, today: date, admin, inspector) -> None:
    """Most orders are put right and pass re-inspection; some fail it, some run late."""
    order = db.session.scalar(sa.select(RectificationOrder).where(
        RectificationOrder.inspection_id == inspection.id))
    if order is None or rng.random() < 0.1:
        return  # left open: overdue if its deadline has passed
    # villages without an account report by phone; the office records it for them
    contact = (rectifications.responsible_users(order) or [admin])[0]
    fixed = issued + timedelta(days=rng.randint(2, 6))
    if fixed.date() >= today:
        return
    rectifications.order_submit_evidence(
        scope=Scope.of(contact), user=contact, order=order, note=rng.choice(FIXES), photos=[],
        store=None, limits=PhotoLimits(), now=fixed)
    checked = fixed + timedelta(days=rng.randint(1, 3))
    if checked.date() < today and rng.random() < 0.85:  # the rest wait for the inspector
        rectifications.order_reinspect(scope=Scope.of(inspector), user=inspector, order=order,
                                       passed=rng.random() < 0.9, note="复查", photos=[], store=None,
                                       limits=PhotoLimits(), now=checked)


def _fill(inspection, rng, quality, when, inspector) -> None:
    inspection.status, inspection.started_at = "in_progress", when
    for item in inspection.version.items:
        failed = rng.random() > quality and not (item.veto and rng.random() < 0.97)
        answer = Answer(inspection_id=inspection.id, item_id=item.id, updated_at=when,
                        result=scoring.FAIL if failed else scoring.PASS,
                        findings=rng.randint(1, 3) if failed and item.scoring == "deduction" else 0,
                        grade=scoring.grade_scale(item.points).nearest(item.points * _fraction(rng, failed))
                        if item.scoring == "grade" else None,
                        note=rng.choice(FAULT_NOTES) if failed else "")
        answer.earned = scoring.item_earned(fieldwork.rule_of(item), fieldwork.answer_of(answer))
        db.session.add(answer)
        if failed and item.photo_on_fail:
            _photo(inspection, item, rng, when, inspector)
    db.session.flush()
    db.session.refresh(inspection)


def _fraction(rng, failed: bool):
    from decimal import Decimal

    return Decimal(str(round(rng.uniform(0.4, 0.8), 1))) if failed else Decimal(1)


def _photo(inspection, item, rng, when, inspector) -> None:
    store = FileSystemStore(current_app.config["UPLOAD_DIR"])
    fieldwork.photo_attach(scope=Scope.of(inspector), user=inspector, inspection=inspection,
                           item_id=item.id, filename="现场照片.jpg", data=_scene(rng, when),
                           store=store, limits=PhotoLimits(), now=when)


def _scene(rng, when: datetime) -> bytes:
    """A small camera-like JPEG of an invented scene, with its capture time in EXIF."""
    image = Image.new("RGB", (640, 480), (rng.randint(90, 160), rng.randint(110, 170), rng.randint(90, 140)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 600), rng.randint(120, 460)
        color = (rng.randint(40, 220), rng.randint(40, 220), rng.randint(40, 220))
        draw.rectangle([x, y, x + rng.randint(20, 160), y + rng.randint(10, 80)], fill=color)
    draw.rectangle([0, 0, 640, 120], fill=(170, 200, 230))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _template_id(code: str) -> int:
    return db.session.scalar(sa.select(ChecklistTemplate.id).where(ChecklistTemplate.code == code))


def _months_back(today: date, months: int) -> date:
    month = today.month - 1 - months
    return date(today.year + month // 12, month % 12 + 1, 1)
