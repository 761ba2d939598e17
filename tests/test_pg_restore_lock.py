"""Restore on a server is refused while another client is connected: the open lock decides.

Every pipeline connection holds a shared session-level advisory lock (store/postgres/core.py);
restore takes it exclusively (store/postgres/maintenance.py). Another client is played by
another process, as it would be; this process's own second store and the TUI's LISTEN
connection do not count.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline_tui.store.api import StoreError, open_store
from pipeline_tui.store.postgres.core import OPEN_LOCK
from tests.conftest import Cli

HOLD = (
    "import sys\n"
    "from pipeline_tui.store.api import open_store\n"
    "store = open_store(sys.argv[1])\n"
    "print('open', flush=True)\n"
    "sys.stdin.readline()\n"
    "store.close()\n"
)


@contextmanager
def other_client(url: str) -> Iterator[None]:
    """Another process with the database open until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, url], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        yield
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0


def _titles(cli: Cli, url: str) -> list[str]:
    deals = cli("--db", url, "deal", "list", "--status", "all", "--format", "json").json()
    return [d["title"] for d in deals]  # type: ignore[attr-defined]


def _holders(url: str) -> int:
    """Connections holding the open lock (shared or not), as the server counts them."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objid = %s AND database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())",
            (OPEN_LOCK,),
        ).fetchone()
    assert found is not None
    return int(found[0])


def _settled(url: str, expected: int) -> int:
    """_holders once it shows ``expected``: a closed client's server process ends just after
    the client does (up to 10 s)."""
    deadline = time.monotonic() + 10
    while (found := _holders(url)) != expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


@pytest.fixture
def backed_up(cli: Cli, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo on the server, backed up, then one deal added after the backup."""
    monkeypatch.chdir(tmp_path)
    assert cli("--db", pg_url, "init", "--demo").exit_code == 0
    assert cli("--db", pg_url, "backup").exit_code == 0
    [backup] = list(tmp_path.glob("pipeline-server-*.backup.db"))
    assert cli("--db", pg_url, "deal", "add", "After the backup", "--value", "9").exit_code == 0
    return backup


def test_another_client_refuses_restore_until_it_closes(
    cli: Cli, tmp_path: Path, pg_url: str, backed_up: Path
) -> None:
    with other_client(pg_url):
        assert _holders(pg_url) == 1
        refused = cli("--db", pg_url, "restore", str(backed_up))
        assert refused.exit_code != 0
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "open in 1 other pipeline client(s): close them before restoring" in refused.stderr
        assert "Traceback" not in refused.stderr
        # Nothing restored, nothing saved aside, and the server is still everyone's.
        assert "After the backup" in _titles(cli, pg_url)
        assert not list(tmp_path.glob("*-before-restore-*"))
        assert _holders(pg_url) == 1
    assert _settled(pg_url, 0) == 0
    restored = cli("--db", pg_url, "restore", str(backed_up))
    assert restored.exit_code == 0, restored.stderr
    assert "After the backup" not in _titles(cli, pg_url)
    assert len(list(tmp_path.glob("*-before-restore-*"))) == 1
    assert _settled(pg_url, 0) == 0  # the restore's own locks went with its connection


def test_this_processs_own_connections_do_not_block_it(
    cli: Cli, tmp_path: Path, pg_url: str, backed_up: Path
) -> None:
    mine = open_store(pg_url)  # the TUI's store, say, with its LISTEN connection started
    try:
        assert mine.wait_changes(0.0) == []
        assert _holders(pg_url) == 1  # the listener takes no share: its store holds one
        restored = cli("--db", pg_url, "restore", str(backed_up))
        assert restored.exit_code == 0, restored.stderr
        assert "After the backup" not in _titles(cli, pg_url)
        assert _holders(pg_url) == 1  # given back for the restore, and taken again
        # ... so another process's restore is refused while this store stays open.
        again = subprocess.run(
            [sys.executable, "-m", "pipeline_tui", "--db", pg_url, "restore", str(backed_up)],
            capture_output=True, text=True, cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert again.returncode != 0
        assert "other pipeline client(s): close them before restoring" in again.stderr
        assert mine.scalar("SELECT count(*) FROM deals") > 0  # still a working store
    finally:
        mine.close()


def test_no_client_opens_while_a_restore_holds_the_lock(cli: Cli, pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as restoring:
        restoring.execute("SELECT pg_advisory_lock(%s)", (OPEN_LOCK,))
        with pytest.raises(StoreError) as raised:
            open_store(pg_url)
        text = str(raised.value)
        assert "is being restored by another client: try again when it is done" in text
        assert "\n" not in text
        listed = cli("--db", pg_url, "deal", "list")
        assert listed.exit_code != 0 and "being restored" in listed.stderr
    store = open_store(pg_url)  # the restore is over: clients open again
    store.close()
