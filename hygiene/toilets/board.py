"""The progress boards: per village of the year's tasks, how many toilets are accepted, in
progress and not started against the quota, and the forecast against the deadline at the
recent pace; the township's totals. Aggregated in SQL (GROUP BY task with FILTERed counts), so
a board is the same two queries for 5 villages or 500."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.places.models import Village
from hygiene.toilets.forecast import PACE_WINDOW_DAYS, Forecast, forecast
from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletProblem, ToiletTask
from hygiene.toilets.status import DONE, IN_PROGRESS, NOT_STARTED, ProblemStatus, ToiletStage

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Progress:
    """One village's task (or the township's sum) and where its toilets stand."""

    village_id: int | None
    township_id: int | None
    year: int
    name: str
    deadline: date
    quota: int
    accepted: int
    in_progress: int
    not_started: int
    excluded: int
    accepted_recently: int       # within the pace window, today included
    public_quota: int
    public_accepted: int
    public_in_progress: int
    forecast: Forecast
    past_deadline: bool = False     # the deadline has passed: what is done is what was done
    open_problems: int = 0          # follow-up problems not yet fixed in the village (any year's toilets)
    # the township's sum: its villages' own shortfalls added up (a village ahead of its quota
    # makes up for no other), so the township's "N short" is the sum of the villages' figures
    villages: tuple[Progress, ...] | None = None

    @property
    def percent_exact(self) -> Decimal:
        """Accepted against the quota, 0..100 to two places, rounded half up like the ranking."""
        if self.quota == 0:
            return Decimal(100)
        return min(Decimal(100), Decimal(100) * self.accepted / self.quota).quantize(CENT, ROUND_HALF_UP)

    @property
    def percent(self) -> int:
        """Accepted against the quota, 0..100, rounded half up (4 of 6: 67)."""
        return int(self.percent_exact.quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def listed(self) -> int:
        """Household toilets on the task, excluded ones left out."""
        return self.accepted + self.in_progress + self.not_started

    @property
    def over_listed(self) -> int:
        """How many more households a village lists than its quota (a note, not a refusal)."""
        return max(self.listed - self.quota, 0) if self.village_id is not None else 0

    @property
    def short_by_deadline(self) -> int:
        if self.villages is not None:
            return sum(v.short_by_deadline for v in self.villages)
        return max(self.quota - self.forecast.expected_by_deadline, 0)

    @property
    def remaining(self) -> int:
        """Still to be accepted (the township: the villages' own remainders added up)."""
        if self.villages is not None:
            return sum(v.remaining for v in self.villages)
        return self.forecast.remaining

    @property
    def behind(self) -> bool:
        if self.villages is not None:
            return any(v.behind for v in self.villages)
        return self.forecast.behind


@dataclass(frozen=True)
class Board:
    year: int
    today: date
    villages: list[Progress]        # behind first, then by name
    township: Progress | None       # None when no village has a task

    @property
    def behind(self) -> int:
        return sum(1 for row in self.villages if row.behind)


def _counts(today: date, tasks: sa.Select, villages: sa.Select) -> tuple[sa.Subquery, sa.Subquery, sa.Subquery]:
    """Per task of `tasks` (a select of task ids): household toilets by board group, and public
    projects accepted / in progress; per village of `villages`: follow-up problems not yet fixed.
    Each counts the chosen tasks' (villages') rows only, so a township's board reads its own
    toilets, not the county's."""
    t = HouseholdToilet
    since = today - timedelta(days=PACE_WINDOW_DAYS - 1)
    done = t.stage.in_(DONE)
    households = (sa.select(
        t.task_id,
        sa.func.count().filter(done).label("accepted"),
        sa.func.count().filter(t.stage.in_(IN_PROGRESS)).label("in_progress"),
        sa.func.count().filter(t.stage.in_(NOT_STARTED)).label("not_started"),
        sa.func.count().filter(t.stage == ToiletStage.EXCLUDED).label("excluded"),
        sa.func.count().filter(done, t.accepted_on.between(since, today)).label("recent"))
        .where(t.task_id.in_(tasks)).group_by(t.task_id).subquery("households"))
    p = PublicToiletProject
    public = (sa.select(
        p.task_id,
        sa.func.count().filter(p.stage.in_(DONE)).label("accepted"),
        sa.func.count().filter(p.stage.in_(IN_PROGRESS)).label("in_progress"))
        .where(p.task_id.in_(tasks)).group_by(p.task_id).subquery("public"))
    q = ToiletProblem
    problems = (sa.select(q.village_id, sa.func.count().label("open"))
                .where(q.village_id.in_(villages), q.status != ProblemStatus.FIXED)
                .group_by(q.village_id).subquery("problems"))
    return households, public, problems


def _rows(scope: Scope, year: int | None, today: date, *where: sa.ColumnElement[bool]) -> list[sa.Row]:
    chosen = [scope.clause(ToiletTask), *where, *([ToiletTask.year == year] if year is not None else [])]
    households, public, problems = _counts(today, sa.select(ToiletTask.id).where(*chosen),
                                           sa.select(ToiletTask.village_id).where(*chosen))
    zero = sa.literal(0)
    stmt = (sa.select(
        ToiletTask.village_id, ToiletTask.township_id, ToiletTask.year, Village.name, ToiletTask.deadline, ToiletTask.household_quota,
        ToiletTask.public_quota,
        sa.func.coalesce(households.c.accepted, zero), sa.func.coalesce(households.c.in_progress, zero),
        sa.func.coalesce(households.c.not_started, zero), sa.func.coalesce(households.c.excluded, zero),
        sa.func.coalesce(households.c.recent, zero),
        sa.func.coalesce(public.c.accepted, zero), sa.func.coalesce(public.c.in_progress, zero),
        sa.func.coalesce(problems.c.open, zero))
        .join(Village, Village.id == ToiletTask.village_id)
        .outerjoin(households, households.c.task_id == ToiletTask.id)
        .outerjoin(public, public.c.task_id == ToiletTask.id)
        .outerjoin(problems, problems.c.village_id == ToiletTask.village_id)
        .where(*chosen)
        .order_by(Village.name, ToiletTask.village_id))
    return list(db.session.execute(stmt))


def _progress(village_id: int | None, township_id: int | None, year: int, name: str, deadline: date, quota: int, public_quota: int,
              accepted: int, in_progress: int, not_started: int, excluded: int, recent: int,
              public_accepted: int, public_in_progress: int, today: date, open_problems: int = 0) -> Progress:
    return Progress(village_id, township_id, year, name, deadline, quota, accepted, in_progress, not_started, excluded, recent,
                    public_quota, public_accepted, public_in_progress,
                    forecast(quota=quota, done=accepted, done_recently=recent, today=today, deadline=deadline),
                    past_deadline=deadline < today, open_problems=open_problems)


def _village_progress(row: sa.Row, today: date) -> Progress:
    (village_id, township_id, year, name, deadline, quota, public_quota, accepted, in_progress, not_started, excluded,
     recent, public_accepted, public_in_progress, open_problems) = row
    return _progress(village_id, township_id, year, name, deadline, quota, public_quota, int(accepted), int(in_progress),
                     int(not_started), int(excluded), int(recent), int(public_accepted), int(public_in_progress),
                     today, int(open_problems))


def township_total(rows: list[Progress], today: date, name: str) -> Progress | None:
    """The villages summed; the forecast runs to the latest deadline (the county's date for all)."""
    if not rows:
        return None
    total = {field: sum(getattr(r, field) for r in rows) for field in (
        "quota", "public_quota", "accepted", "in_progress", "not_started", "excluded", "accepted_recently",
        "public_accepted", "public_in_progress", "open_problems")}
    summed = _progress(None, None, rows[0].year, name, max(r.deadline for r in rows), total["quota"],
                       total["public_quota"], total["accepted"], total["in_progress"], total["not_started"],
                       total["excluded"], total["accepted_recently"], total["public_accepted"],
                       total["public_in_progress"], today, total["open_problems"])
    return replace(summed, villages=tuple(rows))


def township_board(*, scope: Scope, year: int, today: date, township_name: str = "") -> Board:
    """Every village of the scope with a task of the year: behind first, then by name. One query."""
    rows = [_village_progress(row, today) for row in _rows(scope, year, today)]
    rows.sort(key=lambda r: (not r.behind, r.name))
    return Board(year, today, rows, township_total(rows, today, township_name))


@dataclass(frozen=True)
class VillageBoard:
    village: Village
    year: int
    today: date
    progress: Progress | None             # None: no task of the year
    stages: dict[str, int]                # household toilets of the year's task per stage


def village_board(*, scope: Scope, village: Village, year: int, today: date) -> VillageBoard:
    """One village's progress and its toilets per stage. Two queries."""
    rows = _rows(scope, year, today, ToiletTask.village_id == village.id)
    progress = _village_progress(rows[0], today) if rows else None
    stages: dict[str, int] = {}
    if progress is not None:
        t = HouseholdToilet
        stages = {stage: n for stage, n in db.session.execute(
            sa.select(t.stage, sa.func.count()).join(ToiletTask, ToiletTask.id == t.task_id)
            .where(ToiletTask.village_id == village.id, ToiletTask.year == year, scope.clause(t))
            .group_by(t.stage))}
    return VillageBoard(village, year, today, progress, stages)


def progress_due(*, scope: Scope, today: date, until: date) -> list[Progress]:
    """Every task of the scope whose deadline falls from today to `until`, any year. One query."""
    return [_village_progress(row, today)
            for row in _rows(scope, None, today, ToiletTask.deadline.between(today, until))]
