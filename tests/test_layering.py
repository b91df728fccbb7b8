"""The rooms and which way imports run, read from the source (AST), so a wrong import fails here
before it can tangle the house: the domain packages never import the web, views never build
queries, services never touch the request, storage imports no room above it. Each rule is shown
once to catch a planted module."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_FRAMEWORKS = ("flask", "flask_", "sqlalchemy", "werkzeug")
ROOMS = ("views", "forms", "services", "access", "storage", "web", "cli")
# Which rooms of webapp/ each room may import (its own included). config and extensions are
# the app's settings and its Flask extensions: every room may use them, but see RULES below.
MAY_IMPORT = {
    "views": {"views", "forms", "services", "access", "web"}
    | {"storage.database", "storage.states", "storage.clock"},
    "forms": {"forms", "storage.states"},
    "services": {"services", "storage", "access"},
    "access": {"access", "storage"},
    "storage": {"storage"},
    "web": {"web", "services", "access", "storage"},
}
# From storage.database, views may use only the transaction marks.
VIEW_DATABASE_NAMES = {"reads_only", "writes_late", "begin_writing"}
REQUEST_STATE = {"flask": {"request", "session", "g"}, "flask_login": {"current_user"}}


@dataclass(frozen=True)
class Import:
    module: str
    names: tuple[str, ...]
    line: int


def imports_of(source: str) -> list[Import]:
    """Every import, except those only for type checkers (``if TYPE_CHECKING:``)."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = tuple(alias.name for alias in node.names)
            found.append(Import(node.module, names, node.lineno))
            if node.module == "webapp":  # from webapp import views: the room itself
                found += [Import(f"webapp.{name}", (), node.lineno) for name in names]
    return found


def _is_framework(module: str) -> bool:
    root = module.split(".")[0]
    return root in ("flask", "sqlalchemy", "werkzeug") or root.startswith("flask_")


def _room_of(module: str) -> str | None:
    """``storage.database`` for webapp.storage.database, ``services`` for a service, None
    for webapp itself, config and extensions."""
    parts = module.split(".")
    if parts[0] != "webapp" or len(parts) < 2 or parts[1] not in ROOMS:
        return None
    return ".".join(parts[1:3]) if parts[1] == "storage" and len(parts) > 2 else parts[1]


def domain_problems(package: str, source: str) -> list[str]:
    allowed = {
        "questionnaires": {"questionnaires"},
        "models": {"questionnaires", "models"},
        "screening": {"questionnaires", "models", "screening"},
    }[package]
    problems = []
    for imp in imports_of(source):
        root = imp.module.split(".")[0]
        if (
            _is_framework(imp.module)
            or root in ("questionnaires", "models", "screening", "webapp")
            and root not in allowed
        ):
            problems.append(f"line {imp.line}: {package} imports {imp.module}")
    return problems


def room_problems(room: str, source: str) -> list[str]:
    problems = []
    for imp in imports_of(source):
        target = _room_of(imp.module)
        if target is not None and room in MAY_IMPORT:
            allowed = MAY_IMPORT[room]
            if target not in allowed and target.split(".")[0] not in allowed:
                problems.append(f"line {imp.line}: {room} imports {imp.module}")
        if room == "views":
            if imp.module.split(".")[0] in ("sqlalchemy", "flask_sqlalchemy"):
                problems.append(f"line {imp.line}: a view imports {imp.module}")
            if imp.module == "webapp.extensions" and "db" in imp.names:
                problems.append(f"line {imp.line}: a view imports db")
            if imp.module == "webapp.storage.database":
                extra = set(imp.names) - VIEW_DATABASE_NAMES
                if extra:
                    problems.append(f"line {imp.line}: a view imports {sorted(extra)} of storage")
            if "select" in imp.names:
                problems.append(f"line {imp.line}: a view imports select from {imp.module}")
        if room == "services":
            touched = set(imp.names) & REQUEST_STATE.get(imp.module, set())
            if touched:
                problems.append(f"line {imp.line}: a service imports {sorted(touched)}")
    if room == "views":
        for node in ast.walk(ast.parse(source)):
            on_db = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            if on_db and node.value.id == "db":
                problems.append(f"line {node.lineno}: a view uses db.{node.attr}")
            if isinstance(node, ast.Attribute) and node.attr == "query":
                problems.append(f"line {node.lineno}: a view uses .query")
    return problems


def modules(*parts: str) -> list[Path]:
    return sorted(p for p in ROOT.joinpath(*parts).rglob("*.py") if "migrations" not in p.parts)


DOMAIN = [
    (package, path)
    for package in ("questionnaires", "models", "screening")
    for path in modules(package)
]
WEBAPP = [(room, path) for room in ROOMS for path in modules("webapp", room)]


@pytest.mark.parametrize(
    ("package", "path"), DOMAIN, ids=[str(p.relative_to(ROOT)) for _r, p in DOMAIN]
)
def test_the_domain_packages_import_no_web_and_no_room_above_them(package, path):
    assert domain_problems(package, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("room", "path"), WEBAPP, ids=[str(p.relative_to(ROOT)) for _r, p in WEBAPP]
)
def test_each_room_imports_only_the_rooms_below_it(room, path):
    assert room_problems(room, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("room", ROOMS)
def test_every_room_is_a_package_with_a_one_line_docstring(room):
    init = ROOT / "webapp" / room / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and "\n" not in doc.strip()


def test_no_module_of_webapp_lies_outside_the_rooms():
    top = {p.name for p in (ROOT / "webapp").glob("*.py")}
    assert top == {"__init__.py", "config.py", "extensions.py"}


PLANTED = [
    ("questionnaires", "from models.scorecard import Scorecard\n", "imports models.scorecard"),
    ("models", "from screening import flag_for\n", "imports screening"),
    ("screening", "from webapp.storage.records import Case\n", "imports webapp.storage"),
    ("screening", "import flask\n", "imports flask"),
    ("models", "from werkzeug.utils import secure_filename\n", "imports werkzeug"),
    ("views", "from sqlalchemy import func\n", "a view imports sqlalchemy"),
    ("views", "from webapp.extensions import db\n", "a view imports db"),
    ("views", "def f(db):\n    return db.session.get(1)\n", "a view uses db.session"),
    ("views", "def f(Case):\n    return Case.query.all()\n", "a view uses .query"),
    ("views", "from webapp.storage.records import Case\n", "views imports webapp.storage"),
    ("views", "from webapp.storage.database import locked\n", "of storage"),
    ("services", "from flask import request\n", "a service imports ['request']"),
    ("services", "from flask_login import current_user\n", "a service imports ['current_user']"),
    ("services", "from webapp.views.parent import bp\n", "services imports webapp.views"),
    ("services", "from webapp.forms.staff import CaseForm\n", "services imports webapp.forms"),
    ("storage", "from webapp.services.plans import agree_plan\n", "storage imports"),
    ("storage", "from webapp.access.audit import record_event\n", "storage imports"),
    ("forms", "from webapp.services.plans import agree_plan\n", "forms imports"),
    ("access", "from webapp.web.errors import register\n", "access imports"),
]


@pytest.mark.parametrize(("room", "source", "expected"), PLANTED)
def test_the_checker_catches_a_planted_module(tmp_path, room, source, expected):
    planted = tmp_path / room / "bad.py"
    planted.parent.mkdir()
    planted.write_text(source)
    text = planted.read_text()
    if room in ("questionnaires", "models", "screening"):
        found = domain_problems(room, text)
    else:
        found = room_problems(room, text)
    assert any(expected in problem for problem in found), found


def test_imports_only_for_type_checkers_are_not_counted():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy import x\n"
    assert room_problems("views", source) == []
