"""Demo inspections: four months of plans, played out up to the day the demo is loaded.

Everything is relative to `today`: work happens on working days in office hours; the latest
submissions wait for the office's review (two with a reused photo); some orders are late and
some wait for re-inspection; the demo village and restaurant have work in each state.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.models import ChecklistTemplate
from hygiene.checklists.services import templates_install_builtin
from hygiene.clock import local_zone
from hygiene.core.periods import add_months
from hygiene.extensions import db
from hygiene.inspections import fieldwork, review, scoring
from hygiene.inspections.models import Answer, Inspection
from hygiene.inspections.plans import services as planning
from hygiene.inspections.plans.schemas import PlanInput
from hygiene.inspections.status import InspectionStatus
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import configured_store
from hygiene.rectifications import services as rectifications
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.workdays import is_working_day

FIXES = ["已组织人员清理", "已清运并设置收集点", "已补齐台账", "已维修防蝇门帘", "已疏通排水沟"]
FAULT_NOTES = ["路边有垃圾堆放", "排水沟堵塞", "台账未及时更新", "防蝇设施破损", "地面有积水",
               "健康教育宣传栏未更新", "垃圾桶未加盖", "消毒记录缺失", "鼠迹明显", "物品堆放杂乱"]
HISTORY_MONTHS = 3       # whole months of work before the current one
WAITING_FOR_REVIEW = 4   # the latest submissions the office has not reviewed yet
OFFICE_HOURS = (8, 9, 10, 11, 14, 15, 16)
CAMPAIGNS = {12: "岁末年初环境卫生整治检查", 1: "岁末年初环境卫生整治检查", 2: "春节前后环境卫生整治检查",
             3: "春季爱国卫生运动检查", 4: "爱国卫生月专项检查", 5: "春季爱国卫生运动检查",
             6: "夏季病媒生物防制检查", 7: "夏季环境卫生整治检查", 8: "夏季环境卫生整治检查",
             9: "秋季环境卫生整治检查", 10: "秋季环境卫生整治检查", 11: "秋冬季环境卫生整治检查"}


@dataclass
class Fate:
    """How far one inspection got by today: begun, submitted, published (None: not yet)."""

    inspection: Inspection
    started: datetime | None = None
    submitted: datetime | None = None
    published: datetime | None = None
    photo_taken: datetime | None = None  # the old photo: taken for one target, sent again for another


def demo_inspections(*, township_id: int, today: date, seed: int = 7) -> int:
    """Plan four months of inspections in the demo township and play them out; return count."""
    rng = random.Random(seed)
    templates_install_builtin()
    admin, inspector = _user("admin"), _user("inspector")
    restaurant, home = _user("unit").unit_id, _user("village").village_id
    _plans(Scope.of(admin), admin, inspector, today, restaurant)
    inspections = db.session.scalars(sa.select(Inspection).where(
        Inspection.township_id == township_id).order_by(Inspection.planned_date, Inspection.id)).all()
    fates = _fates(inspections, rng, today, home)
    quality = {v: rng.uniform(0.86, 0.99) for v in sorted({i.village_id for i in inspections})}
    quality[home] = 0.87  # the demo village has things to put right, whatever the dice say
    # played out in the order of submission, so orders are numbered in the order they were issued
    for fate in sorted((f for f in fates if f.started or f.submitted),
                       key=lambda f: f.submitted or f.started):
        # the complaint was right: the restaurant fails about half of the sheet
        _play_out(fate, rng, 0.5 if _complaint(fate.inspection) else quality[fate.inspection.village_id],
                  admin, inspector)
    _work_the_orders(rng, today, township_id, home, admin, inspector)
    return len(inspections)


def _plans(scope, admin, inspector, today: date, restaurant: int) -> None:
    """The office's plans: monthly, quarterly and weekly rounds, a campaign starting tomorrow
    (made ahead, so it is on this week's agendas), and a complaint about the demo restaurant."""
    start = months_back(today, HISTORY_MONTHS)
    complaint = working_days_back(today, 5)
    for name, code, extra in [
        ("村庄环境卫生月度检查", "village_environment", {"target_mode": "all", "recurrence": "monthly"}),
        ("餐饮单位食品卫生不定期抽查", "food_hygiene",
         {"target_mode": "sample", "unit_category": "catering", "sample_size": 8, "recurrence": "monthly"}),
        ("村卫生室季度检查", "village_clinic", {"target_mode": "all", "recurrence": "quarterly"}),
        ("保洁员月度考核", "cleaner_assessment", {"target_mode": "all", "recurrence": "monthly"}),
        ("公厕每周巡查", "unit_hygiene", {"target_mode": "category", "unit_category": "public_toilet",
                                    "recurrence": "weekly", "days_allowed": 5,
                                    "start_date": today - timedelta(days=today.weekday() + 21)}),
        ("群众投诉核查(餐饮)", "food_hygiene", {"target_mode": "list", "target_ids": [restaurant],
                                         "recurrence": "once", "start_date": complaint, "days_allowed": 3}),
        (CAMPAIGNS[today.month], "hygienic_village",
         {"target_mode": "all", "recurrence": "once", "start_date": today + timedelta(days=1)}),
    ]:
        plan = planning.plan_create(scope=scope, actor_id=admin.id, today=today, data=PlanInput.model_validate({
            "name": name, "template_id": _template_id(code), "start_date": start, "days_allowed": 10,
            "inspector_ids": [inspector.id, admin.id], "backfill": True, **extra}))
        db.session.flush()
        # the campaign's inspections are made ahead (`flask plans generate --date`), for the agendas
        planning.plan_generate(plan=plan, today=max(today, plan.start_date))


def _complaint(inspection: Inspection) -> bool:
    """The complaint check of the demo restaurant: the one plan with a list of targets."""
    return inspection.plan is not None and inspection.plan.target_mode == "list"


def _fates(inspections, rng, today: date, home: int) -> list[Fate]:
    """Decide how far each inspection got, then who waits for review and whose photo is reused.
    The restaurant's complaint check was done a week ago and published the next working day."""
    fates = [_fate(i, rng, today) for i in inspections]
    complaint = next(f for f in fates if _complaint(f.inspection))
    complaint.started = None
    complaint.submitted = _moment(rng, _working_days(complaint.inspection.planned_date, today)[0])
    complaint.published = _moment(rng, _working_days_after(complaint.submitted.date(), 1))
    _force_home_states([f for f in fates if f.inspection.village_id == home and f is not complaint], rng, today)
    done = sorted((f for f in fates if f.submitted and f is not complaint), key=lambda f: f.submitted)
    waiting = done[-WAITING_FOR_REVIEW:] + [f for f in done if f.inspection.village_id == home][-1:]
    for fate in done:
        reviewed = _moment(rng, _working_days_after(fate.submitted.date(), rng.randint(1, 3)))
        fate.published = reviewed if fate not in waiting and reviewed.date() < today else None
    reused = _distinct_targets(reversed([f for f in done if f.published is None]), 2)
    original = _distinct_targets(done, 1, avoid=reused)
    for fate in original + reused:
        fate.photo_taken = original[0].submitted if original else datetime(2025, 6, 1, 10, tzinfo=local_zone())
    return fates


def _fate(inspection: Inspection, rng, today: date) -> Fate:
    fate = Fate(inspection)
    window = _working_days(inspection.planned_date, inspection.due_date)
    days = [d for d in window if d < today]
    if not days:
        return fate  # not begun: planned for today or later, or only holidays so far
    if inspection.due_date < today:  # the window has closed: done, or (rarely, lately) left undone
        if inspection.due_date >= today - timedelta(days=20) and rng.random() < 0.08:
            fate.started = _moment(rng, rng.choice(days)) if rng.random() < 0.5 else None
        else:
            fate.submitted = _moment(rng, rng.choice(days))
        return fate
    chance = rng.random() * len(window) / len(days)  # the further into the window, the likelier done
    if chance < 0.6:
        fate.submitted = _moment(rng, rng.choice(days))
    elif chance < 0.9:
        fate.started = _moment(rng, rng.choice(days))
    return fate


def _force_home_states(fates: list[Fate], rng, today: date) -> None:
    """The demo village has an inspection in progress and an overdue one, when its dates allow."""
    current = [f for f in fates if f.inspection.planned_date < today <= f.inspection.due_date]
    if current and not any(f.started for f in current):
        days = _working_days(current[-1].inspection.planned_date, today - timedelta(days=1))
        current[-1].submitted = None
        current[-1].started = _moment(rng, days[-1] if days else current[-1].inspection.planned_date)
    closed = [f for f in fates if today - timedelta(days=35) <= f.inspection.due_date < today]
    if closed and all(f.submitted for f in closed):
        closed[0].submitted = None  # left undone: overdue


def _distinct_targets(fates, count: int, avoid=()) -> list[Fate]:
    chosen, seen = [], {(f.inspection.target_kind, f.inspection.target_id) for f in avoid}
    for fate in fates:
        key = (fate.inspection.target_kind, fate.inspection.target_id)
        if key not in seen and len(chosen) < count:
            chosen.append(fate)
            seen.add(key)
    return chosen


def _play_out(fate: Fate, rng, quality, admin, inspector) -> None:
    """Fill, submit and publish an inspection as its fate says."""
    inspection, when = fate.inspection, fate.submitted or fate.started
    _fill(inspection, rng, quality, when, inspector)
    if fate.photo_taken:
        _old_photo(inspection, inspector, when, fate.photo_taken)
    if fate.submitted is None:
        return  # in progress, or left overdue
    fieldwork.inspection_submit(scope=Scope.of(inspector), user=inspector, inspection=inspection,
                                submission_key=f"demo-{inspection.id}", now=when)
    if fate.published:
        review.inspection_publish(scope=Scope.of(admin), actor_id=admin.id, inspection=inspection,
                                  now=fate.published, flag_reason="现场复核属实")  # if flagged
    db.session.flush()


def _old_photo(inspection, inspector, when: datetime, taken: datetime) -> None:
    """The classic fake: a photo taken for one target months ago, sent again for another one;
    the reviewer sees it flagged as taken long before and already used elsewhere."""
    fieldwork.photo_attach(scope=Scope.of(inspector), user=inspector, inspection=inspection,
                           item_id=None, filename="现场照片.jpg", data=_scene(random.Random(1), taken),
                           limits=PhotoLimits(), store=configured_store(current_app.config),
                           now=when)


def _work_the_orders(rng, today: date, township_id: int, home: int, admin, inspector) -> None:
    """Most orders are put right and pass re-inspection; some fail it, some run late. In the demo
    village the latest late order stays open and the one before waits for re-inspection; the
    restaurant's complaint order is still open."""
    orders = db.session.scalars(sa.select(RectificationOrder).where(
        RectificationOrder.township_id == township_id).order_by(RectificationOrder.issued_at)).all()
    home_orders = [o for o in orders if o.village_id == home and not _complaint(o.inspection)]
    late = [o for o in home_orders if o.deadline < today][-1:]
    waiting = [o for o in home_orders if o not in late and o.issued_on < today][-1:]
    for order in orders:
        if _complaint(order.inspection) or order in late or (order not in waiting and rng.random() < 0.1):
            continue  # left open: overdue once its deadline has passed
        # villages without an account report by phone; the office records it for them
        contact = (rectifications.responsible_users(order) or [admin])[0]
        days = _working_days(order.issued_on + timedelta(days=1), today - timedelta(days=1))
        if order in waiting:
            fixed = _moment(rng, days[-1]) if days else order.issued_at + timedelta(hours=2)
        else:
            fixed = _moment(rng, _working_days_after(order.issued_on, rng.randint(1, 5)))
        if fixed.date() >= today:
            continue
        rectifications.order_submit_evidence(
            scope=Scope.of(contact), user=contact, order=order, note=rng.choice(FIXES), photos=[],
            store=None, limits=PhotoLimits(), now=fixed)
        checked = _moment(rng, _working_days_after(fixed.date(), rng.randint(1, 3)))
        if order not in waiting and checked.date() < today and rng.random() < 0.85:
            rectifications.order_reinspect(scope=Scope.of(inspector), user=inspector, order=order,
                                           passed=(passed := rng.random() < 0.9), photos=[], store=None,
                                           note="现场复查，已整改到位" if passed else "现场复查，整改不到位",
                                           limits=PhotoLimits(), now=checked)


def _fill(inspection, rng, quality, when, inspector) -> None:
    inspection.status, inspection.started_at = InspectionStatus.IN_PROGRESS, when
    answers = []
    for item in inspection.version.items:
        failed = rng.random() > quality and not (item.veto and rng.random() < 0.97)
        answer = Answer(inspection_id=inspection.id, item_id=item.id, updated_at=when,
                        result=scoring.FAIL if failed else scoring.PASS,
                        findings=rng.randint(1, 3) if failed and item.scoring == "deduction" else 0,
                        grade=scoring.grade_scale(item.points).nearest(item.points * _fraction(rng, failed))
                        if item.scoring == "grade" else None,
                        note=rng.choice(FAULT_NOTES) if failed else "")
        answer.earned = scoring.item_earned(fieldwork.rule_of(item), fieldwork.answer_of(answer))
        answers.append(answer)
        if failed and item.photo_on_fail:
            _photo(inspection, item, rng, when, inspector)
    # a few statements (one per set of columns): the demo writes thousands of answers
    db.session.bulk_save_objects(sorted(answers, key=lambda a: a.grade is None))
    db.session.expire(inspection, ["answers"])


def _fraction(rng, failed: bool):
    from decimal import Decimal

    return Decimal(str(round(rng.uniform(0.4, 0.8), 1))) if failed else Decimal(1)


def _photo(inspection, item, rng, when, inspector) -> None:
    store = configured_store(current_app.config)
    fieldwork.photo_attach(scope=Scope.of(inspector), user=inspector, inspection=inspection,
                           item_id=item.id, filename="现场照片.jpg", data=_scene(rng, when),
                           store=store, limits=PhotoLimits(), now=when)


def _scene(rng, when: datetime) -> bytes:
    """A small camera-like JPEG of an invented scene, with its capture time in EXIF (small, so
    that loading the demo's few hundred photos stays quick)."""
    image = Image.new("RGB", (400, 300), (rng.randint(90, 160), rng.randint(110, 170), rng.randint(90, 140)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 375), rng.randint(75, 288)
        color = (rng.randint(40, 220), rng.randint(40, 220), rng.randint(40, 220))
        draw.rectangle([x, y, x + rng.randint(12, 100), y + rng.randint(6, 50)], fill=color)
    draw.rectangle([0, 0, 400, 75], fill=(170, 200, 230))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _template_id(code: str) -> int:
    return db.session.scalar(sa.select(ChecklistTemplate.id).where(ChecklistTemplate.code == code))


def months_back(today: date, months: int) -> date:
    return add_months(today, -months)


def _working_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)
            if is_working_day(first + timedelta(days=n))]


def _working_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_back(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def _moment(rng, day: date) -> datetime:
    """A time in office hours on `day`, Beijing time."""
    return datetime.combine(day, time(rng.choice(OFFICE_HOURS), rng.randint(0, 59), rng.randint(0, 59)),
                            local_zone())
