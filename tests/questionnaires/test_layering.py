"""questionnaires/ imports nothing of ours, and none of it imports Flask or SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"models", "screening", "webapp", "flask", "sqlalchemy", "flask_sqlalchemy"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "questionnaires").glob("*.py")),
    ids=lambda p: p.name,
)
def test_questionnaires_modules_import_nothing_of_ours(path):
    assert imported_roots(path) & FORBIDDEN == set()


def test_preferences_imports_only_questionnaires_of_ours():
    roots = imported_roots(ROOT / "screening" / "preferences.py")
    assert roots & FORBIDDEN == set()
    assert "questionnaires" in roots


def test_the_guard_sees_an_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from models.scorecard import Scorecard\nimport flask\n")
    assert imported_roots(bad) & FORBIDDEN == {"models", "flask"}
