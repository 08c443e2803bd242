"""The letter forms: they carry input (with CSRF); schemas and services check it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from hygiene.letters.kinds import kinds_of
from hygiene.letters.schemas import TARGET_PREFIX
from hygiene.letters.status import Outcome
from hygiene.places.rules import UNIT_CATEGORIES


class TargetsForm(FlaskForm):
    request_key = HiddenField()  # one per form shown

    def target_fields(self) -> list:
        return [field for name, field in self._fields.items() if name.startswith(TARGET_PREFIX)]


class CreateForm(TargetsForm):
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric"})


class UnitCreateForm(CreateForm):
    category = SelectField(_l("Category"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [("", str(_l("Every category"))),
                                 *((value, str(label)) for value, label in UNIT_CATEGORIES.items())]


class SignForm(FlaskForm):
    signed_on = StringField(_l("Signed on"), render_kw={"type": "date"})
    signed_by_name = StringField(_l("Signed for the village by"), render_kw={"maxlength": 100})
    request_key = HiddenField()


class AssessForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=[], validate_choice=False)
    amount = StringField(_l("Reward or penalty (yuan)"), render_kw={"inputmode": "decimal"})
    decision_note = TextAreaField(_l("Note"), render_kw={"maxlength": 2000})
    request_key = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(value, str(label)) for value, label in Outcome.labels().items()]


class StepForm(FlaskForm):
    """A button that moves the letter (reopen): CSRF only."""


def _with_targets(base: type[TargetsForm], subject: str) -> type[TargetsForm]:
    """`base` with one field per registered target kind of the subject (the page shows its unit beside it)."""
    fields = {f"{TARGET_PREFIX}{key}": StringField(kind.label, render_kw={"inputmode": "decimal"})
              for key, kind in kinds_of(subject).items()}
    return type(f"Targeted{base.__name__}", (base,), fields)


def targets_form(subject: str = "village", **kwargs) -> TargetsForm:
    return _with_targets(TargetsForm, subject)(**kwargs)


def create_form(**kwargs) -> CreateForm:
    form = _with_targets(CreateForm, "village")(**kwargs)
    assert isinstance(form, CreateForm)
    return form


def unit_create_form(**kwargs) -> UnitCreateForm:
    form = _with_targets(UnitCreateForm, "unit")(**kwargs)
    assert isinstance(form, UnitCreateForm)
    return form
