"""Reads of the register, always through the reader's scope."""
from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app

from hygiene.access.scope import Scope
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.places.kinds import Kind
from hygiene.places.models import Township, Unit, Village


def record_get(*, kind: Kind, scope: Scope, record_id: int) -> Any:
    """Load one record the scope may read, or raise NotFound (also for other villages' ids)."""
    stmt = sa.select(kind.model).where(kind.model.id == record_id, scope.clause(kind.model))
    record = db.session.scalar(stmt)
    if record is None:
        raise NotFound("record not found")
    return record


def record_list_stmt(
    *,
    kind: Kind,
    scope: Scope,
    q: str = "",
    status: str = "active",
    township_id: int | None = None,
    village_id: int | None = None,
    category: str | None = None,
) -> sa.Select:
    """Build the filtered, ordered select behind a register list page."""
    model = kind.model
    stmt = sa.select(model).where(scope.clause(model)).options(*kind.load)
    if status in ("active", "inactive"):
        stmt = stmt.where(model.active.is_(status == "active"))
    if q:
        pattern = f"%{q.strip()}%"
        stmt = stmt.where(sa.or_(*(getattr(model, a).ilike(pattern) for a in kind.search)))
    if village_id and kind.parent == "village":
        stmt = stmt.where(model.village_id == village_id)
    if township_id and kind.parent == "village":
        stmt = stmt.where(model.village_id.in_(
            sa.select(Village.id).where(Village.township_id == township_id)))
    if township_id and kind.parent == "township":
        stmt = stmt.where(model.township_id == township_id)
    if category and model is Unit:
        stmt = stmt.where(Unit.category == category)
    order = [model.village_id] if kind.parent == "village" else []
    return stmt.order_by(*order, *(getattr(model, a) for a in kind.unique), model.id)


def visible_townships(scope: Scope, *, active_only: bool = True) -> list[Township]:
    """Townships the scope may read, by name."""
    stmt = sa.select(Township).where(scope.clause(Township)).order_by(Township.name)
    if active_only:
        stmt = stmt.where(Township.active.is_(True))
    return list(db.session.scalars(stmt))


def visible_villages(scope: Scope, *, active_only: bool = True) -> list[Village]:
    """Villages the scope may read, by township and name."""
    stmt = (sa.select(Village).where(scope.clause(Village))
            .order_by(Village.township_id, Village.name))
    if active_only:
        stmt = stmt.where(Village.active.is_(True))
    return list(db.session.scalars(stmt))


class VillageChoice(NamedTuple):
    id: int
    name: str


KEPT_CHOICE_LISTS = 256


def village_choices(scope: Scope) -> tuple[VillageChoice, ...]:
    """The active villages a scope may read as (id, name), by township and name: a list page's
    village filter. A county's 500 villages were a sixth of its list pages' time (bench/dashboard.py),
    so each scope's list is kept per process and read again only when the scope's villages have
    changed: their number or their latest change (any write to a village sets its updated_at)."""
    marker = tuple(db.session.execute(sa.select(sa.func.count(), sa.func.max(Village.updated_at))
                                      .where(scope.clause(Village))).one())
    kept: dict[tuple, tuple[VillageChoice, ...]] = current_app.extensions.setdefault("village_choices", {})
    key = (scope, *marker)
    choices = kept.get(key)
    if choices is None:
        choices = tuple(VillageChoice(*row) for row in db.session.execute(
            sa.select(Village.id, Village.name).where(scope.clause(Village), Village.active.is_(True))
            .order_by(Village.township_id, Village.name)))
        if len(kept) >= KEPT_CHOICE_LISTS:
            kept.clear()
        kept[key] = choices
    return choices


def visible_units(scope: Scope, *, active_only: bool = True) -> list[Unit]:
    """Units the scope may read, by village and name (for binding a unit contact)."""
    stmt = sa.select(Unit).where(scope.clause(Unit)).order_by(Unit.village_id, Unit.name)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(db.session.scalars(stmt))


def register_count_columns(scope: Scope) -> list[sa.Label[int]]:
    """The count of active records of each kind in the scope, as columns labelled by kind: a page
    that counts other things too selects them in the same statement (core/dashboard.py)."""
    from hygiene.places.kinds import KINDS

    return [sa.select(sa.func.count()).select_from(kind.model)
            .where(scope.clause(kind.model), kind.model.active.is_(True)).scalar_subquery().label(slug)
            for slug, kind in KINDS.items()]


def register_counts(scope: Scope) -> dict[str, int]:
    """Count active records of each kind in the scope: a count per kind, in one statement."""
    row = db.session.execute(sa.select(*register_count_columns(scope))).one()
    return {slug: n or 0 for slug, n in row._mapping.items()}
