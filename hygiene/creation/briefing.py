"""Creation's part of the office's briefing: the year's applications by the step they had reached
at the period's end against the year's targets, the titles named in the period, and the titles
whose re-review (复审) is due. Step dates decide, not today's status, so a past period's briefing
reads the same later."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register
from hygiene.core.periods import Period
from hygiene.creation.kinds import REVIEW_NOTICE_DAYS, pairs
from hygiene.creation.models import CreationApplication, CreationTarget
from hygiene.creation.status import HELD, CreationStatus
from hygiene.creation.words import title_name
from hygiene.extensions import db
from hygiene.places.models import Unit, Village

NAMED_SHOWN = 10  # the titles named in the period listed by name; more are counted
STEPS = ("applied", "self_assessed", "reviewed", "submitted", "named", "rejected")


def _step_by(period: Period) -> sa.ColumnElement:
    """The step an application had reached by the period's end (SQL CASE over its step dates)."""
    a, end = CreationApplication, period.end
    return sa.case((a.named_on <= end, "named"),
                   (sa.and_(a.status == CreationStatus.REJECTED, a.closed_on <= end), "rejected"),
                   (a.submitted_on <= end, "submitted"), (a.reviewed_on <= end, "reviewed"),
                   (a.self_assessed_on <= end, "self_assessed"), else_="applied")


def creation_section(scope: Scope, period: Period) -> SectionData:
    """Three queries: the year's targets, the applications counted per title and step (with the
    re-reviews due), and the names of the titles named in the period."""
    a, year = CreationApplication, period.end.year
    targets = {(kind, level): int(n or 0) for kind, level, n in db.session.execute(
        sa.select(CreationTarget.kind, CreationTarget.level, sa.func.sum(CreationTarget.target))
        .where(scope.clause(CreationTarget), CreationTarget.year == year)
        .group_by(CreationTarget.kind, CreationTarget.level))}
    step = _step_by(period).label("step")
    of_year = sa.and_(a.year == year, a.applied_on <= period.end)
    # a title standing now whose re-review comes within the notice days of the period's end
    due = sa.and_(a.status.in_(HELD), a.review_due_on <= period.end + timedelta(days=REVIEW_NOTICE_DAYS))
    counts: dict[tuple[str, str], dict[str, int]] = {}
    due_n = overdue_n = 0
    for kind, level, step_key, n, due_count, overdue_count in db.session.execute(
            sa.select(a.kind, a.level, step, sa.func.count().filter(of_year), sa.func.count().filter(due),
                      sa.func.count().filter(due, a.review_due_on < period.end))
            .where(scope.clause(a), sa.or_(of_year, due)).group_by(a.kind, a.level, step)):
        counts.setdefault((kind, level), {})[step_key] = int(n)
        due_n += int(due_count)
        overdue_n += int(overdue_count)
    named_now = _named_in(scope, period)
    if not any(targets.values()) and not any(sum(c.values()) for c in counts.values()) and not due_n and not named_now:
        return SectionData(empty=True)
    order = [(kind.key, level.key) for kind, level in pairs()]
    keys = sorted({k for k, n in targets.items() if n > 0} | {k for k, c in counts.items() if sum(c.values())},
                  key=lambda k: (order.index(k) if k in order else len(order), k))
    rows = []
    for key in keys:
        c = counts.get(key, {})
        rows.append([title_name(*key), targets.get(key, 0), c.get("applied", 0) + c.get("self_assessed", 0)
                     + c.get("reviewed", 0), c.get("submitted", 0), c.get("named", 0), c.get("rejected", 0)])
    step_totals = {s: sum(c.get(s, 0) for c in counts.values()) for s in STEPS}
    target_total = sum(targets.values())
    sentences = [
        _("%(year)s targets: %(target)s titles; %(named)s named by the end of the period.",
          year=year, target=target_total, named=step_totals["named"]),
        _("Applications of the year in progress: %(applied)s applied, %(assessed)s self-assessed, %(reviewed)s township "
          "reviewed, %(submitted)s submitted to the county; %(rejected)s rejected.",
          applied=step_totals["applied"], assessed=step_totals["self_assessed"],
          reviewed=step_totals["reviewed"], submitted=step_totals["submitted"], rejected=step_totals["rejected"])]
    if named_now:
        names = "、".join(named_now[:NAMED_SHOWN]) + ("……" if len(named_now) > NAMED_SHOWN else "")
        sentences.append(_("%(n)s titles named in the period: %(names)s.", n=len(named_now), names=names))
    if due_n:
        sentences.append(_("%(n)s titles are due for re-review, %(overdue)s of them past the due date.",
                           n=due_n, overdue=overdue_n))
    return SectionData(sentences=sentences, rows=rows,
                       headers=[_("Title"), _("Year's target"), _("Applications in progress"), _("Submitted to the county"), _("Named"),
                                _("Rejected")])


def _named_in(scope: Scope, period: Period) -> list[str]:
    """"甲一村（县级卫生村）" for each title named in the period, by day (one query: a period names a few)."""
    a = CreationApplication
    rows = db.session.execute(
        sa.select(sa.func.coalesce(Unit.name, Village.name), a.kind, a.level)
        .join(Village, Village.id == a.village_id).outerjoin(Unit, Unit.id == a.unit_id)
        .where(scope.clause(a), a.named_on.between(period.start, period.end))
        .order_by(a.named_on, a.id)).all()
    return [f"{name}（{title_name(kind, level)}）" for name, kind, level in rows]


register(Section("creation", _l("Hygiene creation"), 80, creation_section))
