"""An October of township 甲镇 in the issue-12 domains (campaigns, creation, health education, food
registers), with records of other months and of 乙镇 that must not count; made with the models."""
from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from hygiene.campaigns.models import Campaign, CampaignTask
from hygiene.creation.models import CreationApplication, CreationTarget
from hygiene.education.models import EducationActivity
from hygiene.extensions import db
from hygiene.food.models import Banquet, HealthCertificate


def add_campaign(world, name, starts, ends, tasks, *, status="active", township=None) -> None:
    """tasks: (place, title, due_on, done_on or None)."""
    campaign = Campaign(township_id=township or world.ta, name=name, starts_on=starts, ends_on=ends, status=status)
    db.session.add(campaign)
    db.session.flush()
    for place, title, due, done in tasks:
        unit = getattr(world, place) if place.startswith("unit_") else None
        village = getattr(world, place.removeprefix("unit_"))
        db.session.add(CampaignTask(campaign_id=campaign.id, township_id=campaign.township_id, village_id=village,
                                    unit_id=unit, place_key=CampaignTask.key_of(village, unit), title=title,
                                    due_on=due, status="done" if done else "open", done_on=done))
    db.session.flush()


def add_campaigns(world) -> None:
    """秋季爱卫运动: 甲一村 done on 10 October, 甲二村 late, 甲二村's second task done only on 2 November
    (late at the month's end), a1饭店 due in November; a cancelled one, September's, 乙镇's."""
    add_campaign(world, "秋季爱卫运动", date(2026, 10, 1), date(2026, 10, 31), [
        ("a1", "大扫除", date(2026, 10, 15), date(2026, 10, 10)), ("a2", "大扫除", date(2026, 10, 20), None),
        ("a2", "更新宣传栏", date(2026, 10, 25), date(2026, 11, 2)), ("unit_a1", "大扫除", date(2026, 11, 10), None)])
    add_campaign(world, "取消的活动", date(2026, 10, 5), date(2026, 10, 9), [("a1", "大扫除", date(2026, 10, 9), None)],
                 status="cancelled")
    add_campaign(world, "九月活动", date(2026, 9, 1), date(2026, 9, 30), [("a1", "大扫除", date(2026, 9, 9), None)],
                 status="closed")
    add_campaign(world, "乙镇活动", date(2026, 10, 1), date(2026, 10, 31), [("b1", "大扫除", date(2026, 10, 9), None)],
                 township=world.tb)


def application(world, place, kind, level, year, status, **dates) -> None:
    unit = getattr(world, place) if place.startswith("unit_") else None
    village = getattr(world, place.removeprefix("unit_"))
    township = world.tb if place.endswith("b1") else world.ta
    db.session.add(CreationApplication(township_id=township, village_id=village, unit_id=unit, kind=kind, level=level,
                                       year=year, status=status, **dates))


def add_creation(world) -> None:
    """2026 target: 3 county hygienic villages. 甲一村 named on 15 October; 甲二村 applied (its
    self-assessment on 5 November is after the month); a1饭店 rejected in September; 甲二村's city
    title of 2023 due for re-review on 1 December; 乙一村's title named in October (乙镇)."""
    db.session.add(CreationTarget(township_id=world.ta, year=2026, kind="hygienic_village", level="county", target=3))
    application(world, "a1", "hygienic_village", "county", 2026, "named", applied_on=date(2026, 3, 1),
                self_assessed_on=date(2026, 4, 1), reviewed_on=date(2026, 5, 1), submitted_on=date(2026, 6, 1),
                named_on=date(2026, 10, 15), review_due_on=date(2029, 10, 15))
    application(world, "a2", "hygienic_village", "county", 2026, "self_assessed", applied_on=date(2026, 9, 1),
                self_assessed_on=date(2026, 11, 5))
    application(world, "unit_a1", "hygienic_unit", "county", 2026, "rejected", applied_on=date(2026, 2, 1),
                self_assessed_on=date(2026, 3, 1), closed_on=date(2026, 9, 1))
    application(world, "a2", "hygienic_village", "city", 2023, "named", applied_on=date(2023, 3, 1),
                submitted_on=date(2023, 6, 1), named_on=date(2023, 12, 1), review_due_on=date(2026, 12, 1))
    application(world, "b1", "hygienic_village", "county", 2026, "named", applied_on=date(2026, 3, 1),
                submitted_on=date(2026, 6, 1), named_on=date(2026, 10, 15), review_due_on=date(2029, 10, 15))
    db.session.flush()


def activity(world, place, kind, held_on, created_at=None) -> None:
    unit = getattr(world, place) if place.startswith("unit_") else None
    village = getattr(world, place.removeprefix("unit_"))
    township = world.tb if place.endswith("b1") else world.ta
    db.session.add(EducationActivity(township_id=township, village_id=village, unit_id=unit, kind=kind, held_on=held_on,
                                     topic="讲卫生", created_at=created_at or datetime(2026, 10, 31, 2, tzinfo=UTC)))


def add_education(world) -> None:
    """October's village targets (board and lecture each month): 甲一村 meets both; 甲二村 updated its
    board, its lecture of 30 October was entered on 2 November (too late for the briefing)."""
    activity(world, "a1", "board", date(2026, 10, 5))
    activity(world, "a1", "lecture", date(2026, 10, 6))
    activity(world, "a2", "board", date(2026, 10, 7))
    activity(world, "a2", "lecture", date(2026, 10, 30), created_at=datetime(2026, 11, 2, 2, tzinfo=UTC))
    activity(world, "a2", "lecture", date(2026, 9, 30))
    db.session.flush()


_HOSTS = itertools.count(1)  # one live banquet per village, host and day: each a host of its own


def banquet(world, village, *, registered, held, diners, status="registered", checked=None, passed=None,
            closed=None) -> None:
    township = world.tb if village == "b1" else world.ta
    db.session.add(Banquet(township_id=township, village_id=getattr(world, village), kind="wedding", host_name=f"张三{next(_HOSTS)}",
                           host_phone="13800000000", banquet_on=held, meal="lunch", place="院坝", tables=diners // 10,
                           diners=diners, cook_name="李四", status=status, registered_on=registered, checked_on=checked,
                           check_passed=passed, closed_on=closed))


def certificate(world, number, expires, *, active=True) -> None:
    db.session.add(HealthCertificate(township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1,
                                     worker_name=f"工{number}", number=number, issued_on=date(2025, 12, 1),
                                     expires_on=expires, active=active))


def add_food(world) -> None:
    """Four banquets registered in October: 150 diners checked (passed), 120 held unchecked, 200 in
    November waiting for its check, 50 checked (failed); one cancelled in September; one of 乙镇.
    Certificates of a1饭店: expired 20 October, expiring 15 November, valid, one of a worker who left."""
    banquet(world, "a1", registered=date(2026, 10, 2), held=date(2026, 10, 10), diners=150, status="checked",
            checked=date(2026, 10, 8), passed=True)
    banquet(world, "a1", registered=date(2026, 10, 3), held=date(2026, 10, 20), diners=120, status="held",
            closed=date(2026, 10, 20))
    banquet(world, "a2", registered=date(2026, 10, 25), held=date(2026, 11, 5), diners=200)
    banquet(world, "a2", registered=date(2026, 10, 5), held=date(2026, 10, 12), diners=50, status="checked",
            checked=date(2026, 10, 11), passed=False)
    banquet(world, "a1", registered=date(2026, 9, 20), held=date(2026, 10, 3), diners=300, status="cancelled",
            closed=date(2026, 9, 30))
    banquet(world, "b1", registered=date(2026, 10, 2), held=date(2026, 10, 10), diners=150)
    certificate(world, "C1", date(2026, 10, 20))
    certificate(world, "C2", date(2026, 11, 15))
    certificate(world, "C3", date(2026, 12, 15))
    certificate(world, "C4", date(2026, 9, 1), active=False)
    db.session.flush()


def add_new_domains(world) -> None:
    add_campaigns(world)
    add_creation(world)
    add_education(world)
    add_food(world)
    db.session.commit()
