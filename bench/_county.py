"""A generated county for benchmarks, written with Core executemany in chunks (no services).

20 townships × 25 villages, 5,000 units (10 per village), 4 households and 2 cleaners per
village, one checklist of 20 items × 5 points, 100,000 published inspections planned in 2025
(about 60 % of a village, household or cleaner, 40 % of a unit) each with its 20 answers, and
20,000 rectification orders with deadlines in 2025. Villages whose id is a multiple of 50 get
no inspection, so "no score" rows exist too.
Run inside an application context whose schema is already built.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.checklists.services import template_save
from hygiene.checklists.spec import parse_template
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection
from hygiene.places.models import Cleaner, Household, Township, Unit, Village
from hygiene.places.rules import UNIT_CATEGORIES
from hygiene.rectifications.models import RectificationOrder

TOWNSHIPS, VILLAGES_PER_TOWNSHIP, UNITS, INSPECTIONS, ORDERS = 20, 25, 5000, 100_000, 20_000
VILLAGES = TOWNSHIPS * VILLAGES_PER_TOWNSHIP
YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)
CHUNK = 5000                       # inspections per executemany (with their 100,000 answers)
STAMP = datetime(2025, 1, 1, tzinfo=UTC)
ORDER_STATUSES, ORDER_WEIGHTS = ("closed", "evidence_submitted", "issued", "superseded"), (6, 1, 2, 1)


def county_build(*, seed: int = 2025) -> dict[str, int]:
    """Fill an empty schema with the county; returns the row counts written."""
    rng = random.Random(seed)
    with db.engine.begin() as conn:
        _register(conn, rng)
    version_id, item_ids = _checklist()
    quality = {v: rng.uniform(0.6, 0.98) for v in range(1, VILLAGES + 1)}
    facts: list[tuple] = []
    answers = 0
    for first in range(1, INSPECTIONS + 1, CHUNK):
        rows, answer_rows = _inspection_chunk(rng, first, version_id, item_ids, quality)
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Inspection), rows)
            conn.execute(sa.insert(Answer), answer_rows)
        facts += [(r["id"], r["township_id"], r["village_id"], r["unit_id"], r["target_kind"],
                   r["target_id"], r["target_label"], r["planned_date"]) for r in rows]
        answers += len(answer_rows)
    orders = _order_rows(rng, facts)
    with db.engine.begin() as conn:
        for start in range(0, len(orders), CHUNK):
            conn.execute(sa.insert(RectificationOrder), orders[start:start + CHUNK])
    return {"inspections": len(facts), "answers": answers, "orders": len(orders)}


def _register(conn, rng: random.Random) -> None:
    common = {"active": True, "created_at": STAMP, "updated_at": STAMP}
    conn.execute(sa.insert(Township), [
        {**common, "id": t, "name": f"第{t:02d}镇", "kind": "township", "contact_name": "", "contact_phone": ""}
        for t in range(1, TOWNSHIPS + 1)])
    conn.execute(sa.insert(Village), [
        {**common, "id": v, "township_id": _township_of(v), "name": f"{_township_of(v):02d}镇{v:03d}村",
         "kind": "village", "contact_name": "", "contact_phone": ""} for v in range(1, VILLAGES + 1)])
    categories = list(UNIT_CATEGORIES)
    conn.execute(sa.insert(Unit), [
        {**common, "id": u, "village_id": _village_of_unit(u), "name": f"单位{u:04d}",
         "category": rng.choice(categories), "address": "", "contact_name": "", "contact_phone": ""}
        for u in range(1, UNITS + 1)])
    conn.execute(sa.insert(Household), [
        {**common, "id": h, "village_id": (h - 1) // 4 + 1, "group_name": f"{h % 4 + 1}组",
         "head_name": f"户主{h:04d}", "phone": "", "address": ""} for h in range(1, 4 * VILLAGES + 1)])
    conn.execute(sa.insert(Cleaner), [
        {**common, "id": c, "village_id": (c - 1) // 2 + 1, "name": f"保洁{c:04d}", "section": "主干道",
         "phone": ""} for c in range(1, 2 * VILLAGES + 1)])


def _checklist() -> tuple[int, list[int]]:
    """One county checklist of 4 sections × 5 pass/fail items of 5 points, saved by the service."""
    spec = parse_template({
        "name": "基准检查表", "code": "bench", "applies_to": "village", "pass_mark": 60,
        "sections": [{"title": f"第{s + 1}部分", "items": [
            {"text": f"检查项 {s * 5 + i + 1}", "points": 5} for i in range(5)]} for s in range(4)]})
    version = template_save(scope=Scope.county(), actor_id=None, spec=spec)
    db.session.commit()
    return version.id, [item.id for item in version.items]


def _inspection_chunk(rng, first: int, version_id: int, item_ids: list[int], quality: dict) -> tuple[list, list]:
    inspections, answers = [], []
    for iid in range(first, min(first + CHUNK, INSPECTIONS + 1)):
        village = rng.randrange(1, VILLAGES + 1)
        if village % 50 == 0:          # a few villages are never inspected
            village -= 1
        kind, target, label, unit = _target(rng, village)
        planned = YEAR_START + timedelta(days=rng.randrange(365))
        earned = 0
        for n, item in enumerate(item_ids):
            passed = rng.random() < quality[village]
            earned += 5 if passed else 0
            answers.append({"id": (iid - 1) * len(item_ids) + n + 1, "inspection_id": iid, "item_id": item,
                            "result": "pass" if passed else "fail", "findings": 0, "grade": None,
                            "earned": Decimal(5 if passed else 0), "note": "", "updated_at": STAMP})
        moment = datetime.combine(planned, datetime.min.time(), UTC) + timedelta(hours=3)
        inspections.append({
            "id": iid, "plan_id": None, "version_id": version_id, "township_id": _township_of(village),
            "village_id": village, "target_kind": kind, "target_id": target, "target_label": label,
            "unit_id": unit, "period_start": None, "planned_date": planned,
            "due_date": planned + timedelta(days=7), "status": "published", "score": Decimal(earned),
            "earned": Decimal(earned), "possible": Decimal(100), "vetoed": False, "passed": earned >= 60,
            "grade": "", "started_at": moment, "submitted_at": moment, "submitted_by_id": None,
            "submission_key": None, "published_at": moment + timedelta(hours=1), "published_by_id": None,
            "review_comment": "", "created_at": moment})
    return inspections, answers


def _target(rng, village: int) -> tuple[str, int, str, int | None]:
    if rng.random() < 0.4:
        unit = (village - 1) * 10 + rng.randrange(10) + 1
        return "unit", unit, f"单位{unit:04d}", unit
    kind = rng.choice(("village", "household", "cleaner"))
    if kind == "village":
        return kind, village, f"{village:03d}村", None
    if kind == "household":
        hid = (village - 1) * 4 + rng.randrange(4) + 1
        return kind, hid, f"户主{hid:04d}", None
    cid = (village - 1) * 2 + rng.randrange(2) + 1
    return kind, cid, f"保洁{cid:04d}", None


def _order_rows(rng, facts: list[tuple]) -> list[dict]:
    numbers: dict[int, int] = {}
    rows = []
    for oid, fact in enumerate(sorted(rng.sample(facts, ORDERS)), start=1):
        iid, township, village, unit, kind, target, label, planned = fact
        numbers[township] = numbers.get(township, 0) + 1
        deadline = min(planned + timedelta(days=rng.randrange(7, 31)), YEAR_END)
        status = rng.choices(ORDER_STATUSES, ORDER_WEIGHTS)[0]
        late = status == "issued" or (status == "closed" and rng.random() < 0.3)
        issued_at = datetime.combine(planned, datetime.min.time(), UTC) + timedelta(hours=5)
        due_moment = datetime.combine(deadline, datetime.min.time(), UTC)
        rows.append({
            "id": oid, "township_id": township, "village_id": village, "unit_id": unit,
            "target_kind": kind, "target_id": target, "target_label": label, "inspection_id": iid,
            "parent_id": None, "year": 2025, "number": numbers[township], "token": f"b{oid:015d}",
            "issued_on": planned, "issued_at": issued_at, "issued_by_id": None, "deadline": deadline,
            "status": status, "acknowledged_at": None, "acknowledged_by_id": None, "evidence_note": "",
            "evidence_at": None, "evidence_by_id": None, "reinspected_at": None, "reinspected_by_id": None,
            "reinspection_passed": None, "reinspection_note": "",
            "closed_at": due_moment if status == "closed" else None,
            "overdue_at": due_moment + timedelta(days=1) if late else None, "escalated_at": None})
    return rows


def _township_of(village: int) -> int:
    return (village - 1) // VILLAGES_PER_TOWNSHIP + 1


def _village_of_unit(unit: int) -> int:
    return (unit - 1) // (UNITS // VILLAGES) + 1
