"""Each section of the briefing says the numbers of the records of its township and period,
with a constant number of queries, and says plainly when the period has nothing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from hygiene.briefing.services import briefing_build, township_scope
from hygiene.core.briefing_sections import REGISTRY
from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.toilets.models import ToiletTask
from tests.briefing.helpers import a_round, add_inspection, add_october, add_orders, utc
from tests.toilets.task_helpers import add_toilets

OCTOBER = parse_period("2026-10")


def section(world, key, period=OCTOBER):
    [found] = [s for s in REGISTRY.sections() if s.key == key]
    return found.build(township_scope(world.ta), period)


@pytest.fixture
def october(world, ctx):
    add_october(world)


def test_the_sections_of_today_s_domains_come_in_the_page_s_order(app):
    assert [s.key for s in REGISTRY.sections()] == ["inspections", "orders", "ranking", "pest_rounds",
                                                    "pest_density", "toilets", "campaigns", "creation", "education", "food"]


def test_inspections_done_in_the_office_s_month_their_mean_score_and_the_lowest(world, october):
    data = section(world, "inspections")
    assert data.sentences == ["完成检查4次，其中已公布3次。", "平均得分76.7分，合格2次，不合格1次。",
                              "本期到期的检查尚有1次未完成。"]
    assert data.rows == [["甲二村十月", D("60.0")], ["甲一村月末", D("80.0")], ["甲一村十月上", D("90.0")]]


def test_orders_issued_closed_escalated_and_still_overdue_at_the_month_s_end(world, october):
    data = section(world, "orders")
    assert data.sentences == ["下发整改通知书2份，复查销号1份。", "逾期未整改并上报爱卫办2份。",
                              "截至期末仍逾期未报整改2份。"]
    assert data.rows == [["〔2026〕第4号", "a1单4", "2026-09-10"], ["〔2026〕第2号", "a1单2", "2026-10-15"]]


def test_the_ranking_s_movers_compare_the_month_s_publication_with_the_one_before(world, october):
    data = section(world, "ranking")
    assert data.sentences == ["2026年10月村庄排名：第一名甲二村（88.00分），最后一名甲一村（80.00分）。",
                              "与2026年9月相比，上升1个，下降1个。"]
    assert data.rows == [["甲二村", 1, 2, "↑1"], ["甲一村", 2, 1, "↓1"]]


def test_a_week_reads_the_ranking_of_its_month_or_the_month_before(world, october):
    assert "2026年10月" in section(world, "ranking", parse_period("2026-W47")).sentences[0]  # 16-22 November
    assert section(world, "ranking", parse_period("2026-W37")).empty  # September 7-13: no August ranking


def test_rounds_of_the_month_with_their_coverage_and_the_targets_behind(world, october):
    data = section(world, "pest_rounds")
    assert data.sentences == ["本期开展病媒生物防制轮次1个。", "其中1个轮次有1个对象进度滞后。"]
    assert data.rows == [["秋季灭鼠", "87%", 1]]


def test_density_levels_of_the_month_s_latest_surveys_per_pest(world, october):
    data = section(world, "pest_density")
    assert data.sentences == ["密度监测评定1个村，2项评定中1项达到C级或以上。"]
    assert data.rows == [["鼠类", 1, 1, 0], ["蚊类", 1, 0, 1]]


def test_toilets_accepted_in_the_month_and_against_the_year_s_quota(world, october):
    data = section(world, "toilets")
    assert data.sentences == ["本期验收户厕3座。", "截至期末，全年任务15座已验收6座（40%）。"]
    assert data.rows == [["甲二村", 5, 1, "20%"], ["甲一村", 10, 5, "50%"]]


def test_a_period_without_records_says_so_in_every_section(world, ctx):
    briefing = briefing_build(township_id=world.ta, period=OCTOBER)
    assert [data.empty for _s, data in briefing.sections] == [True] * 10
    assert (briefing.title, briefing.issue) == ("甲镇爱卫办工作简报", "2026年第10期")


def test_the_briefing_reads_a_constant_number_of_queries_however_many_records(world, ctx, count_queries):
    add_october(world)
    with count_queries() as few:
        briefing_build(township_id=world.ta, period=OCTOBER)
    add_more(world)
    with count_queries() as many:
        briefing_build(township_id=world.ta, period=OCTOBER)
    assert many[0] == few[0] <= 21   # 11 for the first six sections, 10 for issue 12's four


def add_more(world) -> None:
    """Ten more inspections, orders, rounds and toilets of October, each kind as many again."""
    first = db.session.scalars(sa.select(Inspection).order_by(Inspection.id)).first()
    for n in range(10):
        add_inspection(world, submitted=utc(2026, 10, 6 + n, 2), score=50 + n, passed=True, version_id=first.version_id)
        a_round(world, name=f"灭蚊{n}", starts=date(2026, 10, 1), ends=date(2026, 10, 9 + n),
                places={"a1": (10, n), "a2": (10, 10)})
    add_orders(world, first, first_number=100)
    task = db.session.scalar(sa.select(ToiletTask.id).where(ToiletTask.village_id == world.a1))
    db.session.commit()
    add_toilets(task, "accepted", 10, accepted_on=date(2026, 10, 12))
