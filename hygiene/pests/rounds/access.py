"""How rounds are scoped: the office reads its township's rounds; a village contact the announced
or closed rounds that target its village (or a unit in it), a unit contact those that target its
unit. Targets, work and refusals follow the work-record rule (township, village, unit)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.media.access import shown_by
from hygiene.media.models import Photo
from hygiene.pests.rounds.models import PestRound, RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.status import SEEN_BY_TARGETS

scope_rule(RoundWork, RoundRefusal)(work_record_clause)


@scope_rule(RoundTarget)
def target_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The office: every target of its rounds; a contact: its own targets of rounds it may see."""
    if scope.township_wide:
        return RoundTarget.township_id == scope.township_id
    seen = sa.select(PestRound.id).where(PestRound.status.in_(sorted(SEEN_BY_TARGETS)))
    return sa.and_(work_record_clause(scope, RoundTarget), RoundTarget.round_id.in_(seen))


@scope_rule(PestRound)
def round_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    if scope.township_wide:
        return PestRound.township_id == scope.township_id
    targeted = sa.select(RoundTarget.round_id).where(work_record_clause(scope, RoundTarget))
    return sa.and_(PestRound.id.in_(targeted), PestRound.status.in_(sorted(SEEN_BY_TARGETS)))


@shown_by
def photos_of_round_work(scope: Scope) -> sa.ColumnElement[bool]:
    """A work record's photos are seen by whoever reads the record (the office, its village's
    or its unit's contact)."""
    works = sa.select(RoundWork.id).where(scope.clause(RoundWork))
    return Photo.round_work_id.in_(works)
