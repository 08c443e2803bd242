"""Refusal codes are a closed list the translations can rely on."""
import ast
from pathlib import Path

import hygiene.pests
from hygiene.pests.refusals import CODES

PESTS = Path(hygiene.pests.__file__).parent
# the domain's house around the pure core (tables, pages, writes), which may use Flask and the database
HOUSE = {"models.py", "services.py", "queries.py", "schemas.py", "forms.py", "views.py", "access.py",
         "audit_labels.py", "words.py", "exports.py",
         "status.py",  # a LabelledStatus set, labelled with lazy_gettext like every domain's (core/status.py)
         # a round's field side (rounds/work*.py): its writes, reads, inputs, forms, pages and trail words
         "work.py", "work_queries.py", "work_schemas.py", "work_forms.py", "work_views.py", "work_audit_labels.py"}


def test_every_refusal_uses_a_listed_code_and_every_listed_code_is_used():
    used = set()
    for path in PESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused":
                code = node.args[0]
                assert isinstance(code, ast.Constant) and code.value in CODES, f"{path.name}:{node.lineno}"
                used.add(code.value)
    assert used == CODES


def test_the_pure_core_imports_no_flask_no_database_and_no_other_domain():
    for path in (p for p in PESTS.rglob("*.py") if p.name not in HOUSE):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy", "werkzeug")), f"{path.name}: {name}"
                assert not name.startswith("hygiene.") or name.startswith(("hygiene.pests", "hygiene.core.periods")), \
                    f"{path.name}: {name}"
