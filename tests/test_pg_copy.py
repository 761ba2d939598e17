"""`pipeline db copy` between a file and a server, both ways, and what it refuses."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.pg import PgServer


@pytest.fixture
def empty_pg(pg_server: PgServer) -> Iterator[str]:
    name = pg_server.empty_database()
    yield pg_server.url(name)
    pg_server.drop(name)


def _demo_file(cli: Cli, path: Path) -> None:
    assert cli("--db", str(path), "init", "--demo").exit_code == 0
    assert cli("--db", str(path), "deal", "add", "Big one", "--value", "25000000").exit_code == 0
    assert cli("--db", str(path), "deal", "move", "1", "negotiation").exit_code == 0
    assert cli("--db", str(path), "undo").exit_code == 0  # an undone command is copied too
    leads = path.with_name("leads.csv")
    leads.write_text("Name,Email,Company\nAda Lovelace,ada@example.com,Engines\n"
                     "Grace Hopper,grace@example.com,Navy\n")  # fmt: skip
    assert cli("--db", str(path), "import", "leads", str(leads)).exit_code == 0


def _counts(cli: Cli, db: str) -> dict[str, object]:
    checks = cli("--db", db, "log", "--limit", "1000", "--format", "json").json()
    deals = cli("--db", db, "deal", "list", "--status", "all", "--format", "json").json()
    return {"events": checks, "deals": deals}


def test_file_to_server_to_file_round_trip(cli: Cli, tmp_path: Path, empty_pg: str) -> None:
    first, back = tmp_path / "first.db", tmp_path / "back.db"
    _demo_file(cli, first)

    there = cli("db", "copy", str(first), empty_pg)
    assert there.exit_code == 0, there.stderr
    assert "DIFFERS" not in there.stdout and "deals" in there.stdout
    assert "user=postgres" in there.stdout or "Copied" in there.stdout
    home = cli("db", "copy", empty_pg, str(back), "--format", "json")
    assert home.exit_code == 0, home.stderr
    checks = {c["table"]: c for c in home.json()}
    assert all(c["ok"] for c in checks.values())
    assert checks["events"]["rows"] > 0 and checks["commands"]["rows"] > 0

    # Same rows and money at all three; each file and the server agree on the event log.
    assert _counts(cli, str(first)) == _counts(cli, empty_pg) == _counts(cli, str(back))
    conn = sqlite3.connect(first)
    top, total = conn.execute("SELECT max(id), sum(value_minor) FROM deals").fetchone()
    conn.close()
    assert total >= 2_500_000_000  # the 25,000,000.00 deal, in minor units, whole
    for db in (empty_pg, str(back)):
        added = cli("--db", db, "deal", "add", "Next", "--value", "1", "--format", "json")
        assert added.exit_code == 0, added.stderr
        assert added.json()["id"] == top + 1  # sequences past the highest id
    assert cli("--db", str(back), "doctor").exit_code == 0
    assert cli("--db", empty_pg, "doctor").exit_code == 0


def test_refuses_a_target_with_data_unless_forced(cli: Cli, tmp_path: Path, empty_pg: str) -> None:
    first = tmp_path / "first.db"
    _demo_file(cli, first)
    assert cli("db", "copy", str(first), empty_pg).exit_code == 0
    assert cli("--db", empty_pg, "deal", "add", "Only on the server", "--value", "5").exit_code == 0

    again = cli("db", "copy", str(first), empty_pg)
    assert again.exit_code != 0
    assert "already holds pipeline data: --force replaces all of it" in again.stderr
    titles = [d["title"] for d in cli("--db", empty_pg, "deal", "list", "--format", "json").json()]
    assert "Only on the server" in titles  # nothing written

    forced = cli("db", "copy", str(first), empty_pg, "--force")
    assert forced.exit_code == 0, forced.stderr
    titles = [d["title"] for d in cli("--db", empty_pg, "deal", "list", "--format", "json").json()]
    assert "Only on the server" not in titles


def test_one_line_refusals(cli: Cli, tmp_path: Path, empty_pg: str) -> None:
    for args, message in [
        ([str(tmp_path / "a.db"), str(tmp_path / "b.db")], "between a file and a server"),
        ([str(tmp_path / "missing.db"), empty_pg], "no database at"),
        ([empty_pg, empty_pg], "onto itself"),
    ]:
        result = cli("db", "copy", *args)
        assert result.exit_code != 0
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "b.db").exists()


def test_backup_doctor_and_restore_on_a_server(
    cli: Cli, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("--db", pg_url, "init", "--demo").exit_code == 0
    doctor = cli("--db", pg_url, "doctor")
    assert doctor.exit_code == 0, doctor.stdout + doctor.stderr
    assert "id sequences" in doctor.stdout and "PROBLEM" not in doctor.stdout

    made = cli("--db", pg_url, "backup")
    assert made.exit_code == 0, made.stderr
    [backup] = list(tmp_path.glob("pipeline-server-*.backup.db"))
    assert "***" not in made.stdout and str(backup) in made.stdout
    assert cli("--db", str(backup), "doctor").exit_code == 0
    before = cli("--db", pg_url, "deal", "list", "--format", "json").json()
    assert cli("--db", str(backup), "deal", "list", "--format", "json").json() == before

    assert cli("--db", pg_url, "deal", "add", "After the backup", "--value", "9").exit_code == 0
    # (Refused while another client is connected: tests/test_pg_restore_lock.py.)
    restored = cli("--db", pg_url, "restore", str(backup))
    assert restored.exit_code == 0, restored.stderr
    assert cli("--db", pg_url, "deal", "list", "--format", "json").json() == before
    assert "nothing to undo since the restore" in cli("--db", pg_url, "undo").stderr
    [kept] = list(tmp_path.glob("pipeline-server-before-restore-*.backup.db"))
    titles = [d["title"] for d in cli("--db", str(kept), "deal", "list", "--format", "json").json()]
    assert "After the backup" in titles
    assert cli("--db", pg_url, "doctor").exit_code == 0
