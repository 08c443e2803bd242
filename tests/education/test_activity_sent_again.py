"""Back, then submit again: the same activity (subject, kind, day, topic) with a new key is refused
naming the first; the same key answers like the first; two at once with new keys make one."""
from __future__ import annotations

import threading
import uuid

from hygiene.clock import local_today
from hygiene.education.models import EducationActivity
from tests.campaigns.helpers import post_form, signed_in
from tests.education.helpers import made_id, record
from tests.education.test_activity_pages import count


def test_the_same_activity_sent_again_with_a_new_key_is_refused_naming_the_first(app, client, login, world):
    login("village_a1")
    key = uuid.uuid4().hex
    first = made_id(record(client, f"village:{world.a1}", request_key=key))
    assert made_id(record(client, f"village:{world.a1}", request_key=key)) == first
    again = record(client, f"village:{world.a1}")
    assert again.status_code == 422
    assert f"的记录中已有这次活动（{local_today().isoformat()}" in again.text and f"编号{first}" in again.text
    assert count(app) == 1
    made_id(record(client, f"village:{world.a1}", topic="夏季肠道传染病预防"))  # another topic: another
    login("admin_a")  # the same words in a unit's log are the unit's own activity
    made_id(record(client, f"unit:{world.unit_a1}"))
    assert record(client, f"unit:{world.unit_a1}").status_code == 422
    assert count(app) == 3


def test_two_posts_of_the_same_activity_at_once_with_new_keys_make_one(app, live, world):
    opener = signed_in(live, "village_a1")
    start, statuses = threading.Barrier(4), []

    def post():
        start.wait()
        statuses.append(post_form(opener, f"{live}/education/new", {
            "subject": f"village:{world.a1}", "kind": "lecture", "held_on": local_today().isoformat(),
            "topic": "冬季流感预防", "attendance": "20", "note": "", "request_key": uuid.uuid4().hex}))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(statuses) == [303, 422, 422, 422]
    assert count(app, EducationActivity) == 1
