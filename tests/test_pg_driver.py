"""psycopg in part (store/postgres/driver.py): what a command loads, and that it answers the same.

The test process has all of psycopg loaded already (tests/pg.py), so the part-loaded driver
is tried in fresh processes, as a user's command runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import psycopg
import pytest

from pipeline_tui.store.api import open_store
from tests.conftest import Cli

# What psycopg/__init__.py loads and the store never uses.
UNUSED = ("psycopg.connection_async", "psycopg.cursor_async", "psycopg.dbapi20",
          "psycopg.types.json", "psycopg.types.uuid", "psycopg.types.net",
          "psycopg.types.numpy", "psycopg.types.array")  # fmt: skip

RUN = (
    "import json, sys\n"
    "from pipeline_tui.cli.app import main\n"
    "sys.argv = ['pipeline', '--db', sys.argv[1], *sys.argv[2:]]\n"
    "code = 0\n"
    "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
    "loaded = sorted(m for m in sys.modules if m.startswith('psycopg'))\n"
    "print(json.dumps(loaded), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _run(url: str, *args: str) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", RUN, url, *args], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ("deal", "list", "--status", "all", "--format", "json"),
        ("today", "--format", "json"),
        ("forecast", "--format", "json"),
        ("activity", "list", "--format", "json"),
        ("kpi", "--format", "json"),
        ("review", "--format", "json"),
        ("search", "demo", "--format", "json"),
    ],
)
def test_a_command_loads_only_the_parts_and_prints_the_same(
    cli: Cli, pg_url: str, args: tuple[str, ...]
) -> None:
    assert cli("--db", pg_url, "init", "--demo").exit_code == 0
    printed, loaded = _run(pg_url, *args)
    assert "psycopg.connection" in loaded and "psycopg.pq" in loaded
    assert not set(UNUSED) & set(loaded), set(UNUSED) & set(loaded)
    full = cli("--db", pg_url, *args)  # this process: all of psycopg, all its adapters
    assert full.exit_code == 0, full.stderr
    assert json.loads(printed) == full.json()


def test_the_package_becomes_all_of_psycopg_when_asked_for_more() -> None:
    code = (
        "import sys\n"
        "from pipeline_tui.store.postgres import driver\n"
        "assert 'psycopg.connection_async' not in sys.modules\n"
        "assert 'importlib.metadata' not in sys.modules\n"  # psycopg_binary's version, too
        "import psycopg\n"
        "from psycopg import sql\n"  # a submodule: loaded alone
        "assert 'psycopg.connection_async' not in sys.modules\n"
        "assert psycopg.AsyncConnection.__name__ == 'AsyncConnection'\n"  # a name: all of it
        "assert callable(psycopg.connect)\n"
        "assert psycopg.types.json.Jsonb and psycopg.Error is driver.Error\n"
        "import psycopg_binary, importlib.metadata\n"  # the version it would have read itself
        "assert psycopg_binary.__version__ == importlib.metadata.version('psycopg-binary')\n"
        "print('whole')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "whole"


def test_opening_a_store_is_one_statement(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[object, str]] = []
    execute = psycopg.Connection.execute

    def counted(self: psycopg.Connection[object], query: str, *args: object, **kw: object) -> Any:
        seen.append((self, str(query)))
        return execute(self, query, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.Connection, "execute", counted)
    store = open_store(pg_url)
    try:
        # Only the store's own connection: tests/pg.py makes the next test's database on a
        # thread of its own meanwhile.
        sent = [q for conn, q in seen if conn is store._conn.raw]  # type: ignore[attr-defined]
        assert len(sent) == 1, sent  # who we are, the open lock, the schema version
        assert "pg_try_advisory_lock_shared" in sent[0] and "schema_version" in sent[0]
    finally:
        store.close()


def test_a_psycopg_whose_insides_moved_is_imported_whole(pg_url: str, cli: Cli) -> None:
    """The part-loading knows psycopg's modules by name; when one is not where it looks, the
    driver imports all of psycopg instead and the store works as ever, only slower to start."""
    assert cli("--db", pg_url, "init", "--demo").exit_code == 0
    code = (
        "import sys\n"
        "sys.modules['psycopg.types.numeric'] = None\n"  # as if the module had moved
        "from pipeline_tui.store.postgres import driver\n"
        "import psycopg\n"
        "assert 'psycopg.connection_async' in sys.modules\n"  # the whole package ran
        "assert driver.Connection is psycopg.Connection\n"
        "from pipeline_tui.store.api import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "print(store.scalar('SELECT count(*) FROM deals'))\n"
        "store.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, pg_url], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "60"  # the demo's deals, read through the whole package
