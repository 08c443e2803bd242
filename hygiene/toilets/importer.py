"""Importing surveyed households (摸底名单) from Excel or CSV: check every row, then save all or none.

Each row names a household of the register (village, group, head of household), never a free-text
name: a household missing from the register is refused and added there first. The file is read by
the register importer (places/importer.read_table: same limits); the rows are saved through
services.toilet_create, so an import obeys the rules of the form (task of the village for the
year, one toilet per household) and writes the trail like it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.core.schemas import parse_input
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.places.importer import ImportFileError, Table
from hygiene.places.models import Household, Village
from hygiene.toilets.models import HouseholdToilet, ToiletTask
from hygiene.toilets.schemas import ToiletNewInput
from hygiene.toilets.services import toilet_create

# field -> the headers a file may use for it (the first is the template's)
COLUMNS = {
    "village": ("村/社区", "村", "社区", "村名", "村(社区)", "所属村"),
    "group_name": ("组", "村民小组", "小组", "组别", "村组"),
    "head_name": ("户主", "户主姓名", "姓名"),
    "surveyed_on": ("摸底日期", "日期"),
    "note": ("备注", "说明"),
}
REQUIRED = ("village", "head_name")


@dataclass
class SurveyRow:
    number: int                           # as the spreadsheet numbers it; the header is row 1
    cells: dict[str, str]
    household_id: int | None = None
    village_id: int | None = None
    surveyed_on: date | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class SurveyPlan:
    year: int
    rows: list[SurveyRow]

    @property
    def bad_rows(self) -> list[SurveyRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.bad_rows

    def checked(self) -> list[dict]:
        """What the confirm posts back: each row's household, village, day and note (checked again then)."""
        return [{"row": row.number, "village_id": row.village_id, "household_id": row.household_id,
                 "surveyed_on": row.surveyed_on.isoformat() if row.surveyed_on else "",
                 "note": row.cells.get("note", "")} for row in self.rows]


def _normal(header: str) -> str:
    return re.sub(r"[\s*:：]", "", header.lower().translate(str.maketrans("（）", "()")))


def _positions(header: list[str]) -> dict[str, int]:
    names = {_normal(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    for i, text in enumerate(header):
        name = names.get(_normal(text))
        if name is not None and positions.setdefault(name, i) != i:
            raise ImportFileError(_("The column “%(name)s” appears twice.", name=text))
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in positions]
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s. The first row must hold "
                                "the column headers of the template.", columns="、".join(missing)))
    return positions


def survey_plan(*, scope: Scope, table: Table, year: int, today: date) -> SurveyPlan:
    """Check every row against the register, the year's tasks and the toilets already recorded."""
    if not (scope.is_admin and scope.township_id is not None):
        raise Forbidden(_("Only the hygiene office can do this."))
    positions = _positions(table.header)
    rows = [SurveyRow(number, {name: cells[i] if i < len(cells) else "" for name, i in positions.items()})
            for number, cells in table.rows]
    if not rows:
        raise ImportFileError(_("The file has no data rows under the header row."))
    villages = {v.name: v for v in db.session.scalars(sa.select(Village).where(scope.clause(Village)))}
    tasks = set(db.session.scalars(sa.select(ToiletTask.village_id).where(
        ToiletTask.year == year, scope.clause(ToiletTask))))
    households: dict[tuple[int, str, str], Household] = {}
    by_head: dict[tuple[int, str], list[Household]] = {}  # for rows without a group
    for h in db.session.scalars(sa.select(Household).where(
            Household.village_id.in_([v.id for v in villages.values()]), Household.active.is_(True))):
        households[(h.village_id, h.group_name, h.head_name)] = h
        by_head.setdefault((h.village_id, h.head_name), []).append(h)
    recorded = set(db.session.scalars(sa.select(HouseholdToilet.household_id).where(
        HouseholdToilet.township_id == scope.township_id)))
    seen: dict[int, int] = {}
    for row in rows:
        _check(row, year, today, villages, tasks, households, by_head, recorded, seen)
    return SurveyPlan(year, rows)


def _check(row: SurveyRow, year: int, today: date, villages, tasks, households, by_head, recorded, seen) -> None:
    cells = row.cells
    village = villages.get(cells["village"])
    if village is None:
        row.errors.append(_("Unknown village “%(name)s”.", name=cells["village"]) if cells["village"]
                          else _("%(column)s: %(message)s", column="村/社区", message=_("This field is required.")))
        return
    row.village_id = village.id
    if village.id not in tasks:
        row.errors.append(_("%(village)s has no renovation task for %(year)d: the office sets the task first.",
                            village=village.name, year=year))
    household = households.get((village.id, cells.get("group_name", ""), cells["head_name"]))
    same_head = by_head.get((village.id, cells["head_name"]), [])
    if household is None and not cells.get("group_name") and len(same_head) == 1:
        household = same_head[0]  # the group is optional: the head's name is unique in the village
    elif household is None and not cells.get("group_name") and len(same_head) > 1:
        row.errors.append(_("%(village)s has %(n)d heads of household named “%(name)s” (%(groups)s): fill in the "
                            "group.", village=village.name, n=len(same_head), name=cells["head_name"],
                            groups="、".join(sorted(h.group_name or "—" for h in same_head))))
        row.surveyed_on = _day(row, today)
        return
    if household is None:
        row.errors.append(_("“%(name)s” is not in the register of %(village)s: add the household to the "
                            "register first.", name=f"{cells.get('group_name', '')} {cells['head_name']}".strip(),
                            village=village.name))
    else:
        row.household_id = household.id
        if household.id in recorded:
            row.errors.append(_("%(household)s already has a toilet record: one toilet per household.",
                                household=str(household)))
        elif (first := seen.setdefault(household.id, row.number)) != row.number:
            row.errors.append(_("Same as row %(row)d: “%(name)s” appears twice in this file.",
                                row=first, name=str(household)))
    row.surveyed_on = _day(row, today)


def _day(row: SurveyRow, today: date) -> date | None:
    text = row.cells.get("surveyed_on", "")
    if not text:
        return today
    try:
        day = date.fromisoformat(text[:10].replace("/", "-"))
    except ValueError:
        row.errors.append(_("%(column)s: %(message)s", column="摸底日期", message=_("Enter a date.")))
        return None
    if day > today:
        row.errors.append(_("%(column)s: %(message)s", column="摸底日期", message=_("This date is in the future.")))
        return None
    return day


def survey_apply(*, scope: Scope, actor_id: int | None, rows: object, year: int, key: str,
                 now: datetime) -> int:
    """Save every checked row (as posted back by the confirm) through the form's service, or none:
    the first refusal raises with its row number (the caller rolls back). The confirm's key makes
    a second confirm find the toilets it made."""
    if not isinstance(rows, list) or not rows:
        raise DomainError(_("The file has no data rows under the header row."))
    for position, values in enumerate(rows, start=2):
        if not isinstance(values, dict):
            raise DomainError(_("This import was already saved or has expired; please upload the file again."))
        number = values.get("row")
        n = number if isinstance(number, int) and 0 < number < 10**6 else position
        try:
            data = parse_input(ToiletNewInput, {**values, "year": year, "request_key": f"{key[:40]}:{n}"})
            toilet_create(scope=scope, actor_id=actor_id, data=data, now=now)
        except Forbidden:
            raise
        except DomainError as error:
            raise DomainError(_("Row %(row)d: %(message)s", row=n, message=error.message)) from None
    return len(rows)
