"""One inspection asked for outside any plan (an acceptance of a finished toilet, say): the target,
the template's current version, the inspectors and the due date. The inspectors then fill it in
the usual inspection pages and the office publishes it as usual."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.audit.services import audit_record
from hygiene.checklists.models import ChecklistTemplate, TemplateVersion
from hygiene.checklists.services import latest_version
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.inspections.plans.services import target_label
from hygiene.notifications.services import NotifySpec, tell
from hygiene.places.models import Household, Unit, Village

TARGETS = {"household": Household, "unit": Unit, "village": Village}
# Checklists that accept a piece of work (a renovated toilet) rather than score a place's hygiene:
# their inspections are asked for here, published as usual, but never count in a ranking's
# inspection score. The template marks them, not the way they were asked for: an ad hoc inspection
# may well be a hygiene check, and the toilet's link to its acceptance is cleared on rework.
ACCEPTANCE_CHECKLISTS = frozenset({"household_toilet", "public_toilet"})
# Inspections that decide a step of something else with a checklist that is also a hygiene check
# (a creation application's township review uses hygienic_village or unit_hygiene, as the monthly
# checks do): their domain registers which inspection ids they are, and the ranking leaves those out.
_unranked: list[Callable[[], sa.Select]] = []


def unranked_inspections(ids: Callable[[], sa.Select]) -> Callable[[], sa.Select]:
    """Register a subquery of inspection ids that must not count in a ranking's inspection score."""
    if ids not in _unranked:
        _unranked.append(ids)
    return ids


def ranked_inspection() -> sa.ColumnElement[bool]:
    """The condition an inspection meets to count in a ranking: no acceptance, no registered step,
    no applicant's self-assessment."""
    return sa.and_(counted_inspection(), *(Inspection.id.not_in(ids()) for ids in _unranked))


def counted_inspection() -> sa.ColumnElement[bool]:
    """The condition an inspection meets to count in the inspection statistics: a hygiene check by
    the township (no acceptance of a piece of work, no applicant's self-assessment)."""
    return sa.and_(Inspection.version_id.not_in(acceptance_versions()), Inspection.self_assessment.is_(False))


def acceptance_versions() -> sa.Select:
    """The checklist versions of the acceptance checklists (a subquery for `version_id.in_`)."""
    return (sa.select(TemplateVersion.id).join(ChecklistTemplate, ChecklistTemplate.id == TemplateVersion.template_id)
            .where(ChecklistTemplate.code.in_(ACCEPTANCE_CHECKLISTS)))


def is_acceptance(inspection: Inspection) -> bool:
    """Whether the inspection accepts a piece of work (its score counts in no ranking)."""
    if inspection.self_assessment or inspection.version.template.code in ACCEPTANCE_CHECKLISTS:
        return True
    return any(db.session.scalar(sa.select(sa.literal(True)).where(Inspection.id.in_(ids()),
                                                                   Inspection.id == inspection.id))
               for ids in _unranked)


def acceptance_template(code: str) -> ChecklistTemplate | None:
    """The shared template with this code (a built-in such as household_toilet), if installed."""
    return db.session.scalar(sa.select(ChecklistTemplate).where(
        ChecklistTemplate.code == code, ChecklistTemplate.active.is_(True)))


def inspector_choices(scope: Scope) -> list[User]:
    """The township's active inspectors and admins, who may be sent to inspect."""
    return list(db.session.scalars(sa.select(User).where(
        User.township_id == scope.township_id, User.role.in_([Role.INSPECTOR, Role.ADMIN]),
        User.active.is_(True)).order_by(User.display_name, User.id)))


def inspection_request(*, scope: Scope, actor_id: int | None, target: Any,
                       template: ChecklistTemplate, inspector_ids: list[int], planned_on: date,
                       due_on: date, now: datetime, target_kind: str | None = None) -> Inspection:
    """Make one planned inspection of `target` with the template's current version, assigned to
    the chosen inspectors of the township (flushed, audited; the caller commits). A record of
    another domain (a public toilet project) names its own `target_kind`; it needs a village."""
    village: Village = target if isinstance(target, Village) else target.village
    if not (scope.is_admin and scope.covers_township(village.township_id)):
        raise Forbidden(_("Only the hygiene office asks for an inspection."))
    if due_on < planned_on:
        raise DomainError(_("The due date cannot be before the planned date."), field="due_on")
    chosen = [u for u in inspector_choices(Scope(Role.ADMIN, township_id=village.township_id))
              if u.id in set(inspector_ids)]
    if not chosen:
        raise DomainError(_("Choose at least one inspector."), field="inspector_ids")
    inspection = _inspection_new(actor_id=actor_id, target=target, template=template, inspectors=chosen,
                                 planned_on=planned_on, due_on=due_on, now=now, target_kind=target_kind)
    _tell_assigned(inspection, template, now)
    return inspection


def self_assessment_new(*, contact: User, target: Village | Unit, template: ChecklistTemplate, planned_on: date,
                        due_on: date, now: datetime) -> Inspection:
    """Make an applicant's self-assessment: an inspection of its own village or unit with the
    template's current version, filled by its contact (the caller checks who may ask for it)."""
    inspection = _inspection_new(actor_id=contact.id, target=target, template=template, inspectors=[contact],
                                 planned_on=planned_on, due_on=due_on, now=now, self_assessment=True)
    return inspection


def _inspection_new(*, actor_id: int | None, target: Any, template: ChecklistTemplate, inspectors: list[User],
                    planned_on: date, due_on: date, now: datetime, target_kind: str | None = None,
                    self_assessment: bool = False) -> Inspection:
    village: Village = target if isinstance(target, Village) else target.village
    kind = target_kind or next(k for k, model in TARGETS.items() if isinstance(target, model))
    inspection = Inspection(
        version_id=latest_version(template).id, township_id=village.township_id, village_id=village.id,
        target_kind=kind, target_id=target.id, target_label=target_label(target),
        unit_id=target.id if kind == "unit" else None, planned_date=planned_on, due_date=due_on,
        self_assessment=self_assessment)
    inspection.inspectors = inspectors
    db.session.add(inspection)
    audit_record(actor_id=actor_id, action="create", record=inspection, township_id=village.township_id,
                 after={"target": inspection.target_label, "template": template.name,
                        "due_date": due_on.isoformat(), "inspectors": [u.display_name for u in inspectors]}, at=now)
    return inspection


def _tell_assigned(inspection: Inspection, template: ChecklistTemplate, now: datetime) -> None:
    """Each chosen inspector learns of the inspection once (its id names the occasion)."""
    subject = _l("To inspect: %(target)s", target=inspection.target_label)
    body = _l("%(checklist)s, due %(day)s.", checklist=template.name, day=inspection.due_date.isoformat())
    tell(NotifySpec(recipient=user, kind="inspection_asked", subject=subject, body=body,
                    dedupe_key=str(inspection.id), send_after=now, link=f"/inspections/{inspection.id}/fill")
         for user in inspection.inspectors)


DAYS_TO_COMPLETE = 7  # an ad hoc inspection asked for without a due date is due a week after its planned day


def inspection_request_once(*, scope: Scope, actor: User, client_id: str, target_kind: str, target_id: int,
                            template_code: str | None = None, template_id: int | None = None,
                            planned_on: date, due_on: date | None,
                            inspector_ids: list[int] | None, now: datetime) -> tuple[Inspection, bool]:
    """The office's ad hoc request from another system, made once by the client's id: a resend
    finds the inspection the first made. The checklist is named by its id or by its code (a
    checklist made in the builder may have no code). Returns (inspection, made now)."""
    from hygiene.core.once import create_once
    from hygiene.errors import InvalidFields, NotFound

    if not scope.is_admin:
        raise Forbidden(_("Only the hygiene office asks for an inspection."))
    if (template_code is None) == (template_id is None):
        raise InvalidFields({"template_id": _("Name the checklist by its id or by its code: one of the two.")})
    model: Any = TARGETS.get(target_kind)
    target = db.session.scalar(sa.select(model).where(model.id == target_id, scope.clause(model))) \
        if model is not None else None
    if target is None:
        raise NotFound("target not found")
    # the village's row lock (PostgreSQL) or the write lock (SQLite) first, a no-op UPDATE: a twin
    # request waits here, then finds the first's inspection by the client id
    village_id = target.id if isinstance(target, Village) else target.village_id
    db.session.execute(sa.update(Village).where(Village.id == village_id).values(updated_at=Village.updated_at)
                       .execution_options(synchronize_session=False))
    named = ChecklistTemplate.id == template_id if template_id is not None else ChecklistTemplate.code == template_code
    template = db.session.scalar(sa.select(ChecklistTemplate).where(named, ChecklistTemplate.active.is_(True)))
    if template is None or (template.township_id is not None and not scope.covers_township(template.township_id)):
        # as a target that is not there: 404, whether it is another township's or none at all
        if template_id is not None:
            raise NotFound(_("No checklist has this id."), field="template_id")
        raise NotFound(_("No checklist has this code."), field="template_code")

    def add() -> Inspection:
        inspection = inspection_request(
            scope=scope, actor_id=actor.id, target=target, template=template,
            inspector_ids=inspector_ids if inspector_ids is not None else [actor.id], planned_on=planned_on,
            due_on=due_on or planned_on + timedelta(days=DAYS_TO_COMPLETE), now=now)
        inspection.client_id = client_id
        db.session.flush()
        return inspection

    def same(inspection: Inspection) -> bool:
        return (inspection.target_kind, inspection.target_id) == (target_kind, target.id) \
            and scope.covers_township(inspection.township_id)

    return create_once(Inspection, client_id=client_id, add=add, same=same)
