"""Back, then submit again: the form carries a new key, and the same banquet (village, host, day)
is refused naming the first; the same key still answers like the first; two at once make one."""
from __future__ import annotations

import threading
import urllib.parse
import urllib.request
import uuid

import pytest
import time_machine

from hygiene.food.models import Banquet
from hygiene.food.status import BanquetStatus
from tests.food.helpers import NOW, banquet_form, count, get, made_id, register
from tests.rectifications.test_evidence_once import signed_in, status_of


@pytest.fixture(autouse=True)
def in_june():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_same_banquet_sent_again_with_a_new_key_is_refused_naming_the_first(app, client, login, world):
    login("village_a1")
    form = banquet_form(world.a1)
    first = made_id(client.post("/food/banquets/new", data=form))
    assert made_id(client.post("/food/banquets/new", data=form)) == first  # the same key: as the first
    again = client.post("/food/banquets/new", data=form | {"request_key": uuid.uuid4().hex})
    assert again.status_code == 422
    assert f"王大明在2026-06-20的聚餐已登记（编号{first}" in again.text
    assert count(app, Banquet) == 1
    # another host, or the same host another day, is another banquet
    made_id(register(client, world.a1, host_name="张小红"))
    made_id(register(client, world.a1, banquet_on="2026-06-21"))
    # a cancelled banquet leaves room for a new registration
    assert client.post(f"/food/banquets/{first}/cancel", data={"confirm": "yes"}).status_code == 303
    assert get(app, Banquet, first).status == BanquetStatus.CANCELLED
    made_id(register(client, world.a1))
    assert count(app, Banquet) == 4


def test_an_edit_onto_another_live_banquet_is_refused(app, client, login, world):
    login("village_a1")
    made_id(register(client, world.a1))
    other = made_id(register(client, world.a1, host_name="张小红"))
    response = client.post(f"/food/banquets/{other}/edit", data=banquet_form(world.a1))
    assert response.status_code == 422 and "已登记" in response.text
    assert get(app, Banquet, other).host_name == "张小红"


def test_two_posts_of_the_same_banquet_at_once_with_new_keys_make_one(app, live, world):
    opener = signed_in(live, "village_a1")
    start, statuses = threading.Barrier(4), []

    def post():
        start.wait()
        body = banquet_form(world.a1, request_key=uuid.uuid4().hex)
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/food/banquets/new",
                                                                 data=urllib.parse.urlencode(body).encode())))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(statuses) == [303, 422, 422, 422]
    assert count(app, Banquet) == 1
