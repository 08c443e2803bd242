"""`flask --app hygiene users create-admin`: the first administrator of a new installation."""
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["users", "create-admin", *args], input=input)


def admins(app):
    with app.app_context():
        return {u.username: u.township_id for u in db.session.scalars(
            sa.select(User).where(User.role == "admin"))}


def test_the_first_admin_is_made_from_a_hidden_prompt_and_can_sign_in(app, db, client):
    result = run(app, "chief", "--name", "王主任", input="Str0ng-pass\nStr0ng-pass\n")
    assert result.exit_code == 0, result.output
    assert "Str0ng-pass" not in result.output  # never echoed
    assert admins(app) == {"chief": None}
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "create"))
    response = client.post("/login", data={"username": "chief", "password": "Str0ng-pass"})
    assert response.status_code == 302


def test_password_stdin_and_a_township(app, world):
    result = run(app, "office_a", "--township", "甲镇", "--password-stdin", input="another-Good-1\n")
    assert result.exit_code == 0, result.output
    assert admins(app)["office_a"] == world.ta
    assert run(app, "x_admin", "--township", "无此镇", "--password-stdin",
               input="another-Good-1\n").exit_code != 0


def test_weak_or_short_passwords_are_refused(app, db):
    for weak in ("short1", "12345678901", "password1", "aaaaaaaaaaaa", "chief-chief-1"):
        result = run(app, "chief", "--password-stdin", input=f"{weak}\n")
        assert result.exit_code != 0, weak
    assert admins(app) == {}


def test_a_second_run_for_the_same_user_is_a_clear_error_that_changes_nothing(app, db):
    assert run(app, "chief", "--password-stdin", input="Str0ng-pass\n").exit_code == 0
    with app.app_context():
        hashed = db.session.scalar(sa.select(User.password_hash))
    result = run(app, "Chief", "--password-stdin", input="Other-pass-2\n")
    assert result.exit_code == 1 and "chief" in result.output.lower()
    with app.app_context():
        assert db.session.scalar(sa.select(User.password_hash)) == hashed
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
