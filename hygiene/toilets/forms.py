"""The toilet pages' forms: they carry input (with CSRF); toilets.schemas and the services check it.
Photos come as plain file inputs (`photos`, `buried_photos`), read by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from hygiene.clock import local_today
from hygiene.toilets.kinds import TOILET_TYPES

NOTE_MAX = 2000  # toilets.schemas.Text


class ToiletNewForm(FlaskForm):
    village_id = SelectField(_l("Village / community"), choices=[], validate_choice=False)
    year = HiddenField()
    household_id = SelectField(_l("Household (from the register)"), choices=[], validate_choice=False)
    surveyed_on = DateField(_l("Surveyed on"), validators=[Optional()], default=local_today)
    note = TextAreaField(_l("Note"), render_kw={"maxlength": NOTE_MAX})
    request_key = HiddenField()  # one per form shown: sending it twice makes one record


WORK_LABELS = {"repair": _l("Repair"), "new": _l("New build")}  # a public toilet's work


class PublicNewForm(FlaskForm):
    village_id = SelectField(_l("Village / community"), choices=[], validate_choice=False)
    year = HiddenField()
    name = StringField(_l("Public toilet"), render_kw={"maxlength": 100})
    location = StringField(_l("Location"), render_kw={"maxlength": 200})
    work = SelectField(_l("Work"), choices=[SelectChoice(key, label) for key, label in WORK_LABELS.items()],
                       validate_choice=False)
    surveyed_on = DateField(_l("Surveyed on"), validators=[Optional()], default=local_today)
    note = TextAreaField(_l("Note"), render_kw={"maxlength": NOTE_MAX})
    request_key = HiddenField()


class StepForm(FlaskForm):
    happened_on = DateField(_l("Date"), validators=[Optional()], default=local_today)
    note = TextAreaField(_l("Note"), render_kw={"maxlength": NOTE_MAX})
    request_key = HiddenField()


class PlanForm(StepForm):
    toilet_type = SelectField(_l("Toilet type"), choices=[], validate_choice=False)
    attached = BooleanField(_l("Inside the house (附建式)"))
    demonstration = BooleanField(_l("Demonstration household (示范户)"))

    def prepare(self, name_of, rates: dict[str, str] | None = None) -> None:
        """The types, each a type without a rate in the task marked so (it can be chosen, not paid)."""
        def label(key: str) -> str:
            if rates is not None and rates.get(key) in (None, ""):
                return f"{name_of(key)}（{_l('no subsidy rate in this task')}）"
            return name_of(key)
        self.toilet_type.choices = [SelectChoice("", "—")] + [SelectChoice(key, label(key)) for key in TOILET_TYPES]


class ExcludeForm(StepForm):
    note = TextAreaField(_l("Reason"), render_kw={"maxlength": NOTE_MAX})


class AcceptanceRequestForm(StepForm):
    inspector_ids = SelectMultipleField(_l("Inspectors"), choices=[], validate_choice=False, coerce=str)
    due_on = DateField(_l("Due date"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet file (.xlsx or .csv)"), validators=[FileRequired(_l("Choose the file to import."))])


class ImportConfirmForm(FlaskForm):
    rows = HiddenField()         # the checked rows, checked again when saved
    request_key = HiddenField()  # a second confirm finds what the first saved
