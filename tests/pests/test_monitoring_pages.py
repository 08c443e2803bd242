"""Density monitoring records: entry per method, refusals in Chinese, the record's level, the
levels page, and who reads what (a village contact its own village only)."""
import sqlalchemy as sa

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.pests.monitoring.models import MonitoringRecord

ROOM_SIGNS = "/pests/monitoring/new/rodent/room_signs"


def records(app) -> list[MonitoringRecord]:
    with app.app_context():
        return list(db.session.scalars(sa.select(MonitoringRecord).order_by(MonitoringRecord.id)))


def audits(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "monitoring_record"))


def enter(client, village_id, day="2026-10-20", key="k1", **counts):
    data = {"village_id": str(village_id), "surveyed_on": day, "request_key": key, "note": "秋季监测"}
    data |= {f"count_{name}": str(value) for name, value in counts.items()}
    return client.post(ROOM_SIGNS, data=data)


def test_the_office_enters_a_survey_and_sees_its_index_and_level(app, client, login, world):
    login("inspector_a")
    form = client.get(ROOM_SIGNS)
    assert form.status_code == 200 and "有鼠迹/蟑迹房间数" in form.text and "检查房间数" in form.text
    response = enter(client, world.a1, rooms_with_signs=2, rooms_checked=100)
    assert response.status_code == 303
    [record] = records(app)
    assert (record.pest, record.method, record.counts) == ("rodent", "room_signs",
                                                           {"rooms_with_signs": 2, "rooms_checked": 100})
    assert audits(app) == 1
    page = client.get(f"/pests/monitoring/{record.id}").text
    assert "2.00" in page and "B级" in page and "GB/T 27770-2011" in page


def test_a_method_without_levels_says_so(app, client, login, world):
    login("admin_a")
    response = client.post("/pests/monitoring/new/rodent/trap_night", data={
        "village_id": str(world.a1), "surveyed_on": "2026-10-20", "request_key": "t1",
        "count_rodents_caught": "3", "count_trap_nights_valid": "300"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "1.00" in page and "不用于控制水平评价" in page


def test_flies_after_the_2025_edition_are_graded_under_2011_and_say_so(app, client, login, world):
    login("admin_a")
    response = client.post("/pests/monitoring/new/fly/fly_rooms", data={
        "village_id": str(world.a1), "surveyed_on": "2026-07-01", "request_key": "f1",
        "count_rooms_with_flies": "1", "count_rooms_checked": "100", "count_flies_counted": "2"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "GB/T 27772-2025" in page and "尚未录入限值" in page and "GB/T 27772-2011" in page
    assert "A级" in page


def test_the_form_asks_what_the_level_needs_beside_the_methods_counts(app, client, login, world):
    login("admin_a")
    assert "有蝇房间内蝇数" in client.get("/pests/monitoring/new/fly/fly_rooms").text
    response = client.post("/pests/monitoring/new/fly/fly_rooms", data={
        "village_id": str(world.a1), "surveyed_on": "2026-07-01", "request_key": "f2",
        "count_rooms_with_flies": "3", "count_rooms_checked": "100", "count_flies_counted": "2"})
    assert response.status_code == 422 and "有蝇房间内蝇数（只）不能少于有蝇房间数" in response.text
    assert records(app) == []


def test_bad_counts_are_refused_in_chinese_and_nothing_is_written(app, client, login, world):
    login("admin_a")
    for counts, message in [({"rooms_with_signs": -1, "rooms_checked": 10}, "有鼠迹/蟑迹房间数不能为负数"),
                            ({"rooms_with_signs": 12, "rooms_checked": 10}, "不能多于检查房间数"),
                            ({"rooms_with_signs": 1, "rooms_checked": 0}, "必须大于0"),
                            ({"rooms_with_signs": "x", "rooms_checked": 10}, "必须是数字"),
                            ({"rooms_with_signs": 1.5, "rooms_checked": 10}, "必须是整数"),
                            ({"rooms_checked": 10}, "请填写有鼠迹/蟑迹房间数")]:
        response = enter(client, world.a1, **counts)
        assert response.status_code == 422 and message in response.text, counts
    assert enter(client, world.a1, day="2999-01-01", rooms_with_signs=1, rooms_checked=10).status_code == 422
    assert enter(client, "", rooms_with_signs=1, rooms_checked=10).status_code == 422
    assert records(app) == [] and audits(app) == 0


def test_another_townships_village_cannot_be_chosen(app, client, login, world):
    login("admin_a")
    response = enter(client, world.b1, rooms_with_signs=1, rooms_checked=10)
    assert response.status_code == 422 and records(app) == []


def test_a_double_tap_makes_one_record(app, client, login, world):
    login("admin_a")
    for _tap in range(2):
        assert enter(client, world.a1, key="same", rooms_with_signs=1, rooms_checked=10).status_code == 303
    assert len(records(app)) == 1 and audits(app) == 1
    assert enter(client, world.a1, key="other", rooms_with_signs=1, rooms_checked=10).status_code == 303
    assert len(records(app)) == 2


def test_contacts_read_their_own_village_only_and_cannot_enter(app, client, login, world):
    login("admin_a")
    enter(client, world.a1, key="a1", rooms_with_signs=1, rooms_checked=10)
    enter(client, world.a2, key="a2", rooms_with_signs=1, rooms_checked=10)
    own, other = records(app)
    login("village_a1")
    assert client.get(f"/pests/monitoring/{own.id}").status_code == 200
    assert client.get(f"/pests/monitoring/{other.id}").status_code == 404
    assert client.get(f"/pests/monitoring/{2**40}").status_code == 404
    listing = client.get("/pests/monitoring/").text
    assert "甲一村" in listing and "甲二村" not in listing
    assert "甲二村" not in client.get("/pests/levels").text
    assert client.get(ROOM_SIGNS).status_code == 403
    assert enter(client, world.a1, key="v", rooms_with_signs=1, rooms_checked=10).status_code == 403
    login("admin_b")
    assert client.get(f"/pests/monitoring/{own.id}").status_code == 404
    assert "甲一村" not in client.get("/pests/monitoring/").text
    login("unit_a1")
    assert client.get("/pests/monitoring/").status_code == 403
    assert len(records(app)) == 2


def test_the_list_filters_by_pest_village_and_dates(app, client, login, world):
    login("admin_a")
    enter(client, world.a1, day="2026-09-01", key="x1", rooms_with_signs=1, rooms_checked=10)
    enter(client, world.a2, day="2026-10-01", key="x2", rooms_with_signs=1, rooms_checked=10)
    assert client.get(f"/pests/monitoring/?village_id={world.a2}").text.count("/pests/monitoring/") >= 1
    page = client.get("/pests/monitoring/?since=2026-09-15").text
    assert "2026-10-01" in page and "2026-09-01" not in page
    assert "2026-10-01" not in client.get("/pests/monitoring/?pest=fly").text
    assert client.get("/pests/monitoring/?since=nonsense&village_id=99999999999").status_code == 200


def test_the_levels_page_grades_the_latest_survey_and_the_township(app, client, login, world):
    login("admin_a")
    enter(client, world.a1, day="2026-09-01", key="old", rooms_with_signs=9, rooms_checked=10)
    enter(client, world.a1, day="2026-10-01", key="new", rooms_with_signs=0, rooms_checked=100)
    enter(client, world.a2, day="2026-10-02", key="a2", rooms_with_signs=4, rooms_checked=100)
    page = client.get("/pests/levels").text
    assert "A级" in page and "C级" in page and "不达标" not in page
    assert "尚未在所有病媒生物上达到" in page   # mosquitoes, flies, cockroaches not surveyed


def test_identical_entries_posted_at_the_same_moment_make_one_record(app, live, world):
    import threading
    import urllib.parse
    import urllib.request

    from tests.rectifications.test_evidence_once import signed_in, status_of

    opener = signed_in(live, "admin_a")
    body = urllib.parse.urlencode({"village_id": world.a1, "surveyed_on": "2026-10-20", "request_key": "at-once",
                                   "count_rooms_with_signs": "1", "count_rooms_checked": "10"}).encode()
    threads, start, statuses = 4, threading.Barrier(4), []

    def post():
        request = urllib.request.Request(f"{live}{ROOM_SIGNS}", data=body)
        start.wait()
        statuses.append(status_of(opener, request))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * threads
    assert len(records(app)) == 1 and audits(app) == 1


def test_the_excel_export_has_each_record_with_its_index_and_level(app, client, login, world):
    from io import BytesIO

    from openpyxl import load_workbook

    login("admin_a")
    enter(client, world.a1, key="e1", rooms_with_signs=2, rooms_checked=100)
    enter(client, world.a2, key="e2", rooms_with_signs=9, rooms_checked=100)
    response = client.get(f"/exports/monitoring.xlsx?village_id={world.a1}")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[0][0] == "监测日期"
    assert rows[1][1] == "甲一村" and rows[1][6] == "2.00" and rows[1][7] == "B级" and rows[1][8] == "GB/T 27770-2011"
    login("village_b1")
    again = client.get("/exports/monitoring.xlsx")
    assert len(list(load_workbook(BytesIO(again.data)).active.iter_rows(values_only=True))) == 1
