"""An October of township 甲镇 (and some of 乙镇 and of other months, which must not count),
made straight with the models; each section's test checks its numbers against these records."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork
from hygiene.pests.rounds.status import RoundStatus
from hygiene.pests.rounds.totals import refresh
from hygiene.rankings.models import RankingPublication
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.helpers import simple_spec
from tests.toilets.task_helpers import add_task, add_toilets


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def add_inspection(world, *, village="a1", township=None, status="published", submitted: datetime | None,
                   score=None, passed=None, due=date(2026, 10, 10), label=None, version_id) -> Inspection:
    row = Inspection(version_id=version_id, township_id=township or world.ta, village_id=getattr(world, village),
                     target_kind="village", target_id=getattr(world, village), target_label=label or f"{village}村检查",
                     planned_date=due, due_date=due, status=status, submitted_at=submitted,
                     score=D(score) if score is not None else None, passed=passed)
    db.session.add(row)
    db.session.flush()
    return row


def add_inspections(world) -> Inspection:
    """Done in October (Asia/Shanghai): 90, 60, 70 (submitted, not published) and 80 (at 23:30 on
    31 October); not October: one at 00:30 on 1 November, one in September, one of 乙镇; one due
    in October still planned."""
    version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec()).id
    other = template_save(scope=Scope(Role.ADMIN, township_id=world.tb), actor_id=None,
                          spec=simple_spec(name="乙表", code="b-sheet")).id
    first = add_inspection(world, submitted=utc(2026, 10, 5, 2), score=90, passed=True, label="甲一村十月上", version_id=version)
    add_inspection(world, village="a2", submitted=utc(2026, 10, 20, 2), score=60, passed=False, label="甲二村十月",
                   version_id=version)
    add_inspection(world, status="submitted", submitted=utc(2026, 10, 25, 2), score=70, version_id=version)
    add_inspection(world, submitted=utc(2026, 10, 31, 15, 30), score=80, passed=True, label="甲一村月末", version_id=version)
    add_inspection(world, submitted=utc(2026, 10, 31, 16, 30), score=10, passed=False, version_id=version)  # 1 Nov local
    add_inspection(world, submitted=utc(2026, 9, 20, 2), score=20, passed=False, version_id=version)
    add_inspection(world, village="b1", township=world.tb, submitted=utc(2026, 10, 5, 2), score=30, passed=False,
                   version_id=other)
    add_inspection(world, status="planned", submitted=None, due=date(2026, 10, 28), version_id=version)
    add_inspection(world, status="planned", submitted=None, due=date(2026, 11, 28), version_id=version)
    return first


def add_orders(world, inspection: Inspection, first_number: int = 1) -> None:
    """Issued in October: O1 (closed), O2 (overdue since 16 October, no fix); O3 escalated on
    1 October, fixed on 20 October; O4 overdue since September, fix reported only in November;
    one of 乙镇."""
    def order(number, issued, deadline, township=None, village="a1", **fields):
        number += first_number - 1
        db.session.add(RectificationOrder(
            township_id=township or world.ta, village_id=getattr(world, village), target_kind="village",
            target_id=getattr(world, village), target_label=f"{village}单{number}", inspection_id=inspection.id,
            year=2026, number=number, token=f"tokbrief{number:04d}", issued_on=issued, deadline=deadline, **fields))
    order(1, date(2026, 10, 3), date(2026, 10, 10), status="closed", evidence_at=utc(2026, 10, 9, 2),
          closed_at=utc(2026, 10, 12, 2))
    order(2, date(2026, 10, 5), date(2026, 10, 15), overdue_at=utc(2026, 10, 16, 1), escalated_at=utc(2026, 10, 16, 1))
    order(3, date(2026, 9, 20), date(2026, 9, 30), status="evidence_submitted", overdue_at=utc(2026, 10, 1, 1),
          escalated_at=utc(2026, 10, 1, 1), evidence_at=utc(2026, 10, 20, 2))
    order(4, date(2026, 9, 1), date(2026, 9, 10), status="evidence_submitted", overdue_at=utc(2026, 9, 11, 1),
          escalated_at=utc(2026, 9, 11, 1), evidence_at=utc(2026, 11, 5, 2))
    order(5, date(2026, 10, 5), date(2026, 10, 8), township=world.tb, village="b1", overdue_at=utc(2026, 10, 9, 1),
          escalated_at=utc(2026, 10, 9, 1))
    db.session.flush()


def publication(world, period_key: str, ranks: dict[str, tuple[int, str]], township=None) -> None:
    rows = [{"rank": rank, "id": getattr(world, key), "name": name, "score": score, "reason": None}
            for key, (rank, score) in ranks.items() for name in [{"a1": "甲一村", "a2": "甲二村", "b1": "乙一村"}[key]]]
    db.session.add(RankingPublication(township_id=township or world.ta, subject="villages", period_key=period_key,
                                      weights={}, min_inspections=2, rows=rows, red_list=[], black_list=[],
                                      overdue_orders=[]))
    db.session.flush()


def add_publications(world) -> None:
    """September: 甲一村 first; October: 甲二村 first (甲二村 rose one place, 甲一村 fell one)."""
    publication(world, "2026-09", {"a1": (1, "90.00"), "a2": (2, "70.00")})
    publication(world, "2026-10", {"a1": (2, "80.00"), "a2": (1, "88.00")})
    publication(world, "2026-10", {"b1": (1, "99.00")}, township=world.tb)


def a_round(world, *, name, starts, ends, status=RoundStatus.ANNOUNCED, places: dict, township=None) -> None:
    pest_round = PestRound(township_id=township or world.ta, name=name, pests=["rodent"], season="autumn",
                           starts_on=starts, ends_on=ends, status=status, coverage_goal=D(95))
    db.session.add(pest_round)
    db.session.flush()
    for place, (households, covered) in places.items():
        village_id = getattr(world, place)
        target = RoundTarget(round_id=pest_round.id, township_id=pest_round.township_id, village_id=village_id,
                             unit_id=None, place_key=RoundTarget.key_of(village_id, None), households_target=households)
        db.session.add(target)
        db.session.flush()
        if covered is not None:
            db.session.add(RoundWork(round_id=pest_round.id, target_id=target.id, township_id=target.township_id,
                                     village_id=village_id, unit_id=None, done_on=ends, households_covered=covered))
            refresh(target)  # the boards read the totals stored on the target
    db.session.flush()


def add_pest_work(world) -> None:
    """One October round with 甲一村 behind (80 of 100) and 甲二村 done (50 of 50), a planned one,
    one of 乙镇; 甲一村's rodents at C (4%, two surveys of a day pooled), mosquitoes below C."""
    a_round(world, name="秋季灭鼠", starts=date(2026, 10, 1), ends=date(2026, 10, 20),
            places={"a1": (100, 80), "a2": (50, 50)})
    a_round(world, name="冬季灭鼠", starts=date(2026, 10, 25), ends=date(2026, 11, 20), status=RoundStatus.PLANNED,
            places={"a1": (100, None)})
    a_round(world, name="乙镇灭鼠", starts=date(2026, 10, 1), ends=date(2026, 10, 20), places={"b1": (100, None)},
            township=world.tb)
    for village, pest, day, counts in [
            ("a1", "rodent", date(2026, 10, 20), {"rooms_with_signs": 2, "rooms_checked": 100}),
            ("a1", "rodent", date(2026, 10, 20), {"rooms_with_signs": 6, "rooms_checked": 100}),
            ("a1", "mosquito", date(2026, 10, 15), {"small_water_route_km": 100, "small_water_positive_sites": 200}),
            ("a1", "rodent", date(2026, 11, 2), {"rooms_with_signs": 90, "rooms_checked": 100})]:
        db.session.add(MonitoringRecord(township_id=world.ta, village_id=getattr(world, village), pest=pest,
                                        method="x", surveyed_on=day, counts=counts))
    db.session.add(MonitoringRecord(township_id=world.tb, village_id=world.b1, pest="rodent", method="x",
                                    surveyed_on=date(2026, 10, 15), counts={"rooms_with_signs": 90, "rooms_checked": 100}))
    db.session.flush()


def add_toilet_work(world) -> None:
    """甲一村: quota 10, 3 accepted in September, 2 in October, 1 in November; 甲二村: quota 5, 1 in
    October; 乙一村 (乙镇): 4 in October."""
    db.session.commit()
    a1 = add_task(world.a1, quota=10)
    add_toilets(a1, "accepted", 3, accepted_on=date(2026, 9, 15))
    add_toilets(a1, "paid", 2, accepted_on=date(2026, 10, 10))
    add_toilets(a1, "accepted", 1, accepted_on=date(2026, 11, 5))
    add_toilets(add_task(world.a2, quota=5), "accepted", 1, accepted_on=date(2026, 10, 20))
    add_toilets(add_task(world.b1, quota=8), "accepted", 4, accepted_on=date(2026, 10, 20))


def add_october(world) -> None:
    first = add_inspections(world)
    add_orders(world, first)
    add_publications(world)
    add_pest_work(world)
    add_toilet_work(world)
    db.session.commit()
