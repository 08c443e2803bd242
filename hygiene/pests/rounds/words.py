"""The rounds' words: what a round controls, its season, the unified rules, area units."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from hygiene.pests.words import PEST_LABELS

ROUND_PEST_LABELS = {**PEST_LABELS, "snail": _l("Snails")}
SEASON_LABELS = {"spring": _l("Spring"), "summer": _l("Summer"), "autumn": _l("Autumn"), "winter": _l("Winter")}
RULE_LABELS = {"organisation": _l("Unified organisation"), "time": _l("Unified time"),
               "method": _l("Unified method"), "product": _l("Unified product"),
               "standard": _l("Unified standard")}
AREA_UNIT_LABELS = {"mu": _l("mu"), "m2": _l("m²")}
# the measures of a round's totals (queries.Totals.parts), each totalled apart
PART_LABELS = {"households": _l("households"), "places": _l("places"), "mu": _l("mu")}
SQUARE_METRES_PER_MU = 2000 / 3  # 1 亩 = 666.67 m²


def pests_text(pests: list[str]) -> str:
    """A round's pests as one line: 鼠类、蚊虫."""
    return "、".join(str(ROUND_PEST_LABELS.get(pest, pest)) for pest in pests)


def rules_text(rules: list[str]) -> str:
    """The unified rules in force as one line: 统一组织、统一时间."""
    return "、".join(str(RULE_LABELS.get(rule, rule)) for rule in rules)


def amount(value: object) -> str:
    """A decimal as people write it: 2000, 12.5 (never 2E+3 or 12.50)."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)).normalize():f}"
