"""Concurrent writers: several `pipeline` processes at once lose nothing and never fail.

4 CLI writer processes (new interpreters, not forks) log activities and move deals, a fifth
runs the TUI headless with live refresh and moves a deal of its own back and forth, and a
sixth imports a 20k-row CSV, while a backup is taken. Afterwards the counts are exact, the
event log holds one entry per change, the backup holds everything committed before it
started, and doctor is clean.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pipeline_tui.services.deals import DealInput, add_deal
from pipeline_tui.services.demo import load_demo
from pipeline_tui.services.maintenance import doctor
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.reliability.helpers import BIG, env_for, pipeline_cmd

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
WRITES = 1000 if BIG else 250
IMPORT_ROWS = 20_000
TUI_DEAL = "Watched by the TUI"


def _spawn(args: list[str], db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env_for(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _leads_csv(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["First Name", "Last Name", "Email", "Company", "Lead Source"])
        for i in range(IMPORT_ROWS):
            out.writerow(
                [f"Lead{i}", "Concurrent", f"lead{i}@load.example", f"Co {i % 500}", "csv"]
            )


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
    watched = add_deal(s, DealInput(title=TUI_DEAL, value_minor=100_00, owner="Ana Ruiz")).id
    tables = ("activities", "stage_changes", "leads")
    start = {t: s.scalar(f"SELECT count(*) FROM {t}") for t in tables}
    first_command = s.scalar("SELECT max(id) FROM commands")
    s.close()
    leads_file = tmp_path / "leads.csv"
    _leads_csv(leads_file)
    stop = tmp_path / "stop"

    tui = _spawn(["tests.reliability.tui_watcher", str(db), TUI_DEAL, str(stop)], db)
    deadline = time.monotonic() + 120
    while not stop.with_suffix(".ready").exists():
        assert tui.poll() is None, tui.communicate()
        assert time.monotonic() < deadline, "the TUI did not start"
        time.sleep(0.1)
    writers = [
        _spawn(
            [
                "tests.reliability.writer",
                str(db),
                str(w),
                str(WRITES),
                ",".join(str(d) for d in open_ids[w::WRITERS]),
            ],
            db,
        )  # fmt: skip
        for w in range(WRITERS)
    ]
    importer = _spawn(["pipeline_tui", "import", "leads", str(leads_file)], db)
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
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    imported = importer.communicate(timeout=900)
    stop.touch()
    out, err = tui.communicate(timeout=900)
    assert tui.returncode == 0, err
    watcher = json.loads(out)

    assert importer.returncode == 0, imported[1]
    assert backup.returncode == 0, backup.stderr
    assert watcher["errors"] == [], watcher["errors"]
    assert watcher["moves"] >= 2 and watcher["refreshes"] > 0, watcher
    print(f"\nconcurrency: {WRITERS} x {WRITES} CLI writes, {IMPORT_ROWS} imported rows, {watcher}")
    assert all(r["errors"] == [] for r in results), [r["errors"][:3] for r in results]
    activities = sum(r["activities"] for r in results)
    moves = sum(r["moves"] for r in results)
    assert activities == WRITERS * WRITES

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == (
        start["activities"] + activities
    )
    tui_moves = watcher["moves"]
    assert conn.execute("SELECT count(*) FROM stage_changes").fetchone()[0] == (
        start["stage_changes"] + moves + tui_moves
    )
    watched_changes = "SELECT count(*) FROM stage_changes WHERE deal_id = ?"
    assert conn.execute(watched_changes, (watched,)).fetchone()[0] == 1 + tui_moves  # 1: created
    assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] == (
        start["leads"] + IMPORT_ROWS
    )
    assert conn.execute("SELECT rows, created, rejected FROM imports").fetchall() == [
        (IMPORT_ROWS, IMPORT_ROWS, 0)
    ]
    events = _events_since(conn, first_command)
    assert events.get(("activities", "insert")) == activities
    assert events.get(("stage_changes", "insert")) == moves + tui_moves
    assert events.get(("deals", "update")) == moves + tui_moves
    assert events.get(("imports", "insert")) == 1  # an import is one event; its rows are ranged
    assert (
        conn.execute("SELECT count(*) FROM commands WHERE id > ?", (first_command,)).fetchone()[0]
        == activities + moves + tui_moves + 1
    )
    conn.close()
    assert [c for c in doctor(db) if not c.ok] == []

    copy = sqlite3.connect(backup_path)
    ids = {r[0] for r in copy.execute("SELECT id FROM commands")}
    assert set(range(1, committed_before_backup + 1)) <= ids
    copy.close()
    assert [c for c in doctor(backup_path) if not c.ok] == []
