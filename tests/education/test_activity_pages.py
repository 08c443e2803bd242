"""The activity log: a contact or the office enters an activity with photos; bad input is refused
beside its field with nothing kept; another village's or unit's log is a 404 by every URL; a
double tap (or identical posts at the same moment) makes one activity."""
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.clock import local_today
from hygiene.education.models import EducationActivity
from hygiene.extensions import db
from hygiene.media.models import Photo
from tests.education.helpers import made_id, record
from tests.rectifications.test_evidence_once import signed_in, status_of
from tests.toilets.test_toilet_pages import photo


def count(app, model=EducationActivity, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_a_village_contact_records_a_lecture_with_photos_and_sees_it_in_the_log(app, client, login, world):
    login("village_a1")
    form = client.get("/education/new").text
    assert "讲座" in form and "甲一村" in form and "甲二村" not in form and "饭店" not in form
    activity_id = made_id(record(client, f"village:{world.a1}", files=[photo(1), photo(2, "q.jpg")]))
    page = client.get(f"/education/{activity_id}").text
    assert "冬季流感预防" in page and "35" in page and page.count("/inspections/photos/") >= 2
    log = client.get("/education/").text
    assert f"/education/{activity_id}" in log and "冬季流感预防" in log
    with app.app_context():
        photos = db.session.scalars(sa.select(Photo).where(Photo.education_activity_id == activity_id)).all()
        assert [p.purpose for p in photos] == ["education", "education"]
        photo_id = photos[0].id
    shown = client.get(f"/inspections/photos/{photo_id}/thumb")
    shown.close()
    assert shown.status_code == 200
    assert count(app, AuditEvent, AuditEvent.entity_type == "education_activity") == 1
    login("village_b1")
    assert client.get(f"/inspections/photos/{photo_id}/thumb").status_code == 404


def test_the_office_records_for_a_unit_and_the_unit_contact_for_its_own(app, client, login, world):
    login("admin_a")
    form = client.get("/education/new").text
    assert "甲一村 · a1饭店" in form and "乙一村" not in form
    made_id(record(client, f"unit:{world.unit_a1}", kind="column", attendance="", topic="食品安全专栏"))
    login("unit_a1")
    assert "食品安全专栏" in client.get("/education/").text
    made_id(record(client, f"unit:{world.unit_a1}", kind="board", attendance="", topic="控烟宣传"))
    assert record(client, f"village:{world.a1}").status_code == 403
    login("inspector_a")
    made_id(record(client, f"village:{world.a2}", kind="consultation", attendance="80", topic="义诊"))
    assert count(app) == 3


@pytest.mark.parametrize(("fields", "field_message"), [
    ({"topic": ""}, "必填"),
    ({"topic": "讲" * 201}, "200"),
    ({"kind": "party"}, "请从列表中选择活动"),
    ({"held_on": "2026-02-30"}, "不是有效的日期"),
    ({"held_on": ""}, "请输入日期"),
    ({"held_on": "0001-01-01"}, "2000-01-01"),
    ({"held_on": (local_today() + timedelta(days=1)).isoformat()}, "晚于今天"),
    ({"attendance": "-3"}, "100000"),
    ({"attendance": "99999999999999999999"}, "100000"),
    ({"kind": "board", "attendance": "20"}, "讲座和咨询"),
    ({"note": "x" * 2001}, "2000"),
])
def test_bad_input_is_refused_beside_the_field_and_nothing_is_kept(app, client, login, world, fields, field_message):
    login("village_a1")
    response = record(client, f"village:{world.a1}", **fields)
    assert response.status_code == 422
    assert field_message in response.text
    assert count(app) == 0 and count(app, Photo) == 0


@pytest.mark.parametrize("subject", ["village:abc", "town:1", "village:-4", ""])
def test_an_unreadable_subject_is_refused_in_the_form(app, client, login, world, subject):
    login("admin_a")
    response = record(client, subject)
    assert response.status_code == 422 and "请从列表中选择村或单位" in response.text
    assert count(app) == 0


def test_a_huge_or_foreign_subject_is_no_record(app, client, login, world):
    login("village_a1")
    assert record(client, "village:99999999999999999999").status_code in (404, 422)
    assert record(client, f"village:{world.b1}").status_code == 404
    assert record(client, f"village:{world.a2}").status_code == 404
    assert record(client, f"unit:{world.unit_a1}").status_code == 403  # a village contact keeps the village's log
    assert record(client, f"village:{world.a1}", topic="a\x00b").status_code == 400
    assert count(app) == 0


def test_a_bad_photo_keeps_nothing(app, client, login, world):
    login("village_a1")
    from io import BytesIO

    response = record(client, f"village:{world.a1}", files=[(BytesIO(b"not an image"), "x.jpg")])
    assert response.status_code == 422
    assert count(app) == 0 and count(app, Photo) == 0


def test_another_village_or_unit_reads_none_of_it(app, client, login, world):
    login("village_a1")
    village_id = made_id(record(client, f"village:{world.a1}"))
    login("admin_a")
    unit_id = made_id(record(client, f"unit:{world.unit_a1}", kind="column", attendance=""))
    for user, seen, hidden in (("village_b1", [], [village_id, unit_id]), ("admin_b", [], [village_id, unit_id]),
                               ("unit_a1", [unit_id], [village_id]), ("village_a1", [village_id], [unit_id]),
                               ("inspector_a", [village_id, unit_id], [])):
        login(user)
        log = client.get("/education/").text
        for activity_id in seen:
            assert client.get(f"/education/{activity_id}").status_code == 200, user
            assert f"/education/{activity_id}\"" in log, user
        for activity_id in hidden:
            assert client.get(f"/education/{activity_id}").status_code == 404, user
            assert f"/education/{activity_id}\"" not in log, user
    assert client.get("/education/99999999999999999999").status_code == 404


def test_the_same_form_sent_twice_makes_one_activity(app, client, login, world):
    login("village_a1")
    key = uuid.uuid4().hex
    first = made_id(record(client, f"village:{world.a1}", request_key=key, files=[photo(5)]))
    second = made_id(record(client, f"village:{world.a1}", request_key=key, files=[photo(5)]))
    assert first == second and count(app) == 1 and count(app, Photo) == 1


def test_identical_posts_at_the_same_moment_make_one_activity(app, live, world):
    opener = signed_in(live, "village_a1")
    start, statuses, key = threading.Barrier(4), [], uuid.uuid4().hex

    def post():
        body = urllib.parse.urlencode({"subject": f"village:{world.a1}", "kind": "board", "topic": "秋冬防病",
                                       "held_on": local_today().isoformat(), "request_key": key}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/education/new", data=body)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert count(app) == 1
    assert count(app, AuditEvent, AuditEvent.entity_type == "education_activity") == 1


def test_the_log_filters_and_reads_bad_filters_as_left_out(app, client, login, world):
    login("admin_a")
    made_id(record(client, f"village:{world.a1}", topic="讲座甲"))
    made_id(record(client, f"village:{world.a2}", kind="board", attendance="", topic="宣传栏乙"))
    page = client.get("/education/?kind=board").text
    assert "宣传栏乙" in page and "讲座甲" not in page
    page = client.get(f"/education/?village_id={world.a1}&year={local_today().year}&month={local_today().month}").text
    assert "讲座甲" in page and "宣传栏乙" not in page
    odd = client.get("/education/?year=99999999999999999999&month=13&kind=x&village_id=-1")
    assert odd.status_code == 200 and "讲座甲" in odd.text and "筛选条件" in odd.text


def test_the_log_page_runs_a_fixed_number_of_queries(app, client, login, world, count_queries):
    login("admin_a")
    made_id(record(client, f"village:{world.a1}", files=[photo(7)]))
    with count_queries() as few:
        assert client.get("/education/").status_code == 200
    for n in range(12):
        made_id(record(client, f"village:{world.a2}", topic=f"第{n}讲"))
    with count_queries() as many:
        assert client.get("/education/").status_code == 200
    assert many[0] == few[0]


def test_signed_out_every_page_leads_to_sign_in_and_a_nul_is_a_400(client, world):
    for url in ("/education/", "/education/cadence", "/education/new", "/education/settings", "/education/1"):
        assert client.get(url).status_code == 302, url
        assert client.get(url, query_string={"q": "a\x00b"}).status_code == 400, url
