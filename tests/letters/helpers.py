"""Builders for the letter tests: a year's records for the measures, made straight with the models."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork
from hygiene.pests.rounds.status import RoundStatus
from hygiene.pests.rounds.totals import refresh
from hygiene.toilets.status import ToiletStage
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published
from tests.toilets.task_helpers import add_task, add_toilets


def a_round(township_id: int, village_id: int, *, ends: date, households: int, covered: int) -> None:
    """A pest-control round ending on `ends` with one target of the village."""
    pest_round = PestRound(township_id=township_id, name=f"灭鼠{ends}", pests=["rodent"], season="autumn",
                           starts_on=date(ends.year, ends.month, 1), ends_on=ends, status=RoundStatus.CLOSED,
                           coverage_goal=Decimal(95))
    db.session.add(pest_round)
    db.session.flush()
    target = RoundTarget(round_id=pest_round.id, township_id=township_id, village_id=village_id, unit_id=None,
                         place_key=RoundTarget.key_of(village_id, None), households_target=households)
    db.session.add(target)
    db.session.flush()
    db.session.add(RoundWork(round_id=pest_round.id, target_id=target.id, township_id=township_id,
                             village_id=village_id, unit_id=None, done_on=ends, households_covered=covered))
    refresh(target)   # as the rounds' services keep the target's totals


def year_of_work(world, year: int = 2026) -> None:
    """甲一村: 4 inspections, 3 passed (75%); 5 of 5 toilets accepted (100%); rounds covered 80% and
    100% (90%). 甲二村: 1 inspection passed (100%); 1 of 4 toilets (25%); nothing on pests."""
    version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
    for day, passed in ((3, True), (4, True), (5, True), (6, False)):
        add_published(version_id=version.id, township_id=world.ta, village_id=world.a1,
                      day=date(year, day, 10), score=90 if passed else 50, passed=passed)
    add_published(version_id=version.id, township_id=world.ta, village_id=world.a2, day=date(year, 5, 1),
                  score=95, passed=True)
    add_published(version_id=version.id, township_id=world.ta, village_id=world.a1, day=date(year - 1, 5, 1),
                  score=10, passed=False)   # another year: not counted
    a_round(world.ta, world.a1, ends=date(year, 4, 30), households=100, covered=80)
    a_round(world.ta, world.a1, ends=date(year, 9, 30), households=100, covered=100)
    db.session.commit()
    add_toilets(add_task(world.a1, year=year, quota=5), ToiletStage.ACCEPTED, 5, accepted_on=date(year, 9, 1))
    add_toilets(add_task(world.a2, year=year, quota=4), ToiletStage.ACCEPTED, 1, accepted_on=date(year, 9, 1))
