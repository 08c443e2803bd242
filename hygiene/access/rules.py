"""The scope rules: each domain registers how the rows of its models are scoped.

A rule takes a scope and the model and returns a WHERE clause; `Scope.clause(Model)` finds it
here. Domains register from their own `access.py` (`@scope_rule(Inspection)`), imported at
start by `load_access_modules`; a model without a rule raises, so nothing is readable by default.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from hygiene.access.roles import Role

if TYPE_CHECKING:
    from hygiene.access.scope import Scope

ScopeRule = Callable[["Scope", type[Any]], sa.ColumnElement[bool]]

_RULES: dict[type[Any], ScopeRule] = {}


class ScopeRuleError(RuntimeError):
    """A scope rule declared twice, or an access module that is missing: the app does not start."""


def scope_rule(*models: type[Any]) -> Callable[[ScopeRule], ScopeRule]:
    """Register the decorated function as the scope rule of these models."""
    def register(rule: ScopeRule) -> ScopeRule:
        for model in models:
            if model in _RULES and _RULES[model] is not rule:
                raise ScopeRuleError(f"a second scope rule for {model.__name__}")
            _RULES[model] = rule
        return rule
    return register


def rule_for(model: type[Any]) -> ScopeRule:
    """The registered rule of a model; a model nobody registered raises TypeError."""
    try:
        return _RULES[model]
    except KeyError:
        raise TypeError(f"no scope rule for {model.__name__}") from None


def registered_models() -> set[type[Any]]:
    return set(_RULES)


def load_access_modules(names: Iterable[str]) -> None:
    """Import each domain's access module, so its rules register; a missing one stops the start."""
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is None or not (name == error.name or name.startswith(error.name + ".")):
                raise  # the module exists; something it imports does not
            raise ScopeRuleError(f"access module '{name}' does not exist") from error


def work_record_clause(scope: Scope, model: type[Any]) -> sa.ColumnElement[bool]:
    """Inspections, orders and the like (rows with township_id, village_id and perhaps unit_id):
    staff read their township's, a village contact their village's, a unit contact their unit's."""
    if scope.township_wide:
        return model.township_id == scope.township_id
    if scope.role is Role.VILLAGE_CONTACT:
        return model.village_id == scope.village_id
    if scope.role is Role.UNIT_CONTACT and hasattr(model, "unit_id"):
        return model.unit_id == scope.unit_id
    return sa.false()
