"""The counts the campaign board reads are kept equal to the tasks: after a campaign is made, tasks
added, completed, reopened, the campaign closed or cancelled; identical-place completions at the
same moment add up (both databases); `flask campaigns rebuild-counts` gives the same counts."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import sqlalchemy as sa

from hygiene.campaigns import counts as place_counts
from hygiene.campaigns.models import Campaign, CampaignPlaceCount, CampaignTask
from hygiene.campaigns.status import TaskStatus
from hygiene.extensions import db
from tests.campaigns.helpers import TODAY, add_campaign, campaign_data, complete_data, post_form, signed_in


def kept(app) -> set[tuple]:
    with app.app_context():
        c = CampaignPlaceCount
        return set(db.session.execute(sa.select(c.campaign_id, c.place_key, c.due_on, c.township_id, c.village_id,
                                                c.unit_id, c.tasks, c.done)).all())


def of_tasks(app) -> set[tuple]:
    """What the counts must be: the tasks counted afresh per campaign, place and due date."""
    with app.app_context():
        t = CampaignTask
        return set(db.session.execute(
            sa.select(t.campaign_id, t.place_key, t.due_on, t.township_id, t.village_id, t.unit_id,
                      sa.func.count(), sa.func.count().filter(t.status == TaskStatus.DONE))
            .group_by(t.campaign_id, t.place_key, t.due_on, t.township_id, t.village_id, t.unit_id)).all())


def test_the_counts_follow_every_write_to_the_tasks(app, client, login, world):
    login("admin_a")
    assert client.post("/campaigns/new", data=campaign_data()).status_code == 303
    with app.app_context():
        campaign_id = db.session.scalar(sa.select(Campaign.id))
        tasks = {t.place_key: t.id for t in db.session.scalars(sa.select(CampaignTask))}
    assert kept(app) == of_tasks(app) and len(kept(app)) == 2
    steps = [
        (f"/campaigns/{campaign_id}/tasks/new", {"title": "宣传栏更新", "all_villages": "y", "unit_ids": [world.unit_a1],
                                                "due_on": (TODAY + timedelta(days=5)).isoformat()}),
        (f"/campaigns/tasks/{tasks[f'village:{world.a1}']}/complete", complete_data()),
        (f"/campaigns/tasks/{tasks[f'village:{world.a2}']}/complete", complete_data()),
        (f"/campaigns/tasks/{tasks[f'village:{world.a1}']}/reopen", {"note": "沟渠仍有垃圾"}),
        (f"/campaigns/{campaign_id}/close", {}),
        (f"/campaigns/{campaign_id}/reopen", {}),
        (f"/campaigns/{campaign_id}/cancel", {"confirm": "yes"}),
    ]
    for url, data in steps:
        assert client.post(url, data=data).status_code in (302, 303), url
        assert kept(app) == of_tasks(app), url
    done = {(key, n) for _c, key, _d, _t, _v, _u, _n, n in kept(app) if n}
    assert done == {(f"village:{world.a2}", 1)}
    assert len(kept(app)) == 5   # two villages × two due dates, and the unit's


def test_the_board_reads_late_from_the_due_dates_kept(app, world):
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None), ("a2", None)), due_on=TODAY - timedelta(days=1))
        from hygiene.access.scope import Scope
        from hygiene.campaigns import queries

        campaign = db.session.get(Campaign, ids["campaign"])
        today = [row.progress.late for row in queries.board(scope=Scope.county(), campaign=campaign, today=TODAY)]
        before = [row.progress.late for row in queries.board(scope=Scope.county(), campaign=campaign,
                                                             today=TODAY - timedelta(days=1))]
    assert today == [1, 1] and before == [0, 0]


def test_completions_of_one_place_at_the_same_moment_all_count(app, live, world):
    """Four tasks of one village, completed at once by four requests: the place counts four done
    (each request recounts after the others' tasks are committed, under the campaign's lock)."""
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None),), title="大扫除")
        campaign = db.session.get(Campaign, ids["campaign"])
        task_ids = [ids["a1"]]
        for title in ("宣传栏更新", "门前三包", "清理沟渠"):
            task = CampaignTask(campaign_id=campaign.id, township_id=campaign.township_id, village_id=world.a1,
                                place_key=CampaignTask.key_of(world.a1, None), title=title,
                                due_on=TODAY + timedelta(days=3))
            db.session.add(task)
            db.session.flush()
            task_ids.append(task.id)
        place_counts.refresh(campaign.id)
        db.session.commit()
    opener = signed_in(live, "village_a1")
    start, statuses = threading.Barrier(len(task_ids)), []

    def post(task_id):
        start.wait()
        statuses.append(post_form(opener, f"{live}/campaigns/tasks/{task_id}/complete",
                                  {"done_on": TODAY.isoformat(), "note": "已完成", "request_key": uuid.uuid4().hex}))

    workers = [threading.Thread(target=post, args=(task_id,)) for task_id in task_ids]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * len(task_ids)
    assert kept(app) == of_tasks(app)
    assert [(tasks, done) for *_rest, tasks, done in kept(app)] == [(4, 4)]


def test_rebuilding_gives_the_counts_kept(app, client, login, world):
    login("admin_a")
    assert client.post("/campaigns/new", data=campaign_data()).status_code == 303
    with app.app_context():
        task_id = db.session.scalar(sa.select(CampaignTask.id).where(CampaignTask.village_id == world.a1))
    assert client.post(f"/campaigns/tasks/{task_id}/complete", data=complete_data()).status_code == 303
    before = kept(app)
    result = app.test_cli_runner().invoke(args=["campaigns", "rebuild-counts"])
    assert result.exit_code == 0 and "2 campaign place counts" in result.output
    assert kept(app) == before == of_tasks(app)
