"""A new web process made ready before it takes traffic (`flask serve`, gunicorn's post_worker_init).

A new process pays for its first requests: each database connection is opened then (the first
one also asks the server its version and settings), the routes are compiled on the first match,
the translation catalogue of each language is read on its first page, every template is compiled
on its first use, and the public pages' lookup is compiled once per process. Paid by the first
visitors that is tens of milliseconds each, and a worker recycled by gunicorn pays it again; paid
here, before the server accepts, nobody waits for it (bench/public_pages.py measures both).

Nothing here writes, and nothing here may stop a start: a database out of reach leaves the
connections to the first requests (which then answer with the site's error page, as always).
"""
from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale, get_translations
from jinja2 import TemplateNotFound
from sqlalchemy.exc import SQLAlchemyError

from hygiene.extensions import db

log = logging.getLogger(__name__)
LOCALES = ("zh_CN", "en")
# the pages a new process most often serves first: the public ones (anyone, any time) and the
# sign-in page with the shared layout every office page extends
TEMPLATES = ("base.html", "_menu.html", "macros.html", "accounts/login.html", "errors/page.html",
             "rankings/public_base.html", "rankings/public_index.html", "rankings/public_township.html",
             "rankings/public_village.html", "rankings/public_404.html", "rankings/_charts.html")


def warm_up(app: Flask, *, connections: int) -> float:
    """Open up to `connections` pooled database connections, compile the routes, the public
    pages' lookup and the common templates, load each language's catalogue; returns the seconds
    it took."""
    from hygiene.rankings.public.pages import statements_compile

    started = time.perf_counter()
    with app.test_request_context("/public/"):  # the routes are compiled when a request is matched
        _open_connections(min(connections, _pool_size()))
        statements_compile(db.engine.dialect)
        for locale in LOCALES:
            with force_locale(locale):
                get_translations()
        for name in TEMPLATES:
            try:
                app.jinja_env.get_template(name)
            except TemplateNotFound:  # renamed since: the test of this module says which
                log.warning("warm-up: no template %s", name)
        db.session.remove()
    return time.perf_counter() - started


def _pool_size() -> int:
    size = getattr(db.engine.pool, "size", None)  # QueuePool; SQLite's memory pools keep one
    return int(size()) if callable(size) else 1


def _open_connections(n: int) -> None:
    """Open n connections at once, run the public pages' lookups on each, and give them back to
    the pool, which keeps them."""
    from hygiene.rankings.public.pages import lookups_warm

    opened: list[sa.Connection] = []
    try:
        for _ in range(n):
            opened.append(db.engine.connect())
            lookups_warm(opened[-1])
            opened[-1].rollback()
    except SQLAlchemyError:
        log.warning("warm-up: the database did not answer; the first requests will connect", exc_info=True)
    finally:
        for connection in opened:
            connection.close()
