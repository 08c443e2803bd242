"""The audit trail in the reader's language: record names kept as a key and parameters, and the
changed fields and values of an update, worded when the page is shown.

Older events (recorded before the key existed) show the text they recorded."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


def _ranking_publication(subject: str, period: str) -> str:
    from hygiene.rankings.wording import period_label, subject_label

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
RECORD_TYPES: dict[str, RecordType] = {
    "township": RecordType(_l("Townships"), ("township",)),
    "village": RecordType(_l("Villages and communities"), ("village",)),
    "unit": RecordType(_l("Units"), ("unit",)),
    "household": RecordType(_l("Households"), ("household",)),
    "cleaner": RecordType(_l("Cleaners"), ("cleaner",)),
    "inspection": RecordType(_l("Inspections"), ("inspection",)),
    "rectification_order": RecordType(_l("Rectification orders"), ("rectification_order",)),
    "inspection_plan": RecordType(_l("Inspection plans"), ("inspection_plan",)),
    "ranking": RecordType(_l("Rankings"), ("ranking_publication", "ranking_settings")),
    "checklist_template": RecordType(_l("Checklists"), ("checklist_template",)),
    "user_account": RecordType(_l("Users"), ("user_account",)),
}


# what was done, as the trail's "What" column says it
ACTIONS = {
    "create": _l("created"), "update": _l("changed"), "deactivate": _l("deactivated"),
    "activate": _l("reactivated"), "import": _l("imported"), "submit": _l("submitted"),
    "publish": _l("published"), "send_back": _l("sent back"), "cancel": _l("cancelled"),
    "amend": _l("amended"), "issue": _l("issued"), "acknowledge": _l("confirmed receipt"),
    "evidence": _l("reported the fix"), "reinspect": _l("re-inspected"), "withdraw": _l("withdrew"),
    "sign_out_everywhere": _l("signed out everywhere"), "withdraw_untouched": _l("withdrew untouched inspections"),
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
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return _(", ").join(str(v) for v in value)
    if isinstance(value, dict):
        return _(", ").join(f"{_component(k)} {v}" for k, v in value.items())
    return str(value)


def _choice(labels: Callable[[], dict]) -> Callable[[object], str]:
    """A code worded by its label (the code itself when it has none)."""
    return lambda value: str(labels().get(value, value))


def _count_of_photos(value) -> str:
    """Photos are recorded as a number or as a list of their ids: either way, how many."""
    n = len(value) if isinstance(value, list) else int(value)
    return ngettext("%(num)d photo", "%(num)d photos", n)


def _password(value) -> str:
    return _("(changed)") if "changed" in str(value) else "***"


def _yes_when_set(value) -> str:
    """A reference kept for the record (the publication corrected): the reader learns only that it is one."""
    return _("Yes")


def _role_labels() -> dict:
    from hygiene.accounts.forms import ROLE_LABELS

    return {role.value: label for role, label in ROLE_LABELS.items()}


def _kind_labels() -> dict:
    from hygiene.places.rules import TOWNSHIP_KINDS, VILLAGE_KINDS

    return VILLAGE_KINDS | TOWNSHIP_KINDS


def _category_labels() -> dict:
    from hygiene.places.rules import UNIT_CATEGORIES

    return UNIT_CATEGORIES


def _plan_labels(which: str) -> Callable[[], dict]:
    def labels() -> dict:
        from hygiene.inspections.plans import forms as plan_forms

        return getattr(plan_forms, which)
    return labels


def _period(value) -> str:
    from hygiene.rankings.wording import period_label

    try:
        return period_label(str(value))
    except ValueError:
        return str(value)


def _subject(value) -> str:
    from hygiene.rankings.wording import subject_label

    return subject_label(str(value))


_VALUES: dict[str, Callable[[object], str]] = {
    "password": _password, "status": lambda value: status_label(str(value)),
    "role": _choice(_role_labels), "kind": _choice(_kind_labels), "category": _choice(_category_labels),
    "mode": _choice(_plan_labels("TARGET_MODE_LABELS")),
    "recurrence": _choice(_plan_labels("RECURRENCE_LABELS")),
    "photos": _count_of_photos, "flagged_photos": _count_of_photos,
    "period": _period, "subject": _subject, "corrects": _yes_when_set,
}


def _component(key: str) -> str:
    from hygiene.rankings.components import COMPONENTS

    return next((str(c.label) for c in COMPONENTS if c.key == key), key)
