"""The supplies ledger as an Excel sheet (small: one row per product, answered in the request)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet, decimal_or_none
from hygiene.pests import queries
from hygiene.pests.words import UNIT_WORDS


def ledger_sheet(scope: Scope, today: date) -> Sheet:
    rows = [(r.name, str(UNIT_WORDS.get(r.unit, r.unit)), decimal_or_none(r.received), decimal_or_none(r.issued),
             decimal_or_none(r.returned), decimal_or_none(r.used), decimal_or_none(r.stock),
             decimal_or_none(r.minimum_stock), r.expiry,
             _("Yes") if r.below_minimum else "", _("Yes") if r.expires_soon or r.expired else "")
            for r in queries.ledger_rows(scope, today)]
    return Sheet(_("Supplies ledger"),
                 [_("Product"), _("Measure"), _("Stock in"), _("Issued"), _("Returned"), _("Used"),
                  _("Office stock"), _("Minimum stock"), _("Expiry date"), _("Below minimum"),
                  _("Expires within 30 days")],
                 rows, widths=(24, 8, 12, 12, 12, 12, 12, 12, 14, 10, 14), freeze_headers=True)
