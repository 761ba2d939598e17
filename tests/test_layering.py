"""The data layer stays free of UI libraries, and the CLI path never loads Textual."""

from __future__ import annotations

import subprocess
import sys

from pipeline_tui.store.sqlite import SqliteStore as Store

UI = ("textual", "rich", "typer")


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
            "    for m in pkgutil.iter_modules(pkg.__path__):",
            "        importlib.import_module(pkg.__name__ + '.' + m.name)",
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
