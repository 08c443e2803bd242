"""How the audit trail words the campaign calendar: events, campaigns, tasks and settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
    ACTIONS,
    register_field_labels,
    register_record_label,
    register_record_type,
    register_value_labels,
)
from hygiene.campaigns.status import CampaignStatus, TaskStatus

register_record_type("campaign", _l("Campaigns"), ("campaign", "campaign_event", "campaign_task", "campaign_settings"))
register_record_label("campaign_settings", lambda: str(_l("Campaign reminder settings")))
register_field_labels({
    "description": _l("What is to be done"), "tasks": _l("Tasks"), "task_title": _l("Task"),
    "due_on": _l("Due date"), "done_on": _l("Done on"), "done_note": _l("How it was done"),
    "reopen_note": _l("Why it was reopened"), "photos": _l("Photos"),
    "days_before_start": _l("Days before a campaign starts"), "days_before_due": _l("Days before a task is due"),
})
register_value_labels("status", CampaignStatus.labels())
register_value_labels("status", TaskStatus.labels())
ACTIONS.update({"complete": _l("completed"), "add_tasks": _l("added tasks")})
