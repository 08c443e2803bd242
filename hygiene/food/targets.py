"""What the food registers give the year's target letters (hygiene/letters/kinds.py registers it):
each food unit's share of its workers' health certificates valid.

Food does not import letters: a measure takes a township (None: the county) and a year and answers
{unit id: {"value": Decimal}} from one aggregate query (a SELECT the letters' board may run in its UNION ALL). A certificate counts
when its worker is still on the register (active) and it was issued by the day measured: the
year's last day once the year is over, today while it runs (so the live board says how the unit
stands now). A unit with no certificate on the register is left out (not measured)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.food.models import HealthCertificate

CENT = Decimal("0.01")


def certificates_valid_by_unit(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per unit: 100 × certificates valid on the day measured ÷ its workers' certificates."""
    return {unit_id: {"value": Decimal(str(value)).quantize(CENT)}
            for unit_id, value in db.session.execute(certificates_valid_select(township_id, year))}


def certificates_valid_select(township_id: int | None, year: int) -> sa.Select:
    """(unit id, percent of its certificates valid on the day measured), one row per unit with one."""
    c, on = HealthCertificate, min(date(year, 12, 31), local_today())
    valid = sa.cast(sa.func.count().filter(c.expires_on >= on), sa.Numeric(14, 4)) * 100 / sa.func.count()
    return (sa.select(c.unit_id, valid)
            .where(c.active.is_(True), c.issued_on <= on,
                   *([c.township_id == township_id] if township_id is not None else []))
            .group_by(c.unit_id))
