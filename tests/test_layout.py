"""The layout: the import graph between domains has no circles, and no domain imports another's views.

A domain is a package hygiene/<name>/. The base is the top-level modules (create_app, models,
cli, extensions, errors, clock), hygiene/core, and hygiene/demo, which composes every domain as
create_app does. Every import counts, lazy ones inside functions too; only imports under
`if TYPE_CHECKING:` do not (they never run).
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

HYGIENE = Path(__file__).resolve().parent.parent / "hygiene"
BASE = {"core", "demo"}  # shared base, and the demo that composes every domain (like create_app)
# the shared rooms every domain may use: they import no domain but each other
SHARED_ROOMS = {"access": set(), "media": {"access"}, "scheduler": {"access"}}

# Edges the "labels registered per domain" work removes (issue 9, item 2 of helper B's part):
# the audit trail borrows labels and place names from the domains it words. Remove this
# allowance when that lands; the test then holds the audit domain to the same rule.


def _domains() -> set[str]:
    return {p.name for p in HYGIENE.iterdir() if (p / "__init__.py").exists()} - BASE


def _module(path: Path) -> str:
    parts = list(path.relative_to(HYGIENE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    return {sub.lineno for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for child in node.body for sub in ast.walk(child) if hasattr(sub, "lineno")}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every hygiene import in a file that runs, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip, found = _type_checking_lines(tree), []
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("hygiene.")]


@pytest.fixture(scope="module")
def graph() -> dict[tuple[str, str], list[str]]:
    """(importing domain, imported domain) -> where, for every import between two domains."""
    modules = {_module(p) for p in HYGIENE.rglob("*.py")}
    domains, edges = _domains(), defaultdict(list)
    for path in sorted(HYGIENE.rglob("*.py")):
        source = _module(path).split(".")[1] if "." in _module(path) else ""
        for line, name in _imports(path):
            while name not in modules and "." in name:  # a name imported from a module
                name = name.rpartition(".")[0]
            target = name.split(".")[1] if "." in name else ""
            if source in domains and target in domains and source != target:
                edges[(source, target)].append(f"{path.relative_to(HYGIENE.parent)}:{line} imports {name}")
    return edges


def _cycle(edges: set[tuple[str, str]]) -> list[str] | None:
    """One circle in the graph, or None."""
    succ = defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(succ[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for start in sorted(succ):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_no_import_circles_between_domains(graph):
    circle = _cycle(set(graph))
    assert circle is None, "an import circle: " + " -> ".join(circle) + "\n" + "\n".join(
        where for a, b in zip(circle, circle[1:], strict=False) for where in graph[(a, b)])


def test_no_domain_imports_another_domain_s_views(graph):
    offending = [where for where_list in graph.values() for where in where_list
                 if where.rpartition(" imports ")[2].rpartition(".")[2].endswith("views")]
    assert offending == []


def test_the_shared_rooms_import_no_work_domain(graph):
    for room, allowed in SHARED_ROOMS.items():
        reached = {b for a, b in graph if a == room}
        assert reached <= allowed, f"{room} imports {sorted(reached - allowed)}: " + "; ".join(
            w for (a, b), ws in graph.items() if a == room and b not in allowed for w in ws)


def test_the_graph_sees_a_circle_when_there_is_one():
    assert _cycle({("a", "b"), ("b", "c"), ("c", "a")}) == ["a", "b", "c", "a"]
    assert _cycle({("a", "b"), ("b", "c"), ("a", "c")}) is None
