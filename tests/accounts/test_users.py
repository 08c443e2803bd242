"""User management: roles bound to a township, village or unit, within the admin's scope."""
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db


def new_user(**extra):
    return {"username": "newbie", "display_name": "新人", "phone": "", "password": "long-enough-1",
            "role": "village_contact", "township_id": "", "village_id": "", "unit_id": "", **extra}


def user_row(app, username):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def test_admin_creates_a_village_contact_bound_to_their_village(client, world, login, app):
    login("admin_a")
    response = client.post("/users/new", data=new_user(village_id=str(world.a1)))
    assert response.status_code == 302
    user = user_row(app, "newbie")
    assert (user.village_id, user.township_id, user.role) == (world.a1, world.ta, "village_contact")
    assert client.post("/logout") and login("newbie", "long-enough-1").get("/").status_code == 200


def test_a_village_contact_needs_a_village_and_errors_show_beside_the_fields(client, world, login, app):
    login("admin_a")
    response = client.post("/users/new", data=new_user(username="", password="short"))
    assert response.status_code == 422
    assert response.text.count('class="error"') >= 3  # user name, village, password
    assert 'value="新人"' in response.text  # what was typed stays
    assert user_row(app, "newbie") is None


def test_an_admin_cannot_bind_a_user_to_another_townships_village(client, world, login, app):
    login("admin_a")
    response = client.post("/users/new", data=new_user(village_id=str(world.b1)))
    assert response.status_code == 422 and user_row(app, "newbie") is None


def test_a_township_admins_new_inspector_works_for_that_township(client, world, login, app):
    login("admin_a")
    client.post("/users/new", data=new_user(role="inspector", township_id=str(world.tb)))
    assert user_row(app, "newbie").township_id == world.ta


def test_user_names_are_unique_regardless_of_case(client, world, login):
    login("admin_a")
    response = client.post("/users/new", data=new_user(username="Village_A1", village_id=str(world.a1)))
    assert response.status_code == 422


def test_admins_see_and_open_only_their_townships_users(client, world, login):
    login("admin_a")
    listing = client.get("/users/").text
    assert "village_a1" in listing and "village_b1" not in listing
    assert client.get(f"/users/{world.user_village_b1}").status_code == 404
    assert client.get(f"/users/{world.user_village_b1}/edit").status_code == 404
    assert client.post(f"/users/{world.user_village_b1}/active", data={"active": "0"}).status_code == 404


def test_deactivating_a_user_is_audited_and_admins_cannot_lock_themselves_out(client, world, login, app):
    login("admin_a")
    client.post(f"/users/{world.user_inspector_a}/active", data={"active": "0"})
    assert user_row(app, "inspector_a").active is False
    client.post(f"/users/{world.user_admin_a}/active", data={"active": "0"})
    assert user_row(app, "admin_a").active is True
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "user_account")).all()
    assert actions == ["deactivate"]


def test_changing_a_password_is_audited_without_the_password(client, world, login, app):
    login("admin_a")
    data = new_user(username="inspector_a", display_name="inspector_a", role="inspector",
                    password="brand-new-pass")
    assert client.post(f"/users/{world.user_inspector_a}/edit", data=data).status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "update"))
    assert "brand-new-pass" not in str(event.after) and "password" in event.after
    assert login("inspector_a", "brand-new-pass")


def test_only_admins_manage_users(client, world, login):
    for username in ("inspector_a", "village_a1", "unit_a1"):
        login(username)
        assert client.get("/users/").status_code == 403
        assert client.post("/users/new", data=new_user()).status_code == 403


def test_an_inspector_may_have_a_home_village_in_their_township_only(client, world, login, app):
    login("admin_a")
    data = new_user(role="inspector", village_id=str(world.a2))
    assert client.post("/users/new", data=data).status_code == 302
    user = user_row(app, "newbie")
    assert (user.role, user.township_id, user.village_id) == ("inspector", world.ta, world.a2)
    other = new_user(username="other", role="inspector", village_id=str(world.b1))
    assert client.post("/users/new", data=other).status_code == 422 and user_row(app, "other") is None
