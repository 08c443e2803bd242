"""Every key any service writes into the audit trail has a label in the reader's language, and
its values read as words: statuses, results, yes/no, months, subjects, how many photos.

The keys are read from the source (every `audit_record(..., before=..., after=...)` call under
hygiene/, and every `audit_event_values(...)` of a bulk write), so a key added without a label
fails here."""
from __future__ import annotations

import ast
import functools
import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import hygiene

SOURCE = Path(hygiene.__file__).parent
LATIN = re.compile(r"[A-Za-z]")
WRITERS = ("audit_record", "audit_event_values")  # one event, or the events of a bulk write


class Unresolved(Exception):
    """The test cannot tell which keys an argument holds: teach `_keys` the new shape."""


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    return {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)}


def _fields(node: ast.expr, constants: dict[str, ast.expr]) -> set[str]:
    """The field names of snapshot(record, FIELDS): a tuple, a module constant or a register kind's."""
    if isinstance(node, ast.Name) and "__module__" in constants and not isinstance(
            constants.get(node.id), ast.Tuple | ast.List):  # computed or imported (a registry): read it
        module = importlib.import_module(constants["__module__"].value)  # type: ignore[attr-defined]
        return set(getattr(module, node.id))
    if isinstance(node, ast.Name) and node.id in constants:
        return _fields(constants[node.id], constants)
    if isinstance(node, ast.Tuple | ast.List):
        return {e.value for e in node.elts if isinstance(e, ast.Constant)}
    if isinstance(node, ast.Attribute) and node.attr == "fields":  # kind.fields: every kind's
        from hygiene.places.kinds import KINDS
        return {name for kind in KINDS.values() for name in kind.fields}
    raise Unresolved(ast.unparse(node))


def _keys(node: ast.expr, function: ast.FunctionDef, constants: dict[str, ast.expr]) -> set[str]:
    """The keys the dict expression `node` can hold, following names assigned in `function`."""
    if isinstance(node, ast.Dict):
        if not all(isinstance(k, ast.Constant) for k in node.keys):
            raise Unresolved(ast.unparse(node))
        return {k.value for k in node.keys}
    if isinstance(node, ast.Call):
        name = ast.unparse(node.func)
        if name == "snapshot":
            return _fields(node.args[1], constants)
        if name == "trail_fields":
            return _fields(node.args[0], constants)
        if name == "changed_fields":
            return _keys(node.args[1], function, constants)
        if name.endswith(".items"):
            return _keys(node.func.value, function, constants)
    if isinstance(node, ast.IfExp):
        return set().union(*(_keys(branch, function, constants) for branch in (node.body, node.orelse)
                             if not (isinstance(branch, ast.Constant) and branch.value is None)))
    if isinstance(node, ast.DictComp):
        return _keys(node.generators[0].iter, function, constants)
    if isinstance(node, ast.Name):
        return _name_keys(node.id, function, constants)
    raise Unresolved(ast.unparse(node))


def _name_keys(name: str, function: ast.FunctionDef, constants: dict[str, ast.expr]) -> set[str]:
    """Keys of a local dict: its assignments, `|=` updates and `name["key"] = ...` stores."""
    keys, found = set(), False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            keys |= _keys(node.value, function, constants)
            found = True
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            keys |= _keys(node.value, function, constants)
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
                and isinstance(t.slice, ast.Constant) for t in node.targets):
            keys |= {t.slice.value for t in node.targets if isinstance(t, ast.Subscript)}
    if not found:
        raise Unresolved(name)
    return keys


@functools.cache
def written_keys() -> dict[str, set[str]]:
    """{key: where it is written} for every key of before/after of every audit_record call."""
    keys: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "audit" / "services.py":
            continue  # the trail's own writer passes its callers' keys on
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        constants["__module__"] = ast.Constant(".".join(path.relative_to(SOURCE.parent).with_suffix("").parts))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and ast.unparse(call.func) in WRITERS):
                    continue
                for kw in call.keywords:
                    if kw.arg in ("before", "after"):
                        where = f"{path.relative_to(SOURCE.parent)}:{call.lineno}"
                        try:
                            found = _keys(kw.value, function, constants)
                        except Unresolved as error:
                            pytest.fail(f"{where}: cannot tell the keys of {kw.arg}= ({error}); "
                                        "teach tests/audit/test_labels.py the new shape")
                        for key in found:
                            keys.setdefault(key, set()).add(where)
    return keys


def test_the_source_is_read_whole():
    keys = written_keys()
    # a sample from each area, so a parser that silently finds nothing fails
    assert {"contact_phone", "role", "status", "flagged_photos", "acknowledged", "withdrawn", "period",
            "deadline_provisional", "sessions_ended", "version", "password"} <= keys.keys()


@pytest.fixture
def zh(app):
    with app.test_request_context("/"):
        yield


def test_every_key_written_to_the_trail_has_a_chinese_label(zh):
    from hygiene.audit.labels import FIELDS, field_label

    unlabelled = {key: sorted(where) for key, where in written_keys().items() if key not in FIELDS}
    assert not unlabelled, f"keys without a label in hygiene/audit/labels.py FIELDS: {unlabelled}"
    english = {key: field_label(key) for key in written_keys() if LATIN.search(field_label(key))}
    assert not english, f"labels not translated: {english}"


@pytest.mark.parametrize("action", ["update", "publish", "issue"])
def test_every_written_key_renders_in_chinese_in_the_trail(zh, action):
    """Each key, with a value of the kind the code writes, reads without a raw English word."""
    from hygiene.audit.changes import event_changes

    samples = {"status": "published", "result": "pass", "period": "2026-10", "subject": "villages",
               "mode": "sample", "recurrence": "monthly", "role": "inspector", "category": "catering",
               "kind": "village", "flagged_photos": [250, 251], "photos": 1, "password": "*** (changed)",
               "weights": {"inspections": "90"}, "corrects": 3}
    for key in written_keys():
        value = samples.get(key, True if key in _BOOLEAN else "1")
        event = SimpleNamespace(action=action, before={key: value}, after={key: value})
        for change in event_changes(event):
            assert not LATIN.search(change.field + (change.before or "") + change.after), (key, change)


_BOOLEAN = {"active", "acknowledged", "passed", "deadline_provisional", "notify_by_email", "notify_by_sms"}


def test_values_read_as_words(zh):
    from hygiene.audit.labels import value_text

    assert value_text("period", "2026-10") == "2026年10月"
    assert value_text("period", "2026-Q4") == "2026年第4季度"
    assert value_text("subject", "villages") == "村/社区"
    assert value_text("subject", "units:catering") == "单位：餐饮"
    assert value_text("flagged_photos", [250]) == "1 张"
    assert value_text("photos", 0) == "0 张"
    assert value_text("acknowledged", True) == "是"
    assert value_text("corrects", 3) == "是"
    assert value_text("recurrence", "weekly") == "每周"
    assert value_text("status", "withdrawn") == "已撤销"
    assert value_text("period", "not a period") == "not a period"  # an odd old value shows as kept


def _amendment(before: dict, after: dict, reason="录入错误"):
    return SimpleNamespace(action="amend", before={"score": {"score": "100.00", "grade": "优秀"}, "answers": before},
                           after={"score": {"score": "99.00", "grade": "优秀"}, "answers": after, "reason": reason})


def test_an_amendment_words_results_and_shows_a_changed_grade(zh):
    from hygiene.audit.changes import event_changes

    item = {"item": "每月开展清洁周活动", "findings": 0, "note": ""}
    rows = event_changes(_amendment({"7": item | {"result": "pass", "grade": "1.50"}},
                                    {"7": item | {"result": "pass", "grade": "2.00"}}))
    assert [(r.field, r.before, r.after) for r in rows] == [
        ("得分", "100.00 优秀", "99.00 优秀"),
        ("每月开展清洁周活动", "合格 · 给 1.5 分", "合格 · 给 2 分"),
        ("原因", None, "录入错误")]
    rows = event_changes(_amendment({"8": {"item": "专人分管", "result": "pass"}},
                                    {"8": {"item": "专人分管", "result": "na"}}))
    assert (rows[1].before, rows[1].after) == ("合格", "不适用")
    old = event_changes(_amendment({"8": ["pass", 0, "None"]}, {"8": ["fail", 2, "None"]}))  # older shape
    assert (old[1].field, old[1].before, old[1].after) == ("8", "合格", "不合格 ×2")


def test_a_place_named_by_id_reads_as_its_name(app, world, zh):
    from hygiene.audit.changes import events_changes

    event = SimpleNamespace(action="update", before={"village_id": world.a1}, after={"village_id": world.a2})
    [[change]] = events_changes([event])
    assert (change.field, change.before, change.after) == ("村/社区", "甲一村", "甲二村")


def written_actions() -> set[str]:
    """Every action= of every audit_record call under hygiene/ (each branch of a conditional)."""
    actions = set()
    for path in sorted(SOURCE.rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(call, ast.Call) and ast.unparse(call.func) == "audit_record":
                for kw in call.keywords:
                    if kw.arg == "action":
                        found = {n.value for n in ast.walk(kw.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
                        assert found, f"{path}:{call.lineno}: an action the test cannot read"
                        actions |= found
    return actions


def test_every_action_written_to_the_trail_is_worded_in_chinese(zh):
    from hygiene.audit.labels import action_label

    actions = written_actions()
    assert {"create", "amend", "withdraw_untouched", "sign_out_everywhere", "deactivate"} <= actions
    unworded = {a: action_label(a) for a in actions if LATIN.search(action_label(a))}
    assert not unworded, f"actions without words in hygiene/audit/labels.py ACTIONS: {unworded}"


def test_a_list_of_ids_under_a_place_field_is_worded_not_a_crash(app):
    from hygiene.audit.labels import value_text

    with app.test_request_context():
        text = value_text("village_id", [1, 2], {"village_id": {1: "甲一村"}})
    assert "1" in text and "2" in text


def test_an_acceptance_date_reads_as_the_acceptance_not_the_countys(zh):
    """A public toilet accepted by the township's inspection is no county acceptance."""
    from hygiene.audit.labels import field_label

    assert field_label("accepted_on") == "验收日期"
