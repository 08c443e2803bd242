"""How the audit trail words health-education activities and the office's targets."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
    register_field_labels,
    register_record_label,
    register_record_type,
    register_value_labels,
)
from hygiene.education.kinds import ActivityKind, SubjectKind

register_record_type("education_activity", _l("Health-education activities"), ("education_activity",))
register_record_type("education_settings", _l("Health-education targets"), ("education_settings",))
register_field_labels({
    "village_or_unit": _l("Village or unit"), "activity_kind": _l("Activity"), "held_on": _l("Held on"),
    "topic": _l("Topic"), "attendance": _l("Attendance (people)"),
    "remind_days_before": _l("Remind a contact this many days before a period ends"),
    "count_from": _l("Count the cadence from"),
})
# the targets table, one entry per subject kind and activity ("at least / every months")
register_field_labels({f"target_{s.value}_{k.value}": _l("%(subject)s: %(activity)s (at least / months)",
                                                        subject=s.label_text, activity=k.label_text)
                       for s in SubjectKind for k in ActivityKind})
register_value_labels("activity_kind", ActivityKind.labels())
register_record_label("education_activity", lambda topic, held_on: _("Health education %(day)s: %(topic)s",
                                                                     day=held_on, topic=topic))
register_record_label("education_settings", lambda: _("Health-education targets"))
