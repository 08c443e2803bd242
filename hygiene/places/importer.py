"""Importing the register from Excel (.xlsx) or CSV: read the file, check every row, save all or nothing.

Plain functions without a request. Rows are checked by the form's rules (services.record_validate)
and saved through services.records_insert, so an import writes the audit trail like any other change.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import load_workbook

from hygiene.access.scope import Scope
from hygiene.core.bulk import collector_paused
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.places import rules, services
from hygiene.places.kinds import Kind
from hygiene.places.models import Township, Village

FILE_TYPES = ("xlsx", "csv")
# A cell longer than any register column is wrong anyway: only this much of it is read, so the
# row fails its length check with a short message instead of echoing a megabyte back.
MAX_CELL_CHARS = 300
# What the parts of an .xlsx may unpack to: a zip squeezes one huge cell into a small file.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (wrong type, unreadable, empty, missing columns)."""


@dataclass(frozen=True)
class ImportColumn:
    field: str               # a field of the kind; "parent" is the village's (or township's) name
    header: str              # the Chinese header of the template
    label: str               # English label, a msgid already in the catalog (from kinds.py)
    aliases: tuple[str, ...] = ()
    example: str = ""


_PHONE = ("电话", "手机", "手机号", "手机号码", "联系方式")
_VILLAGE = ImportColumn("parent", "村/社区", "Village / community",
                        ("村", "社区", "村名", "村(社区)", "所属村", "所属村/社区", "村社区"), "示例村")
_TOWNSHIP = ImportColumn("township", "乡镇", "Township", ("乡镇/街道", "乡镇(街道)", "街道", "镇"))
TITLES = {"villages": "村社区", "units": "单位", "households": "农户", "cleaners": "保洁员"}
LAYOUTS: dict[str, tuple[ImportColumn, ...]] = {  # template order
    "villages": (
        ImportColumn("parent", "乡镇", "Township", _TOWNSHIP.aliases, "示例镇"),
        ImportColumn("name", "村/社区名称", "Name", ("名称", "村名", "村/社区", "村(社区)名称"), "示例村"),
        ImportColumn("kind", "类型", "Type", ("类别",), "村"),
        ImportColumn("contact_name", "联系人", "Contact person", ("负责人",), "王五"),
        ImportColumn("contact_phone", "联系电话", "Phone", _PHONE, "13800138000")),
    "units": (
        _VILLAGE,
        ImportColumn("name", "单位名称", "Name", ("名称", "单位"), "示例饭店"),
        ImportColumn("category", "类别", "Category", ("单位类别", "行业", "类型"), "餐饮"),
        ImportColumn("address", "地址", "Address", ("单位地址",), "示例路1号"),
        ImportColumn("contact_name", "联系人", "Contact person", ("负责人",), "张三"),
        ImportColumn("contact_phone", "联系电话", "Phone", _PHONE, "13800138000")),
    "households": (
        _VILLAGE,
        ImportColumn("group_name", "组", "Village group", ("村民小组", "小组", "组别", "村组"), "一组"),
        ImportColumn("head_name", "户主", "Head of household", ("户主姓名", "姓名"), "张三"),
        ImportColumn("phone", "联系电话", "Phone", _PHONE, "13800138000"),
        ImportColumn("address", "地址", "Address", ("住址", "家庭住址"), "一组12号")),
    "cleaners": (
        _VILLAGE,
        ImportColumn("name", "姓名", "Name", ("保洁员", "保洁员姓名"), "李四"),
        ImportColumn("section", "保洁路段", "Responsibility section", ("路段", "责任路段", "保洁区域"),
                     "村主干道"),
        ImportColumn("phone", "联系电话", "Phone", _PHONE, "13800138000")),
}


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the spreadsheet, cells)


@dataclass
class ImportRow:
    number: int                        # as the spreadsheet numbers it; the header is row 1
    cells: dict[str, str]              # column field -> text from the file
    data: dict = field(default_factory=dict)    # input for services.record_input
    values: dict | None = None         # the clean values, when the row is correct
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    kind: Kind
    columns: tuple[ImportColumn, ...]  # the columns found in the file, in template order
    rows: list[ImportRow]
    ignored: list[str] = field(default_factory=list)  # headers that are not ours
    skipped: int = 0                   # untouched example rows of the template

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.bad_rows


def file_type(filename: str) -> str:
    """Return "xlsx" or "csv" from the file name, or refuse any other file."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in FILE_TYPES:
        raise ImportFileError(_("Only Excel workbooks (.xlsx) and CSV files can be imported. In "
                                "Excel, use “Save as” and choose “Excel Workbook (*.xlsx)”."))
    return ext


def read_table(filename: str, data: bytes, *, max_rows: int) -> Table:
    """Read the first sheet (or the CSV): the header row and the non-blank rows under it."""
    ext = file_type(filename)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles other programs write
            with closing(_xlsx_lines(data) if ext == "xlsx" else _csv_lines(data)) as lines:
                return _table(lines, max_rows)
    except ImportFileError:
        raise
    except Exception as error:  # a damaged or disguised file: zipfile, openpyxl and csv raise many kinds
        raise ImportFileError(_("The file could not be read as %(type)s. Check that it is a real "
                                "spreadsheet, or save it again from Excel.", type=ext.upper())) from error


def _check_unpacked(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_UNPACKED_BYTES, before reading it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(part.file_size for part in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("The workbook unpacks to %(size)d MB, more than %(max)d MB: it holds "
                                "far more than a register. Check for very long cells, or split it.",
                                size=unpacked // 2**20, max=MAX_UNPACKED_BYTES // 2**20))


def _xlsx_lines(data: bytes):
    _check_unpacked(data)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some programs write wrong sizes; read what is really there
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _csv_lines(data: bytes):
    if b"\x00" in data:
        raise ImportFileError(_("This is not a CSV text file."))
    try:  # UTF-8 with or without BOM, else GB18030 (what Chinese Excel writes)
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:  # a field beyond csv's own limit (128 KB): far beyond any column
        raise ImportFileError(_("A cell of the file is far longer than any register field "
                                "(at most %(n)d characters are read).", n=MAX_CELL_CHARS)) from error


def _table(lines, max_rows: int) -> Table:
    header, rows = None, []  # type: list[str] | None, list[tuple[int, list[str]]]
    for number, line in enumerate(lines, start=1):
        cells = [cell_text(value) for value in line]
        if not any(cells):
            continue
        if header is None:
            header = cells
        elif len(rows) >= max_rows:
            raise ImportFileError(_("The file has more than %(max)d rows; split it into smaller "
                                    "files.", max=max_rows))
        else:
            rows.append((number, cells))
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return Table(header, rows)


def cell_text(value: object) -> str:
    """A cell as text: 13800138000.0 becomes "13800138000", None becomes "", spaces go; at
    most MAX_CELL_CHARS (+1, so that a longer cell still fails its column's length check)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None:
        return ""
    return rules.clean_text(str(value)[:MAX_CELL_CHARS * 2])[:MAX_CELL_CHARS + 1]


def import_plan(*, kind: Kind, scope: Scope, table: Table) -> ImportPlan:
    """Check every row with the service rules and against the other rows of the file."""
    columns, positions, ignored = _map_header(kind, table.header)
    rows = [ImportRow(number, {name: cells[i] if i < len(cells) else ""
                               for name, i in positions.items()}) for number, cells in table.rows]
    kept = [row for row in rows if not _is_example(kind, row)]
    if not kept:
        raise ImportFileError(_("The file has no data rows under the header row."))
    parents, seen = _Parents(kind, scope), {}  # type: _Parents, dict[tuple, int]
    known = services.RegisterLookup(kind, scope, parents=parents.by_id)  # checking a row costs no query
    known.load_keys(p.id for row in kept for p in parents.by_name.get(row.cells["parent"], ()))
    with collector_paused():
        for row in kept:
            _check_row(kind, scope, parents, row, known)
            _check_repeat(kind, row, seen)
    return ImportPlan(kind, columns, kept, ignored, len(rows) - len(kept))


def _normal(header: str) -> str:
    text = header.lower().translate(str.maketrans("（）／：", "()/:"))
    return re.sub(r"[\s*:]", "", text)


def _map_header(kind: Kind, header: list[str]):
    """Find our columns in the header row; name the required ones that are missing."""
    known = (*LAYOUTS[kind.slug], *((_TOWNSHIP,) if kind.parent == "village" else ()))
    names = {_normal(n): c for c in known for n in (c.header, c.label, *c.aliases)}
    positions, ignored = {}, []  # type: dict[str, int], list[str]
    for i, text in enumerate(header):
        column = names.get(_normal(text))
        if column is None:
            ignored.extend([text] if text else [])
        elif positions.setdefault(column.field, i) != i:
            raise ImportFileError(_("The column “%(name)s” appears twice.", name=text))
    missing = [c.header for c in known if c.field in ("parent", *kind.required) and c.field not in positions]
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s. The first row must hold "
                                "the column headers of the template.", columns="、".join(missing)))
    return tuple(c for c in known if c.field in positions), positions, ignored


def _is_example(kind: Kind, row: ImportRow) -> bool:
    """True for the template's example row left in the file unchanged."""
    return all(row.cells.get(c.field, c.example) == c.example for c in LAYOUTS[kind.slug])


class _Parents:
    """The villages (or townships) of the scope by name, to turn names in the file into ids.

    Rows, not model objects: id, name, active, township_id and township_name each."""

    def __init__(self, kind: Kind, scope: Scope):
        self.kind = kind
        if kind.parent == "township":
            select = sa.select(Township.id, Township.name, Township.active, Township.id.label("township_id"),
                               Township.name.label("township_name")).where(scope.clause(Township))
        else:
            select = sa.select(Village.id, Village.name, Village.active, Village.township_id,
                               Township.name.label("township_name")).join(Village.township).where(
                scope.clause(Village))
        self.by_id = {parent.id: parent for parent in db.session.execute(select)}
        self.by_name: dict[str, list] = defaultdict(list)
        for parent in self.by_id.values():
            self.by_name[parent.name].append(parent)

    def find(self, name: str, township: str = "") -> tuple[int | None, str | None]:
        """Return (id, None) or (None, the reason the name does not fit)."""
        found = [p for p in self.by_name.get(name, [])
                 if not township or p.township_name == township]
        if len(found) == 1:
            return found[0].id, None
        if not name:
            return None, _("This field is required.")
        if found:
            return None, _("“%(name)s” is the name of villages in several townships; add a column "
                           "“乡镇” to tell them apart.", name=name)
        if self.kind.parent == "township":
            return None, _("Unknown township “%(name)s”.", name=name)
        return None, _("Unknown village “%(name)s”.", name=name)


def _check_row(kind: Kind, scope: Scope, parents: _Parents, row: ImportRow,
               known: services.RegisterLookup) -> None:
    parent_id, problem = parents.find(row.cells["parent"], row.cells.get("township", ""))
    row.data = {**{f: row.cells[f] for f in kind.fields if f in row.cells}, kind.parent_attr: parent_id}
    errors = {kind.parent_attr: problem} if problem else {}
    try:
        checked = services.record_input(kind=kind, scope=scope, data=row.data, known=known)
        row.values = services.record_validate(kind=kind, scope=scope, data=checked, known=known)
    except services.RecordInvalid as error:
        errors = {**error.errors, **errors}  # our reason for the parent beats "choose from the list"
    except DomainError as error:
        errors.setdefault(kind.parent_attr, error.message)
    row.errors = _problems(kind, errors)
    if row.errors:
        row.values = None


def _check_repeat(kind: Kind, row: ImportRow, seen: dict) -> None:
    """A second row with the same natural key in the same village (or township) is refused."""
    key = (row.data[kind.parent_attr], *(rules.clean_text(row.data.get(f)) for f in kind.unique))
    if key[0] is None or not key[-1]:
        return
    first = seen.setdefault(key, row.number)
    if first != row.number:
        row.errors += _problems(kind, {kind.unique[-1]: _(
            "Same as row %(row)d: “%(name)s” appears twice in this file.",
            row=first, name=" ".join(part for part in key[1:] if part))})
        row.values = None


def _problems(kind: Kind, errors: dict[str, str]) -> list[str]:
    """Each message after the label of its column, in the order of the columns."""
    labels = {kind.parent_attr if c.field == "parent" else c.field: c.label for c in LAYOUTS[kind.slug]}
    ordered = [*(name for name in labels if name in errors), *(n for n in errors if n not in labels)]
    return [_("%(column)s: %(message)s", column=_(labels[name]), message=errors[name])
            if name in labels else errors[name] for name in ordered]


def import_apply(*, kind: Kind, scope: Scope, actor_id: int | None, plan: ImportPlan) -> int:
    """Insert every row of a plan checked in this transaction (all or none); the caller commits.

    The plan's rows were validated by record_validate moments ago, so they are not validated a
    second time; the unique constraints still stop a row that someone else added meanwhile.
    The rows and their audit events are inserted in bulk: a few statements for the whole file."""
    if not plan.ok:
        raise ValueError("only a plan without bad rows can be applied")
    with collector_paused():
        return _insert(kind, actor_id, [row.values for row in plan.rows if row.values is not None])


# What an upload's check found, kept beside its cells: the confirm inserts these values when the
# register still agrees instead of checking every cell again (the field rules depend on the cells
# alone, and the cells have not changed). Raise the number whenever a row rule changes, so that
# uploads checked by the rules before are checked again at their confirm.
CHECKED_FORMAT = 1


def checked_rows(plan: ImportPlan) -> dict:
    """The JSON-safe result of a plan without bad rows: its kind, the parent each name in the file
    stood for, and every row's values (as record_validate returned them)."""
    if not plan.ok:
        raise ValueError("only a plan without bad rows is kept for its confirm")
    attr = plan.kind.parent_attr
    parents = sorted({(row.cells["parent"], row.cells.get("township", ""), row.data[attr])
                      for row in plan.rows})
    return {"format": CHECKED_FORMAT, "kind": plan.kind.slug, "parents": parents,
            "rows": [row.values for row in plan.rows]}


def import_checked(*, kind: Kind, scope: Scope, actor_id: int | None, checked: dict) -> int | None:
    """Insert the rows an upload checked (checked_rows), all or none, when the register still
    agrees: every parent name still means the same parent, in this scope and active, and no
    natural key of the file has been taken meanwhile. Return the number of rows, or None when
    anything changed (then nothing was written and the caller checks the cells again, which
    names each row's problem). The caller commits."""
    if not scope.can_edit_register:
        raise Forbidden(_("Only the hygiene office can change the register."))
    with collector_paused():
        if not register_agrees(kind=kind, scope=scope, checked=checked):
            return None
        return _insert(kind, actor_id, checked["rows"])


def register_agrees(*, kind: Kind, scope: Scope, checked: dict) -> bool:
    """True when the checked rows of an upload (checked_rows) still hold for `kind` in `scope`:
    the same rules checked them, each parent name means the same parent, which is in the scope
    and active, and no natural key of the file has been taken. Two or three queries."""
    if checked.get("format") != CHECKED_FORMAT or checked.get("kind") != kind.slug:
        return False
    parents = _Parents(kind, scope)
    for name, township, parent_id in checked["parents"]:
        found = parents.by_id.get(parent_id)
        if found is None or not found.active or parents.find(name, township) != (parent_id, None):
            return False
    known = services.RegisterLookup(kind, scope, parents=parents.by_id)
    known.load_keys(parent_id for _name, _township, parent_id in checked["parents"])
    return not any(known.taken(values) for values in checked["rows"])


def _insert(kind: Kind, actor_id: int | None, rows: list[dict]) -> int:
    try:
        services.records_insert(kind=kind, actor_id=actor_id, rows=rows)
    except (services.RecordInvalid, sa.exc.IntegrityError) as error:
        raise ImportFileError(_("The register changed while importing, so nothing was saved. "
                                "Please upload the file again.")) from error
    return len(rows)
