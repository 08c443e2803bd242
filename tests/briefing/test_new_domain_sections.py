"""The sections of campaigns, creation, health education and the food registers say the numbers of
their township's records as the period's end saw them, with a constant number of queries."""
from __future__ import annotations

from datetime import date

import pytest

from hygiene.briefing.services import township_scope
from hygiene.core.briefing_sections import REGISTRY
from hygiene.core.periods import parse_period
from hygiene.education.kinds import ActivityKind
from hygiene.extensions import db
from tests.briefing import new_domains
from tests.briefing.new_domains import add_new_domains

OCTOBER = parse_period("2026-10")
NEW = ("campaigns", "creation", "education", "food")


def section(world, key, period=OCTOBER):
    [found] = [s for s in REGISTRY.sections() if s.key == key]
    return found.build(township_scope(world.ta), period)


@pytest.fixture
def october(world, ctx):
    add_new_domains(world)


def test_campaign_tasks_done_late_and_not_yet_due_at_the_month_s_end(world, october):
    data = section(world, "campaigns")
    assert data.sentences == ["本期开展爱国卫生活动1项，下达村和单位任务4项。", "截至期末完成1项，逾期未完成2项，未到期1项。"]
    assert data.rows == [["秋季爱卫运动", 4, 1, 2, 1]]


def test_creation_steps_against_the_year_s_target_the_titles_named_and_the_re_reviews_due(world, october):
    data = section(world, "creation")
    assert data.sentences == ["2026年创建目标3个，截至期末已命名1个。",
                              "本年度在办申报：待自评1个，已自评0个，镇级初审通过0个，已报县0个；未通过1个。",
                              "本期命名1个：甲一村（县级卫生村）。", "1个称号复审即将到期或已到期，其中已逾期0个。"]
    assert data.rows == [["县级卫生村", 3, 1, 0, 1, 0], ["县级卫生单位", 0, 0, 0, 0, 1]]


def test_a_later_month_sees_the_self_assessment_and_an_overdue_re_review(world, october):
    data = section(world, "creation", parse_period("2026-12"))
    assert "本年度在办申报：待自评0个，已自评1个，镇级初审通过0个，已报县0个；未通过1个。" in data.sentences
    assert "1个称号复审即将到期或已到期，其中已逾期1个。" in data.sentences


def test_villages_short_of_the_month_s_education_targets_per_kind(world, october):
    data = section(world, "education")
    assert data.sentences == ["本期到期的健康教育考核，2个村（社区）中1个未达标。"]
    assert [row[2:] for row in data.rows] == [["每1个月不少于1次", 2, 0], ["每1个月不少于1次", 2, 1]]
    assert [row[1] for row in data.rows] == [ActivityKind.label_of("board"), ActivityKind.label_of("lecture")]


def test_a_week_without_a_window_ending_has_no_education_data(world, october):
    assert section(world, "education", parse_period("2026-W42")).empty   # 12-18 October


def test_banquets_registered_checked_waiting_and_certificates_expired_or_expiring(world, october):
    data = section(world, "food")
    assert data.sentences == ["本期登记农村集体聚餐4场，现场检查2场，其中不合格1场。",
                              "101人以上的聚餐：本期未经检查举办1场，截至期末待检查1场。",
                              "从业人员健康证：已过期1个，30天内到期1个。"]
    assert data.rows == [["a1饭店", 1, 1]]


def test_other_townships_and_empty_periods_say_nothing(world, october):
    for key in NEW:
        assert section(world, key, parse_period("2025-10")).empty, key   # nothing logged by then
    [found] = [s for s in REGISTRY.sections() if s.key == "campaigns"]
    other = found.build(township_scope(world.tb), OCTOBER)
    assert other.rows == [["乙镇活动", 1, 0, 1, 0]]


def test_the_new_sections_read_a_constant_number_of_queries(world, ctx, count_queries):
    add_new_domains(world)

    def count() -> int:
        with count_queries() as n:
            for key in NEW:
                section(world, key)
        return n[0]

    few = count()
    for n in range(5):
        new_domains.add_campaign(world, f"活动{n}", date(2026, 10, 1), date(2026, 10, 31),
                                 [("a1", "大扫除", date(2026, 10, 9), None), ("a2", "大扫除", date(2026, 10, 9), None)])
        new_domains.activity(world, "a2", "lecture", date(2026, 10, 2 + n))
        new_domains.banquet(world, "a1", registered=date(2026, 10, 2), held=date(2026, 10, 10 + n), diners=300)
        new_domains.certificate(world, f"X{n}", date(2026, 10, 1))
    db.session.commit()
    assert count() == few <= 10
    assert section(world, "education").sentences == ["本期到期的健康教育考核，2个村（社区）中0个未达标。"]
