"""How toilet records are scoped: every record carries its township and village, so the office
reads its township's, a village contact their village's; a unit contact has no toilets."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.media.access import shown_by
from hygiene.media.models import Photo
from hygiene.toilets.models import (
    HouseholdToilet,
    PublicToiletProject,
    ToiletFollowUpSample,
    ToiletProblem,
    ToiletStageEvent,
    ToiletTask,
)

scope_rule(ToiletTask, HouseholdToilet, PublicToiletProject, ToiletStageEvent, ToiletProblem)(work_record_clause)


@scope_rule(ToiletFollowUpSample)
def sample_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The follow-up sample is the office's: a village sees the problems it leads to, not the draw."""
    return ToiletFollowUpSample.township_id == scope.township_id if scope.township_wide else sa.false()


@shown_by
def photos_of_toilet_stages(scope: Scope) -> sa.ColumnElement[bool]:
    """A stage's photos are seen by whoever reads the toilet or project (the office, its village)."""
    events = sa.select(ToiletStageEvent.id).where(scope.clause(ToiletStageEvent))
    return Photo.toilet_event_id.in_(events)


@shown_by
def photos_of_toilet_problems(scope: Scope) -> sa.ColumnElement[bool]:
    """A follow-up problem's photos are seen by whoever reads the problem (the office, its village)."""
    found = sa.select(ToiletProblem.id).where(scope.clause(ToiletProblem))
    return Photo.toilet_problem_id.in_(found)
