"""Benchmark: the public ranking pages, kept as bytes once rendered, beside a bare Flask route.

Run from the repository root: `.venv/bin/python bench/public_pages.py` (`--only pg|sqlite`;
`--reuse` keeps an already generated county; `--server werkzeug` serves with werkzeug's threaded
server instead of waitress). The last line printed is one JSON object (figure,
value, unit, baseline, ratio, goal, per_db).

The county of bench/_county.py is generated (PostgreSQL: the database `pub13bench`, PUBBENCH_URL
overrides it; SQLite: a temporary file) and township 1's 2025 village ranking is published. The
app is served in a subprocess by bench/_served.py (waitress, as `make run`, with a bare route
added) and 8 keep-alive client threads ask for one path at a time:
  warm: on one server, after a warm-up, the township's latest page and the bare route in
        WARM_PAIRS pairs of PAIR_SECONDS each, their order swapped from one pair to the next; the
        ratio is the median of the pairs' ratios, so a neighbour's burst on the shared machine
        moves one pair, not the figure (one 5-second round each way moved it by +-0.1);
  cold: a new server process asked for the page at once, without a warm-up of the client (its
        first requests find the page kept by the other process), beside another new process asked
        for the bare route at once, COLD_PAIRS times (median of the ratios). Each new process
        warms itself up before it listens, as `flask serve` and gunicorn's workers do
        (hygiene/core/warmup.py: connections, templates, catalogues); the same without that
        warm-up is printed beside, for contrast (one pair);
  first render: the first request of each public page after publishing (rendered and kept);
  rendered every time: the page with a query the views never keep (?bench=1), for contrast.
The goal: page / bare >= 0.8, warm and cold. The machine's load average is printed beside.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench._databases import pg_available  # noqa: E402
from bench._served import BARE, WARM_SECONDS, get, hammer, server  # noqa: E402
from bench.ranking import build, make_app, publish  # noqa: E402
from hygiene.extensions import db  # noqa: E402

PG_URL = os.environ.get("PUBBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pub13bench")
GOAL = 0.8
WARM_PAIRS, PAIR_SECONDS, COLD_PAIRS = 8, 1.5, 3


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def prepare(url: str, reuse: bool) -> int:
    """The county with township 1's 2025 ranking published; returns the township id."""
    from hygiene.rankings.models import PublicPage, RankingPublication

    app = make_app(url)
    with app.app_context():
        found = reuse and sa.inspect(db.engine).has_table("public_page") and db.session.scalar(
            sa.select(RankingPublication.township_id).limit(1))
        if found:
            db.session.execute(sa.delete(PublicPage))   # every page starts not yet rendered
            db.session.commit()
    if not found:
        built = build(app)
        print(f"   generated {built['inspections']:,} inspections in {built['generate_s']:.0f} s", flush=True)
        found = publish(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return found


def paths(port: int, tid: int) -> dict[str, str]:
    village = f"/public/{tid}/villages/{(tid - 1) * 25 + 1}/"
    return {"index": "/public/", "latest": f"/public/{tid}/", "period": f"/public/{tid}/2025/", "village": village}


def first_renders(port: int, tid: int) -> dict[str, float]:
    """Milliseconds of each page's first request (rendered and kept), then of its second (kept)."""
    times = {}
    for name, path in paths(port, tid).items():
        for label in ("first", "again"):
            started = time.perf_counter()
            status, _ = get(port, path)
            assert status == 200, (path, status)
            times[f"{name}_{label}_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return times


def run_database(name: str, url: str, reuse: bool, kind: str) -> dict:
    print(f"== {name} ({load()})", flush=True)
    tid = prepare(url, reuse)
    page = f"/public/{tid}/"
    with server(url, kind) as (port, served_by):
        renders = first_renders(port, tid)
        hammer(port, page, WARM_SECONDS), hammer(port, BARE, WARM_SECONDS)
        rounds = []
        for i in range(WARM_PAIRS):
            order = (page, BARE) if i % 2 == 0 else (BARE, page)
            measured = {path: hammer(port, path, PAIR_SECONDS) for path in order}
            rounds.append((measured[page], measured[BARE]))
        rendered = hammer(port, page + "?bench=1")
    colds = []
    for _ in range(COLD_PAIRS):
        with server(url, kind) as (port, _):
            cold = hammer(port, page)
        with server(url, kind) as (port, _):
            cold_bare = hammer(port, BARE)
        colds.append((cold, cold_bare))
    with server(url, kind, warm=False) as (port, _):
        unwarmed = hammer(port, page)
    with server(url, kind, warm=False) as (port, _):
        unwarmed_bare = hammer(port, BARE)
    warm_page = statistics.median(r[0][0] for r in rounds)
    warm_bare = statistics.median(r[1][0] for r in rounds)
    warm_ratio = statistics.median(r[0][0] / r[1][0] for r in rounds)
    cold_ratio = statistics.median(c[0][0] / c[1][0] for c in colds)
    cold, cold_bare = (statistics.median(c[i][0] for c in colds) for i in (0, 1))
    result = {
        "server": served_by, "page": page, "warm_page_rps": round(warm_page, 1),
        "warm_bare_rps": round(warm_bare, 1), "warm_ratio": round(warm_ratio, 3),
        "warm_pair_ratios": [round(r[0][0] / r[1][0], 3) for r in rounds],
        "cold_page_rps": round(cold, 1), "cold_bare_rps": round(cold_bare, 1),
        "cold_ratio": round(cold_ratio, 3), "cold_pair_ratios": [round(c[0][0] / c[1][0], 3) for c in colds],
        "unwarmed_page_rps": round(unwarmed[0], 1),
        "unwarmed_bare_rps": round(unwarmed_bare[0], 1), "unwarmed_ratio": round(unwarmed[0] / unwarmed_bare[0], 3),
        "rendered_rps": round(rendered[0], 1),
        "rendered_ratio": round(rendered[0] / warm_bare, 3), "first_request_ms": renders,
        "codes": {"warm": _codes(r[0][1] for r in rounds), "cold": _codes(c[0][1] for c in colds),
                  "unwarmed": unwarmed[1], "rendered": rendered[1]},
    }
    print(f"   served by {served_by}; {page}: warm {warm_page:.0f} req/s vs bare {warm_bare:.0f} "
          f"(median of {WARM_PAIRS} pairs' ratios {result['warm_ratio']:.2f}x: {result['warm_pair_ratios']}); "
          f"cold {cold:.0f} vs {cold_bare:.0f} = {result['cold_ratio']:.2f}x ({result['cold_pair_ratios']}) "
          f"(goal >= {GOAL}); without the warm-up {unwarmed[0]:.0f} vs {unwarmed_bare[0]:.0f} = "
          f"{result['unwarmed_ratio']:.2f}x; rendered every time {rendered[0]:.0f} = {result['rendered_ratio']:.2f}x",
          flush=True)
    print(f"   first request of each page after publishing (ms): {renders}", flush=True)
    print(f"   codes {result['codes']} ({load()})", flush=True)
    return result


def _codes(counts) -> dict[int, int]:
    total: dict[int, int] = {}
    for codes in counts:
        for code, n in codes.items():
            total[code] = total.get(code, 0) + n
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--server", choices=("waitress", "werkzeug"), default="waitress")
    args = parser.parse_args()
    scratch = Path(os.environ.get("PUBBENCH_DIR") or tempfile.mkdtemp(prefix="pubbench-"))
    targets = []
    if args.only != "sqlite" and pg_available(PG_URL):
        targets.append(("postgresql", PG_URL))
    if args.only != "pg":
        targets.append(("sqlite", f"sqlite:///{scratch / 'county.db'}"))
    try:
        per_db = {name: run_database(name, url, args.reuse, args.server) for name, url in targets}
    finally:
        if not os.environ.get("PUBBENCH_DIR"):
            shutil.rmtree(scratch, ignore_errors=True)
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    r = per_db[main_db]
    worst = min(r["warm_ratio"], r["cold_ratio"])
    print(json.dumps({
        "figure": "public_page_rps", "value": r["warm_page_rps"], "unit": "req/s",
        "baseline": r["warm_bare_rps"], "ratio": worst, "database": main_db,
        "goal": f"page / bare route >= {GOAL}, warm and cold (ratio: the lower of the two)", "per_db": per_db,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
