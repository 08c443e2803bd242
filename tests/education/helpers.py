"""Shared steps of the health-education tests."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from hygiene.clock import local_today
from hygiene.education import counts
from hygiene.education.models import EducationActivity
from hygiene.extensions import db


def record(client, subject: str, *, files=None, **fields):
    """Post the activity form as a person would (a fresh one-time key unless given)."""
    data = {"subject": subject, "kind": "lecture", "held_on": local_today().isoformat(), "topic": "冬季流感预防",
            "attendance": "35", "note": "", "request_key": uuid.uuid4().hex} | fields
    if files:
        data["photos"] = files
    return client.post("/education/new", data=data, content_type="multipart/form-data")


def made_id(response) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def add_activities(app, *, township_id: int, village_id: int, kind: str, days: list[date], unit_id: int | None = None):
    """Activities straight into the log (the history a test starts from), each entered on its day."""
    with app.app_context():
        for day in days:
            activity = EducationActivity(township_id=township_id, village_id=village_id, unit_id=unit_id,
                                         kind=kind, held_on=day, topic="健康知识", attendance=None,
                                         created_at=datetime.combine(day, time(4), tzinfo=UTC))
            db.session.add(activity)
            counts.refresh(activity)
        db.session.commit()
