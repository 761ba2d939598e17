"""The import command's edges: dry runs as validators, progress, and a UI-free core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline_tui.cli.commands import io
from tests.test_import_files import write_csv

pytestmark = pytest.mark.both_backends


def test_a_dry_run_of_a_bad_file_fails_like_the_import(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [["Name", "Email"], ["[bold]x[/]", "bad"]])
    result = cli("import", "leads", str(path), "--dry-run")
    assert result.exit_code == 1
    assert "line 2: invalid email 'bad'" in result.stderr
    assert "the import would stop here" in result.stderr
    assert "Dry run: nothing was written." in result.stdout
    lenient = cli("import", "leads", str(path), "--dry-run", "--skip-invalid")
    assert lenient.exit_code == 0


def test_json_output_carries_the_rejects_when_the_import_stops(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [["Name", "Email"], ["A", "a@x.example"], ["B", "b"]])
    result = cli("import", "leads", str(path), "--format", "json")
    assert result.exit_code == 1
    assert result.json()["rejects"] == [{"line": 3, "reason": "invalid email 'b'"}]
    assert result.json()["import_id"] is None


def test_a_huge_bad_cell_is_quoted_short_in_the_message(cli, tmp_path: Path) -> None:
    email = "x" * 50_000 + " y"
    path = write_csv(tmp_path / "bad.csv", [["Name", "Email"], ["A", email]])
    result = cli("import", "leads", str(path), "--format", "json")
    assert result.exit_code == 1
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("line 2: ")]
    assert len(line) < 250 and "(50,018 characters)" in line and line.endswith("x y'")
    assert result.json()["rejects"][0]["reason"] == f"invalid email {email!r}"  # data: whole


def test_progress_bar_only_on_a_terminal_and_after_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bar = io._Progress()
    bar.update("read", 10, 100)
    assert bar.bar is None  # not yet a second
    bar.started -= 2
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    bar.update("read", 10, 100)
    assert bar.bar is None  # not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar.update("read", 50, 100)
    assert bar.bar is not None
    assert bar.bar.tasks[0].completed == 50
    bar.update("write", 0, 0)
    assert bar.bar.tasks[0].description == "writing"
    bar.stop()
    assert bar.bar is None


def test_import_and_export_services_never_load_a_ui_library() -> None:
    code = (
        "import sys; import pipeline_tui.services.imports.run, pipeline_tui.services.exporter, "
        "pipeline_tui.services.imports.workers, pipeline_tui.services.imports.history; "
        "print(sorted(m for m in ('rich', 'typer', 'textual', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
