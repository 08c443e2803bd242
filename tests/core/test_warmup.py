"""A new web process warms itself up before it takes traffic (hygiene/core/warmup.py)."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from babel import Locale

from hygiene.core import warmup
from hygiene.extensions import babel
from hygiene.rankings.public import pages


def test_the_pool_keeps_the_opened_connections_and_the_public_lookup_is_compiled(app, db, monkeypatch):
    monkeypatch.setattr(pages, "_compiled", {})
    with app.app_context():
        db.engine.dispose()
        seconds = warmup.warm_up(app, connections=3)
        pool = db.engine.pool
        expected = min(3, pool.size()) if isinstance(pool, sa.pool.QueuePool) else 1
        assert pool.checkedin() >= expected and pool.checkedout() == 0
        assert {(db.engine.dialect.name, True), (db.engine.dialect.name, False)} <= set(pages._compiled)
    assert 0 < seconds < 30


def test_both_languages_catalogues_are_loaded_and_the_common_templates_compiled(app, db):
    warmup.warm_up(app, connections=1)
    cached = {locale for locale, _domain in babel.domain_instance.cache}
    assert {str(Locale.parse(name)) for name in warmup.LOCALES} <= cached
    for name in warmup.TEMPLATES:  # each still a template: a renamed one would be warmed no more
        assert app.jinja_env.get_template(name) is not None


def test_public_page_served_after_a_warm_up_as_before(app, db, client):
    warmup.warm_up(app, connections=2)
    response = client.get("/public/")
    assert response.status_code == 200 and "公开" in response.get_data(as_text=True)


def test_a_database_out_of_reach_does_not_stop_the_start(app, db, monkeypatch, caplog):
    def refuse(*_args, **_kwargs):
        raise sa.exc.OperationalError("connect", {}, ConnectionRefusedError("no server"))

    with app.app_context():
        db.engine.dispose()
        monkeypatch.setattr(db.engine, "connect", refuse)
        with caplog.at_level(logging.WARNING, logger="hygiene.core.warmup"):
            warmup.warm_up(app, connections=4)
    assert "did not answer" in caplog.text
