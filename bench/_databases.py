"""Which databases a bench may use: PostgreSQL when its bench database answers, else SQLite only."""
from __future__ import annotations

import sqlalchemy as sa

# the suite's and other tools' databases: a bench drops and rebuilds its own, never these
RESERVED = ("test", "mytest", "helpertest", "helper7", "benchdb")


def pg_available(url: str) -> bool:
    """True when the PostgreSQL database at `url` answers; refuses a reserved database outright."""
    engine = sa.create_engine(url)
    if engine.url.database in RESERVED:
        raise SystemExit(f"refusing to use the database {engine.url.database!r}")
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL not available ({error.orig}); SQLite only")
        return False
    finally:
        engine.dispose()
