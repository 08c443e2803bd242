"""Benchmark: the hourly deadline scan over a county with 100,000 open rectification orders.

Run from the repository root: `.venv/bin/python bench/deadline_scan.py`. The last line printed is one
JSON object (figure, value, unit, baseline, ratio, goal and the timings per database).

For SQLite (a file in a temporary directory) and PostgreSQL (benchdb on 127.0.0.1, skipped when it
does not answer) it builds the schema with the migrations and bulk-inserts a county: 20 townships,
500 villages, 3,000 units, their contacts and admins, one checklist, 4,000 inspections, 100,000
open orders with 1-3 items each and 250,000 older (sent) notifications. Deadlines fall on the next
120 working days (about 0.8% a day) with a thin tail in the past; the orders due on the last
working day are not yet marked overdue. With the clock frozen at 09:00 Beijing time it measures:

(a) the first scan of the day: `scan_deadlines` plus commit, queueing the day's reminders and
    escalations; undone (new rows deleted, overdue marks cleared, vacuumed) between runs;
(b) the steady-state scan an hour later, when everything is already queued (what runs hourly);
(c) the baseline: a bare count(*) of the open orders, on the same pooled connection.

Runs of (b) and (c) alternate, so a busy machine slows both alike; medians are compared (a run
that hits one of Python's full garbage collections shows as an outlier some 60 ms slower).
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from config import TestConfig  # noqa: E402
from hygiene import create_app  # noqa: E402
from hygiene.access.scope import Scope  # noqa: E402
from hygiene.accounts.models import User  # noqa: E402
from hygiene.checklists.services import template_save  # noqa: E402
from hygiene.checklists.spec import parse_template  # noqa: E402
from hygiene.extensions import db  # noqa: E402
from hygiene.inspections.models import Inspection  # noqa: E402
from hygiene.notifications.models import Notification  # noqa: E402
from hygiene.places.models import Township, Unit, Village  # noqa: E402
from hygiene.rectifications.models import OrderItem, RectificationOrder  # noqa: E402
from hygiene.rectifications.reminders import scan_deadlines  # noqa: E402
from hygiene.rectifications.workdays import is_working_day  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/benchdb"
NOW = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)  # Tuesday 09:00 in Beijing
TODAY = date(2026, 3, 3)
TOWNSHIPS, VILLAGES, UNITS, INSPECTIONS = 20, 500, 3000, 4000
ORDERS = 100_000
HISTORY = 250_000  # sent notifications: about three months of this county's outbox
FUTURE_DAYS, PAST_DAYS = 120, 20
LAST_DAY_SHARE, OLDER_TAIL_SHARE = 0.006, 0.019  # of all orders: due on the last working day, before it
FIRST_RUNS, STEADY_RUNS = 3, 9
CHUNK = 5000
COUNT_SQL = "SELECT count(*) FROM rectification_order WHERE status IN ('issued', 'evidence_submitted')"
SHEET = {
    "code": "bench-sheet", "name": "餐饮单位卫生检查表", "applies_to": "unit", "pass_mark": 60,
    "sections": [{"title": "环境", "items": [
        {"text": "地面整洁", "points": 40, "severity": "serious"},
        {"text": "垃圾日产日清", "points": 30},
        {"text": "无病媒生物", "points": 10, "severity": "urgent"},
        {"text": "台账完整", "points": 20}]}],
}


def working_days(start: date, count: int, step: int) -> list[date]:
    """`count` working days from `start` (inclusive) going forward (step 1) or back (step -1)."""
    days, day = [], start
    while len(days) < count:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=step)
    return days


def make_app(url: str, upload_dir: str):
    """An application on `url`, built from the test settings."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = upload_dir

    return create_app(Config)


def build_schema(app, fresh: bool) -> None:
    """Run the migrations; `fresh` drops whatever an earlier run left first."""
    from flask_migrate import upgrade

    with app.app_context():
        if fresh:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


def insert(model, rows: list[dict]) -> None:
    """Bulk-insert rows with Core executemany, a chunk per statement batch."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model.__table__), rows[start:start + CHUNK])


def places(rng: random.Random) -> dict:
    """Townships, villages and units; returns the ids needed later."""
    insert(Township, [dict(id=t, name=f"第{t:02d}镇") for t in range(1, TOWNSHIPS + 1)])
    village_town = {v: 1 + (v - 1) % TOWNSHIPS for v in range(1, VILLAGES + 1)}
    insert(Village, [dict(id=v, township_id=t, name=f"{v:03d}村") for v, t in village_town.items()])
    unit_village = {u: rng.randint(1, VILLAGES) for u in range(1, UNITS + 1)}
    insert(Unit, [dict(id=u, village_id=v, name=f"{u:04d}饭店", category="catering")
                  for u, v in unit_village.items()])
    return {"village_town": village_town, "unit_village": unit_village}


def users(rng: random.Random, county: dict) -> dict:
    """One admin per township, contacts for half the villages and a third of the units."""
    pw = generate_password_hash("bench", method="pbkdf2:sha256:1000")
    rows, ids = [], iter(range(1, 10**6))

    def add(username, role, **binding):
        rows.append(dict(id=next(ids), username=username, display_name=username, password_hash=pw,
                         role=role, phone=f"138{rng.randrange(10**8):08d}", township_id=None,
                         village_id=None, unit_id=None) | binding)

    for t in range(1, TOWNSHIPS + 1):
        add(f"admin_{t:02d}", "admin", township_id=t)
    for v, t in county["village_town"].items():
        for n in range(rng.randint(1, 2) if v % 2 else 0):
            add(f"vc_{v:03d}_{n}", "village_contact", township_id=t, village_id=v)
    for u, v in county["unit_village"].items():
        if u % 3 == 0:
            add(f"uc_{u:04d}", "unit_contact", township_id=county["village_town"][v], unit_id=u)
    insert(User, rows)
    return {"user_ids": [r["id"] for r in rows], "admins": len([r for r in rows if r["role"] == "admin"]),
            "contacts": len(rows) - TOWNSHIPS}


def inspections(rng: random.Random, county: dict, version_id: int) -> list[dict]:
    """Submitted inspections, 60% of units and the rest of whole villages."""
    rows = []
    units = list(county["unit_village"].items())
    for i in range(1, INSPECTIONS + 1):
        unit, village = rng.choice(units) if rng.random() < 0.6 else (None, rng.randint(1, VILLAGES))
        day = TODAY - timedelta(days=rng.randint(1, 60))
        rows.append(dict(id=i, version_id=version_id, township_id=county["village_town"][village],
                         village_id=village, unit_id=unit, target_kind="unit" if unit else "village",
                         target_id=unit or village, target_label=f"{unit or village}号对象",
                         planned_date=day, due_date=day, status="submitted"))
    insert(Inspection, rows)
    return rows


def deadlines(rng: random.Random) -> list[date]:
    """One deadline per order: the next 120 working days, a thin tail before, and the last
    working day (whose orders become overdue today)."""
    future = working_days(TODAY, FUTURE_DAYS + 1, 1)
    past = working_days(TODAY - timedelta(days=1), PAST_DAYS, -1)
    n_last, n_tail = int(ORDERS * LAST_DAY_SHARE), int(ORDERS * OLDER_TAIL_SHARE)
    weights = [rng.uniform(0.7, 1.3) for _ in future]
    tail_weights = [1 / (n + 1) for n in range(PAST_DAYS - 1)]  # fewer the older they are
    return ([past[0]] * n_last + rng.choices(past[1:], tail_weights, k=n_tail)
            + rng.choices(future, weights, k=ORDERS - n_last - n_tail))


def order_row(i: int, due: date, ins: dict, last_day: date, rng: random.Random) -> dict:
    """One open order for the inspection `ins`, due on `due`."""
    evidence = rng.random() < (0.4 if due < TODAY else 0.2)
    issued_on = min(due, TODAY) - timedelta(days=rng.randint(2, 20))
    # earlier days' scans marked what was overdue before the last working day
    marked = (datetime.combine(due + timedelta(days=1), datetime.min.time(), UTC)
              if not evidence and due < last_day else None)
    return dict(id=i, township_id=ins["township_id"], village_id=ins["village_id"], unit_id=ins["unit_id"],
                target_kind=ins["target_kind"], target_id=ins["target_id"], target_label=ins["target_label"],
                inspection_id=ins["id"], year=issued_on.year, number=0, token=f"b{i:011d}",
                issued_on=issued_on, issued_at=NOW - timedelta(days=(TODAY - issued_on).days),
                deadline=due, status="evidence_submitted" if evidence else "issued",
                evidence_at=NOW if evidence else None, overdue_at=marked, escalated_at=marked)


def orders(rng: random.Random, ins_rows: list[dict], items: list) -> int:
    """100,000 open orders with 1-3 items each; returns the number of items."""
    numbers: dict[tuple[int, int], int] = {}
    order_rows, item_rows = [], []
    last_day = working_days(TODAY - timedelta(days=1), 1, -1)[0]
    for i, due in enumerate(deadlines(rng), start=1):
        row = order_row(i, due, rng.choice(ins_rows), last_day, rng)
        key = (row["township_id"], row["year"])
        numbers[key] = row["number"] = numbers.get(key, 0) + 1
        order_rows.append(row)
        for item in rng.sample(items, rng.randint(1, 3)):
            item_rows.append(dict(order_id=i, item_id=item.id, text=item.text, note="",
                                  points_lost=item.points, severity=item.severity))
    insert(RectificationOrder, order_rows)
    insert(OrderItem, item_rows)
    return len(item_rows)


def history(rng: random.Random, user_ids: list[int]) -> None:
    """Older notifications, sent, so the outbox and its unique key are not empty."""
    rows = []
    for i in range(HISTORY):
        user, channel = rng.choice(user_ids), rng.choice(("in_app", "sms"))
        at = NOW - timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600))
        rows.append(dict(recipient_id=user, channel=channel, kind="order_due", subject="整改期限将至",
                         body="", link="/", dedupe_key=f"order_due:{user}:{channel}:old{i}",
                         send_after=at, next_attempt_at=None, sent_at=at, attempts=1, last_error=""))
    insert(Notification, rows)


def generate(app) -> dict:
    """Fill the database with the county; returns what was made."""
    rng = random.Random(2026)
    with app.app_context():
        county = places(rng)
        county |= users(rng, county)
        version = template_save(scope=Scope.county(), actor_id=None, spec=parse_template(SHEET))
        db.session.flush()
        ins_rows = inspections(rng, county, version.id)
        county["items"] = orders(rng, ins_rows, list(version.items))
        history(rng, county["user_ids"])
        db.session.commit()
        fix_sequences()
    analyse(app)
    return county


def fix_sequences() -> None:
    """Move PostgreSQL's id sequences past the ids given explicitly."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("township", "village", "unit", "user_account", "inspection", "rectification_order"):
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    db.session.commit()


def analyse(app, tables: tuple[str, ...] = ()) -> None:
    """Refresh planner statistics (and on PostgreSQL the visibility map), as autovacuum would."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables or ("",):
                conn.execute(sa.text(f"VACUUM ANALYZE {table}" if postgres else f"ANALYZE {table}"))


def counted(app, work):
    """Run `work()` and return (its result, seconds, SQL statements run)."""
    statements = [0]

    def count(*_args, **_kwargs):
        statements[0] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            start = time.perf_counter()
            result = work()
            return result, time.perf_counter() - start, statements[0]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)


def scan(app, now: datetime) -> tuple[str, float, int]:
    """One scan with its commit, in a fresh application context (and session)."""
    def work():
        result = scan_deadlines(now=now)
        db.session.commit()
        return result

    return counted(app, work)


def timed_count(app) -> float:
    """Seconds for the bare count(*) of the open orders."""
    with app.app_context():
        start = time.perf_counter()
        db.session.execute(sa.text(COUNT_SQL)).scalar_one()
        elapsed = time.perf_counter() - start
        db.session.rollback()
        return elapsed


def undo_first_scan(app, last_id: int) -> None:
    """Delete what the first scan queued and clear its overdue marks, then vacuum."""
    with app.app_context():
        db.session.execute(sa.delete(Notification).where(Notification.id > last_id))
        db.session.execute(sa.update(RectificationOrder).where(RectificationOrder.overdue_at == NOW)
                           .values(overdue_at=None, escalated_at=None))
        db.session.commit()
    analyse(app, ("notification", "rectification_order"))


def queued_since(app, last_id: int) -> dict[str, int]:
    """Outbox rows added after `last_id`, by kind."""
    with app.app_context():
        return dict(db.session.execute(sa.select(Notification.kind, sa.func.count())
                                       .where(Notification.id > last_id).group_by(Notification.kind)).all())


def open_orders(app) -> int:
    """The number of open orders, as the baseline counts them."""
    with app.app_context():
        return db.session.execute(sa.text(COUNT_SQL)).scalar_one()


def measure(app) -> dict:
    """First scan (undone between runs), then steady scans and counts alternating."""
    with app.app_context():
        last_id = db.session.scalar(sa.select(sa.func.max(Notification.id)))
    first = []
    for run in range(FIRST_RUNS):
        first.append(scan(app, NOW))
        if run < FIRST_RUNS - 1:
            undo_first_scan(app, last_id)
    queued = queued_since(app, last_id)
    timed_count(app)  # warm the connection and the index alike for both
    steady, counts = [], []
    for _ in range(STEADY_RUNS):
        steady.append(scan(app, NOW + timedelta(hours=1)))
        counts.append(timed_count(app))
    return {"first": first, "steady": steady, "count": counts, "queued": queued,
            "rows": open_orders(app)}


def run_database(name: str, url: str, scratch: Path) -> dict:
    """Build, fill and measure one database; print its human lines."""
    started = time.perf_counter()
    app = make_app(url, str(scratch / f"uploads-{name}"))
    build_schema(app, fresh=name == "postgresql")
    county = generate(app)
    print(f"[{name}] generated in {time.perf_counter() - started:.1f} s: {ORDERS:,} open orders, "
          f"{county['items']:,} items, {county['contacts']:,} contacts, {county['admins']} admins, "
          f"{HISTORY:,} older notifications")
    result = measure(app)
    with app.app_context():
        db.engine.dispose()
    report_database(name, result)
    return result


def medians(result: dict) -> tuple[float, float, float]:
    """Median seconds of the first scan, the steady scan and the count."""
    return (statistics.median(r[1] for r in result["first"]),
            statistics.median(r[1] for r in result["steady"]), statistics.median(result["count"]))


def ms(times) -> str:
    """Run times in whole milliseconds."""
    return " ".join(f"{t * 1000:.0f}" for t in times)


def report_database(name: str, result: dict) -> None:
    """The human lines for one database."""
    first, steady, count = medians(result)
    print(f"[{name}] open orders counted: {result['rows']:,}; first scan said: {result['first'][-1][0]}; "
          f"queued: {result['queued'].get('order_due', 0):,} reminder rows, "
          f"{result['queued'].get('order_overdue', 0):,} escalation rows")
    print(f"[{name}] (a) first scan   median {first * 1000:7.1f} ms  runs (ms): "
          f"{ms(r[1] for r in result['first'])}  SQL statements: {result['first'][-1][2]}")
    print(f"[{name}] (b) steady scan  median {steady * 1000:7.1f} ms  runs (ms): "
          f"{ms(r[1] for r in result['steady'])}  SQL statements: {result['steady'][-1][2]}")
    print(f"[{name}] (c) count(*)     median {count * 1000:7.1f} ms  runs (ms): {ms(result['count'])}")
    print(f"[{name}] ratio steady / count = {steady / count:.1f} (goal: < 1 s and <= 10x)")


def postgres_answers() -> bool:
    """True when benchdb accepts a connection within a few seconds."""
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception as error:  # noqa: BLE001  (any failure means: skip it)
        print(f"[postgresql] skipped: {PG_URL} does not answer ({type(error).__name__})")
        return False


def main() -> None:
    started = time.perf_counter()
    results = {}
    with tempfile.TemporaryDirectory(prefix="deadline-bench-") as scratch:
        results["sqlite"] = run_database("sqlite", f"sqlite:///{scratch}/bench.db", Path(scratch))
        if postgres_answers():
            results["postgresql"] = run_database("postgresql", PG_URL, Path(scratch))
    print(f"bench took {time.perf_counter() - started:.1f} s")
    figures = {name: medians(result) for name, result in results.items()}
    _first, steady, count = figures.get("postgresql") or figures["sqlite"]
    print(json.dumps({
        "figure": "deadline_scan_100k", "value": round(steady, 4), "unit": "s",
        "baseline": round(count, 4), "ratio": round(steady / count, 2), "goal": "< 1 s and <= 10x count",
        "first_scan_s": {name: round(f[0], 4) for name, f in figures.items()},
        "steady_scan_s": {name: round(f[1], 4) for name, f in figures.items()},
        "count_s": {name: round(f[2], 4) for name, f in figures.items()},
    }))


if __name__ == "__main__":
    main()
