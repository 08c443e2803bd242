"""Benchmark: a county's working day under load, against a bare Flask route on the same server.

Run from the repository root: `.venv/bin/python bench/load.py` (`--users 50 --seconds 60`). The
last line printed is one JSON object (figure, value, unit, baseline, ratio, goal, journeys).

The county is bench/_county.py's (20 townships, 500 villages, 5,000 units, 100,000 published
inspections, 20,000 orders) on PostgreSQL, in the database `loadbench` only (LOADBENCH_URL
overrides it); it is built once and kept, since building takes minutes. On top of it this script
adds an admin and two inspectors per township and the contacts of 100 villages (once), and
each run 8 open inspections for today per inspector (the last run's are cancelled).

The application is served as a county serves it: gunicorn with deploy/gunicorn.conf.py when that
file exists (else 2 gthread workers × 8 threads), behind Debian's nginx with
deploy/nginx/hygiene.conf (`--direct`: gunicorn alone), the scheduler in no web process. A bare Flask
route is mounted in the same workers (bench/_load_app.py), so both are measured on one server.

Simulated users, `--users` at once for `--seconds`, each signed in before the clock starts and
after one untimed round of every journey (the workers warmed up), reading each page for about
`--think` seconds (0.5-1.5 × 1.0 s by default; 0 hammers the server),
pick journeys at random in the proportions of an office's day:
  inspector  the agenda, an inspection's form, three autosaved answers, one photo (1600×1200, ~900 KB)
  village    the village's orders, one order's page
  office     the dashboard, the inspection and order lists (page 3), the ranking page
  public     the public township page and a village's public page
and, beside them, the bare route. Reported: requests per second, p50/p95/p99 per journey step
and the errors (any status other than the expected). Goal: p95 under 300 ms for pages, 0 errors.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench._databases import pg_available  # noqa: E402

URL = os.environ.get("LOADBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/loadbench")
PASSWORD = "load-bench-Password-1"
INSPECTIONS_PER_INSPECTOR = 8   # a day's round of an inspector
PAGE_GOAL_MS = 300.0
JOURNEY_WEIGHTS = {"inspector": 3, "village": 2, "office": 2, "public": 1}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def make_app():
    from config import TestConfig
    from hygiene import create_app

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = URL
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    return create_app(Config)


def prepare() -> dict:
    """Build the county once (kept between runs), then this run's people and open work."""
    from hygiene.extensions import db

    app = make_app()
    with app.app_context():
        built = _county_built(db)
        if not built:
            _build_county(db)
        else:
            from flask_migrate import upgrade

            upgrade()  # a county built by an older release: its schema brought to this one
        people = _people(db)
        _publications(people)
        db.session.remove()
        db.engine.dispose()
    return people


def _county_built(db) -> bool:
    try:
        with db.engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM inspection WHERE status = 'published'")) >= 100_000
    except sa.exc.DBAPIError:
        return False


def _build_county(db) -> None:
    from flask_migrate import upgrade

    from bench._county import county_build

    print("building the county (once; kept in the database for later runs)…", flush=True)
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    print(county_build(), flush=True)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def _people(db) -> dict:
    """The county's users (made once) and this run's open inspections for today.

    Earlier runs' open inspections are cancelled, not deleted (deleting would have to follow
    every table that points at an inspection), so each run's agendas hold that run's day."""
    from werkzeug.security import generate_password_hash

    from hygiene.inspections.models import Inspection, inspection_inspector
    from hygiene.places.models import Village
    from hygiene.rectifications.models import RectificationOrder

    today = datetime.now(UTC).date()
    with db.engine.begin() as conn:
        _sequences_after_ids(conn)
        conn.execute(sa.text("UPDATE inspection SET status = 'cancelled' WHERE target_label LIKE 'load %' "
                             "AND status IN ('planned', 'in_progress')"))
        villages = conn.execute(sa.select(Village.id, Village.township_id).order_by(Village.id)).all()
        townships = sorted({t for _, t in villages})
        if not conn.scalar(sa.text("SELECT count(*) FROM user_account WHERE username LIKE 'load_%'")):
            _add_users(conn, villages, townships, generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
                       set(conn.scalars(sa.select(RectificationOrder.village_id).distinct())))
        users = conn.execute(sa.text("SELECT id, username, role, township_id FROM user_account "
                                     "WHERE username LIKE 'load_%' ORDER BY id")).all()
        version_id = conn.scalar(sa.text("SELECT version_id FROM inspection ORDER BY id LIMIT 1"))
        item_ids = list(conn.scalars(sa.text("SELECT item_id FROM answer WHERE inspection_id = "
                                             "(SELECT min(id) FROM inspection) ORDER BY item_id")))
        by_township = defaultdict(list)
        for village, township in villages:
            by_township[township].append(village)
        first = (conn.scalar(sa.select(sa.func.max(Inspection.id))) or 0) + 1
        rows, links, open_of = [], [], {}
        for user_id, _, role, township in users:
            if role != "inspector":
                continue
            open_of[user_id] = []
            for n in range(INSPECTIONS_PER_INSPECTOR):
                village = by_township[township][n % len(by_township[township])]
                rows.append({"id": first, "version_id": version_id, "township_id": township, "village_id": village,
                             "target_kind": "village", "target_id": village, "target_label": f"load {village}",
                             "planned_date": today, "due_date": today, "status": "planned", "vetoed": False,
                             "grade": "", "review_comment": "", "created_at": datetime.now(UTC)})
                links.append({"inspection_id": first, "user_id": user_id})
                open_of[user_id].append(first)
                first += 1
        conn.execute(sa.insert(Inspection), rows)
        conn.execute(sa.insert(inspection_inspector), links)
        _sequences_after_ids(conn)
    roles: dict[str, list[int]] = defaultdict(list)
    for user_id, _, role, _ in users:
        roles[{"admin": "office", "village_contact": "village"}.get(role, role)].append(user_id)
    return {"office": roles["office"], "village": roles["village"], "inspector": roles["inspector"],
            "usernames": {user_id: name for user_id, name, _, _ in users}, "open": open_of, "items": item_ids,
            "townships": townships, "villages": [(v, t) for v, t in villages[:200]]}


def _publications(people: dict) -> None:
    """December 2025's village ranking published in every township (once), for the public pages."""
    from hygiene.access.scope import Scope
    from hygiene.core.periods import parse_period
    from hygiene.extensions import db
    from hygiene.rankings.components import Subject
    from hygiene.rankings.models import RankingPublication
    from hygiene.rankings.services import ranking_publish

    published = set(db.session.scalars(sa.select(RankingPublication.township_id)))
    admins = {name.rsplit("_", 1)[1]: user_id for user_id, name in people["usernames"].items()
              if name.startswith("load_admin_")}
    for township in people["townships"]:
        if township not in published:
            ranking_publish(scope=Scope.county(), actor_id=admins[str(township)],
                            subject=Subject(township, "villages"), period=parse_period("2025-12"),
                            today=datetime.now(UTC).date(), now=datetime.now(UTC))
            db.session.commit()


def _sequences_after_ids(conn) -> None:
    """bench/_county.py writes explicit ids: move each table's id sequence past them, as the
    application's own inserts take the sequence's next value."""
    for table in sa.inspect(conn).get_table_names():
        sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}) \
            if "id" in {c["name"] for c in sa.inspect(conn).get_columns(table)} else None
        if sequence:
            conn.execute(sa.text(f"SELECT setval('{sequence}', greatest((SELECT max(id) FROM {table}), 1))"))


def _add_users(conn, villages, townships, password_hash: str, villages_with_orders: set[int]) -> None:
    rows = []

    def user(name: str, role: str, township: int, village: int | None = None) -> None:
        rows.append({"username": name, "display_name": name, "password_hash": password_hash, "role": role,
                     "township_id": township, "village_id": village, "unit_id": None, "active": True,
                     "created_at": datetime.now(UTC)})

    for township in townships:
        user(f"load_admin_{township}", "admin", township)
        user(f"load_insp_{township}_1", "inspector", township)
        user(f"load_insp_{township}_2", "inspector", township)
    for village, township in [v for v in villages if v[0] in villages_with_orders][:100]:
        user(f"load_village_{village}", "village_contact", township, village)
    from hygiene.accounts.models import User

    conn.execute(sa.insert(User), rows)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


NGINX_MAIN = """worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
{user}
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def nginx_in_front(folder: Path, upstream: int, uploads: str) -> tuple[subprocess.Popen, int]:
    """Debian's nginx with deploy/nginx/hygiene.conf (rendered as deploy/render.py does) in front of
    gunicorn: it buffers the uploads and sends the photos (X-Accel-Redirect), as a county runs it."""
    sys.path.insert(0, str(ROOT / "deploy"))
    from render import read_env, render

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    front = free_port()
    values = {**read_env(ROOT / "deploy" / "hygiene.env.example"), "LISTEN": f"127.0.0.1:{front}",
              "SERVER_NAME": "127.0.0.1", "UPSTREAM": f"127.0.0.1:{upstream}", "STATIC_DIR": str(ROOT / "static"),
              "UPLOAD_DIR": uploads}
    (folder / "site.conf").write_text(render((ROOT / "deploy/nginx/hygiene.conf").read_text(), values))
    (folder / "nginx.conf").write_text(NGINX_MAIN.format(tmp=folder, user="user root root;" if os.geteuid() == 0 else ""))
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                                str(folder / "nginx-error.log"), "-g", "daemon off;"], start_new_session=True)
    return process, front


def serve(port: int, uploads: str, log: Path) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=URL, SECRET_KEY="load-bench-secret-" + "x" * 24, UPLOAD_DIR=uploads,
               HYGIENE_CONFIG="production", SCHEDULER_EMBEDDED="0", HYGIENE_INSECURE_COOKIES="1", PYTHONPATH=str(ROOT),
               PHOTO_ACCEL_PREFIX="/_photos/", PROXY_FIX_X_FOR="1", PROXY_FIX_X_PROTO="1")
    conf = ROOT / "deploy" / "gunicorn.conf.py"
    args = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
    args += ["-c", str(conf)] if conf.exists() else ["-k", "gthread", "-w", "2", "--threads", "8"]
    process = subprocess.Popen([*args, "bench._load_app:app"], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_bare/", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not answer: " + log.read_text()[-2000:])


def photo_variants(count: int = 12) -> list[bytes]:
    """Phone-sized JPEGs (1600×1200, ~900 KB), each different, as phones send different photos."""
    from PIL import Image, ImageDraw

    rng = random.Random(7)
    base = Image.effect_noise((1600, 1200), 40).convert("RGB")
    photos = []
    for n in range(count):
        image = base.copy()
        ImageDraw.Draw(image).rectangle((n * 100, n * 80, n * 100 + 300, n * 80 + 200),
                                        fill=(rng.randrange(256), rng.randrange(256), 90))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        photos.append(out.getvalue())
    return photos


class Recorder:
    """Times every request; a person reads each page before the next click (`think` seconds,
    on average, drawn per step), as the office's people do."""

    def __init__(self, think: float = 0.0):
        self.think = think
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()

    def call(self, step: str, session: requests.Session, method: str, url: str, expect=(200,), **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=30, allow_redirects=False, **kwargs)
            status = response.status_code
        except requests.RequestException as error:
            response, status = None, repr(error)[:80]
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[step].append(elapsed)
            if status not in expect:
                self.errors[step].append(str(status))
        if self.think:
            time.sleep(random.uniform(0.5, 1.5) * self.think)
        return response


def signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    token = _csrf(page)
    response = session.post(f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False, timeout=30)
    if response.status_code != 302:
        raise SystemExit(f"sign-in of {username} failed: {response.status_code}")
    session.headers["X-CSRFToken"] = _csrf(session.get(f"{base}/account/password", timeout=30).text)
    return session


def _csrf(page: str) -> str:
    match = CSRF.search(page)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1) or match.group(2)


def journeys(base: str, people: dict, photos: list[bytes], record: Recorder):
    def inspector(session, me, rng):
        record.call("inspector: agenda", session, "GET", f"{base}/inspections/agenda")
        inspection = rng.choice(people["open"][me])
        record.call("inspector: form", session, "GET", f"{base}/inspections/{inspection}/fill")
        for item in rng.sample(people["items"], 3):
            record.call("inspector: autosave", session, "POST", f"{base}/inspections/{inspection}/answers",
                        json={"item_id": item, "result": "pass"})
        record.call("inspector: photo", session, "POST", f"{base}/inspections/{inspection}/photos", expect=(201,),
                    files={"photo": ("photo.jpg", rng.choice(photos), "image/jpeg")},
                    data={"item_id": str(people["items"][0])})

    def village(session, me, rng):
        page = record.call("village: orders", session, "GET", f"{base}/orders/")
        ids = re.findall(r'href="/orders/(\d+)"', page.text if page is not None else "")
        if ids:
            record.call("village: order", session, "GET", f"{base}/orders/{rng.choice(ids)}")

    def office(session, me, rng):
        record.call("office: dashboard", session, "GET", f"{base}/")
        record.call("office: inspections", session, "GET", f"{base}/inspections/?page=3")
        record.call("office: orders", session, "GET", f"{base}/orders/?page=3")
        record.call("office: ranking", session, "GET", f"{base}/rankings/")

    def public(session, me, rng):
        township = rng.choice(people["townships"])
        record.call("public: township", session, "GET", f"{base}/public/{township}/")
        village, township = rng.choice(people["villages"])
        record.call("public: village", session, "GET", f"{base}/public/{township}/villages/{village}/",
                    expect=(200, 404))

    return {"inspector": inspector, "village": village, "office": office, "public": public}


def run_load(base: str, people: dict, users: int, seconds: float, think: float) -> tuple[Recorder, float, int]:
    record = Recorder(think)
    routes = journeys(base, people, photo_variants(), record)
    kinds = [kind for kind, weight in JOURNEY_WEIGHTS.items() for _ in range(weight)]
    rng = random.Random(2026)
    plan = []
    for n in range(users):
        kind = kinds[n % len(kinds)]
        plan.append((kind, None if kind == "public" else rng.choice(people[kind])))
    sessions = [requests.Session() if me is None else signed_in(base, people["usernames"][me]) for _, me in plan]
    # a warm-up, not timed: every worker process has loaded its templates and connections, as a
    # server that has been up a while has (a restart's first seconds are not the working day)
    warm = Recorder(0.0)
    warm_routes = journeys(base, people, photo_variants(2), warm)
    for n, (kind, me) in enumerate(plan):
        for _ in range(2):
            warm_routes[kind](sessions[n], me, random.Random(-n))
    stop_at = time.monotonic() + seconds

    def user(n: int):
        kind, me = plan[n]
        local = random.Random(n)
        while time.monotonic() < stop_at:
            routes[kind](sessions[n], me, local)
            record.call("bare route", sessions[n], "GET", f"{base}/_bare/")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return record, elapsed, sum(len(v) for v in record.times.values())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--direct", action="store_true", help="gunicorn alone, without nginx in front")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user reads a page (0: none)")
    args = parser.parse_args()
    if not pg_available(URL):
        raise SystemExit(f"PostgreSQL is needed at {URL} (LOADBENCH_URL)")
    people = prepare()
    port = free_port()
    with tempfile.TemporaryDirectory() as uploads:
        log = Path(uploads) / "server.log"
        server = serve(port, uploads, log)
        front, front_port = (None, port) if args.direct else nginx_in_front(Path(uploads), port, uploads)
        try:
            if front is not None:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    try:
                        requests.get(f"http://127.0.0.1:{front_port}/_bare/", timeout=2)
                        break
                    except requests.RequestException:
                        time.sleep(0.3)
            record, elapsed, total = run_load(f"http://127.0.0.1:{front_port}", people, args.users, args.seconds,
                                             args.think)
        finally:
            if front is not None:
                os.killpg(front.pid, signal.SIGQUIT)
                front.wait(timeout=15)
            os.killpg(server.pid, signal.SIGINT)  # gunicorn's quick shutdown
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        server_errors = [line for line in log.read_text().splitlines() if "Traceback" in line or " 500 " in line]
    steps = {}
    for step, times in sorted(record.times.items()):
        steps[step] = {"n": len(times), "p50": round(statistics.median(times), 1),
                       "p95": round(percentile(times, 0.95), 1), "p99": round(percentile(times, 0.99), 1),
                       "errors": len(record.errors.get(step, [])),
                       "error_kinds": sorted(set(record.errors.get(step, [])))[:5]}
        print(f"{step:24} n={len(times):6}  p50 {steps[step]['p50']:7.1f}  p95 {steps[step]['p95']:7.1f}  "
              f"p99 {steps[step]['p99']:7.1f} ms  errors {steps[step]['errors']}")
    pages = {k: v for k, v in steps.items() if k != "bare route" and k != "inspector: photo"}
    worst_step = max(pages, key=lambda k: pages[k]["p95"])
    errors = sum(v["errors"] for v in steps.values())
    bare = steps["bare route"]["p95"]
    print(json.dumps({"figure": "load: worst page p95 under 50 users", "value": pages[worst_step]["p95"], "unit": "ms",
                      "baseline": bare, "ratio": round(pages[worst_step]["p95"] / bare, 2) if bare else None,
                      "goal": f"p95 < {PAGE_GOAL_MS:.0f} ms for pages, 0 errors", "worst": worst_step,
                      "errors": errors, "server_tracebacks": len(server_errors), "requests_per_second": round(total / elapsed, 1),
                      "users": args.users, "seconds": args.seconds, "behind_nginx": not args.direct, "think_seconds": args.think, "met": pages[worst_step]["p95"] < PAGE_GOAL_MS and errors == 0,
                      "steps": steps, "date": date.today().isoformat()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
