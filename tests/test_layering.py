"""The layers hold: SQL and sqlite3 stay in store/, and nothing above it reaches past store/api.py.

Also: the data layer stays free of UI libraries, and the CLI path never loads Textual.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store

UI = ("textual", "rich", "typer")
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pipeline_tui"
ABOVE_STORE = ("services", "cli", "tui", "models")
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+[\w.]+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bPRAGMA\b|\bATTACH\b"
)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal but docstrings, with f-strings' literal parts joined."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else " x "
                for v in node.values
            )
            out.append((node.lineno, text))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            out.append((node.lineno, node.value))
    return out


def violations(source: str, layer: str) -> list[str]:
    """What breaks the layering in one module of ``layer`` (services, cli, tui or models)."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name == "sqlite3" or name.startswith("sqlite3."):
                found.append(f"line {node.lineno}: imports sqlite3")
            beyond_api = name.startswith("pipeline_tui.store") and not (
                name == "pipeline_tui.store.api" or name.startswith("pipeline_tui.store.api.")
            )
            # ``from pipeline_tui.store import api`` names the package itself: allowed.
            if beyond_api and (layer == "models" or name != "pipeline_tui.store"):
                found.append(f"line {node.lineno}: imports {name}, not store.api")
    for line, text in _strings(tree):
        if SQL.search(text):
            found.append(f"line {line}: SQL text {text.strip()[:40]!r}")
    return sorted(set(found))


def _modules() -> list[tuple[str, Path]]:
    return [
        (layer, path) for layer in ABOVE_STORE for path in sorted((PACKAGE / layer).rglob("*.py"))
    ]


@pytest.mark.parametrize(
    ("layer", "path"),
    _modules(),
    ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else v,
)
def test_no_sql_or_backend_above_the_store(layer: str, path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), layer) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "import sqlite3\n",
        "from sqlite3 import Row\n",
        "from pipeline_tui.store.sqlite.deals import get_deal\n",
        "from pipeline_tui.store.sqlite import SqliteStore\n",
        "from pipeline_tui.store import sqlite\n",
        "rows = store.all('SELECT id FROM deals')\n",
        "q = f'SELECT id FROM {table} WHERE x = 1'\n",
        "store.run('INSERT INTO deals (title) VALUES (?)')\n",
        "store.run('INSERT OR IGNORE INTO owners (name) VALUES (?)')\n",
        "store.run('UPDATE deals SET title = ?')\n",
        "store.run('DELETE FROM deals')\n",
        "store.run('PRAGMA foreign_keys = ON')\n",
        "store.run(\"ATTACH DATABASE 'x' AS spool\")\n",
    ],
)
def test_the_check_catches_a_leak(snippet: str) -> None:
    """A SELECT pasted into a service, or a backend import in a face, fails the check."""
    assert violations(snippet, "services")


def test_the_check_allows_the_interface_and_prose() -> None:
    ok = (
        '"""Select the deals to update, then delete from the board."""\n'
        "from pipeline_tui.store.api import Store, open_store\n"
        "import pipeline_tui.store.api\n"
        "msg = 'select a stage, then press enter'\n"
    )
    assert violations(ok, "services") == []


def _loaded(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {m.split(".")[0] for m in out}


def test_data_layer_imports_no_ui_library() -> None:
    code = "\n".join(
        [
            "import pkgutil, importlib, pipeline_tui.models, pipeline_tui.store, "
            "pipeline_tui.services",
            "for pkg in (pipeline_tui.models, pipeline_tui.store, pipeline_tui.services):",
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):",
            "        importlib.import_module(m.name)",
        ]
    )
    loaded = _loaded(code)
    assert not loaded & set(UI), loaded & set(UI)


def test_cli_path_does_not_import_textual(tmp_path: object) -> None:
    db = f"{tmp_path}/p.db"
    Store(db).close()  # an existing database: opening it must not need sqlite-utils
    code = (
        f"import os, sys; os.environ['PIPELINE_DB'] = {db!r}\n"
        "sys.argv = ['pipeline', 'deal', 'list', '--limit', '1']\n"
        "from pipeline_tui.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded(code)
    assert "textual" not in loaded
    assert "sqlite_utils" not in loaded  # only needed when a migration runs
