"""Concurrent writers: several `pipeline` processes at once lose nothing and never fail.

4 CLI writer processes (new interpreters, not forks) log activities and move deals while a
backup is taken. Afterwards the counts are exact, the event log holds one entry per change,
the backup holds everything committed before it started, and doctor is clean.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pipeline_tui.services.demo import load_demo
from pipeline_tui.services.maintenance import doctor
from pipeline_tui.store import Store
from tests.reliability.helpers import BIG, env_for, pipeline_cmd

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
WRITES = 1000 if BIG else 250


def _events_since(conn: sqlite3.Connection, command_id: int) -> dict[tuple[str, str], int]:
    rows = conn.execute(
        "SELECT e.entity, e.action, count(*) FROM events e WHERE e.command_id > ? "
        "GROUP BY e.entity, e.action",
        (command_id,),
    ).fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def test_concurrent_cli_writers_and_backup(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    s = Store(db, actor="Setup")
    load_demo(s)
    open_ids = [r[0] for r in s.all("SELECT id FROM deals WHERE status = 'open' ORDER BY id")]
    start = {t: s.scalar(f"SELECT count(*) FROM {t}") for t in ("activities", "stage_changes")}
    first_command = s.scalar("SELECT max(id) FROM commands")
    s.close()

    writers = []
    for w in range(WRITERS):
        mine = ",".join(str(d) for d in open_ids[w::WRITERS])
        writers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.reliability.writer",
                    str(db),
                    str(w),
                    str(WRITES),
                    mine,
                ],
                cwd=ROOT,
                env=env_for(db),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    time.sleep(1.5)
    peek = sqlite3.connect(db)
    committed_before_backup = peek.execute("SELECT max(id) FROM commands").fetchone()[0]
    peek.close()
    backup_path = tmp_path / "during.db"
    backup = subprocess.run(
        pipeline_cmd("backup", str(backup_path)), env=env_for(db), capture_output=True, text=True
    )
    results = []
    for proc in writers:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        results.append(json.loads(out))

    assert backup.returncode == 0, backup.stderr
    assert all(r["errors"] == [] for r in results), [r["errors"][:3] for r in results]
    activities = sum(r["activities"] for r in results)
    moves = sum(r["moves"] for r in results)
    assert activities == WRITERS * WRITES

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == (
        start["activities"] + activities
    )
    assert conn.execute("SELECT count(*) FROM stage_changes").fetchone()[0] == (
        start["stage_changes"] + moves
    )
    events = _events_since(conn, first_command)
    assert events.get(("activities", "insert")) == activities
    assert events.get(("stage_changes", "insert")) == moves
    assert events.get(("deals", "update")) == moves
    assert (
        conn.execute("SELECT count(*) FROM commands WHERE id > ?", (first_command,)).fetchone()[0]
        == activities + moves
    )
    conn.close()
    assert [c for c in doctor(db) if not c.ok] == []

    copy = sqlite3.connect(backup_path)
    ids = {r[0] for r in copy.execute("SELECT id FROM commands")}
    assert set(range(1, committed_before_backup + 1)) <= ids
    copy.close()
    assert [c for c in doctor(backup_path) if not c.ok] == []
