"""The trail's words come from the domains: audit imports none of them, each registers its own."""
from __future__ import annotations

import ast
from pathlib import Path

import hygiene

AUDIT = Path(hygiene.__file__).parent / "audit"
SHARED = ("hygiene.audit", "hygiene.core", "hygiene.extensions", "hygiene.clock", "hygiene.errors")


def test_the_audit_words_import_no_domain():
    found = []
    for name in ("labels.py", "changes.py"):
        for node in ast.walk(ast.parse((AUDIT / name).read_text(encoding="utf-8"))):
            modules = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                       else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            found += [f"audit/{name}:{node.lineno} {m}" for m in modules
                      if m.startswith("hygiene") and not m.startswith(SHARED)]
    assert not found


def test_the_filter_menu_lists_every_domains_records_in_order(app):
    from hygiene.audit.labels import RECORD_TYPES

    assert list(RECORD_TYPES) == ["township", "village", "unit", "household", "cleaner", "inspection",
                                  "rectification_order", "inspection_plan", "ranking", "checklist_template",
                                  "user_account", "api_token", "pest_product", "supply_movement", "pest_settings",
                                  "monitoring_record", "pest_round",
                                  "pest_round_work", "toilet_task",
                                  "household_toilet", "public_toilet_project", "toilet_problem",
                                  "toilet_follow_up_sample", "target_letter", "briefing_link",
                                  "creation_application", "creation_target", "education_activity",
                                  "education_settings", "food_banquet", "food_health_certificate", "food_settings",
                                  "campaign"]


def test_both_status_sets_are_worded_under_one_field(app):
    from hygiene.audit.labels import value_text

    with app.test_request_context("/"):
        assert [value_text("status", s) for s in ("in_progress", "evidence_submitted", "overdue", "gone")] == [
            "检查中", "已报整改", "已逾期", "gone"]
