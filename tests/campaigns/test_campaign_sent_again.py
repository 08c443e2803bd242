"""Back, then submit again: the same campaign (township, title, start) with a new key is refused
naming the first; the same key answers like the first; a cancelled one leaves room; two at once
with new keys make one."""
from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa

from hygiene.campaigns.models import Campaign, CampaignTask
from hygiene.extensions import db
from tests.campaigns.helpers import campaign_data, post_form, signed_in


def campaigns(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) or 0


def test_the_same_campaign_sent_again_with_a_new_key_is_refused_naming_the_first(app, client, login, world):
    login("admin_a")
    data = campaign_data()
    assert client.post("/campaigns/new", data=data).status_code == 303
    assert client.post("/campaigns/new", data=data).status_code == 303
    again = client.post("/campaigns/new", data=data | {"request_key": uuid.uuid4().hex})
    assert again.status_code == 422
    with app.app_context():
        first = db.session.scalars(sa.select(Campaign)).one()
        first_id, tasks = first.id, db.session.scalar(sa.select(sa.func.count()).select_from(CampaignTask))
    assert f"爱卫活动“第38个爱国卫生月”已存在（编号{first_id}）" in again.text
    assert campaigns(app) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignTask)) == tasks
    assert client.post(f"/campaigns/{first_id}/cancel", data={"confirm": "yes"}).status_code in (302, 303)
    assert client.post("/campaigns/new", data=campaign_data()).status_code == 303  # cancelled: room again
    assert campaigns(app) == 2


def test_two_posts_of_the_same_campaign_at_once_with_new_keys_make_one(app, live, world):
    opener = signed_in(live, "admin_a")
    start, statuses = threading.Barrier(4), []

    def post():
        start.wait()
        statuses.append(post_form(opener, f"{live}/campaigns/new", campaign_data(request_key=uuid.uuid4().hex)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(statuses) == [303, 422, 422, 422]
    assert campaigns(app) == 1
