"""Once-only steps: a key from the form, claimed by one conditional UPDATE.

A page that starts a one-time step (submitting an inspection, reporting a fix) carries a fresh
key. The step claims the record with an UPDATE that succeeds only while the step is still
allowed and the key is not yet the record's; the database runs such UPDATEs on one row one at a
time (PostgreSQL re-checks the condition after the first commits, SQLite takes them in turn),
so of a double tap, a resend after a lost response, or two identical requests at the same
moment, exactly one does the work and the others find their key already there.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.errors import DomainError
from hygiene.extensions import db


def is_repeat(record: Any, key_column: str, key: str) -> bool:
    """True when this key already did the step on the record (nothing is to be done again)."""
    return bool(key) and getattr(record, key_column) == key


def claim_once(record: Any, *, key_column: str, key: str, allowed: sa.ColumnElement[bool],
               values: dict[str, Any], refused: str) -> bool:
    """Claim the step for this key and write `values`; the caller then does the rest of the step.

    Returns True when this request claimed it, False when an earlier request with the same key
    did (a repeat: do nothing more). Raises DomainError(`refused`) when the step is no longer
    `allowed` for another reason (another key did it, the record moved on)."""
    # a request without a key (an old page, a script) still runs the step once per state; it
    # only cannot be recognised when repeated
    key = key or secrets.token_hex(16)
    model = type(record)
    column = getattr(model, key_column)
    claimed = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
        sa.update(model)
        .where(model.id == record.id, allowed, sa.or_(column.is_(None), column != key))
        .values({key_column: key, **values})
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(record)
    if claimed:
        return True
    if getattr(record, key_column) == key:
        return False
    raise DomainError(refused)


class ClientIdTaken(DomainError):
    """A client id already names another record (another user's, or another kind of step)."""

    status = 409
    code = "client_id_taken"


M = TypeVar("M")


def create_once(model: type[M], *, client_id: str | None, add: Callable[[], M],
                same: Callable[[M], bool]) -> tuple[M, bool]:
    """Make a record a client named with its own id (a UUID the field app or another system
    chose), once: a resend after a lost answer, or the same request twice at the same moment,
    finds the record the first one made. Returns (record, made now).

    `add` adds and flushes the new record with `client_id` set; `same` says whether a record
    already holding the id is this request's (the same user and parent); one that is not is
    refused (409), never shown. The insert runs in a savepoint: of two identical requests at
    once, the second's insert meets the unique index, and it reads the first's record instead."""
    if not client_id:
        return add(), True
    column = model.client_id  # type: ignore[attr-defined]  # every model made once by a client has one
    existing = db.session.scalar(sa.select(model).where(column == client_id))
    if existing is None:
        try:
            with db.session.begin_nested():
                return add(), True
        except sa.exc.IntegrityError:
            existing = db.session.scalar(sa.select(model).where(column == client_id))
            if existing is None:
                raise
    if not same(existing):
        raise ClientIdTaken(_("This client id already names another record; make a new id for a new one."))
    return existing, False
