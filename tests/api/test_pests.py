"""Pest control through the API: rounds with their targets' coverage and work, recording work
with a client id (once, whatever the resends), and monitoring records with the level the pages
show; each within the reader's scope."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.models import SupplyMovement
from hygiene.pests.rounds.models import PestRound, RoundWork
from tests.api.helpers import bearer, token_for
from tests.pests.rounds.test_work import TODAY, balance
from tests.pests.rounds.test_work import field_fixture as field_fixture  # noqa: F401  (the rounds' fixture)


def work_body(field, **changes) -> dict:
    return {"client_id": str(uuid.uuid4()), "done_on": TODAY.isoformat(), "households_covered": 48,
            "baits_placed": 120, "product_id": field.bait, "quantity_used": "2.5", "done_by": "张村医"} | changes


def work_url(field, target="t_a1", round_id=None) -> str:
    return f"/api/v1/pest-rounds/{round_id or field.round}/targets/{getattr(field, target)}/work"


def works(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(RoundWork))


# --- rounds -----------------------------------------------------------------------------------

def test_a_village_contact_records_work_and_reads_the_round_with_its_coverage(app, client, world, field):
    contact = bearer(token_for(app, world.user_village_a1))
    answer = client.post(work_url(field), json=work_body(field), headers=contact)
    assert answer.status_code == 201, answer.json
    work = answer.json
    assert (work["households_covered"], work["quantity_used"], work["kind"]) == (48, "2.500", "completion")
    assert balance(app, field.bait, village_id=world.a1) == Decimal("7.5")  # the use drawn from the ledger

    round_ = client.get(f"/api/v1/pest-rounds/{field.round}", headers=contact).json
    assert (round_["status"], round_["pests"], round_["coverage_goal"]) == ("announced", ["rodent"], "95.00")
    assert {t["village_id"] for t in round_["targets"]} == {world.a1}  # its own village's and units' only
    [mine] = [t for t in round_["targets"] if t["unit_id"] is None]
    assert (mine["village_id"], mine["households_target"], mine["households_covered"]) == (world.a1, 50, 48)
    assert (mine["coverage_percent"], mine["behind"], mine["works"]) == ("96.00", False, 1)
    assert [w["id"] for w in mine["work"]] == [work["id"]]

    office = client.get(f"/api/v1/pest-rounds/{field.round}", headers=bearer(token_for(app, world.user_admin_a))).json
    assert len(office["targets"]) == 3
    assert office["targets"][0]["behind"] is True and office["targets"][0]["works"] == 0  # behind first


def test_a_resent_client_id_gives_the_same_record_and_uses_the_supplies_once(app, client, world, field):
    contact = bearer(token_for(app, world.user_village_a1))
    body = work_body(field)
    first = client.post(work_url(field), json=body, headers=contact)
    again = client.post(work_url(field), json=body, headers=contact)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"] and works(app) == 1
    assert balance(app, field.bait, village_id=world.a1) == Decimal("7.5")


def test_a_client_id_of_another_record_is_refused_and_not_shown(app, client, world, field):
    body = work_body(field)
    assert client.post(work_url(field), json=body,
                       headers=bearer(token_for(app, world.user_village_a1))).status_code == 201
    office = bearer(token_for(app, world.user_admin_a))
    taken = client.post(work_url(field, "t_a2"), json=body | {"households_covered": 10}, headers=office)
    assert taken.status_code == 409 and taken.json["error"]["code"] == "client_id_taken"
    assert "households_covered" not in json.dumps(taken.json) and works(app) == 1


def test_identical_work_posted_at_once_makes_one_record(app, live, world, field):
    secret = token_for(app, world.user_village_a1)
    body = json.dumps(work_body(field)).encode()
    start, statuses = threading.Barrier(3), []

    def post() -> None:
        request = urllib.request.Request(live + work_url(field), data=body, method="POST", headers={
            "Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses)[0] in (200, 201) and set(statuses) <= {200, 201}, statuses
    assert works(app) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SupplyMovement)
                                 .where(SupplyMovement.kind == "use")) == 1


def test_work_the_round_refuses_is_a_422_naming_the_field_and_nothing_is_written(app, client, world, field):
    contact = bearer(token_for(app, world.user_village_a1))
    for changes, name in [({"households_covered": 51}, "households_covered"),
                          ({"done_on": (TODAY + timedelta(days=1)).isoformat()}, "done_on"),
                          ({"quantity_used": "11"}, "quantity_used"),
                          ({"resolves": [1]}, "resolves")]:
        answer = client.post(work_url(field), json=work_body(field, **changes), headers=contact)
        assert answer.status_code == 422, (changes, answer.json)
        assert name in answer.json["error"]["fields"], answer.json
        assert answer.json["error"]["fields"][name]["zh_CN"]
    assert client.post(work_url(field), json=work_body(field, done_by="张\x00"), headers=contact).status_code == 400
    for junk in ({"households_covered": "48"}, {"unknown": 1}, {"product_id": 2**40}, {"client_id": "x"}):
        assert client.post(work_url(field), json=work_body(field) | junk, headers=contact).status_code == 422
    assert works(app) == 0 and balance(app, field.bait, village_id=world.a1) == Decimal(10)


def test_work_on_another_village_s_target_is_not_found_or_forbidden(app, client, world, field):
    contact = bearer(token_for(app, world.user_village_a1))
    assert client.post(work_url(field, "t_a2"), json=work_body(field), headers=contact).status_code == 404
    other = bearer(token_for(app, world.user_admin_b))
    assert client.post(work_url(field), json=work_body(field), headers=other).status_code == 404
    unit = bearer(token_for(app, world.user_unit_a1))  # its unit's target only
    assert client.post(work_url(field), json=work_body(field), headers=unit).status_code == 404
    county = bearer(token_for(app, world.user_county))  # reads every township, records for none
    assert client.post(work_url(field), json=work_body(field), headers=county).status_code == 403
    assert works(app) == 0


def test_rounds_are_filtered_by_village_days_status_and_pest(app, client, world, field):
    office = bearer(token_for(app, world.user_admin_a))

    def names(**query) -> set[str]:
        answer = client.get("/api/v1/pest-rounds", query_string=query, headers=office)
        assert answer.status_code == 200, answer.json
        return {r["name"] for r in answer.json["items"]}

    assert names() == {"冬季统一灭鼠", "秋季查灭螺"}  # not 乙镇's
    assert names(village_id=world.a2) == {"冬季统一灭鼠"}
    assert names(pest="snail") == {"秋季查灭螺"}
    assert names(status="closed") == set()
    assert names(date_from=(TODAY + timedelta(days=11)).isoformat()) == set()
    assert names(date_to=TODAY.isoformat(), date_from=TODAY.isoformat()) == {"冬季统一灭鼠", "秋季查灭螺"}
    for bad in ({"status": "open"}, {"pest": "rat"}, {"date_from": "yesterday"}, {"village_id": "0"},
                {"cursor": "-1"}, {"limit": "1000"}):
        assert client.get("/api/v1/pest-rounds", query_string=bad, headers=office).status_code == 422, bad


def test_rounds_come_a_page_at_a_time(app, client, world, field):
    office = bearer(token_for(app, world.user_admin_a))
    first = client.get("/api/v1/pest-rounds?limit=1", headers=office).json
    second = client.get(f"/api/v1/pest-rounds?limit=1&cursor={first['next_cursor']}", headers=office).json
    assert second["next_cursor"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {field.round, field.snail_round}


def test_another_township_s_round_is_not_found(app, client, world, field):
    office = bearer(token_for(app, world.user_admin_a))
    assert client.get(f"/api/v1/pest-rounds/{field.far_round}", headers=office).status_code == 404
    contact_b = bearer(token_for(app, world.user_village_b1))
    assert client.get(f"/api/v1/pest-rounds/{field.round}", headers=contact_b).status_code == 404
    assert [r["id"] for r in client.get("/api/v1/pest-rounds", headers=contact_b).json["items"]] == [field.far_round]


# --- monitoring -------------------------------------------------------------------------------

def enter_survey(client, login, village_id, day, key, rooms_with_signs=2, rooms_checked=100):
    login("inspector_a")
    answer = client.post("/pests/monitoring/new/rodent/room_signs", data={
        "village_id": str(village_id), "surveyed_on": day, "request_key": key, "note": "秋季监测",
        "count_rooms_with_signs": str(rooms_with_signs), "count_rooms_checked": str(rooms_checked)})
    assert answer.status_code == 303
    client.post("/logout")
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_monitoring_record_shows_its_counts_index_and_level(app, client, login, world):
    record_id = enter_survey(client, login, world.a1, "2026-10-20", "k1")
    contact = bearer(token_for(app, world.user_village_a1))
    answer = client.get(f"/api/v1/pest-monitoring/{record_id}", headers=contact)
    assert answer.status_code == 200, answer.json
    record = answer.json
    assert (record["pest"], record["method"], record["counts"]) == (
        "rodent", "room_signs", {"rooms_with_signs": 2, "rooms_checked": 100})
    assert Decimal(record["index"]) == 2 and record["index_kind"]
    assert (record["control"]["level"], record["control"]["standard"]) == ("B", "GB/T 27770-2011")
    assert record["control"]["meets_required"] is True and record["surveyed_on"] == "2026-10-20"


def test_monitoring_is_filtered_and_scoped(app, client, login, world):
    mine = enter_survey(client, login, world.a1, "2026-10-20", "k1")
    later = enter_survey(client, login, world.a1, "2026-11-02", "k2", rooms_with_signs=9)
    other = enter_survey(client, login, world.a2, "2026-10-21", "k3")
    office = bearer(token_for(app, world.user_admin_a))

    def ids(headers, **query) -> list[int]:
        answer = client.get("/api/v1/pest-monitoring", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.json
        return [r["id"] for r in answer.json["items"]]

    assert ids(office) == [mine, later, other]
    assert ids(office, village_id=world.a1) == [mine, later]
    assert ids(office, date_from="2026-11-01") == [later]
    assert ids(office, date_to="2026-10-20", pest="rodent") == [mine]
    assert ids(office, pest="fly") == []
    first = client.get("/api/v1/pest-monitoring?limit=2", headers=office).json
    assert client.get(f"/api/v1/pest-monitoring?limit=2&cursor={first['next_cursor']}",
                      headers=office).json["items"][0]["id"] == other
    contact = bearer(token_for(app, world.user_village_a1))
    assert ids(contact) == [mine, later]
    assert client.get(f"/api/v1/pest-monitoring/{other}", headers=contact).status_code == 404
    assert client.get(f"/api/v1/pest-monitoring/{mine}",
                      headers=bearer(token_for(app, world.user_admin_b))).status_code == 404
    unit = bearer(token_for(app, world.user_unit_a1))
    assert client.get("/api/v1/pest-monitoring", headers=unit).status_code == 403
    assert client.get("/api/v1/pest-monitoring?pest=bats", headers=office).status_code == 422


def test_the_lists_and_a_round_run_a_fixed_number_of_queries(app, client, login, world, field, count_queries):
    contact = bearer(token_for(app, world.user_village_a1))
    office = bearer(token_for(app, world.user_admin_a))
    seen: dict[str, list[int]] = {}
    client.get("/api/v1/me", headers=office)  # the token's first use is recorded once
    for n, batch in ((1, "a"), (4, "b")):
        for i in range(n):
            enter_survey(client, login, world.a1, "2026-10-20", f"{batch}{i}")
            body = work_body(field, households_covered=1, product_id=None, quantity_used=None)
            assert client.post(work_url(field), json=body, headers=contact).status_code == 201
        for url in ("/api/v1/pest-monitoring", "/api/v1/pest-rounds", f"/api/v1/pest-rounds/{field.round}"):
            with count_queries() as queries:
                assert client.get(url, headers=office).status_code == 200
            seen.setdefault(url, []).append(queries[0])
    assert all(len(set(counts)) == 1 for counts in seen.values()), seen


def test_a_unit_contact_records_its_unit_s_work_and_a_planned_round_stays_hidden(app, client, world, field):
    unit = bearer(token_for(app, world.user_unit_a1))
    answer = client.post(work_url(field, "t_unit"), json=work_body(field, households_covered=1, quantity_used="1"),
                         headers=unit)
    assert answer.status_code == 201, answer.json
    assert balance(app, field.bait, village_id=world.a1, unit_id=world.unit_a1) == Decimal(2)
    [target] = client.get(f"/api/v1/pest-rounds/{field.round}", headers=unit).json["targets"]
    assert (target["unit_id"], target["coverage_percent"]) == (world.unit_a1, "100.00")
    with app.app_context():
        db.session.execute(sa.update(PestRound).where(PestRound.id == field.round).values(status="planned"))
        db.session.commit()
    assert client.get(f"/api/v1/pest-rounds/{field.round}", headers=unit).status_code == 404
    assert client.post(work_url(field, "t_unit"), json=work_body(field), headers=unit).status_code == 404
    office = bearer(token_for(app, world.user_admin_a))
    assert client.get(f"/api/v1/pest-rounds/{field.round}", headers=office).json["status"] == "planned"
    refused = client.post(work_url(field), json=work_body(field), headers=office)
    assert refused.status_code == 422 and "announced" in refused.json["error"]["message"]["en"]
    assert refused.json["error"]["message"]["zh_CN"] != refused.json["error"]["message"]["en"]
