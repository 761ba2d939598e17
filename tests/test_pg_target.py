"""Choosing a PostgreSQL database: targets recognised, passwords masked, psycopg kept off SQLite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline_tui.config import db_target
from pipeline_tui.store.api import StoreError, open_store
from pipeline_tui.store.postgres.target import INSTALL, is_server, mask_in, masked
from tests.conftest import Cli


@pytest.mark.parametrize(
    ("target", "server"),
    [
        ("postgresql://ana@db.example.com/pipeline", True),
        ("postgres://db/pipeline", True),
        ("service=team", True),
        ("/home/ana/pipeline.db", False),
        ("postgresql.db", False),
    ],
)
def test_server_targets_are_told_from_files(target: str, server: bool) -> None:
    assert is_server(target) is server


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("postgresql://ana:s3cret@db/pipe", "postgresql://ana:***@db/pipe"),
        ("postgresql://db/pipe?password=s3cret&sslmode=require",
         "postgresql://db/pipe?password=***&sslmode=require"),
        ("service=team password=s3cret", "service=team password=***"),
        ("postgresql://ana@db/pipe", "postgresql://ana@db/pipe"),
    ],
)  # fmt: skip
def test_passwords_are_masked(target: str, shown: str) -> None:
    assert masked(target) == shown
    if "s3cret" in target:  # a driver that echoes the password has it masked too
        assert "s3cret" not in mask_in(f"failed for {target}: password s3cret refused", target)


def test_db_target_keeps_a_url_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://ana@db.example.com/pipeline"
    assert db_target(url) == url  # a Path would fold "//" into "/"
    monkeypatch.setenv("PIPELINE_DB", "service=team")
    assert db_target(None) == "service=team"
    assert isinstance(db_target("x.db"), Path)


def test_without_psycopg_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    with pytest.raises(StoreError) as raised:
        open_store("postgresql://ana:s3cret@db.invalid/pipeline")
    text = str(raised.value)
    assert INSTALL in text and "\n" not in text
    assert "s3cret" not in text and "ana:***@" in text


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    pytest.importorskip("psycopg")
    target = "postgresql://ana:s3cret@/pipeline?host=/nonexistent-socket-dir&connect_timeout=2"
    with pytest.raises(StoreError) as raised:
        open_store(target)
    text = str(raised.value)
    assert text.startswith("cannot connect to postgresql://ana:***@")
    assert "s3cret" not in text and "\n" not in text


def test_the_cli_without_the_extra_is_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = cli("--db", "postgresql://ana:s3cret@db.invalid/p", "deal", "list")
    assert result.exit_code != 0
    assert INSTALL in result.stderr and "s3cret" not in result.stderr + result.stdout


def test_maintenance_on_an_unreachable_server_is_one_line(cli: Cli) -> None:
    result = cli("--db", "postgresql://ana:s3cret@db.invalid/p", "doctor")
    assert result.exit_code != 0
    assert "cannot connect to postgresql://ana:***@" in result.stderr
    assert "s3cret" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_sqlite_command_never_imports_psycopg(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pipeline_tui.cli.app import main\n"
        "sys.argv = ['pipeline', 'deal', 'list']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'psycopg' not in sys.modules, 'psycopg was imported'\n"
        "print('clean')\n"
    )
    env = {"PIPELINE_DB": str(tmp_path / "p.db"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("clean")


def test_the_tui_is_given_a_server_url_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline_tui.cli.commands import tui as command
    from pipeline_tui.tui import app as tui_app

    seen: list[object] = []

    class FakeApp:
        def __init__(self, db: object, screen: str) -> None:
            seen.append(db)

        def run(self) -> None: ...
        def close_stores(self) -> None: ...

    monkeypatch.setattr(tui_app, "PipelineApp", FakeApp)
    url = "postgresql://ana@db.example.com/pipeline"
    command.run(url)
    command.run(Path("/tmp/p.db"))
    assert seen == [url, Path("/tmp/p.db")]
