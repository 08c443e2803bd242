"""Tasks and household toilets made straight with the models (the stage moves are another page's)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count as numbers

from hygiene.extensions import db
from hygiene.places.models import Household, Village
from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletTask
from hygiene.toilets.status import DONE, ToiletStage

_SERIAL = numbers(1)


def add_task(village_id: int, *, year: int = 2026, quota: int = 10, public: int = 0,
             deadline: date = date(2026, 10, 31), rates: dict | None = None,
             created_at: datetime | None = None) -> int:
    """A task of the village (inside an app context), set at the start of its year unless
    `created_at` says when; returns its id."""
    village = db.session.get(Village, village_id)
    task = ToiletTask(township_id=village.township_id, village_id=village_id, year=year, household_quota=quota,
                      public_quota=public, deadline=deadline, subsidy_rates=rates or {"three_compartment": "1200.00"},
                      created_at=created_at or datetime(year, 1, 2, tzinfo=UTC))
    db.session.add(task)
    db.session.commit()
    return task.id


def add_toilets(task_id: int, stage: str, count: int = 1, *, accepted_on: date | None = None,
                toilet_type: str = "three_compartment", **fields) -> list[int]:
    """`count` household toilets of the task's village at `stage`, each with its own household."""
    task = db.session.get(ToiletTask, task_id)
    made = []
    for _n in range(count):
        household = Household(village_id=task.village_id, head_name=f"农户{next(_SERIAL)}",
                              group_name="一组", phone="13800000000", address="一组1号")
        db.session.add(household)
        db.session.flush()
        on = accepted_on if stage in DONE else None
        toilet = HouseholdToilet(township_id=task.township_id, village_id=task.village_id, task_id=task.id,
                                 household_id=household.id, toilet_type=toilet_type, stage=stage,
                                 stage_on=on or date(2026, 6, 1), accepted_on=on,
                                 completed_on=on, **fields)
        db.session.add(toilet)
        db.session.flush()
        made.append(toilet.id)
    db.session.commit()
    return made


def add_public(task_id: int, stage: str = ToiletStage.ACCEPTED, count: int = 1) -> None:
    task = db.session.get(ToiletTask, task_id)
    for n in range(count):
        db.session.add(PublicToiletProject(township_id=task.township_id, village_id=task.village_id,
                                           task_id=task.id, name=f"公厕{n}", stage=stage,
                                           stage_on=date(2026, 6, 1)))
    db.session.commit()
