"""The field forms of a round's target: work (or mop-up) and refusal. They carry input with CSRF;
work_schemas and work check it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields import MultipleFileField
from wtforms.validators import Optional

from hygiene.media.intake import PHOTO_ACCEPT
from hygiene.pests.rounds.models import REFUSAL_REASONS
from hygiene.pests.rounds.work_schemas import REASON_LABELS
from hygiene.pests.words import UNIT_WORDS


class WorkForm(FlaskForm):
    kind = HiddenField()
    done_on = StringField(_l("Date done"), render_kw={"type": "date"})
    households_covered = StringField(_l("Households covered"), render_kw={"inputmode": "numeric"})
    area_covered = StringField(_l("Area"), render_kw={"inputmode": "decimal"})
    baits_placed = StringField(_l("Baits placed (piles or stations)"), render_kw={"inputmode": "numeric"})
    product_id = SelectField(_l("Product used"), choices=[], validate_choice=False)
    quantity_used = StringField(_l("Quantity used"), render_kw={"inputmode": "decimal"})
    done_by = StringField(_l("Done by"))
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})
    resolves = SelectMultipleField(_l("Refused households this mop-up covered"), choices=[], coerce=str,
                                   validate_choice=False, option_widget=widgets.CheckboxInput(),
                                   widget=widgets.ListWidget(prefix_label=False), validators=[Optional()])
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": PHOTO_ACCEPT, "capture": "environment"})
    request_key = HiddenField()  # one per form shown: sending it twice records once

    def prepare(self, products, refusals) -> None:
        """The products the holder holds (with the balance) and, for a mop-up, the open refusals."""
        self.product_id.choices = [("", "—")] + [
            (str(p.id), f"{p.name} ({amount.normalize():f} {UNIT_WORDS.get(p.unit, p.unit)})") for p, amount in products]
        self.resolves.choices = [(str(r.id), f"{r.household_name} · {REASON_LABELS.get(r.reason, r.reason)}")
                                 for r in refusals]


class RefusalForm(FlaskForm):
    household_id = SelectField(_l("Household"), choices=[], validate_choice=False)
    household_name = StringField(_l("Or type the household's name"))
    reason = SelectField(_l("Reason"), choices=[], validate_choice=False)
    note = StringField(_l("Note"))

    def prepare(self, households) -> None:
        self.household_id.choices = [("", "—")] + [(str(h.id), str(h)) for h in households]
        self.reason.choices = [(r, str(REASON_LABELS[r])) for r in REFUSAL_REASONS]
