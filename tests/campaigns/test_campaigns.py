"""Campaigns the office runs: made from the calendar or on their own with a task for each
village or unit, once per form (a double tap, two at the same moment), bad input refused with
nothing written, more tasks added without doubles, the board of who is done, late and open, and
the moves (close, reopen, cancel). Villages and units see only their own."""
import threading
from datetime import timedelta

import sqlalchemy as sa

from hygiene.campaigns import counts as place_counts
from hygiene.campaigns.models import Campaign, CampaignEvent, CampaignTask
from hygiene.campaigns.status import CampaignStatus, TaskStatus
from hygiene.extensions import db
from tests.campaigns.helpers import TODAY, add_campaign, campaign_data, counts, post_form, signed_in


def tasks_of(app, campaign_id):
    with app.app_context():
        return list(db.session.scalars(sa.select(CampaignTask).where(CampaignTask.campaign_id == campaign_id)
                                       .order_by(CampaignTask.id)))


def only_campaign(app):
    with app.app_context():
        return db.session.scalars(sa.select(Campaign)).one()


def test_the_office_starts_a_campaign_from_a_calendar_event_with_a_task_for_every_village(app, client, login, world):
    login("admin_a")
    client.post("/campaigns/calendar/generate", data={"year": str(TODAY.year)})
    with app.app_context():
        event = db.session.scalars(sa.select(CampaignEvent).where(CampaignEvent.key == "hygiene_month")).one()
    form = client.get(f"/campaigns/new?event_id={event.id}").get_data(as_text=True)
    assert event.name in form and "大扫除" in form
    answer = client.post("/campaigns/new", data=campaign_data(event_id=str(event.id), name=event.name))
    assert answer.status_code == 303
    campaign = only_campaign(app)
    assert campaign.event_id == event.id and campaign.status == CampaignStatus.ACTIVE
    made = tasks_of(app, campaign.id)
    assert sorted(t.village_id for t in made) == sorted([world.a1, world.a2])  # not township B's village
    assert {t.title for t in made} == {"大扫除"} and {t.status for t in made} == {TaskStatus.OPEN}
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "甲一村" in page and "甲二村" in page and "0 / 2" in page
    calendar = client.get(f"/campaigns/calendar?year={TODAY.year}").get_data(as_text=True)
    assert f"/campaigns/{campaign.id}" in calendar


def test_a_campaign_for_chosen_villages_and_units(app, client, login, world):
    login("admin_a")
    answer = client.post("/campaigns/new", data=campaign_data(all_villages="", village_ids=[str(world.a2)],
                                                              unit_ids=[str(world.unit_a1)], title="宣传栏更新"))
    assert answer.status_code == 303
    made = tasks_of(app, only_campaign(app).id)
    assert sorted((t.village_id, t.unit_id) for t in made) == sorted([(world.a2, None), (world.a1, world.unit_a1)])


def test_a_double_tap_and_two_identical_posts_at_once_make_one_campaign(app, live, client, login, world):
    login("admin_a")
    data = campaign_data()
    assert client.post("/campaigns/new", data=data).status_code == 303
    assert client.post("/campaigns/new", data=data).status_code == 303
    assert len(tasks_of(app, only_campaign(app).id)) == 2
    opener = signed_in(live, "admin_a")
    start, statuses, again = threading.Barrier(4), [], campaign_data(name="国庆节前环境卫生大扫除")

    def post():
        start.wait()
        statuses.append(post_form(opener, f"{live}/campaigns/new", again))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignTask)) == 4


def test_bad_campaign_input_is_refused_with_messages_and_nothing_written(app, client, login, world):
    login("admin_a")
    before = counts(app)
    for changes in ({"name": ""}, {"ends_on": (TODAY - timedelta(days=1)).isoformat()},
                    {"starts_on": "2026-13-01"}, {"starts_on": "1900-01-01"}, {"due_on": ""},
                    {"title": ""}, {"all_villages": "", "village_ids": []},
                    {"all_villages": "", "village_ids": [str(world.b1)]},
                    {"all_villages": "", "village_ids": ["99999999999999999999"]},
                    {"all_villages": "", "village_ids": ["-3"]}, {"unit_ids": [str(world.unit_b1)]},
                    {"event_id": "99999999999999999999"}, {"name": "名" * 101}, {"description": "x" * 2001}):
        answer = client.post("/campaigns/new", data=campaign_data(**changes))
        assert answer.status_code == 422, changes
        assert 'class="error' in answer.get_data(as_text=True), changes
    assert client.post("/campaigns/new", data=campaign_data(name="大\x00扫除")).status_code == 400
    assert client.get("/campaigns/new?event_id=99999999999999999999").status_code in (200, 404)
    assert counts(app) == before


def test_adding_tasks_gives_each_place_one_task_of_a_title(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None),))
    login("admin_a")
    data = {"title": "大扫除", "due_on": (TODAY + timedelta(days=3)).isoformat(), "all_villages": "y"}
    assert client.post(f"/campaigns/{ids['campaign']}/tasks/new", data=data).status_code == 303
    assert client.post(f"/campaigns/{ids['campaign']}/tasks/new", data=data).status_code == 303
    made = tasks_of(app, ids["campaign"])
    assert sorted(t.village_id for t in made) == sorted([world.a1, world.a2])
    assert client.post(f"/campaigns/{ids['campaign']}/tasks/new", data=data | {"due_on": "x"}).status_code == 422
    assert len(tasks_of(app, ids["campaign"])) == 2


def test_the_board_shows_each_place_done_late_and_open_in_one_query(app, client, login, world, count_queries):
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None), ("a2", None), ("a1", "unit_a1")))
        late = db.session.get(CampaignTask, ids["a2"])
        late.due_on = TODAY - timedelta(days=1)
        done = db.session.get(CampaignTask, ids["a1"])
        done.status, done.done_on = TaskStatus.DONE, TODAY
        place_counts.refresh(ids["campaign"])  # written straight to the tasks: the services do this
        db.session.commit()
        from hygiene.access.scope import Scope
        from hygiene.accounts.models import User
        from hygiene.campaigns import queries

        scope = Scope.of(db.session.get(User, world.user_admin_a))
        campaign = db.session.get(Campaign, ids["campaign"])
        with count_queries() as n:
            rows = queries.board(scope=scope, campaign=campaign, today=TODAY)
        assert n[0] == 1
        assert [(r.name, r.progress.done, r.progress.late, r.progress.open) for r in rows] == [
            ("甲一村", 1, 0, 0), ("a1饭店", 0, 0, 1), ("甲二村", 0, 1, 0)]
    login("admin_a")
    page = client.get(f"/campaigns/{ids['campaign']}").get_data(as_text=True)
    assert "1 / 3" in page
    listing = client.get("/campaigns/?year=99999999999999999999")
    assert listing.status_code == 200 and "1 / 3 (33%)" in listing.get_data(as_text=True)
    late_list = client.get(f"/campaigns/{ids['campaign']}/tasks?state=late").get_data(as_text=True)
    assert "甲二村" in late_list and "甲一村" not in late_list
    assert client.get(f"/campaigns/{ids['campaign']}/tasks?state=bogus&place=x:1").status_code == 200


def test_villages_and_units_see_only_their_own_tasks(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None), ("a2", None), ("a1", "unit_a1")))
        far = add_campaign(world, township="tb", places=(("b1", None),), name="乙镇大扫除")
    login("village_a1")
    mine = client.get("/campaigns/").get_data(as_text=True)
    assert "元旦前环境卫生大扫除" in mine and "乙镇大扫除" not in mine
    assert client.get(f"/campaigns/tasks/{ids['a1']}").status_code == 200
    assert client.get(f"/campaigns/tasks/{ids['a2']}").status_code == 404
    assert client.get(f"/campaigns/tasks/{far['b1']}").status_code == 404
    assert client.get(f"/campaigns/{far['campaign']}").status_code == 404
    board = client.get(f"/campaigns/{ids['campaign']}").get_data(as_text=True)
    assert "甲一村" in board and "甲二村" not in board
    assert client.get("/campaigns/new").status_code == 403
    assert client.post(f"/campaigns/{ids['campaign']}/close").status_code == 403
    assert client.get(f"/campaigns/{ids['campaign']}/tasks/new").status_code == 403
    login("unit_a1")
    assert client.get(f"/campaigns/tasks/{ids['unit_a1']}").status_code == 200
    assert client.get(f"/campaigns/tasks/{ids['a1']}").status_code == 404
    login("admin_b")
    assert client.get(f"/campaigns/{ids['campaign']}").status_code == 404
    assert client.get(f"/campaigns/tasks/{ids['a1']}").status_code == 404
    assert client.post(f"/campaigns/{ids['campaign']}/close").status_code == 404
    assert client.get("/campaigns/99999999999999999999").status_code == 404
    assert client.get("/campaigns/tasks/99999999999999999999").status_code == 404


def test_a_campaign_is_closed_reopened_and_cancelled_by_the_office(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
    login("admin_a")
    url = f"/campaigns/{ids['campaign']}"
    assert client.post(f"{url}/close").status_code == 303
    assert client.post(f"{url}/close").status_code == 303   # the same click twice
    assert only_campaign(app).status == CampaignStatus.CLOSED
    assert client.post(f"{url}/reopen").status_code == 303
    asked = client.get(f"{url}/cancel")   # cancelling asks first, on a page of its own
    assert asked.status_code == 200 and "元旦前环境卫生大扫除" in asked.text and 'name="confirm"' in asked.text
    assert client.post(f"{url}/cancel").status_code == 200   # an old page's one click only asks
    assert only_campaign(app).status == CampaignStatus.ACTIVE
    assert client.post(f"{url}/cancel", data={"confirm": "yes"}).status_code == 303
    assert only_campaign(app).status == CampaignStatus.CANCELLED
    client.post(f"{url}/reopen", follow_redirects=False)
    assert only_campaign(app).status == CampaignStatus.CANCELLED
    assert client.post(f"{url}/explode").status_code == 404
    login("village_a1")   # a cancelled campaign is no longer theirs to see
    assert client.get(url).status_code == 404


def test_a_due_date_outside_the_campaign_is_refused_with_a_message(app, client, login, world):
    login("admin_a")
    before = counts(app)
    for due in (TODAY + timedelta(days=21), TODAY - timedelta(days=1)):
        answer = client.post("/campaigns/new", data=campaign_data(due_on=due.isoformat()))
        assert answer.status_code == 422 and "截止日期须在活动期间" in answer.get_data(as_text=True)
    assert counts(app) == before
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None),))  # runs from five days ago for twenty days
    late = {"title": "宣传栏更新", "due_on": (TODAY + timedelta(days=16)).isoformat(), "all_villages": "y"}
    answer = client.post(f"/campaigns/{ids['campaign']}/tasks/new", data=late)
    assert answer.status_code == 422 and "截止日期须在活动期间" in answer.get_data(as_text=True)
    assert len(tasks_of(app, ids["campaign"])) == 1
