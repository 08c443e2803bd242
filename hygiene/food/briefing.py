"""The food registers' part of the office's briefing: the banquets registered and checked in the
period, the large ones of the period held without the office's check and those still waiting for
it at the period's end, and the food workers' health certificates expired or expiring by then
(the township's own thresholds, rules.yaml's until it sets them)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register
from hygiene.core.periods import Period
from hygiene.extensions import db
from hygiene.food.models import Banquet, HealthCertificate
from hygiene.food.queries import rules_of
from hygiene.food.status import BanquetStatus
from hygiene.places.models import Unit

UNITS_SHOWN = 10  # the units with the most certificates to renew


def food_section(scope: Scope, period: Period) -> SectionData:
    """Three queries: the township's rules, the banquets counted, the certificates per unit."""
    assert scope.township_id is not None  # a briefing is of one township
    rules = rules_of({scope.township_id})[scope.township_id]
    b, end = Banquet, period.end
    large = b.diners >= rules.check_min_diners
    unchecked = sa.or_(b.checked_on.is_(None), b.checked_on > end)
    not_cancelled = sa.or_(b.status != BanquetStatus.CANCELLED, b.closed_on.is_(None), b.closed_on > end)
    registered, checked, failed, held_unchecked, waiting = db.session.execute(sa.select(
        sa.func.count().filter(b.registered_on.between(period.start, end)),
        sa.func.count().filter(b.checked_on.between(period.start, end)),
        sa.func.count().filter(b.checked_on.between(period.start, end), b.check_passed.is_(False)),
        sa.func.count().filter(large, unchecked, not_cancelled, b.banquet_on.between(period.start, end)),
        sa.func.count().filter(large, unchecked, not_cancelled, b.registered_on <= end, b.banquet_on > end))
        .where(scope.clause(b))).one()
    c = HealthCertificate
    day_after = end + timedelta(days=1)
    expired = c.expires_on < day_after
    expiring = sa.and_(c.expires_on >= day_after, c.expires_on < day_after + timedelta(days=rules.remind_days))
    units = db.session.execute(
        sa.select(Unit.name, sa.func.count().filter(expired), sa.func.count().filter(expiring))
        .join(Unit, Unit.id == c.unit_id)
        .where(scope.clause(c), c.active.is_(True), sa.or_(expired, expiring))
        .group_by(Unit.id, Unit.name).order_by(sa.func.count().desc(), Unit.name)).all()
    expired_n, expiring_n = sum(int(row[1]) for row in units), sum(int(row[2]) for row in units)
    if not (registered or checked or held_unchecked or waiting or units):
        return SectionData(empty=True)
    sentences = [_("%(registered)s banquets registered in the period; %(checked)s checked on site, %(failed)s of "
                   "them failing.", registered=registered, checked=checked, failed=failed),
                 _("Large banquets (%(min)s diners or more): %(held)s of the period held without a check, "
                   "%(waiting)s still waiting for their check.", min=rules.check_min_diners, held=held_unchecked,
                   waiting=waiting),
                 _("Health certificates: %(expired)s expired and %(expiring)s expiring within %(days)s days.",
                   expired=expired_n, expiring=expiring_n, days=rules.remind_days)]
    rows = [[name, int(n_expired), int(n_expiring)] for name, n_expired, n_expiring in units[:UNITS_SHOWN]]
    return SectionData(sentences=sentences, rows=rows,
                       headers=[_("Unit"), _("Certificates expired"), _("Expiring soon")] if rows else [])


register(Section("food", _l("Food safety registers"), 100, food_section))
