"""The house's rules (README, "Layout"): floors run one way, no import circle, no module too long.

Floors, from the bottom: `core` (knows no domain) <- `institutions` <- `events` <- `portal`. A module may
import from its own floor and the floors below, never above, and no chain of imports may come back to
where it started — also not through an import inside a function, which only hides a circle until the
day the function runs at import time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ("core", "institutions", "events", "portal")
MAX_LINES = 600


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    paths = (path for package in packages for path in sorted((root / package).rglob("*.py")))
    return {module_name(path, root): path for path in paths}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports, at the top or inside functions and classes.

    `from a.b import c` imports the module `a.b.c` when there is one, else a name of `a.b`. A
    module's package is not counted as imported with it: a `models/__init__.py` that gathers its
    modules is not in a circle with the module it gathers.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def known(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(filter(None, (known(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                target = f"{source}.{alias.name}"
                found.add(target if target in modules else known(source))
    found.discard(None)
    found.discard(name)
    return found


def import_graph(root: Path = ROOT, packages: Iterable[str] = FLOORS) -> dict[str, set[str]]:
    modules = project_modules(root, packages)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a chain (Tarjan's SCC)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    floor = {package: level for level, package in enumerate(FLOORS)}
    return sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if floor[target.split(".")[0]] > floor[source.split(".")[0]]
    )


def test_no_import_circle():
    found = circles(import_graph())
    assert found == [], "modules that import each other: " + "; ".join(" <-> ".join(c) for c in found)


def test_floors_import_only_downwards():
    found = upward_imports(import_graph())
    assert found == [], "imports up the floors (core, institutions, events, portal): " + ", ".join(found)


def test_no_module_outside_migrations_and_tests_is_over_600_lines():
    long = {
        name: length
        for name, path in project_modules(ROOT, FLOORS).items()
        if "migrations" not in path.parts
        and (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_core_knows_no_domain():
    """`core` is imported by the apps and imports none of them (settings name its middleware)."""
    graph = import_graph()
    assert {target for name, targets in graph.items() if name.startswith("core") for target in targets} <= {
        name for name in graph if name.startswith("core")
    }


# The checks themselves, on small made-up trees: each must see what it is there to see.


def write_tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def tree(tmp_path):
    write_tree(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/text.py": "",
            "events/__init__.py": "",
            "events/models/__init__.py": "from .pages import Page\nfrom .sessions import Session\n",
            "events/models/sessions.py": "from core.text import fold\n",
            "events/filters.py": "from .models.sessions import Session\n",
            "events/listing.py": "from .filters import SessionFilter\n",
            "events/models/pages.py": "from ..listing import listing\nfrom .sessions import Session\n",
            "institutions/__init__.py": "",
            "portal/__init__.py": "",
        },
    )
    return tmp_path


def test_a_package_gathering_its_modules_is_no_circle(tree):
    graph = import_graph(tree)
    assert graph["events.models.pages"] == {"events.listing", "events.models.sessions"}
    assert graph["events.models"] == {"events.models.pages", "events.models.sessions"}
    assert circles(graph) == []


def test_a_circle_through_an_import_inside_a_function_is_found(tree):
    write_tree(tree, {"events/models/sessions.py": "def f():\n    from ..listing import listing\n"})
    assert circles(import_graph(tree)) == [
        ["events.filters", "events.listing", "events.models.sessions"],
    ]


def test_an_import_of_the_models_package_from_below_the_page_is_a_circle(tree):
    write_tree(tree, {"events/filters.py": "from .models import Session\n"})
    assert circles(import_graph(tree)) == [
        ["events.filters", "events.listing", "events.models", "events.models.pages"],
    ]


def test_an_upward_import_is_found(tree):
    write_tree(tree, {"core/text.py": "import events.listing\n", "institutions/x.py": "from portal import y"})
    assert upward_imports(import_graph(tree)) == ["core.text -> events.listing", "institutions.x -> portal"]
