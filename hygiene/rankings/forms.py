"""Ranking page input: which period and subject to show, the settings form, the publish form."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

from hygiene.core.periods import Period, parse_period, period_containing
from hygiene.places.rules import UNIT_CATEGORIES
from hygiene.rankings.components import COMPONENTS, Subject
from hygiene.rankings.wording import period_label, subject_choices, subject_label  # noqa: F401 (the pages' names)

# what a ranking spans (a week is too short to rank on)
SPANS = {"month": _l("That month"), "quarter": _l("Its quarter"), "year": _l("Its year")}


def read_subject(township_id: int, raw: str | None) -> Subject:
    """Parse "villages" or "units:<category>"; raise ValueError for anything else."""
    raw = (raw or "villages").strip()
    if raw == "villages":
        return Subject(township_id, "villages")
    kind, _colon, category = raw.partition(":")
    if kind != "units" or category not in UNIT_CATEGORIES:
        raise ValueError(f"not a subject: {raw!r}")
    return Subject(township_id, "units", category)


def read_period(args, default: Period) -> Period:
    """The picker sends a month and a span (month, quarter, year); links send `period`."""
    month, span = (args.get("month") or "").strip(), args.get("span") or "month"
    try:
        if month:
            if span not in SPANS:
                raise ValueError(f"not a span: {span!r}")
            return period_containing(span, date.fromisoformat(f"{month}-01"))
        key = (args.get("period") or "").strip()
        return parse_period(key, kinds=tuple(SPANS)) if key else default
    except OverflowError as error:
        raise ValueError(str(error)) from None


# made before the class body's fields, so the weights come first in the form
_WEIGHT_FIELDS = {f"weight_{c.key}": StringField(c.label, render_kw={"inputmode": "decimal"}) for c in COMPONENTS}


class SettingsForm(FlaskForm):
    """Weights per component (one field each, added below) and the minimums; settings_save
    checks the values."""

    min_inspections = StringField(_l("Inspections needed to be ranked"), render_kw={"inputmode": "numeric"})
    list_size = StringField(_l("Names on the red and the black list"), render_kw={"inputmode": "numeric"})
    submit = SubmitField(_l("Save settings"))

    @classmethod
    def of(cls, ranking) -> SettingsForm:
        """A form showing the settings a ranking was computed with (not bound to any post)."""
        weights = {f"weight_{k}": v for k, v in ranking.weights.items()}
        return cls(formdata=None, data={**weights, "min_inspections": ranking.min_inspections,
                                        "list_size": ranking.list_size})

    def weight_fields(self) -> list:
        return [self[f"weight_{c.key}"] for c in COMPONENTS]


for _name, _field in _WEIGHT_FIELDS.items():
    setattr(SettingsForm, _name, _field)


class PublishForm(FlaskForm):
    note = TextAreaField(_l("Note (required for a correction: say what it corrects)"), render_kw={"rows": 2})
    submit = SubmitField(_l("Publish"))
