"""Every status is spelled once, in its enum's module: no other module and no template compares,
assigns or lists a status as a string. The enums' values are also ordinary words ("closed",
"error", "running"), so only status contexts are read: a literal compared with, assigned to or
tested for membership in a `status`, a `"status": ...` entry, a `default=`, a label table, a
hand-written tuple of statuses, a conditional choosing one; in templates, any quoted status in a
`{{ }}` or `{% %}` expression."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from hygiene.core.status import LabelledStatus
from hygiene.inspections.status import InspectionStatus
from hygiene.rankings.movement import Movement
from hygiene.rectifications.status import OrderStatus
from hygiene.scheduler.run_status import RunStatus

ROOT = Path(__file__).resolve().parent.parent
STATUS_SETS: tuple[type[LabelledStatus], ...] = (InspectionStatus, OrderStatus, RunStatus, Movement)


def _python_patterns(values: str) -> list[re.Pattern]:
    q, v = r"""['"]""", f"(?:{values})"
    literal = f"{q}{v}{q}"
    return [re.compile(p) for p in (
        rf"status\w*\s*(?:==|!=|=)\s*{literal}",                           # .status == "x", status="x"
        rf"{literal}\s*(?:==|!=)\s*[\w.]*status",                          # "x" == row.status
        rf"status\w*\)?\s*(?:not\s+)?in_?\s*\(?\s*[(\[{{]\s*{literal}",    # status in ("x", ...), .in_(("x",
        rf"{literal}\s*,\s*{literal}",                                     # a tuple of statuses
        rf"{literal}\s*:\s*_l?\([^)]*\)\s*,\s*{literal}\s*:",                 # a label table
        rf"{q}status{q}\s*:\s*{literal}",                                  # {"status": "x"} in the trail
        rf"\.\w*status\w*\s*,[^=\n]*=[^=\n]*{literal}",                    # x.status, y = "x", ...
        rf"^\s*[A-Z][A-Z_]*\s*=\s*{literal}\s*(?:#.*)?$",                     # DIED = "died"
        rf"default\s*=\s*{literal}",                                       # a column's default
        rf"{literal}\s+if\b|\belse\s+{literal}",                           # "x" if passed else "y"
    )]


def _template_pattern(values: str) -> re.Pattern:
    return re.compile(rf"""['"](?:{values})['"]""")


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def status_literals(root: Path = ROOT) -> list[str]:
    """Every "file:line: text" under root's hygiene/ and templates/ where a status of any set is
    spelled outside its enum's module."""
    homes = {Path(inspect.getfile(s)).resolve() for s in STATUS_SETS} | {
        Path(inspect.getfile(LabelledStatus)).resolve()}
    values = "|".join(sorted({re.escape(m.value) for s in STATUS_SETS for m in s}, key=len, reverse=True))
    python, template = _python_patterns(values), _template_pattern(values)
    found = []
    for path in sorted((root / "hygiene").rglob("*.py")):
        if path.resolve() in homes:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in python):
                found.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    for path in sorted((root / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for block in JINJA.finditer(text):
            if template.search(block.group()):
                n = text.count("\n", 0, block.start()) + 1
                found.append(f"{path.relative_to(root)}:{n}: {block.group()[:120]}")
    return found


def test_no_status_is_spelled_outside_its_enum():
    found = status_literals()
    assert not found, ("statuses spelled as strings; use the enum (hygiene/*/status.py), its label "
                       "or a decision such as inspection.is_published:\n" + "\n".join(found))


@pytest.mark.parametrize("line", [
    'if inspection.status == "published":',
    'stmt.where(RectificationOrder.status != "withdrawn")',
    'sa.update(Inspection).values(status="cancelled")',
    'order.status.in_(("closed", "evidence_submitted"))',
    'OPEN = ("planned", "in_progress")',
    'STATUS = {"issued": _l("Issued"), "closed": _l("Closed")}',
    'after={"status": "published", "score": score}',
    'inspection.status, inspection.started_at = "in_progress", when',
    'status: Mapped[str] = mapped_column(sa.String(20), default="planned")',
    'result = "closed" if passed else "superseded"',
    'run.last_status = "error" if error else "ok"',
    'run.last_started_at, run.last_status, run.worker = now, "running", worker_name()',
    'DIED = "died"',
])
def test_the_grep_finds_each_way_of_spelling_a_status(tmp_path, line):
    (tmp_path / "hygiene").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "hygiene" / "module.py").write_text(line + "\n", encoding="utf-8")
    assert len(_found_under(tmp_path)) == 1


@pytest.mark.parametrize("text", [
    "{% if inspection.status == 'published' %}",
    "{{ {'issued': _('Issued')}[order.status] }}",
    "{{ url_for('orders.order_list', status='evidence_submitted') }}",
    "{% if ch.status == 'up' %}",
])
def test_the_grep_finds_a_status_in_a_template(tmp_path, text):
    (tmp_path / "hygiene").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(f"<p>\n{text}</p>\n", encoding="utf-8")
    assert _found_under(tmp_path) == [f"templates/page.html:2: {text}"]


@pytest.mark.parametrize("line", [
    'flash(error.message, "error")',
    'after={"active": False, "withdrawn": withdrawn}',
    'context |= {"published": recent_published(scope)}',
    'row = {"start": start, "planned": planned}',
    'FIELDS = {"withdrawn": _l("Untouched inspections withdrawn"), "period": _l("Period")}',
])
def test_the_same_words_used_otherwise_pass(tmp_path, line):
    (tmp_path / "hygiene").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "hygiene" / "module.py").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "templates" / "page.html").write_text('<p class="published">{{ _("Published") }}</p>\n',
                                                      encoding="utf-8")
    assert _found_under(tmp_path) == []


def _found_under(root: Path) -> list[str]:
    return status_literals(root)
