"""Shared fixtures: every test gets its own database file; none touches real user data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline_tui.store.sqlite import SqliteStore as Store

pytest_plugins = ["tests.pg"]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every default location at the test's temp dir and pin the owner and width."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PIPELINE_DB", str(tmp_path / "pipeline.db"))
    monkeypatch.setenv("PIPELINE_OWNER", "Test Owner")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return Path(os.environ["PIPELINE_DB"])


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store(db_path, actor="Test Owner")
    yield s
    s.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    from pipeline_tui.services.demo import load_demo

    load_demo(store)
    return store


class Cli:
    """Runs `pipeline ...` in-process against the test database, like a user would."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> CliResult:
        from pipeline_tui.cli.app import app
        from pipeline_tui.cli.commands.common import close_stores

        try:
            result = self.runner.invoke(app, list(args), input=input, catch_exceptions=True)
        finally:
            close_stores()
        return CliResult(result)


class CliResult:
    def __init__(self, result: object) -> None:
        self.raw = result
        self.exit_code: int = result.exit_code  # type: ignore[attr-defined]
        self.stdout: str = result.stdout  # type: ignore[attr-defined]
        self.stderr: str = getattr(result, "stderr", "")
        self.exception = result.exception  # type: ignore[attr-defined]

    def json(self) -> object:
        import json

        return json.loads(self.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()
