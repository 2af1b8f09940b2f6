"""The project's apps import each other in one direction only: no cycle between apps (issue 12.1).

An app learns of another app's events through a signal declared in the sender's
`signals.py`, or is handed the data it needs; it never imports back. The graph is
grimp's, so imports inside functions count as much as those at the top of a module.

Tests and migrations are left out. So is the wiring that may know every app: the
settings, the root URLconf, the WSGI/ASGI entry points, `make run`'s launcher and the
demo seed (`marketplace.demo` and each app's `demo` module); no app may import it.
"""

from collections import defaultdict

import grimp
import pytest

PACKAGES = (
    "baskets",
    "vendors",
    "fulfilment",
    "payments",
    "procurement",
    "supply",
    "marketplace",
    "stripe_double",
)
# The Oscar forks are apps of their own (marketplace.oscar_apps.catalogue, ...).
FORKS = "marketplace.oscar_apps"
WIRING = (
    "marketplace.settings",
    "marketplace.urls",
    "marketplace.wsgi",
    "marketplace.asgi",
    "marketplace.devserver",
    "marketplace.management",
    "marketplace.demo",
)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def is_wiring(module: str) -> bool:
    return any(_within(module, w) for w in WIRING) or module.split(".")[-1] == "demo"


def is_left_out(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or "migrations" in parts


def app_of(module: str) -> str:
    parts = module.split(".")
    if _within(module, FORKS) and len(parts) >= 3:
        return ".".join(parts[:3])
    return parts[0]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*PACKAGES, include_external_packages=False, cache_dir=None)


@pytest.fixture(scope="module")
def app_imports(graph) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(importing app, imported app) → the module imports behind that edge."""
    edges: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for module in graph.modules:
        if is_left_out(module) or is_wiring(module):
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if is_left_out(imported) or is_wiring(imported):
                continue
            if app_of(module) != app_of(imported):
                edges[(app_of(module), app_of(imported))].append((module, imported))
    return edges


def app_cycles(edges) -> list[list[str]]:
    """The strongly connected groups of two or more apps (Tarjan), each sorted."""
    successors: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        successors[a].add(b)
        successors.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(successors[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(successors):
        if node not in index:
            visit(node)
    return sorted(groups)


def describe(groups, edges) -> str:
    lines = []
    for group in groups:
        lines.append(" ↔ ".join(group) + ":")
        for (a, b), imports in sorted(edges.items()):
            if a in group and b in group:
                shown = ", ".join(f"{m} → {i}" for m, i in sorted(set(imports))[:3])
                lines.append(f"    {a} → {b}: {shown}")
    return "\n".join(lines)


def test_the_graph_sees_the_project_apps(app_imports):
    """A sanity check, so the cycle test cannot pass on an empty graph."""
    apps = {a for edge in app_imports for a in edge}
    assert {"baskets", "vendors", "fulfilment", "payments", "procurement", "supply", "marketplace"} <= apps
    assert f"{FORKS}.catalogue" in apps
    assert ("procurement", "fulfilment") in app_imports
    assert ("fulfilment", "vendors") in app_imports


def test_no_import_cycle_between_project_apps(app_imports):
    groups = app_cycles(app_imports)
    assert not groups, "Import cycles between apps:\n" + describe(groups, app_imports)


def test_no_app_imports_the_settings_urls_or_demo_seed(graph):
    wrong = sorted(
        (module, imported)
        for module in graph.modules
        if not is_left_out(module) and not is_wiring(module)
        for imported in graph.find_modules_directly_imported_by(module)
        if is_wiring(imported)
    )
    assert not wrong, "App code importing the wiring or the demo seed:\n" + "\n".join(
        f"    {m} → {i}" for m, i in wrong
    )


def test_the_cycle_finder_names_a_cycle():
    edges = {("a", "b"): [("a.x", "b.y")], ("b", "a"): [("b.z", "a.w")], ("b", "c"): [("b.z", "c.q")]}
    assert app_cycles(edges) == [["a", "b"]]
    assert "a.x → b.y" in describe(app_cycles(edges), edges)
