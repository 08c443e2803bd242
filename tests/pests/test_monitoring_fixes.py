"""Monitoring: a later survey by a method the standard does not grade keeps the village's level;
nothing more than two years back is taken."""
from tests.pests.test_monitoring_pages import audits, enter, records


def test_an_ungraded_later_survey_keeps_the_villages_level(client, login, world):
    login("admin_a")
    assert enter(client, world.a1, day="2026-10-01", key="graded", rooms_with_signs=0,
                 rooms_checked=100).status_code == 303
    response = client.post("/pests/monitoring/new/rodent/sticky_board", data={
        "village_id": str(world.a1), "surveyed_on": "2026-11-01", "request_key": "sticky",
        "count_boards_positive": "1", "count_boards_valid": "50"})
    assert response.status_code == 303, response.text
    page = client.get("/pests/levels").text
    assert "A级" in page and "2026-10-01" in page


def test_a_survey_more_than_two_years_back_is_refused(app, client, login, world):
    login("admin_a")
    response = enter(client, world.a1, day="2019-06-01", rooms_with_signs=1, rooms_checked=10)
    assert response.status_code == 422 and "两年" in response.text
    assert records(app) == [] and audits(app) == 0


def test_the_audit_trail_words_a_record_by_its_pest_and_method(client, login, world):
    login("admin_a")
    response = client.post("/pests/monitoring/new/rodent/sticky_board", data={
        "village_id": str(world.a1), "surveyed_on": "2026-11-01", "request_key": "sticky",
        "count_boards_positive": "1", "count_boards_valid": "50"})
    assert response.status_code == 303
    trail = client.get("/audit/").text
    assert "2026-11-01 鼠类 · 粘鼠板法" in trail and "rodent/sticky_board" not in trail
