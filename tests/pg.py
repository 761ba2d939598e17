"""A throwaway PostgreSQL server for the tests: started once per session, a database per test.

The server runs from the binaries of Debian's postgresql-15 (or any ``initdb`` on PATH) in
a short /tmp folder, listening on a Unix socket only. PostgreSQL refuses to run as root, so
when the tests run as root the server binaries (only they) run as the ``postgres`` user.
Each test gets ``CREATE DATABASE ... TEMPLATE`` of a migrated, seeded template (50-250 ms).
Without PostgreSQL or psycopg the tests that need it skip, saying why; with CI=true the run
fails instead, so CI never passes by skipping the server.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BINDIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")
TEMPLATE = "pipeline_template"
_NUMBERS = itertools.count(1)
_MAKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-template-copy")


def find_bindir() -> Path | None:
    for folder in BINDIRS:
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and PostgreSQL is unusable: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class PgServer:
    """A running throwaway server: its socket folder and how to reach one database on it."""

    folder: Path
    bindir: Path
    as_postgres: bool
    _spare: Future[str] | None = field(default=None, repr=False)

    def url(self, dbname: str) -> str:
        return f"postgresql:///{dbname}?host={self.folder}&user=postgres"

    def admin(self, sql: str) -> None:
        """Run one statement on the server's maintenance database (autocommit)."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh, migrated and seeded database (a copy of the template): its name.

        Copying the template takes ~200 ms, once per test on both backends' modules
        (tests/conftest.py): the next copy is made on a thread while the test runs."""
        spare, self._spare = self._spare, _MAKER.submit(self._copy_template)
        return spare.result() if spare is not None else self._copy_template()

    def _copy_template(self) -> str:
        name = f"t{os.getpid()}_{next(_NUMBERS)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return name

    def empty_database(self) -> str:
        """A database with nothing in it, in the C.UTF-8 collation as README asks."""
        name = f"e{os.getpid()}_{next(_NUMBERS)}"
        self.admin(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
        return name

    def drop(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=False)


def _start() -> Iterator[PgServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed: pip install '.[postgres]'")
    bindir = find_bindir()
    if bindir is None:
        _missing("no PostgreSQL server binaries (initdb) found: apt-get install postgresql-15")
    assert bindir is not None
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="pgt", dir="/tmp"))  # the socket path stays short
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    server = PgServer(folder, bindir, as_postgres)
    data = folder / "data"
    made = server.run("initdb", "-A", "trust", "--no-sync", "-U", "postgres", "-E", "UTF8",
                      "--locale=C.UTF-8", "-D", str(data))  # fmt: skip
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _missing(f"initdb failed: {made.stderr.strip().splitlines()[-1:]}")
    options = f"-k {folder} -c listen_addresses= -c fsync=off -c full_page_writes=off"
    started = server.run("pg_ctl", "start", "-w", "-D", str(data), "-l", str(folder / "log"),
                         "-o", options)  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _missing(f"the server did not start: {started.stderr.strip()}")
    try:
        server.admin(
            f"CREATE DATABASE {TEMPLATE} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
        from pipeline_tui.store.api import open_store

        open_store(server.url(TEMPLATE)).close()  # migrate and seed once
        yield server
    finally:
        if server._spare is not None:
            server._spare.exception()  # a copy under way ends before the server stops
        server.run("pg_ctl", "stop", "-m", "immediate", "-D", str(data))
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    yield from _start()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh pipeline database on the throwaway server, dropped afterwards."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop(name)
