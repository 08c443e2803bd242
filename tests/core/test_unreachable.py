"""Which database errors answer 503 and make a job wait (the database out of reach), and which
stay faults (500, a failed run): SQLite's OperationalError covers both, so its message decides."""
import sqlite3

import pytest
import sqlalchemy as sa

from hygiene.core.unreachable import out_of_reach


def operational(original: Exception) -> sa.exc.OperationalError:
    return sa.exc.OperationalError("SELECT 1", {}, original)


@pytest.mark.parametrize("message", ["unable to open database file", "database is locked", "disk I/O error",
                                     "database or disk is full"])
def test_sqlite_out_of_reach(message):
    assert out_of_reach(operational(sqlite3.OperationalError(message)))


@pytest.mark.parametrize("message", ["no such table: no_such_table", "no such column: x", 'near "SELEC": syntax error'])
def test_sqlite_faults_of_the_sql_itself_are_not(message):
    assert not out_of_reach(operational(sqlite3.OperationalError(message)))


def test_a_lost_server_connection_and_an_empty_pool_are():
    assert out_of_reach(operational(ConnectionRefusedError("server closed the connection unexpectedly")))
    assert out_of_reach(sa.exc.TimeoutError("QueuePool limit reached"))


def test_other_errors_are_not():
    assert not out_of_reach(sa.exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")))
    assert not out_of_reach(RuntimeError("boom"))
