"""Access: who may see what, for every domain.

`Scope` (scope.py) is a user's role and bindings and the decisions pages ask of it; each domain
says how its records are scoped in its own `access.py` with `@scope_rule(Model)` (rules.py),
and create_app imports those modules (ACCESS_MODULES in hygiene/__init__.py). This package
imports no domain, so every domain can use it.
"""
