"""Bad input stopped once for every route: ids beyond the database's integers, NUL characters,
and text longer than its column (checked in forms with limits read from the models)."""
from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask import Flask, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from wtforms.validators import Length

MAX_DB_INT = 2**31 - 1  # PostgreSQL's integer; SQLite would store more, PostgreSQL answers 500
log = logging.getLogger(__name__)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: an id no row can have is simply not found (404)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_DB_INT, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BadInput(BadRequest):
    """A 400 whose message the error page shows to the user."""

    def __init__(self, message: str):
        super().__init__(description=message)
        self.user_message = message


def fits(column, message=None) -> Length:
    """A form validator for the length of a model's string column, read from the model."""
    return Length(max=column.type.length,
                  message=message or _l("At most %(max)d characters."))


def db_int(value) -> int:
    """int() for ids from outside: a number no integer column holds is a ValueError too, so
    `request.args.get(name, type=db_int)` gives None instead of a query the database refuses."""
    number = int(value)
    if not -MAX_DB_INT - 1 <= number <= MAX_DB_INT:
        raise ValueError(f"{number} is beyond the database's integers")
    return number


def optional_int(value) -> int | None:
    """An id from a query string, or None when it is missing, not a number or beyond the database."""
    try:
        return None if value in (None, "") else db_int(value)
    except ValueError:
        return None


def optional_date(value) -> date | None:
    """A date (2026-11-01) from a query string, or None when it is missing or unreadable."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _has_nul(value) -> bool:
    """Any text in `value` (nested lists and dicts, however deep) holds a NUL."""
    waiting = [value]
    while waiting:
        part = waiting.pop()
        if isinstance(part, str):
            if "\x00" in part:
                return True
        elif isinstance(part, dict):
            waiting += [*part.keys(), *part.values()]
        elif isinstance(part, (list, tuple)):
            waiting += part
    return False


def refuse_nul() -> None:
    """No text anywhere may hold a NUL: PostgreSQL cannot store it, and no person types it."""
    parts: list[object] = [request.path, request.view_args or {}]
    parts += [[k, *request.args.getlist(k)] for k in request.args]
    if request.method in ("POST", "PUT", "PATCH"):
        parts += [[k, *request.form.getlist(k)] for k in request.form]
        parts += [[k, *(f.filename or "" for f in request.files.getlist(k))] for k in request.files]
        if request.is_json:
            try:
                parts.append(request.get_json(silent=True))
            except RecursionError:  # JSON nested hundreds deep: no client of ours sends that
                raise BadInput(_("The request is nested too deeply to be read.")) from None
    if _has_nul(parts):
        raise BadInput(_("The request holds a NUL character (\\0), which no text may contain. "
                         "Remove it and try again."))


def init_app(app: Flask) -> None:
    """Before the blueprints: rules compile their converters when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul)
    app.register_error_handler(sa.exc.DataError, _data_error)


def _data_error(error: sa.exc.DataError):
    """A value the database refused (too long, out of range) that no form caught: say so, 400."""
    from hygiene.core.error_page import error_page
    from hygiene.extensions import db

    db.session.rollback()
    log.warning("database refused a value at %s: %s", request.path, error.orig)
    return error_page(400, _("A value is too long or out of range. Shorten it and try again."))
