"""The shop and the vendor stand-ins never import each other: they talk over HTTP only.

Walks every module of both packages with ``ast`` (no import is executed) and
fails on any import that crosses between ``storefront`` and ``sandboxes``,
either way, including relative imports that climb out of a package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("storefront", "sandboxes")


def imported_modules(path: Path, package: str) -> list[tuple[int, str]]:
    """Every module a file imports, as absolute dotted names, with its line number."""
    module_parts = [package, *path.relative_to(ROOT / package).with_suffix("").parts]
    if module_parts[-1] == "__init__":
        module_parts.pop()
    else:
        module_parts.pop()  # a module's relative imports start from its package
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # each dot past the first climbs one package up
                base = module_parts[: max(len(module_parts) - (node.level - 1), 0)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def crossings(package: str) -> list[str]:
    other = next(p for p in PACKAGES if p != package)
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, name in imported_modules(path, package):
            if name == other or name.startswith(other + "."):
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return problems


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_crosses_between_the_shop_and_the_sandboxes(package):
    assert crossings(package) == []


def test_the_walk_sees_a_crossing_when_there_is_one(tmp_path, monkeypatch):
    """The check itself can fail: a planted absolute and a planted relative crossing are both found."""
    fake = tmp_path / "sandboxes" / "twikit"
    fake.mkdir(parents=True)
    (tmp_path / "storefront").mkdir()
    (fake / "leak.py").write_text("from storefront.models import Order\nfrom ...storefront import config\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert len(crossings("sandboxes")) == 2
