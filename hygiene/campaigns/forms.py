"""The campaign calendar's forms (one per screen). They carry input with CSRF; schemas.py and
the services check it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields import MultipleFileField
from wtforms.validators import Optional

from hygiene.media.intake import PHOTO_ACCEPT


def _checks(label) -> SelectMultipleField:
    return SelectMultipleField(label, choices=[], coerce=str, validate_choice=False, validators=[Optional()],
                               option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))


class EventForm(FlaskForm):
    name = StringField(_l("Name"))
    starts_on = StringField(_l("Start date"), render_kw={"type": "date"})
    ends_on = StringField(_l("End date"), render_kw={"type": "date"})
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})
    request_key = HiddenField()  # one per form shown: sending it twice makes one event


class TaskFields(FlaskForm):
    """A task and the places it goes to (the campaign form carries them too)."""

    title = StringField(_l("Task"), render_kw={"placeholder": _l("e.g. Big clean-up (大扫除), notice board updated")})
    due_on = StringField(_l("Due date"), render_kw={"type": "date"})
    all_villages = BooleanField(_l("Every village and community of the township"))
    village_ids = _checks(_l("Or these villages"))
    unit_ids = _checks(_l("Units"))

    def prepare(self, villages: list[tuple[int, str]], units: list[tuple[int, str]]) -> None:
        self.village_ids.choices = [(str(i), name) for i, name in villages]
        self.unit_ids.choices = [(str(i), name) for i, name in units]

    def task_data(self) -> dict:
        return {"title": self.title.data, "due_on": self.due_on.data, "all_villages": self.all_villages.data,
                "village_ids": self.village_ids.data or [], "unit_ids": self.unit_ids.data or []}


class CampaignForm(TaskFields):
    name = StringField(_l("Name"))
    starts_on = StringField(_l("Start date"), render_kw={"type": "date"})
    ends_on = StringField(_l("End date"), render_kw={"type": "date"})
    description = TextAreaField(_l("What is to be done"), render_kw={"rows": 3})
    event_id = HiddenField()
    request_key = HiddenField()  # one per form shown: sending it twice makes one campaign


class CompleteForm(FlaskForm):
    done_on = StringField(_l("Date done"), render_kw={"type": "date"})
    note = TextAreaField(_l("How it was done"), render_kw={"rows": 3})
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": PHOTO_ACCEPT, "capture": "environment"})
    request_key = HiddenField()  # one per form shown: sending it twice completes once


class ReopenForm(FlaskForm):
    note = TextAreaField(_l("Why it is reopened"), render_kw={"rows": 2})


class SettingsForm(FlaskForm):
    days_before_start = StringField(_l("Remind the villages and units this many days before a campaign starts"),
                                    render_kw={"inputmode": "numeric"})
    days_before_due = StringField(_l("Remind a village or unit this many days before its task is due"),
                                  render_kw={"inputmode": "numeric"})
