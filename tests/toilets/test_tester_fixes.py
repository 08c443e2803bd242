"""What a tester found walking toilet renovation (issue 11), each fixed and kept fixed."""
from datetime import date, timedelta

import pytest

from hygiene.clock import local_today
from hygiene.toilets.stage_dates import move_date_refusal
from hygiene.toilets.status import ToiletStage
from tests.toilets import test_public_projects as public
from tests.toilets.test_toilet_pages import add, built, made_id, make_tasks, step, toilet_of


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def test_the_date_rule_wants_each_stage_on_or_after_the_one_before_and_not_ahead():
    today = date(2026, 11, 29)
    assert move_date_refusal(today, previous=today, today=today) is None
    assert move_date_refusal(date(2026, 11, 28), previous=date(2026, 11, 29), today=today) is not None
    assert move_date_refusal(date(2026, 11, 30), previous=None, today=today) is not None


def test_a_household_move_dated_before_the_previous_stage_is_refused_beside_the_date(app, client, login, world,
                                                                                   tasks):
    login("village_a1")
    today = local_today()
    toilet_id = made_id(add(client, world, world.household_a1, surveyed_on=today.isoformat()))
    early = (today - timedelta(days=3)).isoformat()
    refused = step(client, toilet_id, "plan", toilet_type="three_compartment", happened_on=early)
    assert refused.status_code == 422 and "早于上一阶段" in refused.text and today.isoformat() in refused.text
    assert toilet_of(app, toilet_id).stage == ToiletStage.SURVEYED
    assert step(client, toilet_id, "plan", toilet_type="three_compartment").status_code == 303


def test_a_public_move_dated_before_the_previous_stage_is_refused(app, client, login, world, tasks):
    login("admin_a")
    project_id = made_id(public.new(client, world))
    refused = public.step(client, project_id, "plan", happened_on=(local_today() - timedelta(days=1)).isoformat())
    assert refused.status_code == 422 and "早于上一阶段" in refused.text
    assert public.project_of(app, project_id).stage == ToiletStage.SURVEYED


def test_over_long_text_is_refused_in_chinese_and_the_inputs_have_a_maxlength(app, client, login, world, tasks):
    login("admin_a")
    refused = public.new(client, world, name="厕" * 500)
    assert refused.status_code == 422 and "最多100个字" in refused.text and "validation" not in refused.text
    refused = public.new(client, world, location="东" * 500)
    assert refused.status_code == 422 and "最多200个字" in refused.text
    page = client.get("/toilets/public/new").text
    assert 'maxlength="100"' in page and 'maxlength="200"' in page and 'maxlength="2000"' in page
    toilet_id = made_id(add(client, world, world.household_a1))
    refused = step(client, toilet_id, "exclude", note="空" * 2500)
    assert refused.status_code == 422 and "最多2000个字" in refused.text
    assert toilet_of(app, toilet_id).stage == ToiletStage.SURVEYED


def test_an_acceptance_inspection_counts_in_no_ranking_and_its_publish_says_so(app, client, login, world, tasks):
    from hygiene.checklists.services import templates_install_builtin
    from hygiene.core.periods import parse_period
    from hygiene.extensions import db
    from hygiene.rankings.components import Subject, inspection_mean
    from tests.toilets.test_acceptance import ask, fill_and_publish, inspection_of

    with app.app_context():
        templates_install_builtin()
        db.session.commit()
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    assert ask(client, world, toilet_id).status_code == 303
    inspection_id = inspection_of(app, toilet_id)
    fill_and_publish(app, world, inspection_id)
    assert toilet_of(app, toilet_id).stage == ToiletStage.ACCEPTED
    with app.app_context():
        month = parse_period(local_today().strftime("%Y-%m"))
        assert world.a1 not in inspection_mean(Subject(world.ta, "villages"), month)
    second = built(client, world, tasks.second_a1)
    assert ask(client, world, second).status_code == 303
    fill_and_publish(app, world, inspection_of(app, second), publish=False)
    page = client.post(f"/inspections/{inspection_of(app, second)}/review",
                       data={"action": "publish"}, follow_redirects=True).text
    assert "不计入排名" in page and "得分计入排名" not in page


def test_a_failed_acceptance_reads_as_failed_with_the_inspectors_note_and_photo(app, client, login, world, tasks):
    import sqlalchemy as sa

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import User
    from hygiene.checklists.services import templates_install_builtin
    from hygiene.clock import now_utc
    from hygiene.extensions import db
    from hygiene.inspections import review
    from hygiene.inspections.models import Answer, Inspection
    from tests.toilets.test_acceptance import ask, fill_and_publish, inspection_of

    with app.app_context():
        templates_install_builtin()
        db.session.commit()
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    assert ask(client, world, toilet_id).status_code == 303
    inspection_id = inspection_of(app, toilet_id)
    (item,) = fill_and_publish(app, world, inspection_id, failing=1, publish=False)
    with app.app_context():
        db.session.execute(sa.update(Answer).where(Answer.inspection_id == inspection_id, Answer.result == "fail")
                           .values(note="化粪池第二格渗水"))
        db.session.commit()
        admin = db.session.get(User, world.user_admin_a)
        review.inspection_publish(scope=Scope.of(admin), actor_id=admin.id,
                                  inspection=db.session.get(Inspection, inspection_id), now=now_utc(),
                                  flag_reason="测试")
        db.session.commit()
    assert toilet_of(app, toilet_id).stage == ToiletStage.FAILED
    page = client.get(f"/toilets/households/{toilet_id}").text
    assert f"不合格：{item} — 化粪池第二格渗水" in page
    assert "/photos/" in page.split("不合格原因")[1].split("</dd>")[0]  # the failed item's photo beside it


def test_a_second_public_toilet_of_the_same_name_in_the_village_is_refused(app, client, login, world, tasks):
    login("admin_a")
    made_id(public.new(client, world, name="村委公厕"))
    refused = public.new(client, world, name="村委公厕")
    assert refused.status_code == 422 and "已有名为“村委公厕”的公厕" in refused.text
    made_id(public.new(client, world, village=world.a2, name="村委公厕"))  # another village may


def test_board_percentages_round_half_up_and_the_township_short_is_the_villages_sum():
    from hygiene.toilets.board import _progress, township_total

    today, deadline = date(2026, 11, 29), date(2026, 12, 20)
    four_of_six = _progress(1, 1, 2026, "甲", deadline, 6, 0, 4, 0, 2, 0, 0, 0, 0, today)
    assert (four_of_six.percent, str(four_of_six.percent_exact)) == (67, "66.67")
    # each village's pace floors on its own: 3 villages a little behind, the sum is their shortfalls
    villages = [_progress(n, 1, 2026, f"村{n}", deadline, 10, 0, 5, 5, 0, 0, 3, 0, 0, today) for n in range(3)]
    ahead = _progress(9, 1, 2026, "超额村", deadline, 5, 0, 9, 0, 0, 0, 0, 0, 0, today)  # 4 over, makes up for none
    total = township_total([*villages, ahead], today, "甲镇")
    assert total.short_by_deadline == sum(v.short_by_deadline for v in villages) > 0
    assert total.remaining == 15 and total.behind


def test_an_acceptance_due_far_after_the_tasks_deadline_or_in_the_past_is_refused(app, client, login, world, tasks):
    from hygiene.checklists.services import templates_install_builtin
    from hygiene.extensions import db
    from tests.toilets.test_acceptance import ask, inspection_of

    with app.app_context():
        templates_install_builtin()
        db.session.commit()
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    far = ask(client, world, toilet_id, due_on="2030-01-10")
    assert far.status_code == 422 and "完成期限最晚为任务截止日期后 30 天" in far.text
    past = ask(client, world, toilet_id, due_on=(local_today() - timedelta(days=1)).isoformat())
    assert past.status_code == 422 and "不能早于今天" in past.text
    assert inspection_of(app, toilet_id) is None
    assert ask(client, world, toilet_id, due_on=(local_today() + timedelta(days=7)).isoformat()).status_code == 303


def test_a_type_without_a_rate_is_marked_and_warned_at_planning_and_offers_no_pay_form(app, client, login, world,
                                                                                        tasks):
    import sqlalchemy as sa

    from hygiene.extensions import db
    from hygiene.toilets.models import HouseholdToilet

    login("admin_a")
    toilet_id = made_id(add(client, world, world.household_a1))
    form = client.get(f"/toilets/households/{toilet_id}").text
    assert "本任务未规定补助标准" in form.split('name="toilet_type"')[1].split("</select>")[0]  # a type without one
    planned = step(client, toilet_id, "plan", toilet_type="urine_diverting")
    assert planned.status_code == 303
    assert "本任务未规定该类型的补助标准" in client.get(f"/toilets/households/{toilet_id}").text
    with app.app_context():
        db.session.execute(sa.update(HouseholdToilet).where(HouseholdToilet.id == toilet_id).values(
            stage=ToiletStage.ACCEPTED, accepted_on=local_today()))
        db.session.commit()
    page = client.get(f"/toilets/households/{toilet_id}").text
    assert "本任务未规定该类型的补助标准" in page and f"/toilets/households/{toilet_id}/pay" not in page


def test_an_import_row_without_a_group_finds_a_unique_head_and_asks_for_the_group_otherwise(app, client, login,
                                                                                            world, tasks):
    from hygiene.extensions import db
    from hygiene.places.models import Household
    from tests.toilets.test_import_surveyed import upload, workbook

    login("admin_a")
    assert upload(client, workbook([("甲一村", "", "a1户主", "", "")])).status_code == 200  # unique: found
    with app.app_context():
        db.session.add(Household(head_name="a1户主", group_name="三组", village_id=world.a1))
        db.session.commit()
    refused = upload(client, workbook([("甲一村", "", "a1户主", "", "")]))
    assert refused.status_code == 422 and "有 2 位户主名为“a1户主”（一组、三组）：请填写所属组" in refused.text
    assert upload(client, workbook([("甲一村", "三组", "a1户主", "", "")])).status_code == 200


def test_a_unit_contact_cannot_download_the_toilet_exports(app, client, login, world, tasks):
    login("unit_a1")
    for kind in ("toilet_roster", "toilet_subsidies"):
        assert client.get(f"/exports/{kind}.xlsx").status_code == 403
        assert client.post(f"/exports/{kind}.xlsx").status_code in (400, 403)
    login("village_a1")
    assert client.get("/exports/toilet_roster.xlsx").status_code == 200


def test_an_unreadable_year_on_the_board_and_tasks_pages_is_said_to_be_left_out(app, client, login, world, tasks):
    login("admin_a")
    for page in ("/toilets/board?year=abc", "/toilets/tasks?year=abc", "/toilets/board?year=99999999999999999999"):
        answer = client.get(page)
        assert answer.status_code == 200 and "无法识别" in answer.text, page
    assert "无法识别" not in client.get("/toilets/board").text


def test_village_groups_sort_in_their_natural_order():
    from hygiene.toilets.group_order import group_key

    names = ["三组", "十一组", "二组", "十组", "一组", "二十组", "村委"]
    assert sorted(names, key=group_key) == ["一组", "二组", "三组", "十组", "十一组", "二十组", "村委"]
    assert sorted(["10组", "2组", "1组"], key=group_key) == ["1组", "2组", "10组"]


def test_the_trail_and_forms_read_plainly(app, client, login, world, tasks, checklists):
    """The payer by name; a failed acceptance's reasons said once in the trail and none on a pass."""
    from tests.toilets.test_acceptance import fill_and_publish
    from tests.toilets.test_subsidy import accepted

    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    assert step(client, toilet_id, "pay").status_code == 303
    page = client.get(f"/toilets/households/{toilet_id}").text
    assert "补助发放人</b>: <ins>admin_a</ins>" in page
    project_id = public.built(client, world)
    assert public.ask(client, world, project_id).status_code == 303
    reasons = fill_and_publish(app, world, public.project_of(app, project_id).acceptance_inspection_id, failing=1)
    failed = client.get(f"/toilets/public/{project_id}").text
    assert "失败" not in failed
    trail = failed[failed.find('id="history"'):]
    assert reasons[0] in trail and trail.count("不合格原因") <= 1


def test_rates_read_in_the_forms_order_and_a_village_listing_more_than_its_quota_gets_a_note(app, client, login,
                                                                                             world):
    from tests.toilets.task_helpers import add_task, add_toilets

    with app.app_context():
        task = add_task(world.a1, year=local_today().year, quota=2,
                        rates={"double_urn": "800.00", "three_compartment": "1000.00"})
        add_toilets(task, ToiletStage.SURVEYED, 3)
    login("admin_a")
    tasks_page = client.get(f"/toilets/tasks?year={local_today().year}").text
    assert tasks_page.index("三格化粪池式") < tasks_page.index("双瓮漏斗式")  # kinds.yaml's order, as in the form
    board = client.get(f"/toilets/board?year={local_today().year}").text
    assert "已列入 3 户，任务数为 2 户：比任务多 1 户（不是错误）" in board
