"""Importing the register from Excel or CSV: upload, preview every row, then save all or nothing.

The checking lives in places.importer; here are the pages, the templates to download, and the
cells of uploaded files, kept under <instance>/imports/<token>.json until the admin confirms.
"""
from __future__ import annotations

import csv
import io
import json
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import AnyOf, Regexp

from hygiene.core.bulk import collector_paused
from hygiene.core.download import CSV, download
from hygiene.core.excel import XLSX, ListChoice, Sheet, workbook
from hygiene.core.web import current_scope, require_admin
from hygiene.extensions import db
from hygiene.places import importer, rules
from hygiene.places.kinds import CLEANERS, HOUSEHOLDS, KINDS, UNITS, VILLAGES, Kind

bp = Blueprint("imports", __name__, url_prefix="/register/import")
IMPORT_KINDS = (UNITS, HOUSEHOLDS, CLEANERS, VILLAGES)
SLUGS = [kind.slug for kind in IMPORT_KINDS]
CATEGORY_SHEET = "类别"
STALE_AFTER = 24 * 3600  # seconds an uploaded file waits for its confirmation
PREVIEW_PROBLEMS = 100  # bad rows listed by name; the rest are counted
PREVIEW_ROWS = 200      # rows shown in the preview table; all are checked


class UploadForm(FlaskForm):
    kind = SelectField(_l("What to import"), choices=[SelectChoice(k.slug, k.plural) for k in IMPORT_KINDS])
    file = FileField(_l("Spreadsheet file (.xlsx or .csv)"),
                     validators=[FileRequired(_l("Choose the file to import."))])


class ConfirmForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(SLUGS)])
    token = HiddenField(validators=[Regexp(r"^[0-9a-f]{32}$")])


@bp.before_request
@login_required
def _admins_only() -> None:
    """Only the hygiene office imports; everyone else gets 403 on every page here."""
    require_admin()


@bp.get("/")
def import_start():
    kind = request.args.get("kind", "")
    return _start_page(UploadForm(data={"kind": kind if kind in SLUGS else UNITS.slug}))


@bp.get("/template/<kind>.<ext>")
def import_template(kind: str, ext: str):
    if kind not in SLUGS or ext not in importer.FILE_TYPES:
        abort(404)
    data = template_file(KINDS[kind], ext)
    return download(data, mimetype=XLSX if ext == "xlsx" else CSV, ascii_name=f"{kind}-import-template.{ext}",
                    name=f"{importer.TITLES[kind]}导入模板.{ext}")


@bp.post("/")
def import_upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _start_page(form, 422)
    kind, upload = KINDS[form.kind.data], form.file.data
    data = upload.read()
    try:
        table = importer.read_table(upload.filename or "", data,
                                    max_rows=current_app.config["IMPORT_MAX_ROWS"])
        plan = importer.import_plan(kind=kind, scope=current_scope(), table=table)
    except importer.ImportFileError as error:
        form.file.errors = [*form.file.errors, error.message]
        return _start_page(form, 422)
    token = _store(table, plan) if plan.ok else None
    return _preview(plan, token, 200 if plan.ok else 422)


@bp.post("/confirm")
def import_confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = _claimed(form.token.data)
    if path is None:
        flash(_("This import was already saved or has expired; please upload the file again."), "error")
        return redirect(url_for(".import_start", kind=form.kind.data))
    kind, scope = KINDS[form.kind.data], current_scope()
    try:
        with collector_paused():  # thousands of rows read and written, no cycles (core/bulk.py)
            checked, table = _stored_upload(path)
            count = None if checked is None else importer.import_checked(
                kind=kind, scope=scope, actor_id=current_user.id, checked=checked)
            plan = None
            if count is None:  # an older stored upload, or the register changed: check every cell again
                plan = importer.import_plan(kind=kind, scope=scope, table=table())
                count = importer.import_apply(kind=kind, scope=scope, actor_id=current_user.id,
                                              plan=plan) if plan.ok else 0
    except importer.ImportFileError as error:
        db.session.rollback()
        return _refused(kind, path, error.message)
    except Exception:
        _unclaimed(path)  # nothing was saved (a bug, the database away): the same confirm may come again
        raise
    if plan is not None and not plan.ok:
        return _refused(kind, path, plan)
    try:
        db.session.commit()
    except Exception:
        _unclaimed(path)
        raise
    path.unlink(missing_ok=True)
    flash(_("Imported %(count)d %(what)s.", count=count,
            what=str(kind.label if count == 1 else kind.plural).lower()), "success")
    return redirect(url_for("places.record_list", slug=kind.slug))


def _start_page(form: UploadForm, status: int = 200):
    return render_template("places/import.html", form=form, kinds=IMPORT_KINDS,
                           layouts=importer.LAYOUTS, categories=category_names(),
                           max_rows=current_app.config["IMPORT_MAX_ROWS"]), status


def _preview(plan: importer.ImportPlan, token: str | None, status: int):
    form = ConfirmForm(formdata=None, data={"kind": plan.kind.slug, "token": token or ""})
    return render_template("places/import_preview.html", plan=plan, form=form, token=token,
                           rules=rules, max_problems=PREVIEW_PROBLEMS, max_rows=PREVIEW_ROWS), status


def _refused(kind: Kind, path: Path, problem: importer.ImportPlan | str):
    """Nothing was saved: drop the stored file, show the bad rows or what is wrong with the file."""
    path.unlink(missing_ok=True)
    if isinstance(problem, importer.ImportPlan):
        return _preview(problem, None, 422)
    form = UploadForm(formdata=None, data={"kind": kind.slug})
    form.file.errors = [problem]
    return _start_page(form, 422)


# --- uploaded files waiting for confirmation ------------------------------------------------

def _folder() -> Path:
    return Path(current_app.instance_path) / "imports"


def _store(table: importer.Table, plan: importer.ImportPlan) -> str:
    """Keep an upload until the admin confirms it; return its random token.

    Two lines of JSON: what the check found (importer.checked_rows), which the confirm inserts
    when the register still agrees, and the cells as read (not the file: reading a 5,000-row
    workbook again took longer than checking and saving its rows), which the confirm checks
    again when it does not, to name each row's problem."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    limit = time.time() - STALE_AFTER
    for old in folder.iterdir():  # forget uploads nobody confirmed
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    cells = {"header": table.header, "rows": table.rows}
    lines = (json.dumps(importer.checked_rows(plan), ensure_ascii=False),  # no line breaks inside
             json.dumps(cells, ensure_ascii=False))
    (folder / f"{token}.json").write_text("\n".join(lines), encoding="utf-8")
    return token


def _stored_upload(path: Path) -> tuple[dict | None, Callable[[], importer.Table]]:
    """What _store kept: the checked rows (None for an upload kept by an earlier release) and a
    function reading the cells, which only a confirm that checks every row again needs."""
    if path.suffix != ".json":
        return None, lambda: _file_table(path)
    with path.open(encoding="utf-8") as lines:
        kept = json.loads(lines.readline())
    if "header" in kept:  # the cells alone, as the release before kept them
        return None, lambda: _cells_table(kept)
    return kept, lambda: _cells_table(json.loads(path.read_text(encoding="utf-8").split("\n", 1)[1]))


def _file_table(path: Path) -> importer.Table:
    """A file kept as uploaded (by the release before the cells were kept): read it again."""
    return importer.read_table(path.name, path.read_bytes(), max_rows=current_app.config["IMPORT_MAX_ROWS"])


def _cells_table(cells: dict) -> importer.Table:
    return importer.Table(cells["header"], [(number, row) for number, row in cells["rows"]])


def _claimed(token: str) -> Path | None:
    """Take the stored file of a (well-formed) token for this request alone, or None when it is
    gone. A rename succeeds once, so of two identical confirms at the same moment (a double tap,
    a resend) one imports and the other is told the import was already saved."""
    for ext in ("json", *importer.FILE_TYPES):
        path = _folder() / f"{token}.{ext}"
        claimed = path.with_name(f"{token}.confirming.{ext}")
        try:
            path.rename(claimed)
        except FileNotFoundError:
            continue
        return claimed
    return None


def _unclaimed(path: Path) -> None:
    """Give back a file _claimed took, when its confirm failed without saving anything."""
    path.rename(path.with_name(path.name.replace(".confirming.", ".")))


# --- templates to download ------------------------------------------------------------------

def template_file(kind: Kind, ext: str) -> bytes:
    """The Chinese header row and one example row (which an import skips when left in)."""
    columns = importer.LAYOUTS[kind.slug]
    rows = [[c.header for c in columns], [c.example for c in columns]]
    if ext == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8
    return _template_xlsx(kind, rows)


def _template_xlsx(kind: Kind, rows: list[list[str]]) -> bytes:
    """The header and the example as text columns (phones stay text); units get the categories
    on a second sheet, offered as a drop-down in the category column."""
    columns = importer.LAYOUTS[kind.slug]
    choices = [ListChoice(i, f"'{CATEGORY_SHEET}'!$A$2:$A${len(category_names()) + 1}")
               for i, column in enumerate(columns, start=1) if column.field == "category"]
    sheets = [Sheet(importer.TITLES[kind.slug], rows[0], rows[1:], [24 if c.field == "address" else 16 for c in columns],
                    text_columns=range(1, len(columns) + 1), freeze_headers=True, choices=choices)]
    if choices:
        sheets.append(Sheet(CATEGORY_SHEET, ["类别", "也可写作"],
                            [[names[0], "、".join(names[1:])] for names in category_names()], [20, 20]))
    return workbook(sheets)


def category_names() -> list[list[str]]:
    """Each unit category's Chinese names, the usual one first."""
    names: dict[str, list[str]] = defaultdict(list)
    for alias, code in rules.UNIT_CATEGORY_ALIASES.items():
        names[code].append(alias)
    return [names[code] for code in rules.UNIT_CATEGORIES if names[code]]
