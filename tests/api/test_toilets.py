"""Household toilets through the API: the list with its filters and pages, one toilet with its
stages and acceptance, each within the reader's scope."""
from __future__ import annotations

from datetime import date

import pytest

from hygiene.clock import local_today
from hygiene.toilets.status import ToiletStage
from tests.api.helpers import bearer, token_for
from tests.toilets.task_helpers import add_toilets
from tests.toilets.test_toilet_pages import built, make_tasks


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def test_a_toilet_built_on_the_pages_reads_with_its_stages_and_photos(app, client, login, world, tasks):
    login("village_a1")
    toilet_id = built(client, world, world.household_a1)
    contact = bearer(token_for(app, world.user_village_a1))
    answer = client.get(f"/api/v1/toilets/{toilet_id}", headers=contact)
    assert answer.status_code == 200, answer.json
    toilet = answer.json
    assert toilet["household"] == {"id": world.household_a1, "group_name": "一组", "head_name": "a1户主"}
    assert (toilet["stage"], toilet["toilet_type"], toilet["stage_on"]) == (
        "completed", "three_compartment", local_today().isoformat())
    assert toilet["acceptance"] == {"inspection_id": None, "accepted_on": None, "failed_reasons": [], "reworks": 0}
    assert [(s["from_stage"], s["to_stage"]) for s in toilet["stages"]] == [
        (None, "surveyed"), ("surveyed", "planned"), ("planned", "building"), ("building", "completed")]
    assert len(toilet["stages"][-1]["photo_ids"]) == 2  # the buried tank and the finished toilet


def test_acceptance_is_shown_as_recorded(app, client, world, tasks):
    with app.app_context():
        [accepted] = add_toilets(tasks.task_a1, ToiletStage.ACCEPTED, accepted_on=date(2026, 9, 1))
        [failed] = add_toilets(tasks.task_a1, ToiletStage.FAILED, failed_reasons=["化粪池渗漏"], reworks=1)
    office = bearer(token_for(app, world.user_admin_a))
    shown = client.get(f"/api/v1/toilets/{accepted}", headers=office).json
    assert (shown["stage"], shown["acceptance"]["accepted_on"]) == ("accepted", "2026-09-01")
    shown = client.get(f"/api/v1/toilets/{failed}", headers=office).json
    assert shown["stage"] == "failed"
    assert (shown["acceptance"]["failed_reasons"], shown["acceptance"]["reworks"]) == (["化粪池渗漏"], 1)


def test_the_list_filters_by_village_stage_type_and_day_of_the_last_stage(app, client, world, tasks):
    with app.app_context():
        a1_building = add_toilets(tasks.task_a1, ToiletStage.UNDER_CONSTRUCTION, 2)
        a1_paid = add_toilets(tasks.task_a1, ToiletStage.SUBSIDY_PAID, accepted_on=date(2026, 9, 1),
                              toilet_type="double_urn")
        a2 = add_toilets(tasks.task_a2, ToiletStage.PLANNED)
        add_toilets(tasks.task_b1, ToiletStage.PLANNED)
    office = bearer(token_for(app, world.user_admin_a))

    def ids(**query) -> list[int]:
        answer = client.get("/api/v1/toilets", query_string=query, headers=office)
        assert answer.status_code == 200, answer.json
        return [t["id"] for t in answer.json["items"]]

    assert ids() == a1_building + a1_paid + a2  # not 乙镇's
    assert ids(village_id=world.a2) == a2
    assert ids(stage="building") == a1_building
    assert ids(toilet_type="double_urn") == a1_paid
    assert ids(date_from="2026-08-01") == a1_paid
    assert ids(date_to="2026-06-01", village_id=world.a1) == a1_building
    first = client.get("/api/v1/toilets?limit=3", headers=office).json
    assert [t["id"] for t in first["items"]] == a1_building + a1_paid
    rest = client.get(f"/api/v1/toilets?limit=3&cursor={first['next_cursor']}", headers=office).json
    assert ([t["id"] for t in rest["items"]], rest["next_cursor"]) == (a2, None)
    for bad in ({"stage": "done"}, {"toilet_type": "golden"}, {"date_to": "2026-13-01"}, {"village_id": "x"}):
        assert client.get("/api/v1/toilets", query_string=bad, headers=office).status_code == 422, bad


def test_another_village_or_township_reads_none_of_a_toilet(app, client, world, tasks):
    with app.app_context():
        [a1] = add_toilets(tasks.task_a1, ToiletStage.PLANNED)
        [a2] = add_toilets(tasks.task_a2, ToiletStage.PLANNED)
        [b1] = add_toilets(tasks.task_b1, ToiletStage.PLANNED)
    contact = bearer(token_for(app, world.user_village_a1))
    assert [t["id"] for t in client.get("/api/v1/toilets", headers=contact).json["items"]] == [a1]
    assert client.get(f"/api/v1/toilets/{a2}", headers=contact).status_code == 404
    assert client.get(f"/api/v1/toilets/{a1}", headers=bearer(token_for(app, world.user_admin_b))).status_code == 404
    assert client.get(f"/api/v1/toilets?village_id={world.b1}",
                      headers=bearer(token_for(app, world.user_admin_a))).json["items"] == []
    unit = bearer(token_for(app, world.user_unit_a1))  # a unit contact has no toilets
    assert client.get(f"/api/v1/toilets/{a1}", headers=unit).status_code == 403
    assert client.get("/api/v1/toilets", headers=unit).status_code == 403
    assert client.get(f"/api/v1/toilets/{b1}").status_code == 401


def test_the_list_and_a_toilet_run_a_fixed_number_of_queries(app, client, world, tasks, count_queries):
    office = bearer(token_for(app, world.user_admin_a))
    client.get("/api/v1/me", headers=office)  # the token's first use is recorded once
    seen: dict[str, list[int]] = {}
    for n in (2, 20):
        with app.app_context():
            made = add_toilets(tasks.task_a1, ToiletStage.PLANNED, n)
        for name, url in (("list", "/api/v1/toilets?limit=200"), ("one", f"/api/v1/toilets/{made[0]}")):
            with count_queries() as queries:
                assert client.get(url, headers=office).status_code == 200
            seen.setdefault(name, []).append(queries[0])
    assert all(len(set(counts)) == 1 for counts in seen.values()), seen
