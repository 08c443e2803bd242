"""The round form: the round's facts as WTForms fields; its targets as one row per village and
unit of the register (v<id>, v<id>_households, v<id>_area, v<id>_area_unit; u<id>, u<id>_households),
read here into plain rows for rounds.schemas."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from hygiene.checklists.forms import MultiCheckboxField, options
from hygiene.core.input import fits
from hygiene.pests.rounds.models import UNIFIED_RULES, PestRound
from hygiene.pests.rounds.words import AREA_UNIT_LABELS, ROUND_PEST_LABELS, RULE_LABELS, SEASON_LABELS
from hygiene.places.models import Unit, Village

UNIT_PLACES = 1  # a unit covers its one place unless the office says more


class RoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[fits(PestRound.__table__.c.name)])
    pests = MultiCheckboxField(_l("What the round controls"), choices=options(ROUND_PEST_LABELS),
                               validate_choice=False)
    season = SelectField(_l("Season"), choices=options(SEASON_LABELS), validate_choice=False)
    starts_on = DateField(_l("Start date"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    method = StringField(_l("Method"), validators=[fits(PestRound.__table__.c.method)])
    product_id = SelectField(_l("Product"), choices=[], validate_choice=False)
    dose = StringField(_l("Dose"), validators=[fits(PestRound.__table__.c.dose)])
    unified_rules = MultiCheckboxField(_l("Unified rules in force"), choices=options(RULE_LABELS),
                                       default=list(UNIFIED_RULES), validate_choice=False)
    coverage_goal = StringField(_l("Coverage goal (percent)"), default="95")
    note = TextAreaField(_l("Note"))
    all_villages = BooleanField(_l("All villages"))
    request_key = HiddenField()  # one per form shown: sending it twice makes one round
    season_shown = HiddenField()  # the season the new form was shown with: left so, the start month decides

    def prepare(self, products) -> None:
        self.product_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(p.id), f"{p.name}（{p.active_ingredient}）") for p in products]


@dataclass(frozen=True)
class TargetRow:
    """One village or unit of the form's target table, as shown (and as sent back)."""

    prefix: str
    village: Village
    unit: Unit | None
    chosen: bool
    households: str
    area: str = ""
    area_unit: str = "mu"


def target_table(villages: list[Village], units: list[Unit], counts: Mapping[int, int], *,
                 formdata: Mapping[str, Any] | None = None, targets=()) -> list[tuple[TargetRow, list[TargetRow]]]:
    """Per village its row and its units' rows: from the posted form, else from the round's
    targets, else the register's defaults (households counted in the register, 1 place a unit)."""
    current = {t.place_key: t for t in targets}
    by_village: dict[int, list[TargetRow]] = {}
    for unit in units:
        by_village.setdefault(unit.village_id, []).append(
            _row(f"u{unit.id}", unit.village, unit, current.get(f"unit:{unit.id}"), UNIT_PLACES, formdata))
    return [(_row(f"v{v.id}", v, None, current.get(f"village:{v.id}"), counts.get(v.id, 0), formdata),
             by_village.get(v.id, [])) for v in villages]


def _row(prefix: str, village: Village, unit: Unit | None, target, default: int,
         formdata: Mapping[str, Any] | None) -> TargetRow:
    if formdata is not None:
        chosen = bool(formdata.get(prefix)) or (unit is None and bool(formdata.get("all_villages")))
        return TargetRow(prefix, village, unit, chosen,
                         str(formdata.get(f"{prefix}_households", "")), str(formdata.get(f"{prefix}_area", "")),
                         str(formdata.get(f"{prefix}_area_unit", "mu")))
    if target is not None:
        area = "" if target.area_target is None else f"{target.area_target.normalize():f}"
        return TargetRow(prefix, village, unit, True, str(target.households_target or ""), area,
                         target.area_unit or "mu")
    return TargetRow(prefix, village, unit, False, str(default))


def chosen_rows(table: list[tuple[TargetRow, list[TargetRow]]]) -> list[dict[str, Any]]:
    """The ticked rows as plain data for rounds.schemas.round_input."""
    rows = []
    for village_row, unit_rows in table:
        for row in (village_row, *unit_rows):
            if row.chosen:
                rows.append({"prefix": row.prefix, "village_id": row.village.id,
                             "unit_id": row.unit.id if row.unit else None, "households": row.households,
                             "area": row.area, "area_unit": row.area_unit})
    return rows


AREA_UNIT_CHOICES = AREA_UNIT_LABELS
