"""The demo's hygiene creation (卫生创建): this year's targets, two applications of this year at
different stages (东山村 for a city-level hygienic village, self-assessed by its contact on the
phone (an inspection with the review's checklist) with its township review
on the inspector's agenda; another village reviewed, published and submitted to the county), titles
named in earlier years with their rewards paid, and one title coming up for re-review (复审).
All through the services with the day's time, so the trail is real."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.services import templates_install_builtin
from hygiene.clock import local_zone
from hygiene.creation import review, selfassess, services
from hygiene.creation.kinds import pairs
from hygiene.creation.models import CreationApplication
from hygiene.creation.reminders import scan_creation_reviews
from hygiene.creation.schemas import (
    ApplyInput,
    ReviewRequestInput,
    RewardInput,
    SelfAssessInput,
    StepInput,
    TargetRow,
    TargetsInput,
)
from hygiene.creation.status import CreationStatus
from hygiene.extensions import db
from hygiene.inspections import fieldwork
from hygiene.inspections import review as inspection_review
from hygiene.inspections.scoring import FAIL, PASS
from hygiene.places.models import Unit, Village
from hygiene.rectifications.workdays import is_working_day

TARGETS = {("hygienic_village", "county"): 5, ("hygienic_village", "city"): 1, ("hygienic_unit", "county"): 8,
           ("hygienic_unit", "city"): 2, ("smoke_free_unit", "county"): 3}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 17), local_zone())


def _working(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def demo_creation(*, township_id: int, today: date) -> int:
    """This year's creation for the township; the number of applications made."""
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN, User.township_id == township_id)
                              .order_by(User.id).limit(1))
    inspector = db.session.scalar(sa.select(User).where(User.role == Role.INSPECTOR, User.township_id == township_id)
                                  .order_by(User.id).limit(1))
    villages = list(db.session.scalars(sa.select(Village).where(Village.township_id == township_id).order_by(Village.id)))
    if admin is None or inspector is None or len(villages) < 4:
        return 0
    templates_install_builtin()
    scope = Scope.of(admin)
    start = _working(date(today.year, 1, 20))
    services.targets_save(scope=scope, actor_id=admin.id, township_id=township_id, now=_at(start), data=TargetsInput(
        year=today.year, rows=[TargetRow(kind=k.key, level=lv.key, target=TARGETS.get((k.key, lv.key), 0),
                                         reward=lv.reward) for k, lv in pairs()]))
    office = next(iter(db.session.scalars(sa.select(Unit).where(Unit.village_id == villages[1].id,
                                                                Unit.category == "office").order_by(Unit.id))), None)
    made = 0
    # earlier years: a village named three years ago, due for re-review soon; one named last year; a unit
    made += _named(scope, admin, f"v{villages[1].id}", "hygienic_village", "county",
                   named_on=_working(today.replace(year=today.year - 3) + timedelta(days=40)), paid=True)
    made += _named(scope, admin, f"v{villages[2].id}", "hygienic_village", "county",
                   named_on=_working(today.replace(year=today.year - 1) - timedelta(days=60)), paid=True)
    if office is not None:
        made += _named(scope, admin, f"u{office.id}", "hygienic_unit", "county",
                       named_on=_working(today.replace(year=today.year - 2) - timedelta(days=30)), paid=False)
    # this year: 东山村 self-assessed, its review on the inspector's agenda; another village submitted
    first = _working(today - timedelta(days=40))
    dongshan = _applied(scope, admin, f"v{villages[0].id}", "hygienic_village", "city", first, today.year)
    _self_assessed_on_phone(scope, admin, dongshan, _working(first + timedelta(days=7)))
    asked = _working(today - timedelta(days=2))
    review.review_request(scope=scope, actor_id=admin.id, application=dongshan, now=_at(asked), data=ReviewRequestInput(
        inspector_ids=[inspector.id], planned_on=today, due_on=today + timedelta(days=10)))
    second = _applied(scope, admin, f"v{villages[3].id}", "hygienic_village", "county", first, today.year)
    _reviewed(scope, admin, inspector, second, first)
    services.submit(scope=scope, actor_id=admin.id, application=second, now=_at(_working(today - timedelta(days=5))),
                    data=StepInput(happened_on=_working(today - timedelta(days=5)), note="报县爱卫办"))
    db.session.flush()
    scan_creation_reviews(now=_at(_working(today - timedelta(days=1)), 9))  # the last working morning
    return made + 2


def _applied(scope: Scope, admin: User, applicant: str, kind: str, level: str, day: date, year: int
             ) -> CreationApplication:
    return services.application_create(scope=scope, actor_id=admin.id, now=_at(day), data=ApplyInput(
        applicant=applicant, kind=kind, level=level, year=year, applied_on=day, note=""))


def _reviewed(scope: Scope, admin: User, inspector: User, application: CreationApplication, first: date) -> None:
    """Self-assessed, reviewed by the inspector with every item passed, published by the office."""
    day = _working(first + timedelta(days=5))
    services.self_assess(scope=scope, actor_id=admin.id, application=application, now=_at(day),
                         data=SelfAssessInput(score=Decimal(94), happened_on=day, note=""))
    review_day = _working(first + timedelta(days=14))
    inspection = review.review_request(scope=scope, actor_id=admin.id, application=application, now=_at(review_day),
                                       data=ReviewRequestInput(inspector_ids=[inspector.id], planned_on=review_day,
                                                               due_on=review_day + timedelta(days=7)))
    assert inspection is not None
    db.session.flush()
    by = Scope.of(inspector)
    for item in inspection.version.items:
        fieldwork.answer_save(scope=by, user=inspector, inspection=inspection, item_id=item.id, result=PASS,
                              now=_at(review_day, 14))
    fieldwork.inspection_submit(scope=by, user=inspector, inspection=inspection,
                                submission_key=f"creation-{application.id}", now=_at(review_day, 16))
    inspection_review.inspection_publish(scope=scope, actor_id=admin.id, inspection=inspection,
                                         now=_at(review_day, 17), flag_reason="")


def _self_assessed_on_phone(scope: Scope, admin: User, application: CreationApplication, day: date) -> None:
    """The village's contact fills the self-assessment on the phone (one item short of points);
    a village without a contact assessed itself on paper, recorded by the office."""
    contact = db.session.scalar(sa.select(User).where(User.role == Role.VILLAGE_CONTACT,
                                                      User.village_id == application.village_id,
                                                      User.active.is_(True)).order_by(User.id).limit(1))
    if contact is None:
        services.self_assess(scope=scope, actor_id=admin.id, application=application, now=_at(day),
                             data=SelfAssessInput(score=Decimal("91.5"), happened_on=day, note="对照评分表逐项自查"))
        return
    by = Scope.of(contact)
    inspection = selfassess.self_assessment_start(scope=by, user=contact, application=application, now=_at(day, 9))
    short = next((i for i in inspection.version.items if not (i.veto or i.photo_on_fail)), None)
    for item in inspection.version.items:
        fieldwork.answer_save(scope=by, user=contact, inspection=inspection, item_id=item.id,
                              result=FAIL if item is short else PASS, findings=1 if item is short else 0,
                              note="垃圾桶未加盖" if item is short else "", now=_at(day, 10))
    fieldwork.inspection_submit(scope=by, user=contact, inspection=inspection,
                                submission_key=f"self-{application.id}", now=_at(day, 11))


def _named(scope: Scope, admin: User, applicant: str, kind: str, level: str, *, named_on: date, paid: bool) -> int:
    """A title named on `named_on` (its application steps recorded in the months before)."""
    applied = _working(named_on - timedelta(days=150))
    application = _applied(scope, admin, applicant, kind, level, applied, named_on.year)
    db.session.execute(sa.update(CreationApplication).where(CreationApplication.id == application.id).values(
        status=CreationStatus.SUBMITTED, self_score=93, self_assessed_on=applied + timedelta(days=10),
        reviewed_on=applied + timedelta(days=40), submitted_on=applied + timedelta(days=60)))
    db.session.refresh(application)  # the earlier years' review inspections are not part of the demo
    accepted = _working(named_on - timedelta(days=20))
    services.name(scope=scope, actor_id=admin.id, application=application, now=_at(named_on), data=StepInput(
        happened_on=named_on, accepted_on=accepted, document=f"县爱卫发〔{named_on.year}〕{named_on.month}号"))
    if paid:
        day = _working(named_on + timedelta(days=30))
        services.reward_pay(scope=scope, actor_id=admin.id, application=application, now=_at(day),
                            data=RewardInput(paid_on=day))
    return 1
