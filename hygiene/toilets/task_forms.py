"""The task forms: they carry input (with CSRF); task_schemas and tasks check it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from hygiene.checklists.forms import MultiCheckboxField
from hygiene.toilets.kinds import TOILET_TYPES
from hygiene.toilets.type_names import type_name

RATE_PREFIX = "rate_"


class TaskForm(FlaskForm):
    household_quota = StringField(_l("Household toilets to renovate"), render_kw={"inputmode": "numeric"})
    public_quota = StringField(_l("Public toilets to repair"), render_kw={"inputmode": "numeric"}, default="0")
    deadline = StringField(_l("Done and accepted by"), render_kw={"type": "date"})
    note = TextAreaField(_l("Note"), render_kw={"maxlength": 2000})
    request_key = HiddenField()  # one per form shown

    def rates(self) -> dict[str, str]:
        return {name: field.data for name, field in self._fields.items() if name.startswith(RATE_PREFIX)}

    def rate_fields(self) -> list:
        return [field for name, field in self._fields.items() if name.startswith(RATE_PREFIX)]


class BulkTaskForm(TaskForm):
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric"})
    village_ids = MultiCheckboxField(_l("Villages"), choices=[], validate_choice=False)


def _with_rates(base: type[TaskForm]) -> type[TaskForm]:
    """`base` with one subsidy field per toilet type of kinds.yaml, labelled in the reader's language."""
    fields = {f"{RATE_PREFIX}{key}": StringField(type_name(key), render_kw={"inputmode": "decimal"})
              for key in TOILET_TYPES}
    return type(f"Rated{base.__name__}", (base,), fields)


def task_form(**kwargs) -> TaskForm:
    return _with_rates(TaskForm)(**kwargs)


def bulk_task_form(**kwargs) -> BulkTaskForm:
    form = _with_rates(BulkTaskForm)(**kwargs)
    assert isinstance(form, BulkTaskForm)
    return form
