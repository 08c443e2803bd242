"""The supplies ledger's side of round work: each use comes from the target's holder, tied to the
round, never below zero, even when several posts arrive at the same moment (both databases)."""
import threading
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.models import SupplyMovement
from hygiene.pests.rounds.models import RoundWork
from tests.pests.rounds.test_work import balance, counts, field_fixture, post_work, target_url, work_data  # noqa: F401
from tests.rectifications.test_evidence_once import signed_in, status_of


def at_once(live, username, posts):
    """Send the (url, fields) posts at the same moment; their statuses."""
    opener = signed_in(live, username)
    start, statuses = threading.Barrier(len(posts)), []

    def post(url, fields):
        body = urllib.parse.urlencode(fields).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}{url}", data=body)))

    workers = [threading.Thread(target=post, args=one) for one in posts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return sorted(statuses)


def test_the_use_shows_in_the_ledger_as_used_by_the_village(app, client, login, world, field):
    login("village_a1")
    assert post_work(client, field, quantity_used="4").status_code == 303
    login("admin_a")
    product = client.get(f"/supplies/{field.bait}").text
    assert "使用" in product and "甲一村" in product
    with app.app_context():
        use = db.session.scalar(sa.select(SupplyMovement).where(SupplyMovement.kind == "use"))
        assert (use.round_id, use.quantity, use.taker_name) == (field.round, Decimal(4), "张村医")
    assert balance(app, field.bait, village_id=world.a1) == Decimal(6)


def test_a_unit_targets_use_comes_from_the_unit_not_the_village(app, client, login, world, field):
    login("unit_a1")
    assert post_work(client, field, target="t_unit", households_covered="1", quantity_used="3").status_code == 303
    assert balance(app, field.bait, village_id=world.a1, unit_id=world.unit_a1) == 0
    assert balance(app, field.bait, village_id=world.a1) == Decimal(10)
    response = post_work(client, field, target="t_unit", households_covered="1", quantity_used="0.5")
    assert response.status_code == 422 and "未发放给" in response.text  # nothing left: no longer held


def test_uses_at_the_same_moment_never_take_the_holding_below_zero(app, live, world, field):
    url = target_url(field.round, field.t_a1, "/work/new")
    posts = [(url, work_data(field, quantity_used="3", households_covered="10")) for _ in range(4)]
    assert at_once(live, "village_a1", posts) == [303, 303, 303, 422]
    assert balance(app, field.bait, village_id=world.a1) == Decimal(1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundWork)) == 3


def test_the_same_work_sent_at_the_same_moment_records_once(app, live, world, field):
    url = target_url(field.round, field.t_a1, "/work/new")
    same = work_data(field, quantity_used="2")
    assert at_once(live, "village_a1", [(url, same)] * 4) == [303] * 4
    assert balance(app, field.bait, village_id=world.a1) == Decimal(8)
    assert counts(app)[:2] == (1, 6)  # one work; five ledger rows of the fixture and one use


def test_a_removal_sent_twice_at_once_gives_back_what_was_used_once(app, client, live, login, world, field):
    login("village_a1")
    assert post_work(client, field, quantity_used="4", request_key=uuid.uuid4().hex).status_code == 303
    with app.app_context():
        work = db.session.scalar(sa.select(RoundWork.id))
    url = target_url(field.round, field.t_a1, f"/work/{work}/delete")
    assert at_once(live, "admin_a", [(url, {})] * 3) == [303] * 3
    assert balance(app, field.bait, village_id=world.a1) == Decimal(10)
    assert counts(app)[:2] == (0, 5)
