"""The audit trail in the reader's language: record names kept as a key and parameters, and the
changed fields and values of an update, worded when the page is shown.

Older events (recorded before the key existed) show the text they recorded."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

# Audit imports no domain: each domain words its own records, fields and codes by calling the
# register_* functions below from its `audit_labels.py`, which create_app imports
# (hygiene/__init__.py AUDIT_LABEL_MODULES, in the order of the trail's filter menu).

# record names kept as a key and parameters: the key's renderer, given the parameters
LABELS: dict[str, Callable[..., str]] = {}

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
    # checklists, plans, rankings, orders
    "version": _l("Version"), "mode": _l("What to inspect"), "recurrence": _l("How often"),
    "withdrawn": _l("Untouched inspections withdrawn"), "period": _l("Period"), "subject": _l("Ranked"),
    "corrects": _l("Corrects an earlier publication"), "deadline_provisional": _l("Provisional deadline"),
    "acknowledged": _l("Receipt confirmed"), "follows": _l("Follows order"), "answers": _l("Answers"),
}

@dataclass(frozen=True)
class RecordType:
    label: object  # a lazy string
    entity_types: tuple[str, ...]


# the audit trail's filter: the kinds of record it names, in the order of the menus
RECORD_TYPES: dict[str, RecordType] = {}


# what was done, as the trail's "What" column says it
ACTIONS = {
    "create": _l("created"), "update": _l("changed"), "deactivate": _l("deactivated"),
    "activate": _l("reactivated"), "import": _l("imported"), "submit": _l("submitted"),
    "publish": _l("published"), "send_back": _l("sent back"), "cancel": _l("cancelled"),
    "amend": _l("amended"), "issue": _l("issued"), "acknowledge": _l("confirmed receipt"),
    "evidence": _l("reported the fix"), "reinspect": _l("re-inspected"), "withdraw": _l("withdrew"),
    "sign_out_everywhere": _l("signed out everywhere"), "withdraw_untouched": _l("withdrew untouched inspections"),
    "delete": _l("deleted"),
}

def label_text(key: str | None, params: dict | None, recorded: str) -> str:
    """The record's name from its key and parameters, else the text recorded with the event."""
    render = LABELS.get(key or "")
    if render is None:
        return recorded
    try:
        return render(**(params or {}))
    except (TypeError, ValueError, KeyError):  # parameters of an older shape: keep what was recorded
        return recorded


def action_label(action: str) -> str:
    """What an event did, in words (the action's own name when it has none)."""
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def field_label(name: str) -> str:
    """A changed field's label as the forms say it (the field's own name when it has none)."""
    label = FIELDS.get(name)
    return str(label) if label is not None else name


def value_text(name: str, value, names: dict[str, dict] | None = None) -> str:
    """A recorded value as a reader understands it: yes/no, the label of a code, a month, weights
    by name, how many photos; a place's id by its name when `names` ({field: {id: name}}) has it."""
    if value is None or value == "":
        return "—"
    if names and isinstance(value, int | str) and value in names.get(name, {}):
        return names[name][value]
    worded = _VALUES.get(name)
    if worded is not None:
        return worded(value)
    if name in _CODES:
        return _code_label(name, value) or str(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return _(", ").join(str(v) for v in value)
    if isinstance(value, dict):
        return _(", ").join(f"{k} {v}" for k, v in value.items())
    return str(value)


def _count_of_photos(value) -> str:
    """Photos are recorded as a number or as a list of their ids: either way, how many."""
    n = len(value) if isinstance(value, list) else int(value)
    return ngettext("%(num)d photo", "%(num)d photos", n)


def _password(value) -> str:
    return _("(changed)") if "changed" in str(value) else "***"


def _yes_when_set(value) -> str:
    """A reference kept for the record (the publication corrected): the reader learns only that it is one."""
    return _("Yes")


_VALUES: dict[str, Callable[[Any], str]] = {
    "password": _password, "photos": _count_of_photos, "flagged_photos": _count_of_photos,
    "corrects": _yes_when_set,
}
# fields whose values are codes of a domain's set: {field: [labels of each set registered]}
_CODES: dict[str, list[Callable[[], Mapping]]] = {}
# fields that keep the id of a record: the trail shows its name (hygiene/audit/changes.py)
NAMED_IDS: dict[str, Any] = {}


def register_record_label(key: str, render: Callable[..., str]) -> None:
    """Word the records saved with this label key: `render(**params)` names one."""
    LABELS[key] = render


def register_record_type(key: str, label: object, entity_types: tuple[str, ...]) -> None:
    """Offer a kind of record in the trail's filter (after those registered before it)."""
    RECORD_TYPES[key] = RecordType(label, entity_types)


def register_field_labels(labels: Mapping[str, object]) -> None:
    """Label the fields a domain writes into the trail, as its forms say them."""
    FIELDS.update(labels)


def register_value_words(field: str, words: Callable[[Any], str]) -> None:
    """Word a field's recorded values with `words(value)` (months, subjects, weights)."""
    _VALUES[field] = words


def register_value_labels(field: str, labels: Mapping | Callable[[], Mapping]) -> None:
    """Word a field's codes by their labels; several domains may register sets for one field
    (inspection and order statuses both under "status"). A callable is read when shown."""
    _CODES.setdefault(field, []).append(labels if callable(labels) else lambda: labels)


def register_named_ids(field: str, model: Any) -> None:
    """A field that keeps a record's id: the trail reads `model`'s name for it."""
    NAMED_IDS[field] = model


def _code_label(field: str, value: object) -> str | None:
    for labels in _CODES.get(field, ()):
        label = labels().get(value)
        if label is not None:
            return str(label)
    return None
