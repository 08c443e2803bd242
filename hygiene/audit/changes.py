"""What an audit event changed, as rows a reader understands: a field's label, the old value
(when the event kept one) and the new, in the reader's language."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.audit.labels import NAMED_IDS, field_label, value_text
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db

# a record made or imported shows its name in the trail; its first values are on its page
_NOTHING_TO_COMPARE = ("create", "import")


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the event kept no old value
    after: str


def events_changes(events: Sequence[AuditEvent]) -> list[list[Change]]:
    """The changes of each event, worded; the places they name are read in one query per kind."""
    names = _place_names(events)
    return [event_changes(event, names) for event in events]


def event_changes(event: AuditEvent, names: dict[str, dict] | None = None) -> list[Change]:
    """The changes of one event, worded; empty when there is nothing to show."""
    before, after = event.before or {}, event.after or {}

    def text(key, value):
        return value_text(key, value, names)

    if event.action == "amend":
        return _amendment(before, after)
    if event.action in _NOTHING_TO_COMPARE:
        return []
    if event.action == "update":
        return [Change(field_label(k), text(k, before.get(k)), text(k, v)) for k, v in after.items()]
    return [Change(field_label(k), text(k, before[k]) if k in before else None, text(k, v))
            for k, v in after.items() if not isinstance(v, dict) and v is not None and v != ""]


def _place_names(events: Sequence[AuditEvent]) -> dict[str, dict]:
    """{field: {id: name}} of the places the events' changes refer to by id."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for values in (event.before or {}, event.after or {}):
            for field in NAMED_IDS.keys() & values.keys():
                if isinstance(values[field], int):
                    wanted[field].add(values[field])
    return {field: dict(db.session.execute(sa.select(NAMED_IDS[field].id, NAMED_IDS[field].name)
                                           .where(NAMED_IDS[field].id.in_(ids))).all())
            for field, ids in wanted.items()}


def _amendment(before: dict, after: dict) -> list[Change]:
    """An amendment: the score (and grade), each changed answer in words, the reason."""
    old_score, new_score = before.get("score") or {}, after.get("score") or {}
    rows = [Change(_("Score"), _score_text(old_score), _score_text(new_score))]
    old_answers, new_answers = before.get("answers") or {}, after.get("answers") or {}
    for key, value in new_answers.items():
        new, old = recorded_answer(value), recorded_answer(old_answers.get(key))
        rows.append(Change(new.get("item") or old.get("item") or key, answer_text(old), answer_text(new)))
    rows.append(Change(_("Reason"), None, after.get("reason") or "—"))
    return rows


def _score_text(score: dict) -> str:
    if not score.get("score") or score["score"] == "None":
        return "—"
    grade = score.get("grade")
    return f"{score['score']} {grade}" if grade and grade != "None" else str(score["score"])


def answer_text(answer: dict) -> str:
    """An answer as the form words it: 合格 / 不合格 ×2 / 不适用, the points given, the note."""
    result = answer.get("result")
    if not result:
        return "—"
    words = [{"pass": _("Pass"), "fail": _("Fail"), "na": _("Not applicable")}.get(result, result)]
    findings = answer.get("findings")
    if result == "fail" and isinstance(findings, int) and findings > 1:
        words[0] += f" ×{findings}"
    grade = answer.get("grade")
    if grade is not None and grade != "None":
        words.append(_("%(points)s points given", points=_points(grade)))
    if answer.get("note"):
        words.append(answer["note"])
    return " · ".join(words)


def _points(value) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def recorded_answer(value) -> dict:
    """An answer as the trail kept it; early entries kept (result, findings, grade) only."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list | tuple):
        result, findings, grade = (list(value) + [None, 0, None])[:3]
        return {"result": result, "findings": findings, "grade": None if grade == "None" else grade, "note": ""}
    return {}
