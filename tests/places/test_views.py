"""The register pages as an office worker uses them."""
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.places.models import Unit


def unit_form(world, **extra):
    return {"village_id": str(world.a1), "name": "新开饭店", "category": "catering", "address": "",
            "contact_name": "张三", "contact_phone": "13900001111", **extra}


def test_admin_adds_a_unit_and_sees_it_in_the_list(client, world, login):
    login("admin_a")
    response = client.post("/register/units/new", data=unit_form(world), follow_redirects=True)
    assert response.status_code == 200 and "新开饭店" in response.text
    assert "新开饭店" in client.get("/register/units/?q=新开").text


def test_bad_input_shows_errors_beside_fields_keeps_input_and_writes_nothing(client, world, login, app):
    login("admin_a")
    response = client.post("/register/units/new", data=unit_form(world, contact_phone="12345",
                                                                 name="a1饭店"))
    assert response.status_code == 422
    assert 'value="12345"' in response.text and 'aria-invalid="true"' in response.text
    assert response.text.count('class="error"') == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 3


def test_list_filters_by_village_category_search_and_status(client, world, login):
    login("admin_a")
    assert "a2饭店" not in client.get(f"/register/units/?village_id={world.a1}").text
    assert "a1饭店" not in client.get("/register/units/?category=market").text
    assert "a1饭店" in client.get("/register/units/?q=A1").text
    client.post(f"/register/units/{world.unit_a1}/active", data={"active": "0"}, follow_redirects=True)
    assert "a1饭店" not in client.get("/register/units/").text
    assert "a1饭店" in client.get("/register/units/?status=inactive").text


def test_deactivated_records_can_be_reactivated(client, world, login, app):
    login("admin_a")
    client.post(f"/register/units/{world.unit_a1}/active", data={"active": "0"})
    client.post(f"/register/units/{world.unit_a1}/active", data={"active": "1"})
    with app.app_context():
        assert db.session.get(Unit, world.unit_a1).active is True


def test_editing_shows_the_change_in_the_records_history(client, world, login):
    login("admin_a")
    client.post(f"/register/units/{world.unit_a1}/edit", data=unit_form(world, name="a1大饭店"))
    detail = client.get(f"/register/units/{world.unit_a1}").text
    assert "a1饭店" in detail and "a1大饭店" in detail and "<del>" in detail


def test_nonsense_query_values_do_not_break_lists(client, world, login):
    login("admin_a")
    for query in ("?page=-3", "?page=abc", "?village_id=abc", "?status=weird", "?page=999"):
        assert client.get("/register/units/" + query).status_code == 200, query


def test_inspectors_read_the_register_but_cannot_change_it(client, world, login, app):
    login("inspector_a")
    assert "a2饭店" in client.get("/register/units/").text
    assert client.get("/register/units/new").status_code == 403
    assert client.post("/register/units/new", data=unit_form(world)).status_code == 403
    assert client.post(f"/register/units/{world.unit_a1}/edit", data=unit_form(world)).status_code == 403
    assert client.post(f"/register/units/{world.unit_a1}/active", data={"active": "0"}).status_code == 403
    with app.app_context():
        assert db.session.get(Unit, world.unit_a1).active is True


def test_a_page_past_the_end_shows_the_last_page(client, world, login):
    login("admin_a")
    page = client.get("/register/units/?page=999").text
    assert "a1饭店" in page and "a2饭店" in page


def test_a_page_number_beyond_any_list_shows_the_last_page(client, world, login):
    login("admin_a")
    assert "a1饭店" in client.get("/register/units/?page=99999999999999999999999").text
