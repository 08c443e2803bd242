"""How the audit trail words creation targets and applications."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_field_labels, register_record_type, register_value_labels
from hygiene.creation.kinds import pairs
from hygiene.creation.status import CreationStatus
from hygiene.creation.words import title_name

register_record_type("creation_application", _l("Creation applications"), ("creation_application",))
register_record_type("creation_target", _l("Creation targets"), ("creation_target",))
register_field_labels({
    "applicant": _l("Applicant"), "creation_title": _l("Title"), "applied_on": _l("Applied on"),
    "self_score": _l("Self-assessed score"), "self_assessed_on": _l("Assessed on"), "self_note": _l("Note"),
    "reviewed_on": _l("Township reviewed on"), "submitted_on": _l("Submitted to the county"),
    "named_on": _l("Named on"), "document": _l("Naming document"),
    "review_due_on": _l("Re-review due"), "rereviewed_on": _l("Re-reviewed on"), "closed_on": _l("Closed on"),
    "reason": _l("Reason"), "reward_amount": _l("Reward (yuan)"), "reward_paid_on": _l("Reward paid on"),
    "target_count": _l("Titles aimed for"), "reward": _l("Reward per title (yuan)"),
})
# accepted_on is worded by the toilets' label (验收日期): the field label is shared by every
# record's trail, and a public toilet accepted by the township's inspection is no county acceptance
register_value_labels("status", CreationStatus.labels())
register_value_labels("creation_title", lambda: {f"{kind.key}:{level.key}": title_name(kind.key, level.key)
                                                 for kind, level in pairs()})
