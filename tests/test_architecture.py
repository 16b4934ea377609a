"""The shape of the house, read from the source: who imports whom, and how big a module gets.

These tests parse ``parvis/`` with :mod:`ast` and import nothing, so they stay fast and need no
database. An import counts when it runs: at a module's top or inside a function alike (an import
inside a function still ties the two modules together, only later). Imports under
``if TYPE_CHECKING:`` never run and do not count. Migrations are left out: Django's loader reads
them, no module imports them.

The allow-lists below are debts with a reason each, not a second rule: an entry that no longer
matches anything fails :func:`test_allow_lists_hold_no_settled_debt`, so they only shrink.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "parvis"

# The kernel: it may import Django and third-party libraries, never another part of Parvis.
KERNEL = "parvis.core"

# Import cycles between modules kept on purpose, each with the reason (members of one strongly
# connected component of the import graph). Empty is the goal.
ALLOWED_CYCLES: dict[frozenset[str], str] = {
    # frozenset({"parvis.app.a", "parvis.app.b"}): "why this loop is kept",
}

# Lines of code (not blank, not a comment) above which a module has more than one job.
MAX_MODULE_LINES = 500
# Modules allowed above it, each with the reason.
LONG_MODULES: dict[str, str] = {
    # "parvis/app/module.py": "why it is one job (a data table read at start-up...)",
}

# Where code may branch on one network by name: its own package and the registry that maps
# names to packages.
NETWORK_BRANCHES_ALLOWED_IN = ("parvis/networks/registry.py",)
NETWORK_PACKAGES = PACKAGE / "networks"
NOT_NETWORK_PACKAGES = frozenset({"migrations", "templates", "static", "data", "management"})


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def relative(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def _modules(package: Path = PACKAGE) -> dict[str, Module]:
    modules = {}
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        modules[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node`` that can run (not under ``if TYPE_CHECKING:``)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for orelse in child.orelse:
                yield from _runtime_imports_of(orelse)
            continue
        yield from _runtime_imports_of(child)


def _runtime_imports_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _runtime_imports(node)


def _imported(module: Module, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The Parvis modules an import statement loads (as named; parent packages left out)."""
    if isinstance(node, ast.Import):
        candidates = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.name if module.is_package else module.name.rpartition(".")[0]
            parts = package.split(".")
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        # ``from package import submodule`` loads the submodule; ``from module import name``
        # loads the module.
        candidates = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    found = set()
    for candidate in candidates:
        while candidate and candidate not in known:
            candidate = candidate.rpartition(".")[0]
        if candidate and candidate != module.name:
            found.add(candidate)
    return found


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    known = set(modules)
    return {
        name: {
            target
            for node in _runtime_imports(module.tree)
            for target in _imported(module, node, known)
        }
        for name, module in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph.get(successor, ())))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def code_lines(path: Path) -> int:
    """Lines that are neither blank nor only a comment (docstrings count: they are read)."""
    return sum(
        1
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


def _network_member(node: ast.expr) -> bool:
    """``Network.X`` (or ``Network.X.value``)."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Network"
        and node.attr.isupper()
    )


def _names_a_network(node: ast.expr) -> bool:
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_network_member(element) for element in node.elts)
    return _network_member(node)


def network_branches(module: Module) -> list[str]:
    """Places where ``module`` branches on one network by name: ``is``, ``==``, ``!=`` or
    ``in (...)`` against ``Network.X``, and ``case Network.X:``."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Compare):
            if any(_names_a_network(operand) for operand in [node.left, *node.comparators]):
                found.append(f"{module.relative}:{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.MatchValue) and _network_member(node.value):
            found.append(f"{module.relative}:{node.value.lineno}: case {ast.unparse(node.value)}")
    return found


def _may_branch_on_networks(module: Module) -> bool:
    if module.relative in NETWORK_BRANCHES_ALLOWED_IN:
        return True
    try:
        inside = module.path.relative_to(NETWORK_PACKAGES).parts
    except ValueError:
        return False
    return len(inside) > 1 and inside[0] not in NOT_NETWORK_PACKAGES


# --- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return _modules()


@pytest.fixture(scope="module")
def graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    return import_graph(modules)


def test_the_kernel_imports_no_other_part_of_parvis(graph: dict[str, set[str]]) -> None:
    """``parvis.core`` is at the bottom: every app may use it, it uses none of them (nor the
    Celery app in ``parvis.celery``: its tasks are ``shared_task``)."""
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        if name == KERNEL or name.startswith(KERNEL + ".")
        for target in targets
        if target != KERNEL and not target.startswith(KERNEL + ".")
    )
    assert upward == []


def _part(module: str) -> str:
    """The part of Parvis a module belongs to: its app (``parvis.inbox``), or a project module
    (``parvis.celery``)."""
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_between_apps(graph: dict[str, set[str]]) -> None:
    """Apps stand in layers: one that imports another is never imported by it, even through a
    third (accounts does not import privacy, which asks it about members)."""
    between_parts: dict[str, set[str]] = {}
    for name, targets in graph.items():
        between_parts.setdefault(_part(name), set()).update(
            _part(target) for target in targets if _part(target) != _part(name)
        )
    assert [sorted(component) for component in cycles(between_parts)] == []


def test_no_import_cycle_between_modules(graph: dict[str, set[str]]) -> None:
    unexpected = [
        sorted(component)
        for component in cycles(graph)
        if not any(component <= allowed for allowed in ALLOWED_CYCLES)
    ]
    assert unexpected == [], "modules that import each other (directly or around a loop)"


def test_no_module_above_the_size_of_one_job(modules: dict[str, Module]) -> None:
    too_long = sorted(
        f"{module.relative}: {lines} lines"
        for module in modules.values()
        if (lines := code_lines(module.path)) > MAX_MODULE_LINES
        and module.relative not in LONG_MODULES
    )
    assert too_long == [], f"above {MAX_MODULE_LINES} lines of code: split by job"


def test_networks_are_branched_on_only_inside_their_own_package(
    modules: dict[str, Module],
) -> None:
    """Code outside a network's package asks the registry, so that a new network is one package
    plus one registry line."""
    branches = [
        branch
        for module in modules.values()
        if not _may_branch_on_networks(module)
        for branch in network_branches(module)
    ]
    assert branches == []


def test_allow_lists_hold_no_settled_debt(
    modules: dict[str, Module], graph: dict[str, set[str]]
) -> None:
    """An entry whose debt is paid goes, so that the lists only shrink."""
    present = cycles(graph)
    settled_cycles = [
        sorted(allowed)
        for allowed in ALLOWED_CYCLES
        if not any(component <= allowed for component in present)
    ]
    settled_modules = [
        relative
        for relative in LONG_MODULES
        if not (ROOT / relative).exists() or code_lines(ROOT / relative) <= MAX_MODULE_LINES
    ]
    assert (settled_cycles, settled_modules) == ([], [])
