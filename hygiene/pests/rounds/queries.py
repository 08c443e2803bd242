"""Reading rounds: one round's coverage per target in one aggregate query; the office's list,
one round, its coverage board, the township's board of current rounds, and the round form's
choices. Always within the reader's scope."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.core.input import optional_int
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.pests.models import PestProduct
from hygiene.pests.rounds.coverage import TargetCoverage, coverage_percent
from hygiene.pests.rounds.models import ROUND_PESTS, SEASONS, PestRound, RoundTarget
from hygiene.pests.rounds.status import SEEN_BY_TARGETS, RoundStatus
from hygiene.pests.rounds.timing import RECENT_DAYS, may_fall_behind
from hygiene.pests.rounds.words import SQUARE_METRES_PER_MU
from hygiene.places.models import Household, Unit, Village


def coverage_stmt(round_ids: sa.ColumnElement[bool] | None = None) -> sa.Select:
    """Every target (of the rounds `round_ids` selects on RoundTarget) with what its work adds
    up to, read from the totals kept on the target (totals.py): no work is summed here."""
    t = RoundTarget
    stmt = (sa.select(t.id, t.village_id, t.unit_id, t.households_target, t.area_target, t.area_unit,
                      t.households_covered, t.area_covered, t.works, t.mop_ups, t.open_refusals, t.last_done_on)
            .order_by(t.id))
    return stmt if round_ids is None else stmt.where(round_ids)


def round_coverage(round_id: int) -> list[TargetCoverage]:
    """Each target of one round with its coverage (one query, whatever the number of targets)."""
    return targets_coverage(RoundTarget.round_id == round_id)


def targets_coverage(round_ids: sa.ColumnElement[bool]) -> list[TargetCoverage]:
    """The targets `round_ids` selects with their coverage: one query on the targets alone."""
    return [TargetCoverage._make(row) for row in db.session.connection().execute(coverage_stmt(round_ids))]


# the columns of coverage_stmt, in its order (round_coverage reads them the same way)
COVERAGE_COLUMNS = ("target_id", "village_id", "unit_id", "households_target", "area_target", "area_unit",
                    "households_covered", "area_covered", "works", "mop_ups", "open_refusals", "last_done_on")
CURRENT = (RoundStatus.ANNOUNCED, RoundStatus.CLOSED)


@dataclass(frozen=True)
class RoundFilters:
    season: str | None = None
    year: int | None = None
    pest: str | None = None
    status: str | None = None


def read_filters(args: Mapping[str, str]) -> tuple[RoundFilters, list[str]]:
    """The list's filters from a query string, and the names of those that could not be read."""
    season, pest, status = args.get("season") or None, args.get("pest") or None, args.get("status") or None
    year = optional_int(args.get("year"))
    year = year if year is not None and 2000 <= year <= 2100 else None
    unread = [name for name, ok in (("season", season in (None, *SEASONS)), ("pest", pest in (None, *ROUND_PESTS)),
                                    ("status", status is None or RoundStatus.known(status)),
                                    ("year", not args.get("year") or year is not None)) if not ok]
    return RoundFilters(season=season if "season" not in unread else None, year=year,
                        pest=pest if "pest" not in unread else None,
                        status=status if "status" not in unread else None), unread


def round_list_stmt(*, scope: Scope, filters: RoundFilters) -> sa.Select:
    """The rounds the scope sees, the latest start first."""
    r = PestRound
    stmt = sa.select(r).where(scope.clause(r)).order_by(r.starts_on.desc(), r.id.desc())
    if filters.season:
        stmt = stmt.where(r.season == filters.season)
    if filters.year:
        stmt = stmt.where(r.starts_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    if filters.pest:  # the JSON list as text holds "rodent" with its quotes, on SQLite and PostgreSQL alike
        stmt = stmt.where(sa.cast(r.pests, sa.String).like(f'%"{filters.pest}"%'))
    if filters.status:
        stmt = stmt.where(r.status == filters.status)
    return stmt


def round_get(*, scope: Scope, round_id: int) -> PestRound:
    found = db.session.scalar(sa.select(PestRound).where(PestRound.id == round_id, scope.clause(PestRound)))
    if found is None:
        raise NotFound("round not found")
    return found


@dataclass(frozen=True)
class BoardRow:
    coverage: TargetCoverage
    village: str
    unit: str | None
    behind: bool


@dataclass(frozen=True)
class Part:
    """One measure of a round's totals: what its targets had to cover and covered, in `measure`
    ("households" of villages, "places" of units, or "mu" of snail habitat)."""

    measure: str
    target: Decimal | int
    covered: Decimal | int

    @property
    def percent(self) -> Decimal | None:
        return coverage_percent(self.covered, self.target)


@dataclass
class Totals:
    targets: int = 0
    households_target: int = 0        # villages' households
    households_covered: int = 0       # each target's covered capped at its target
    places_target: int = 0            # units' places: never added to households
    places_covered: int = 0
    area_target_mu: Decimal = Decimal(0)
    area_covered_mu: Decimal = Decimal(0)
    works: int = 0
    mop_ups: int = 0
    open_refusals: int = 0
    behind: int = 0
    last_done_on: date | None = None

    @property
    def parts(self) -> list[Part]:
        """Each measure the round's targets have, apart: households, places, mu."""
        parts = [Part("households", self.households_target, self.households_covered),
                 Part("places", self.places_target, self.places_covered),
                 Part("mu", self.area_target_mu, self.area_covered_mu)]
        return [part for part in parts if part.target]

    @property
    def percent(self) -> Decimal | None:
        """The first measure's rate (households, else places, else area)."""
        parts = self.parts
        return parts[0].percent if parts else None


@dataclass(frozen=True)
class RoundBoard:
    rows: list[BoardRow]
    totals: Totals = field(default_factory=Totals)


def round_board(*, scope: Scope, pest_round: PestRound, today: date) -> RoundBoard:
    """Each target of the round the scope sees with its coverage, behind first (one query); none
    is behind before the round has been announced and has started (timing.may_fall_behind)."""
    counts = may_fall_behind(pest_round.status, pest_round.starts_on, today)
    stmt = (coverage_stmt(sa.and_(RoundTarget.round_id == pest_round.id, scope.clause(RoundTarget)))
            .add_columns(Village.name, Unit.name)
            .join(Village, Village.id == RoundTarget.village_id)
            .outerjoin(Unit, Unit.id == RoundTarget.unit_id))
    rows = []
    for row in db.session.execute(stmt):
        coverage = coverage_of(row)
        rows.append(BoardRow(coverage, row[-2], row[-1], counts and coverage.behind(pest_round.coverage_goal)))
    rows.sort(key=lambda r: (not r.behind, r.coverage.percent or Decimal(0), r.village, r.unit or ""))
    return RoundBoard(rows, totals_of(rows))


def coverage_of(row: sa.Row) -> TargetCoverage:
    """A TargetCoverage from the first columns of a coverage_stmt row."""
    return TargetCoverage._make(row[:len(COVERAGE_COLUMNS)])


def in_mu(area: Decimal | None, unit: str | None) -> Decimal:
    """An area in mu (亩), whichever unit the target was measured in."""
    if area is None:
        return Decimal(0)
    return Decimal(area) / Decimal(SQUARE_METRES_PER_MU) if unit == "m2" else Decimal(area)


def totals_of(rows: list[BoardRow]) -> Totals:
    totals = Totals()
    for row in rows:
        c = row.coverage
        totals.targets += 1
        if c.by_area:
            totals.area_target_mu += in_mu(c.area_target, c.area_unit)
            totals.area_covered_mu += in_mu(min(c.area_covered, Decimal(c.area_target or 0)), c.area_unit)
        elif c.unit_id is not None:
            totals.places_target += c.households_target or 0
            totals.places_covered += min(c.households_covered, c.households_target or 0)
        else:
            totals.households_target += c.households_target or 0
            totals.households_covered += min(c.households_covered, c.households_target or 0)
        totals.works += c.works
        totals.mop_ups += c.mop_ups
        totals.open_refusals += c.open_refusals
        totals.behind += row.behind
        if c.last_done_on and (totals.last_done_on is None or c.last_done_on > totals.last_done_on):
            totals.last_done_on = c.last_done_on
    totals.area_target_mu = totals.area_target_mu.quantize(Decimal("0.01"))
    totals.area_covered_mu = totals.area_covered_mu.quantize(Decimal("0.01"))
    return totals


# --- the township's board: every current round, per village -----------------------------------

@dataclass(frozen=True)
class Cell:
    """One village in one round: its own target's coverage, and how many of its targets are behind."""

    aim: Decimal
    covered: Decimal
    targets: int
    units: int
    behind: int
    open_refusals: int

    @property
    def percent(self) -> Decimal | None:
        return coverage_percent(self.covered, self.aim)


@dataclass(frozen=True)
class TownshipBoard:
    rounds: list[PestRound]
    villages: list[tuple[int, str]]
    cells: dict[tuple[int, int], Cell]      # (round id, village id)

    def behind_in(self, village_id: int) -> int:
        return sum(cell.behind for (_r, v), cell in self.cells.items() if v == village_id)


def current_rounds_clause(today: date) -> sa.ColumnElement[bool]:
    """Announced rounds, and rounds that ended (closed or not) within the last month."""
    return sa.and_(PestRound.status.in_(sorted(CURRENT)),
                   sa.or_(PestRound.status == RoundStatus.ANNOUNCED,
                          PestRound.ends_on >= today - timedelta(days=RECENT_DAYS)))


def township_board(*, scope: Scope, today: date) -> TownshipBoard:
    """Per village and current round: coverage and targets behind; three queries whatever the size."""
    rounds = list(db.session.scalars(sa.select(PestRound).where(scope.clause(PestRound), current_rounds_clause(today))
                                     .order_by(PestRound.starts_on, PestRound.id).limit(50)))
    ids = [r.id for r in rounds]
    cells: dict[tuple[int, int], Cell] = {}
    if ids:
        for row in db.session.execute(_cells_stmt(scope, ids, today)):
            cells[(row.round_id, row.village_id)] = Cell(Decimal(row.aim or 0), Decimal(row.covered or 0),
                                                         int(row.targets), int(row.units or 0), int(row.behind or 0),
                                                         int(row.open_refusals or 0))
    villages = [(row.id, row.name) for row in db.session.execute(sa.select(Village.id, Village.name).where(
        scope.clause(Village), Village.active).order_by(Village.name, Village.id))]
    return TownshipBoard(rounds, villages, cells)


def _cells_stmt(scope: Scope, round_ids: list[int], today: date) -> sa.Select:
    """Targets of the rounds summed per round and village, in SQL: the village's own target gives
    the coverage (units are counted apart); a target is behind below its round's goal or with no work,
    once the round may fall behind (timing.may_fall_behind, in SQL: the board's rounds are all seen
    by their targets, so it is the start)."""
    sub = coverage_stmt(sa.and_(RoundTarget.round_id.in_(round_ids), scope.clause(RoundTarget))) \
        .add_columns(RoundTarget.round_id.label("round_id")).subquery()
    c = dict(zip((*COVERAGE_COLUMNS, "round_id"), sub.c, strict=True))
    aim = sa.case((c["area_target"].is_not(None), c["area_target"]), else_=c["households_target"])
    done = sa.case((c["area_target"].is_not(None), c["area_covered"]), else_=c["households_covered"])
    own = c["unit_id"].is_(None)
    behind = sa.and_(PestRound.status.in_(sorted(SEEN_BY_TARGETS)), PestRound.starts_on <= today,
                     sa.or_(c["works"] == 0, sa.and_(aim > 0, done * 100 < PestRound.coverage_goal * aim)))
    return (sa.select(c["round_id"], c["village_id"],
                      sa.func.sum(sa.case((own, aim), else_=0)).label("aim"),
                      sa.func.sum(sa.case((own, sa.case((done > aim, aim), else_=done)), else_=0)).label("covered"),
                      sa.func.count().label("targets"),
                      sa.func.sum(sa.case((own, 0), else_=1)).label("units"),
                      sa.func.sum(sa.case((behind, 1), else_=0)).label("behind"),
                      sa.func.sum(c["open_refusals"]).label("open_refusals"))
            .join(PestRound, PestRound.id == c["round_id"])
            .group_by(c["round_id"], c["village_id"]))


# --- the form's choices -------------------------------------------------------------------------

def product_choices(*, scope: Scope, today: date, keep: int | None = None) -> list[PestProduct]:
    """The township's active, unexpired products (and the round's own, `keep`, whatever it is now)."""
    usable = sa.and_(PestProduct.active, sa.or_(PestProduct.expiry.is_(None), PestProduct.expiry >= today))
    return list(db.session.scalars(sa.select(PestProduct).where(
        PestProduct.township_id == scope.township_id, sa.or_(usable, PestProduct.id == keep))
        .order_by(PestProduct.name, PestProduct.id)))


def place_choices(scope: Scope) -> tuple[list[Village], list[Unit], dict[int, int]]:
    """The township's active villages and units, and each village's household count in the register."""
    villages = list(db.session.scalars(sa.select(Village).where(
        Village.township_id == scope.township_id, Village.active).order_by(Village.name, Village.id)))
    units = list(db.session.scalars(sa.select(Unit).join(Village).where(
        Village.township_id == scope.township_id, Village.active, Unit.active).order_by(Unit.name, Unit.id)))
    counts = dict(db.session.execute(sa.select(Household.village_id, sa.func.count()).join(Village).where(
        Village.township_id == scope.township_id, Household.active).group_by(Household.village_id)).all())
    return villages, units, counts
