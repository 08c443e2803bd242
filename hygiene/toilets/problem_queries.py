"""Reads of follow-up problems, always within the reader's scope."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.core.input import optional_int
from hygiene.core.web import FilterReader
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.places.models import Household, Village
from hygiene.toilets.kinds import PROBLEM_KINDS
from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletProblem
from hygiene.toilets.status import ProblemStatus


@dataclass(frozen=True)
class ProblemFilters:
    kind: str | None = None
    status: str | None = None
    village_id: int | None = None


def read_filters(args) -> tuple[ProblemFilters, list[str]]:
    """The list's filters from a query string, and the names of those that could not be read."""
    reader = FilterReader(args)
    pick = reader.pick
    return ProblemFilters(kind=pick("kind", lambda raw: raw if raw in PROBLEM_KINDS else None),
                          status=pick("status", lambda raw: raw if ProblemStatus.known(raw) else None),
                          village_id=pick("village_id", optional_int)), reader.unread


def problem_list_stmt(*, scope: Scope, filters: ProblemFilters) -> sa.Select:
    """Problems, open ones first, newest first; each row: the problem, its village, what it is on."""
    p = ToiletProblem
    open_first = sa.case((p.status == ProblemStatus.FIXED, 1), else_=0)
    stmt = sa.select(p).where(scope.clause(p)).order_by(open_first, p.reported_on.desc(), p.id.desc())
    if filters.kind:
        stmt = stmt.where(p.kind == filters.kind)
    if filters.status:
        stmt = stmt.where(p.status == filters.status)
    if filters.village_id is not None:
        stmt = stmt.where(p.village_id == filters.village_id)
    return stmt


def names_of(problems: list[ToiletProblem]) -> dict[int, tuple[str, str]]:
    """Each listed problem's village and toilet (the household, or the public toilet), in one query."""
    if not problems:
        return {}
    p = ToiletProblem
    rows = db.session.execute(
        sa.select(p.id, Village.name, Household, PublicToiletProject.name)
        .join(Village, Village.id == p.village_id)
        .outerjoin(HouseholdToilet, HouseholdToilet.id == p.toilet_id)
        .outerjoin(Household, Household.id == HouseholdToilet.household_id)
        .outerjoin(PublicToiletProject, PublicToiletProject.id == p.public_toilet_id)
        .where(p.id.in_([problem.id for problem in problems])))
    return {pid: (village, str(household) if household is not None else public or "")
            for pid, village, household, public in rows}


def problem_get(*, scope: Scope, problem_id: int) -> ToiletProblem:
    problem = db.session.scalar(sa.select(ToiletProblem).where(ToiletProblem.id == problem_id,
                                                              scope.clause(ToiletProblem)))
    if problem is None:
        raise NotFound("problem not found")
    return problem


def problems_of(record: HouseholdToilet | PublicToiletProject) -> list[ToiletProblem]:
    owner = ToiletProblem.toilet_id if isinstance(record, HouseholdToilet) else ToiletProblem.public_toilet_id
    return list(db.session.scalars(sa.select(ToiletProblem).where(owner == record.id)
                                   .order_by(ToiletProblem.reported_on.desc(), ToiletProblem.id.desc())))


def photos_of(problem: ToiletProblem) -> list[Photo]:
    return list(db.session.scalars(sa.select(Photo).where(Photo.toilet_problem_id == problem.id).order_by(Photo.id)))


def photos_by_fix(problem: ToiletProblem) -> tuple[list[Photo], list[list[Photo]]]:
    """The problem's photos as found and of the current fix, and each past fix's own (one query)."""
    photos = photos_of(problem)
    past = [set(fix.get("photo_ids", [])) for fix in problem.past_fixes]
    kept = set().union(*past)
    return [p for p in photos if p.id not in kept], [[p for p in photos if p.id in ids] for ids in past]


def open_count(scope: Scope) -> int:
    """Problems not yet fixed, in the reader's scope (the board's link says it)."""
    return db.session.scalar(sa.select(sa.func.count(ToiletProblem.id)).where(
        scope.clause(ToiletProblem), ToiletProblem.status != ProblemStatus.FIXED)) or 0
