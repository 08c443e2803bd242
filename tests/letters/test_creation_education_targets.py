"""The letters' creation-progress and education-cadence targets measure a village's year as the
rankings do, and the year-end assessment shows them."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from hygiene.creation.models import CreationApplication
from hygiene.education.models import EducationActivity
from hygiene.extensions import db
from hygiene.letters.kinds import TARGET_KINDS, default_targets, measured


def test_both_kinds_are_registered_with_their_defaults(app):
    assert {"creation_progress", "education_cadence"} <= set(TARGET_KINDS)
    with app.app_context():
        defaults = default_targets()
    assert (defaults["creation_progress"], defaults["education_cadence"]) == (D(60), D(90))


def test_creation_progress_is_the_furthest_step_by_the_year_s_end(world, ctx):
    db.session.add_all([
        CreationApplication(township_id=world.ta, village_id=world.a1, kind="hygienic_village", level="county",
                            year=2026, status="submitted", applied_on=date(2026, 3, 1),
                            self_assessed_on=date(2026, 4, 1), reviewed_on=date(2026, 5, 1),
                            submitted_on=date(2026, 6, 1)),
        # a unit's application is the unit's, not its village's
        CreationApplication(township_id=world.ta, village_id=world.a2, unit_id=world.unit_a2, kind="hygienic_unit",
                            level="county", year=2026, status="named", applied_on=date(2026, 3, 1),
                            named_on=date(2026, 9, 1)),
        CreationApplication(township_id=world.tb, village_id=world.b1, kind="hygienic_village", level="county",
                            year=2026, status="applied", applied_on=date(2026, 3, 1))])
    db.session.commit()
    actual = measured(township_id=world.ta, year=2026)["creation_progress"]
    assert actual == {world.a1: D("80.00")}
    assert measured(township_id=None, year=2026)["creation_progress"] == {world.a1: D("80.00"), world.b1: D("20.00")}
    assert measured(township_id=world.ta, year=2025)["creation_progress"] == {}


def test_education_cadence_is_the_share_of_the_year_s_windows_met(world, ctx):
    entered = datetime(2026, 6, 1, tzinfo=UTC)
    rows = [EducationActivity(township_id=world.ta, village_id=world.a1, kind=kind, held_on=date(2026, month, 5),
                              topic="讲卫生", created_at=entered)
            for month in range(1, 13) for kind in ("board", "lecture")]
    rows += [EducationActivity(township_id=world.ta, village_id=world.a1, kind="column", held_on=date(2026, m, 9),
                               topic="专栏", created_at=entered) for m in (3, 6, 9)]   # 3 of the 4 a year
    # entered in the next year: too late for the year's letter
    rows.append(EducationActivity(township_id=world.ta, village_id=world.a1, kind="column", held_on=date(2026, 12, 9),
                                  topic="专栏", created_at=datetime(2027, 1, 3, tzinfo=UTC)))
    db.session.add_all(rows)
    db.session.commit()
    actual = measured(township_id=world.ta, year=2026)["education_cadence"]
    # 12 boards + 12 lectures met, the year's columns short: 24 of 25 windows; 甲二村 held none
    assert actual == {world.a1: D("96.00"), world.a2: D("0.00")}
