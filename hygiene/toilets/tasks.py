"""The year's toilet tasks: the office sets each village's quota, deadline and subsidy standard,
for one village or the same for several. Services flush, never commit.

A task is one per village and year, so saving it again replaces what it says: a form sent twice,
or by two people at once, leaves one task, and a save that changes nothing leaves no trace."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.errors import Forbidden, InvalidFields, NotFound
from hygiene.extensions import db
from hygiene.places.models import Village
from hygiene.toilets.models import ToiletTask
from hygiene.toilets.task_schemas import BulkTaskInput, TaskFields, TaskInput


def task_get(*, scope: Scope, village_id: int, year: int) -> ToiletTask | None:
    """The village's task of the year, or None; a village outside the scope is NotFound."""
    village_of(scope=scope, village_id=village_id)
    return db.session.scalar(sa.select(ToiletTask).where(
        ToiletTask.village_id == village_id, ToiletTask.year == year, scope.clause(ToiletTask)))


def village_of(*, scope: Scope, village_id: int) -> Village:
    """A village the scope reads, or NotFound (another township's village is not there)."""
    village = db.session.scalar(sa.select(Village).where(Village.id == village_id, scope.clause(Village)))
    if village is None:
        raise NotFound("village not found")
    return village


def task_save(*, scope: Scope, actor_id: int | None, data: TaskInput, now: datetime) -> ToiletTask:
    """Set one village's task of the year (made or replaced); only the office's admins set tasks."""
    _check_admin(scope)
    village = db.session.scalar(sa.select(Village).where(Village.id == data.village_id, scope.clause(Village)))
    if village is None:
        raise InvalidFields({"village_id": _("Choose a village from the list.")})
    return _save(village, data, actor_id, now)


def tasks_save_bulk(*, scope: Scope, actor_id: int | None, data: BulkTaskInput, now: datetime) -> list[ToiletTask]:
    """Give every chosen village the same task of the year, all or none."""
    _check_admin(scope)
    villages = list(db.session.scalars(sa.select(Village).where(
        Village.id.in_(data.village_ids), scope.clause(Village)).order_by(Village.name)))
    if len(villages) != len(data.village_ids):
        raise InvalidFields({"village_ids": _("Choose villages from the list.")})
    return [_save(village, data, actor_id, now) for village in villages]


def _save(village: Village, data: TaskFields, actor_id: int | None, now: datetime) -> ToiletTask:
    values = {"household_quota": data.household_quota, "public_quota": data.public_quota,
              "deadline": data.deadline, "subsidy_rates": dict(sorted(data.rates.items())), "note": data.note}
    task = _task_of(village.id, data.year)
    if task is None:
        made = ToiletTask(township_id=village.township_id, village_id=village.id, year=data.year,
                          created_by_id=actor_id, created_at=now, updated_at=now, **values)
        try:
            with db.session.begin_nested():
                db.session.add(made)
                db.session.flush()
        except IntegrityError:  # the same task saved at the same moment: replace what the other made
            task = _task_of(village.id, data.year)
            if task is None:
                raise
        else:
            audit_record(actor_id=actor_id, action="create", record=made, township_id=village.township_id, at=now,
                         after={"village": village.name, "year": made.year, "household_quota": made.household_quota,
                                "public_quota": made.public_quota, "deadline": made.deadline.isoformat(),
                                "subsidy_rates": made.subsidy_rates, "note": made.note})
            return made
    before = {"household_quota": task.household_quota, "public_quota": task.public_quota,
              "deadline": task.deadline.isoformat(), "subsidy_rates": dict(task.subsidy_rates or {}),
              "note": task.note or ""}
    for name, value in values.items():
        setattr(task, name, value)
    after = {"household_quota": task.household_quota, "public_quota": task.public_quota,
             "deadline": task.deadline.isoformat(), "subsidy_rates": dict(task.subsidy_rates or {}),
             "note": task.note or ""}
    if after != before:  # the same form again changes nothing and leaves no trace
        task.updated_at = now
        db.session.flush()
        audit_record(actor_id=actor_id, action="update", record=task, township_id=task.township_id, at=now,
                     before={name: value for name, value in before.items() if after[name] != value},
                     after={name: value for name, value in after.items() if before[name] != value})
    return task


def _task_of(village_id: int, year: int) -> ToiletTask | None:
    return db.session.scalar(sa.select(ToiletTask).where(ToiletTask.village_id == village_id,
                                                         ToiletTask.year == year).with_for_update())


def _check_admin(scope: Scope) -> None:
    if not scope.is_admin:
        raise Forbidden(_("Only the hygiene office sets the toilet renovation tasks."))


def tasks_of_year(*, scope: Scope, year: int) -> dict[int, ToiletTask]:
    """The scope's tasks of the year by village id."""
    return {task.village_id: task for task in db.session.scalars(
        sa.select(ToiletTask).where(ToiletTask.year == year, scope.clause(ToiletTask)))}


def village_choices(villages: Sequence[Village]) -> list[tuple[str, str]]:
    return [(str(v.id), v.name) for v in villages]
