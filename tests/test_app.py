"""Application set-up: production settings, error pages, CSRF, the demo command."""
import pytest
import sqlalchemy as sa

import config
from hygiene import create_app


@pytest.mark.parametrize("secret", [None, "", config.DEV_SECRET, "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, secret):
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.ProductionConfig)


def test_production_starts_with_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert create_app(config.ProductionConfig).config["SESSION_COOKIE_SECURE"] is True


def test_postgres_urls_get_the_installed_driver():
    assert config.normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert config.normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_unknown_page_is_a_chinese_error_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and '<html lang="zh-CN">' in response.text
    assert "Traceback" not in response.text


def test_a_server_error_shows_a_page_without_a_stack_trace(app, client, world, login, monkeypatch):
    from hygiene.places import queries

    def broken(**_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(queries, "record_get", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        login("admin_a")
        response = client.get(f"/register/units/{world.unit_a1}")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "database on fire" not in response.text and "Traceback" not in response.text


def test_forms_refuse_posts_without_a_csrf_token(app, world, login):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/login", data={"username": "admin_a", "password": "pw-12345678"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (400, 401)
    assert client.get("/").status_code == 302


def test_demo_builds_a_township_and_a_second_run_changes_nothing(app, db):
    from hygiene.places.models import Cleaner, Household, Unit, Village

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        counts = {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                  for m in (Village, Unit, Household, Cleaner)}
        categories = db.session.scalar(sa.select(sa.func.count(sa.distinct(Unit.category))))
    assert counts == {"Village": 12, "Unit": 150, "Household": 300, "Cleaner": 20}
    assert categories == 11
    second = runner.invoke(args=["demo"])
    assert "nothing changed" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 150
    assert "demo not loaded" in runner.invoke(args=["demo", "--if-empty"]).output


def test_demo_accounts_sign_in_with_the_documented_password(app, db, client):
    app.test_cli_runner().invoke(args=["demo"])
    for username in ("admin", "inspector", "village", "unit"):
        response = client.post("/login", data={"username": username, "password": "hygiene-demo"})
        assert response.status_code == 302, username
        client.post("/logout")
