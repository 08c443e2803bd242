"""Pest control in the period ranking: round coverage and the share of pests at level C, their
values on crafted rows, weight 0 until the office sets one, and their share on the explain page."""
import re
from datetime import date
from decimal import Decimal as D

import pytest

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.ranking import density_component, round_coverage_component
from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork
from hygiene.pests.rounds.status import RoundStatus
from hygiene.rankings import services
from hygiene.rankings.components import Subject
from hygiene.rankings.maths import component_shares
from hygiene.rankings.models import RankingSettings
from tests.inspections.helpers import simple_spec
from tests.pests.derived import refresh_derived
from tests.rankings.helpers import add_published

OCTOBER = parse_period("2026-10")
WEIGHTS = {"inspections": "70", "rectification": "10", "pest_rounds": "10", "pest_density": "10"}


def a_round(world, *, ends: date, status=RoundStatus.ANNOUNCED, places: dict, township=None) -> None:
    """A round ending on `ends`, its targets by world key: {place: (households to cover, covered or None)}."""
    pest_round = PestRound(township_id=township or world.ta, name=f"灭鼠{ends}", pests=["rodent"], season="autumn",
                           starts_on=date(ends.year, ends.month, 1), ends_on=ends, status=status,
                           coverage_goal=D(95))
    db.session.add(pest_round)
    db.session.flush()
    for place, (households, covered) in places.items():
        unit_id = getattr(world, place) if place.startswith("unit_") else None
        village_id = getattr(world, place.removeprefix("unit_"))
        target = RoundTarget(round_id=pest_round.id, township_id=pest_round.township_id, village_id=village_id,
                             unit_id=unit_id, place_key=RoundTarget.key_of(village_id, unit_id),
                             households_target=households)
        db.session.add(target)
        db.session.flush()
        if covered is not None:
            db.session.add(RoundWork(round_id=pest_round.id, target_id=target.id, township_id=target.township_id,
                                     village_id=village_id, unit_id=unit_id, done_on=ends, households_covered=covered))
    refresh_derived()


def add_rounds(world):
    a_round(world, ends=date(2026, 10, 20), places={"a1": (100, 80), "a2": (50, 50), "unit_a1": (10, 10)})
    a_round(world, ends=date(2026, 10, 31), status=RoundStatus.CLOSED, places={"a1": (100, 100)})
    a_round(world, ends=date(2026, 10, 25), status=RoundStatus.CANCELLED, places={"a1": (100, None)})
    a_round(world, ends=date(2026, 10, 26), status=RoundStatus.PLANNED, places={"a1": (100, None)})
    a_round(world, ends=date(2026, 11, 5), places={"a1": (100, None)})           # ends after October
    a_round(world, ends=date(2026, 10, 20), places={"b1": (100, None)}, township=world.tb)
    a_round(world, ends=date(2026, 10, 28), places={"a2": (None, 10)})          # nothing to measure against


@pytest.fixture
def rounds(world, ctx):
    add_rounds(world)


def test_round_coverage_is_the_mean_of_the_village_s_own_targets_of_rounds_ending_in_the_period(world, rounds):
    values = round_coverage_component(Subject(world.ta, "villages"), OCTOBER)
    assert values == {world.a1: {"value": D("90.00"), "rounds": 2, "behind": 1},
                      world.a2: {"value": D("100.00"), "rounds": 1, "behind": 0}}
    units = round_coverage_component(Subject(world.ta, "units", "catering"), OCTOBER)
    assert units == {world.unit_a1: {"value": D("100.00"), "rounds": 1, "behind": 0}}
    assert round_coverage_component(Subject(world.ta, "units", "school_canteen"), OCTOBER) == {}


def survey(world, village, pest, day, counts, township=None):
    db.session.add(MonitoringRecord(township_id=township or world.ta, village_id=village, pest=pest, method="x",
                                    surveyed_on=day, counts=counts))
    refresh_derived()


def add_surveys(world):
    survey(world, world.a1, "rodent", date(2026, 10, 5), {"rooms_with_signs": 10, "rooms_checked": 100})  # later one counts
    survey(world, world.a1, "rodent", date(2026, 10, 20), {"rooms_with_signs": 2, "rooms_checked": 100})
    survey(world, world.a1, "rodent", date(2026, 10, 20), {"rooms_with_signs": 6, "rooms_checked": 100})  # pooled: 4%
    survey(world, world.a1, "rodent", date(2026, 11, 2), {"rooms_with_signs": 1, "rooms_checked": 100})   # November
    survey(world, world.a1, "mosquito", date(2026, 10, 15), {"small_water_route_km": 100,
                                                             "small_water_positive_sites": 200})       # below C
    survey(world, world.a1, "cockroach", date(2026, 10, 15), {"trap_nights": 100})                     # ungraded
    survey(world, world.b1, "rodent", date(2026, 10, 15), {"rooms_with_signs": 1, "rooms_checked": 100},
           township=world.tb)


def add_inspections(world):
    """甲一村 scores 90 and 80 in October (mean 85)."""
    version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
    for score, day in ((90, 5), (80, 20)):
        add_published(version_id=version.id, township_id=world.ta, village_id=world.a1, day=date(2026, 10, day),
                      score=score)


@pytest.fixture
def surveys(world, ctx):
    add_surveys(world)


def test_density_is_the_share_of_graded_pests_at_c_or_better_on_their_latest_survey_day(world, surveys):
    values = density_component(Subject(world.ta, "villages"), OCTOBER)
    assert values == {world.a1: {"value": D("50.00"), "graded": 2, "meeting": 1, "level_mosquito": "below",
                                 "level_rodent": "C"}}
    assert density_component(Subject(world.ta, "units", "catering"), OCTOBER) == {}


def test_with_weight_0_the_ranking_is_as_before_and_with_weights_the_components_count(world, rounds, surveys):
    add_inspections(world)
    a1 = row_of(world.a1, world)
    assert a1.score == D("85.00")  # the defaults: inspections 90, rectification 10, pest control 0
    assert (a1.candidate.components["pest_rounds"], a1.candidate.components["pest_density"]) == (D(90), D(50))
    db.session.add(RankingSettings(township_id=world.ta, weights=WEIGHTS, min_inspections=2, list_size=3))
    assert row_of(world.a1, world).score == D("81.67")  # (70 × 85 + 10 × 90 + 10 × 50) ÷ 90
    a2 = row_of(world.a2, world)  # no inspection: its rounds alone do not rank it
    assert (a2.score, a2.rank, a2.reason) == (D("100.00"), None, "too_few_inspections")


def row_of(village_id, world):
    ranking = services.ranking_compute(subject=Subject(world.ta, "villages"), period=OCTOBER)
    return next(r for r in ranking.rows if r.candidate.id == village_id)


def test_settings_saved_before_the_components_joined_weigh_them_0(world, ctx):
    db.session.add(RankingSettings(township_id=world.ta, weights={"inspections": "1", "rectification": "1"},
                                   min_inspections=2, list_size=3))
    ranking = services.ranking_compute(subject=Subject(world.ta, "villages"), period=OCTOBER)
    assert ranking.weights["pest_rounds"] == ranking.weights["pest_density"] == D(0)


def test_the_shares_add_up_to_the_total():
    shares = component_shares({"inspections": D(70), "rectification": D(10), "pest_rounds": D(10),
                               "pest_density": D(10)},
                              {"inspections": D(85), "rectification": None, "pest_rounds": D(90),
                               "pest_density": D(50)})
    assert shares == {"inspections": (D("77.78"), D("66.11")), "pest_rounds": (D("11.11"), D("10.00")),
                      "pest_density": (D("11.11"), D("5.56"))}
    assert sum(points for _share, points in shares.values()) == D("81.67")


def test_the_explain_page_shows_each_pest_component_its_weight_share_and_facts(app, client, login, world):
    with app.app_context():
        add_rounds(world)
        add_surveys(world)
        add_inspections(world)
        db.session.add(RankingSettings(township_id=world.ta, weights=WEIGHTS, min_inspections=2, list_size=3))
        db.session.commit()
    login("admin_a")
    page = client.get(f"/rankings/explain?period=2026-10&subject=villages&id={world.a1}")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "灭杀行动覆盖率 90.00 10 10.00 分（权重占 11.11%）" in text
    assert "本期结束的 2 次灭杀行动的平均覆盖率；其中 1 次未达目标" in text
    assert "病媒密度控制水平 50.00 10 5.56 分（权重占 11.11%）" in text
    assert "本期评定的 2 种病媒中 1 种达到C级或以上：蚊类 不达标、鼠类 C级" in text
    assert "66.11 分（权重占 77.78%）" in text and "81.67" in text
    english = client.get(f"/rankings/explain?period=2026-10&subject=villages&id={world.a1}&lang=en").text
    assert "Pest-control round coverage" in english and "Mosquitoes Below the required level" in english
    login("village_a1")
    assert client.get(f"/rankings/explain?period=2026-10&subject=villages&id={world.a1}").status_code == 403


def test_with_the_default_weights_the_explain_page_says_the_pest_components_do_not_count(app, client, login,
                                                                                          world):
    with app.app_context():
        add_rounds(world)
        add_inspections(world)
        db.session.commit()
    login("admin_a")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(
        f"/rankings/explain?period=2026-10&subject=villages&id={world.a1}").text))
    assert "灭杀行动覆盖率 90.00 0 —" in text and "（权重为0：不计入总分）" in text
    assert "病媒密度控制水平 — 0 —" in text
