"""Dependencies run one way: portal -> events -> institutions (SPEC §2)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(app: str) -> set[str]:
    packages = set()
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                packages.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                packages.add(node.module.split(".")[0])
    return packages


@pytest.mark.parametrize("app, forbidden", [("institutions", {"events", "portal"}), ("events", {"portal"})])
def test_apps_import_only_downwards(app, forbidden):
    assert imported_packages(app) & forbidden == set()
