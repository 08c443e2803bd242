"""Shared steps of the food register tests: a banquet form, a certificate form, reading ids."""
from __future__ import annotations

import uuid

import sqlalchemy as sa

from hygiene.extensions import db

TODAY = "2026-06-10"
NOW = f"{TODAY} 09:00 +0800"


def banquet_form(village: int, **fields) -> dict:
    return {"village_id": str(village), "kind": "wedding", "host_name": "王大明", "host_phone": "13800001111",
            "banquet_on": "2026-06-20", "meal": "lunch", "place": "王家院坝", "tables": "12", "diners": "120",
            "cook_name": "李师傅", "cook_phone": "13900002222", "cook_cert_number": "JK2026-001",
            "cook_cert_expires_on": "2026-12-31", "note": "", "request_key": uuid.uuid4().hex} | fields


def register(client, village: int, **fields):
    return client.post("/food/banquets/new", data=banquet_form(village, **fields))


def made_id(response) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def get(app, model, record_id):
    with app.app_context():
        record = db.session.get(model, record_id)
        db.session.expunge(record)
        return record


def certificate_form(unit: int, **fields) -> dict:
    return {"unit_id": str(unit), "worker_name": "张小红", "number": f"JK-{uuid.uuid4().hex[:8]}",
            "issued_on": "2025-07-01", "expires_on": "", "request_key": uuid.uuid4().hex} | fields
