"""Shared fixtures: every test gets its own database; none touches real user data.

A module opts in to both backends with ``pytestmark = pytest.mark.both_backends``: each of
its tests then runs twice, ``[sqlite]`` on a file and ``[postgres]`` on a fresh database of
the session's throwaway server (tests/pg.py), with PIPELINE_DB and ``store`` pointing there.
A test that looks below the store (the file, PRAGMAs, SQLite's catalogue) says so with
``@pytest.mark.sqlite_only("why")`` and skips on PostgreSQL with that reason. A test that
touches no database (no store, cli, db_path nor db_target) runs once.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline_tui.store.api import Store, open_store

pytest_plugins = ["tests.pg"]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BACKENDS = ("sqlite", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run each test of the module on SQLite and on PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "sqlite_only(reason): in a both_backends module, skip on PostgreSQL"
    )


# A test reaches the database through one of these (or a fixture built on them, or by
# naming db_target); one that uses none, a pure function's test say, runs once.
DATABASE_FIXTURES = frozenset({"store", "demo_store", "cli", "db_path"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give tests of opted-in modules a [sqlite] and a [postgres] variant."""
    if "db_backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_backends") is None:
        return
    named = inspect.signature(metafunc.function).parameters
    if DATABASE_FIXTURES.isdisjoint(metafunc.fixturenames) and "db_target" not in named:
        return
    only = metafunc.definition.get_closest_marker("sqlite_only")
    postgres: object = "postgres"
    if only is not None:
        reason = only.args[0] if only.args else only.kwargs.get("reason", "")
        if not reason:
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: sqlite_only needs a reason")
        postgres = pytest.param("postgres", marks=pytest.mark.skip(reason=reason))
    metafunc.parametrize("db_backend", ["sqlite", postgres], indirect=True, ids=list(BACKENDS))


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """The backend this test runs on: "sqlite" unless its module is both_backends."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_target(request: pytest.FixtureRequest, tmp_path: Path, db_backend: str) -> Iterator[str]:
    """What PIPELINE_DB names: a file in tmp_path, or a fresh database on the test server."""
    if db_backend == "sqlite":
        yield str(tmp_path / "pipeline.db")
        return
    server = request.getfixturevalue("pg_server")
    name = server.new_database()
    yield server.url(name)
    server.drop(name)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_target: str) -> None:
    """Point every default location at the test's temp dir and pin the owner and width."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PIPELINE_DB", db_target)
    monkeypatch.setenv("PIPELINE_OWNER", "Test Owner")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def db_path(db_backend: str, db_target: str) -> Path:
    """The SQLite file; a test that needs it on a both_backends module is sqlite_only."""
    if db_backend != "sqlite":
        pytest.fail("db_path is a SQLite file: mark the test sqlite_only or use db_target")
    return Path(db_target)


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    s = open_store(db_target, actor="Test Owner")
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

        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError:  # say why there is no JSON: the command's error
            raise AssertionError(f"exit {self.exit_code}, no JSON: {self.stderr.strip()}") from None


@pytest.fixture
def cli() -> Cli:
    return Cli()
