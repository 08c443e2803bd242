"""Which databases a bench may use: PostgreSQL when its server answers (the bench's own database
made there on a fresh machine), else SQLite only."""
from __future__ import annotations

import sqlalchemy as sa

# the suite's and other tools' databases: a bench drops and rebuilds its own, never these
RESERVED = ("test", "mytest", "helpertest", "helper7", "benchdb")


def pg_available(url: str) -> bool:
    """True when the PostgreSQL database at `url` answers, made first if only its server does;
    refuses a reserved database outright."""
    engine = sa.create_engine(url)
    name = engine.url.database
    if name in RESERVED:
        raise SystemExit(f"refusing to use the database {name!r}")
    try:
        try:
            with engine.connect():
                return True
        except sa.exc.OperationalError as error:
            if f'"{name}" does not exist' not in str(error.orig) or not _database_create(engine.url):
                print(f"PostgreSQL not available ({error.orig}); SQLite only")
                return False
            print(f"   made the PostgreSQL database {name}", flush=True)
            return True
    finally:
        engine.dispose()


def _database_create(url: sa.URL) -> bool:
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
        return True
    except sa.exc.SQLAlchemyError as error:
        print(f"could not make the database {url.database} ({error})")
        return False
    finally:
        server.dispose()
