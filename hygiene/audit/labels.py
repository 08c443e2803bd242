"""The audit trail in the reader's language: record names kept as a key and parameters, and the
changed fields and values of an update, worded when the page is shown.

Older events (recorded before the key existed) show the text they recorded."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def _ranking_publication(subject: str, period: str) -> str:
    from hygiene.rankings.forms import period_label, subject_label

    return _("Ranking of %(subject)s, %(period)s", subject=subject_label(subject), period=period_label(period))


LABELS: dict[str, Callable[..., str]] = {
    "ranking_publication": _ranking_publication,
    "ranking_settings": lambda: _("Ranking settings"),
}

FIELDS = {
    "name": _l("Name"), "kind": _l("Type"), "contact_name": _l("Contact person"),
    "contact_phone": _l("Phone"), "phone": _l("Phone"), "address": _l("Address"),
    "category": _l("Category"), "group_name": _l("Village group"), "head_name": _l("Head of household"),
    "section": _l("Responsibility section"), "township_id": _l("Township"),
    "village_id": _l("Village / community"), "unit_id": _l("Unit"), "username": _l("User name"),
    "display_name": _l("Full name"), "role": _l("Role"), "password": _l("Password"),
    "active": _l("In use"), "deadline": _l("Deadline"), "weights": _l("Weights"),
    "min": _l("Inspections needed to be ranked"),
    "status": _l("Status"), "score": _l("Score"), "grade": _l("Grade"), "items": _l("Items"),
    "note": _l("Note"), "number": _l("Number"), "passed": _l("Passed"), "photos": _l("Photos"),
    "reason": _l("Reason"), "comment": _l("Comment"), "follow_up": _l("Follow-up order"),
    "flag_reason": _l("Reason for publishing despite flagged photos"),
    "flagged_photos": _l("Flagged photos"), "sessions_ended": _l("Sign-ins ended"),
    "email": _l("E-mail"), "notify_by_email": _l("Notifications by e-mail"),
    "notify_by_sms": _l("Notifications by text message"),
}

# inspection and order statuses, as their lists and badges word them
STATUSES = {
    "planned": _l("Planned"), "in_progress": _l("In progress"), "submitted": _l("Submitted"),
    "published": _l("Published"), "cancelled": _l("Cancelled"), "overdue": _l("Overdue"),
    "issued": _l("Issued"), "evidence_submitted": _l("Fix reported"), "closed": _l("Closed"),
    "superseded": _l("Not fixed, follow-up issued"), "withdrawn": _l("Withdrawn"),
}


def status_label(status: str) -> str:
    """An inspection's or order's status as its badges word it."""
    label = STATUSES.get(status)
    return str(label) if label is not None else status


def label_text(key: str | None, params: dict | None, recorded: str) -> str:
    """The record's name from its key and parameters, else the text recorded with the event."""
    render = LABELS.get(key or "")
    if render is None:
        return recorded
    try:
        return render(**(params or {}))
    except (TypeError, ValueError, KeyError):  # parameters of an older shape: keep what was recorded
        return recorded


def field_label(name: str) -> str:
    """A changed field's label as the forms say it (the field's own name when it has none)."""
    label = FIELDS.get(name)
    return str(label) if label is not None else name


def value_text(name: str, value) -> str:
    """A recorded value as a reader understands it: yes/no, the label of a code, weights by name."""
    from hygiene.accounts.forms import ROLE_LABELS
    from hygiene.accounts.models import Role
    from hygiene.places.rules import TOWNSHIP_KINDS, UNIT_CATEGORIES, VILLAGE_KINDS

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "password":
        return _("(changed)") if "changed" in str(value) else "***"
    if name == "role" and value in {r.value for r in Role}:
        return str(ROLE_LABELS[Role(value)])
    if name == "status":
        return status_label(value)
    if isinstance(value, list):
        return _(", ").join(str(v) for v in value)
    if isinstance(value, dict):
        return _(", ").join(f"{_component(k)} {v}" for k, v in value.items())
    choices = {"category": UNIT_CATEGORIES, "kind": VILLAGE_KINDS | TOWNSHIP_KINDS}.get(name, {})
    return str(choices.get(value, value))


def _component(key: str) -> str:
    from hygiene.rankings.components import COMPONENTS

    return next((str(c.label) for c in COMPONENTS if c.key == key), key)
