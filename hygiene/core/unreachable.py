"""Which database errors mean "the database is out of reach for now" (answer 503, retry the job)
rather than a fault in the application (a 500, a failed run): one rule for pages and scheduler.

PostgreSQL's driver raises OperationalError for lost and refused connections, a server shutting
down, a statement cancelled. SQLite's raises it for those (a file that cannot be opened, a lock
held too long, a full or failing disk) but also for "no such table" and other faults of the SQL
itself, which no waiting cures, so for SQLite the message decides.
"""
from __future__ import annotations

import sqlalchemy as sa

SQLITE_OUT_OF_REACH = ("unable to open database", "database is locked", "disk i/o error",
                       "database or disk is full", "database table is locked")


def out_of_reach(error: BaseException) -> bool:
    """Whether waiting and trying again can cure the error."""
    if isinstance(error, sa.exc.TimeoutError):  # the pool had no connection to give
        return True
    if not isinstance(error, sa.exc.OperationalError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if type(original).__module__.startswith("sqlite3"):
        message = str(original).lower()
        return any(part in message for part in SQLITE_OUT_OF_REACH)
    return True
