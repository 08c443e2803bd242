"""The creation pages' forms: they carry input (with CSRF); creation.schemas and the services check it.
Dates are plain text inputs of type date, so the schemas word every refusal."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField

from hygiene.checklists.forms import MultiCheckboxField

NOTE_MAX = 2000
DATE = {"type": "date"}


class ApplyForm(FlaskForm):
    applicant = SelectField(_l("Applicant"), choices=[], validate_choice=False)
    title = SelectField(_l("Title applied for"), choices=[], validate_choice=False)   # kind:level
    year = StringField(_l("Creation year"), render_kw={"inputmode": "numeric"})
    applied_on = StringField(_l("Applied on"), render_kw=DATE)
    note = TextAreaField(_l("Note"), render_kw={"maxlength": NOTE_MAX})
    request_key = HiddenField()  # one per form shown: sending it twice makes one application


class SelfAssessForm(FlaskForm):
    score = StringField(_l("Self-assessed score (of 100)"), render_kw={"inputmode": "decimal"})
    happened_on = StringField(_l("Assessed on"), render_kw=DATE)
    note = TextAreaField(_l("Note"), render_kw={"maxlength": NOTE_MAX})
    request_key = HiddenField()


class ReviewRequestForm(FlaskForm):
    inspector_ids = MultiCheckboxField(_l("Inspectors"), choices=[], validate_choice=False)
    planned_on = StringField(_l("Planned for"), render_kw=DATE)
    due_on = StringField(_l("Due by"), render_kw=DATE)
    request_key = HiddenField()


class StepForm(FlaskForm):
    happened_on = StringField(_l("Date"), render_kw=DATE)
    note = TextAreaField(_l("Note"), render_kw={"maxlength": NOTE_MAX})
    request_key = HiddenField()


class NameForm(StepForm):
    happened_on = StringField(_l("Named on"), render_kw=DATE)
    accepted_on = StringField(_l("County acceptance on"), render_kw=DATE)
    document = StringField(_l("Naming document"), render_kw={"maxlength": 100})


class RereviewForm(StepForm):
    result = SelectField(_l("Re-review result"), choices=[SelectChoice("pass", _l("Passed: re-named")),
                                                         SelectChoice("revoke", _l("Failed: title revoked"))],
                         validate_choice=False)


class RewardForm(FlaskForm):
    paid_on = StringField(_l("Paid on"), render_kw=DATE)
    amount = StringField(_l("Amount (yuan)"), render_kw={"inputmode": "decimal"})
    request_key = HiddenField()


class TargetsForm(FlaskForm):
    """The year's targets; its fields target__<kind>__<level> and reward__<kind>__<level> are
    read from the request by schemas.targets_input (one per kinds.yaml row)."""

    request_key = HiddenField()
