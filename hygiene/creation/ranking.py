"""What creation gives the period rankings (hygiene/rankings/components.py registers it):
how far each village (or unit) has come with its title, by the period's last day.

A title that stands at the period's end (named by then, not revoked by then) is 100; otherwise the
furthest step its application of the period's year had reached by then, in the points of
kinds.yaml `progress` (applied 20 ... submitted 80). Dates decide, not today's status, so a
published period never changes. A village's value is its own application's (a hygienic village),
a unit's its own. A candidate with no application and no title is left out (its total is weighed
over the other components), as a village without a toilet task is. Default weight 0."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa

from hygiene.core.periods import Period
from hygiene.creation.kinds import PROGRESS_POINTS
from hygiene.creation.models import CreationApplication
from hygiene.creation.status import CreationStatus
from hygiene.extensions import db

CENT = Decimal("0.01")


class Subject(Protocol):
    @property
    def township_id(self) -> int: ...
    @property
    def kind(self) -> str: ...


def points_by(end: date) -> sa.ColumnElement:
    """The points an application had earned by `end` (SQL CASE over its step dates)."""
    a = CreationApplication
    standing = sa.and_(a.named_on <= end, sa.or_(a.status != CreationStatus.REVOKED, a.closed_on.is_(None), a.closed_on > end))
    return sa.case(
        (standing, PROGRESS_POINTS["named"]),
        (sa.and_(a.status == CreationStatus.REJECTED, a.closed_on <= end), 0),
        (a.submitted_on <= end, PROGRESS_POINTS["submitted"]),
        (a.reviewed_on <= end, PROGRESS_POINTS["reviewed"]),
        (a.self_assessed_on <= end, PROGRESS_POINTS["self_assessed"]),
        else_=PROGRESS_POINTS["applied"])


def creation_progress_component(subject: Subject, period: Period) -> dict[int, dict[str, Any]]:
    """Per village (own applications) or unit: the best points by the period's end, of the
    applications of its year or the titles named by then."""
    a = CreationApplication
    key = a.unit_id if subject.kind == "units" else a.village_id
    own = a.unit_id.is_not(None) if subject.kind == "units" else a.unit_id.is_(None)
    stmt = (sa.select(key, sa.func.max(points_by(period.end)), sa.func.count())
            .where(a.township_id == subject.township_id, own, a.applied_on <= period.end,
                   sa.or_(a.year == period.end.year, a.named_on <= period.end))
            .group_by(key))
    return {k: {"value": Decimal(int(best)).quantize(CENT), "applications": int(n), "points": int(best)}
            for k, best, n in db.session.execute(stmt) if k is not None}


def facts_text(key: str, facts: dict[str, Any]) -> str | None:
    """The explain page's words for the component's facts (also from a snapshot, as text)."""
    from flask_babel import gettext as _

    if key != "creation_progress":
        return None
    return _("Furthest creation step by the end of the period: %(points)s of 100 points "
             "(a title named 100, submitted 80, township reviewed 60, self-assessed 40, applied 20), "
             "over %(n)s applications", points=facts.get("points", 0), n=facts.get("applications", 0))
