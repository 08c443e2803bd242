"""Fixtures in layers: app (per run) -> db (clean tables per test) -> client -> login.

Tests run on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. No fixture
keeps an application context pushed while requests run, so each request gets its own
session exactly as in production and a missing commit shows up as a failure.
"""
from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from config import TestConfig, normalise_database_url
from hygiene import create_app
from hygiene.extensions import db as _db

PASSWORD = "pw-12345678"


def _database_url(tmp_path_factory) -> str:
    url = normalise_database_url(os.environ.get("TEST_DATABASE_URL"))
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One application for the run, its schema made by the migrations."""
    from flask_migrate import upgrade

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(tmp_path_factory)
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    app = create_app(Config)
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, emptied after the test (and the sign-in throttle's counts and the reads the
    process keeps with it: a frozen clock could give the next test's villages the same marker)."""
    from hygiene.extensions import limiter

    yield _db
    limiter.reset()
    app.extensions.pop("village_choices", None)
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def ctx(app, db):
    """An application context for service-level tests (not for client requests)."""
    with app.app_context():
        yield
        _db.session.rollback()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def login(client):
    """Sign a user in by user name; returns the client."""

    def sign_in(username: str, password: str = PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, f"sign-in of {username} failed"
        return client

    return sign_in


def _add(**rows):
    """Add model instances, commit, and return their ids by name."""
    for row in rows.values():
        _db.session.add(row)
    _db.session.commit()
    return {name: row.id for name, row in rows.items()}


@pytest.fixture
def world(app, db):
    """Two townships; township A has villages A1 and A2, township B has B1; each village has
    a unit, a household and a cleaner; users of every role. Returns the ids by name."""
    from hygiene.accounts.models import User
    from hygiene.places.models import Cleaner, Household, Township, Unit, Village

    with app.app_context():
        ids = _add(ta=Township(name="甲镇"), tb=Township(name="乙镇"))
        ids |= _add(a1=Village(name="甲一村", township_id=ids["ta"]),
                    a2=Village(name="甲二村", township_id=ids["ta"]),
                    b1=Village(name="乙一村", township_id=ids["tb"]))
        for v in ("a1", "a2", "b1"):
            ids |= _add(**{
                f"unit_{v}": Unit(name=f"{v}饭店", category="catering", village_id=ids[v]),
                f"household_{v}": Household(head_name=f"{v}户主", group_name="一组", village_id=ids[v]),
                f"cleaner_{v}": Cleaner(name=f"{v}保洁", section="主干道", village_id=ids[v])})
        users = {
            "county": dict(role="admin"),
            "admin_a": dict(role="admin", township_id=ids["ta"]),
            "admin_b": dict(role="admin", township_id=ids["tb"]),
            "inspector_a": dict(role="inspector", township_id=ids["ta"]),
            "village_a1": dict(role="village_contact", village_id=ids["a1"], township_id=ids["ta"]),
            "village_b1": dict(role="village_contact", village_id=ids["b1"], township_id=ids["tb"]),
            "unit_a1": dict(role="unit_contact", unit_id=ids["unit_a1"], township_id=ids["ta"]),
        }
        made = {}
        for username, binding in users.items():
            user = User(username=username, display_name=username, **binding)
            user.set_password(PASSWORD)
            made[f"user_{username}"] = user
        ids |= _add(**made)
    return SimpleNamespace(**ids)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as n:` block (n[0])."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = [0]

        def before(*_args, **_kwargs):
            counter[0] += 1

        with app.app_context():
            engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def live(app, db):
    """The test application served on a free local port, one thread per request: for identical
    requests fired at the same moment, as a phone's retry or a double tap sends them."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
