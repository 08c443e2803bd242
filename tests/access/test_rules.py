"""The scope-rule registry: each domain registers how its records are scoped; nothing else is readable."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hygiene.access import rules
from hygiene.access.roles import Role
from hygiene.access.rules import ScopeRuleError, load_access_modules, scope_rule
from hygiene.access.scope import Scope
from hygiene.extensions import Model

# Records with a township or village that Scope.clause does not decide, and where their access is
# decided instead. A new model with township_id or village_id needs a rule or a line here.
SCOPED_ELSEWHERE = {
    "AuditEvent": "audit/queries.py events_stmt: the trail is read by administrators of the township",
    "RankingSettings": "rankings/services.py: scope.covers_township on the township the office picks",
    "RankingPublication": "rankings/queries.py: scope.covers_township; public pages read published ones",
    "BriefingLink": "briefing/services.py: the office's admins of the township (scope.covers_township); "
                    "the shared page is read by its unguessable token",
    "BriefingDispatch": "briefing/sending.py: written and read by the monthly job only",
    "PublicPage": "rankings/public/pages.py: public pages rendered from published snapshots, no login",
}


class Stray:
    """A class no domain registered."""


@pytest.mark.parametrize("scope", [Scope.county(), Scope(Role.ADMIN, 1), Scope(Role.INSPECTOR, 1),
                                   Scope(Role.VILLAGE_CONTACT, 1, 2), Scope(Role.UNIT_CONTACT, 1, 2, 3)])
def test_a_model_without_a_rule_raises_for_every_scope(app, scope):
    with pytest.raises(TypeError, match="no scope rule for Stray"):
        scope.clause(Stray)


def test_every_model_with_a_township_or_village_has_a_rule(app):
    registered = rules.registered_models()
    missing = sorted(mapper.class_.__name__ for mapper in Model.registry.mappers
                     if {"township_id", "village_id"} & set(mapper.columns.keys())
                     and mapper.class_ not in registered and mapper.class_.__name__ not in SCOPED_ELSEWHERE)
    assert missing == []


def test_the_exceptions_name_models_that_exist_and_have_no_rule(app):
    names = {mapper.class_.__name__: mapper.class_ for mapper in Model.registry.mappers}
    assert set(SCOPED_ELSEWHERE) <= set(names)
    assert not {names[n] for n in SCOPED_ELSEWHERE} & rules.registered_models()


def test_a_second_rule_for_a_model_is_refused(monkeypatch):
    monkeypatch.setattr(rules, "_RULES", {})
    scope_rule(Stray)(lambda scope, model: sa.true())
    with pytest.raises(ScopeRuleError, match="a second scope rule for Stray"):
        scope_rule(Stray)(lambda scope, model: sa.false())


def test_a_registered_rule_decides_except_for_the_county(monkeypatch):
    monkeypatch.setattr(rules, "_RULES", {})
    scope_rule(Stray)(lambda scope, model: sa.literal(scope.township_id) == 7)
    assert str(Scope(Role.INSPECTOR, 7).clause(Stray).compile(compile_kwargs={"literal_binds": True})) == "7 = 7"
    assert Scope.county().clause(Stray) is sa.true()


def test_an_access_module_that_does_not_exist_stops_the_start(monkeypatch):
    import hygiene
    from config import TestConfig

    with pytest.raises(ScopeRuleError, match="'hygiene.inspection.access' does not exist"):
        load_access_modules(["hygiene.inspection.access"])
    monkeypatch.setattr(hygiene, "ACCESS_MODULES", (*hygiene.ACCESS_MODULES, "hygiene.nowhere.access"))
    with pytest.raises(ScopeRuleError, match="'hygiene.nowhere.access' does not exist"):
        hygiene.create_app(TestConfig)


def test_the_domains_register_their_records_with_media_and_the_scheduler(app):
    from hygiene.accounts.reach import _providers
    from hygiene.media.access import _SHOWN_BY
    from hygiene.media.reuse import _PHOTO_RECORDS
    from hygiene.notifications.jobs import unconfirmed_messages
    from hygiene.notifications.services import receivable_channels
    from hygiene.scheduler.registry import _PAGE_NOTES

    assert {f.__name__ for f in _SHOWN_BY} == {"photos_of_inspection_results", "photos_shown_by_orders",
                                               "photos_of_round_work", "photos_of_toilet_stages",
                                               "photos_of_toilet_problems", "photos_of_letters",
                                               "photos_of_education", "photos_of_campaign_tasks"}
    assert set(_PHOTO_RECORDS) == {"inspection", "order"}
    assert unconfirmed_messages in _PAGE_NOTES and receivable_channels in _providers
