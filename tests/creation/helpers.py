"""Shared steps of the creation tests: apply, self-assess, review, name, through the pages."""
from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from hygiene.clock import local_today
from hygiene.creation.models import CreationApplication
from hygiene.extensions import db


def today() -> str:
    return local_today().isoformat()


def apply(client, applicant: str, title: str = "hygienic_village:county", **fields):
    data = {"applicant": applicant, "title": title, "year": str(local_today().year), "applied_on": today(),
            "note": "", "request_key": uuid.uuid4().hex} | fields
    return client.post("/creation/applications/new", data=data)


def application_id_of(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def self_assess(client, application_id: int, **fields):
    data = {"score": "92.5", "happened_on": today(), "note": "", "request_key": uuid.uuid4().hex} | fields
    return client.post(f"/creation/applications/{application_id}/self-assess", data=data)


def ask_review(client, world, application_id: int, **fields):
    data = {"inspector_ids": [str(world.user_inspector_a)], "planned_on": today(),
            "due_on": (local_today() + timedelta(days=7)).isoformat(), "request_key": uuid.uuid4().hex} | fields
    return client.post(f"/creation/applications/{application_id}/review", data=data)


def step(client, application_id: int, name: str, **fields):
    data = {"happened_on": today(), "note": "", "request_key": uuid.uuid4().hex} | fields
    return client.post(f"/creation/applications/{application_id}/step/{name}", data=data)


def application(app, application_id: int) -> CreationApplication:
    with app.app_context():
        found = db.session.get(CreationApplication, application_id)
        db.session.expunge(found)
        return found


def count(app, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(CreationApplication).where(*where)) or 0


def start_self_assessment(client, application_id: int):
    """The applicant's contact starts the self-assessment from the application's page."""
    return client.post(f"/creation/applications/{application_id}/self-assessment")


def self_inspection_id_of(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert location.endswith("/fill"), location
    return int(location.rstrip("/").split("/")[-2])


def fill_on_phone(app, client, inspection_id: int, *, failing: int = 0, submit: bool = True):
    """Post the field form of the inspection: every item passes but the first `failing`
    (failed without findings' photos needing none: the caller picks items that need no photo)."""
    from hygiene.inspections.models import Inspection

    with app.app_context():
        items = [item.id for item in db.session.get(Inspection, inspection_id).version.items]
    data = {"submission_key": uuid.uuid4().hex} | ({"action": "submit"} if submit else {})
    for n, item_id in enumerate(items):
        data[f"result_{item_id}"] = "fail" if n < failing else "pass"
        data[f"findings_{item_id}"] = "1" if n < failing else "0"
    return client.post(f"/inspections/{inspection_id}/fill", data=data)


def self_assess_on_phone(app, client, application_id: int) -> int:
    """Start the self-assessment and submit it with every item passed; returns the inspection's id."""
    inspection_id = self_inspection_id_of(start_self_assessment(client, application_id))
    response = fill_on_phone(app, client, inspection_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return inspection_id
