"""`doctor`: every health check of a database file, each returning what it found."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from pipeline_tui.store.report_records import Check
from pipeline_tui.store.sqlite.schema import SCHEMA_VERSION

# name -> (SQL counting bad rows, what a bad row means)
_ORPHANS = {
    "deals without a stage": (
        "SELECT count(*) FROM deals d LEFT JOIN stages s ON s.id = d.stage_id WHERE s.id IS NULL",
        "deal(s) point at a stage that does not exist",
    ),
    "deals in a stage of another pipeline": (
        "SELECT count(*) FROM deals d JOIN stages s ON s.id = d.stage_id "
        "WHERE s.pipeline_id != d.pipeline_id",
        "deal(s) sit in a stage of another pipeline",
    ),
    "open deals in a removed stage": (
        "SELECT count(*) FROM deals d JOIN stages s ON s.id = d.stage_id "
        "WHERE d.status = 'open' AND s.archived = 1",
        "open deal(s) sit in a removed stage",
    ),
    "stage history of missing deals or stages": (
        "SELECT count(*) FROM stage_changes sc LEFT JOIN deals d ON d.id = sc.deal_id "
        "LEFT JOIN stages t ON t.id = sc.to_stage_id WHERE d.id IS NULL OR t.id IS NULL",
        "stage change(s) name a missing deal or stage",
    ),
    "amount and close-date history of missing deals": (
        "SELECT count(*) FROM deal_history h LEFT JOIN deals d ON d.id = h.deal_id "
        "WHERE d.id IS NULL",
        "history row(s) name a missing deal",
    ),
    "activities on missing deals or leads": (
        "SELECT count(*) FROM activities a LEFT JOIN deals d ON d.id = a.deal_id "
        "LEFT JOIN leads l ON l.id = a.lead_id "
        "WHERE (a.deal_id IS NOT NULL AND d.id IS NULL) "
        "OR (a.lead_id IS NOT NULL AND l.id IS NULL)",
        "activit(y/ies) belong to a missing deal or lead",
    ),
    "events without a command": (
        "SELECT count(*) FROM events e LEFT JOIN commands c ON c.id = e.command_id "
        "WHERE c.id IS NULL",
        "event(s) have no command",
    ),
}
_MONEY = {
    "amounts stored as whole minor units": (
        "SELECT count(*) FROM deals WHERE typeof(value_minor) NOT IN ('integer', 'null') "
        "OR value_minor < 0 OR length(currency) != 3 OR currency != upper(currency)",
        "deal(s) have a negative, fractional or non-integer amount, or a bad currency",
    ),
    "view totals match the table": (
        "SELECT count(*) FROM "
        "(SELECT currency, total(value_minor) AS t FROM deals GROUP BY currency) a LEFT JOIN "
        "(SELECT currency, total(value_minor) AS t FROM deals_view GROUP BY currency) b "
        "USING (currency) WHERE b.t IS NULL OR a.t != b.t",
        "currenc(y/ies) whose total differs between deals and deals_view",
    ),
    "closed deals have a close time": (
        # `deal lose` asks for a reason; an imported file may not give one (Maven's lost
        # deals have none), and an import invents nothing, so imported deals may lack it.
        "SELECT count(*) FROM deals WHERE (status = 'open') != (closed_at IS NULL) "
        "OR (status = 'lost' AND coalesce(lost_reason, '') = '' AND external_id IS NULL)",
        "deal(s) whose status, closed_at and lost reason disagree",
    ),
}


def _permissions(db: Path) -> Check:
    loose = []
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if path.exists() and stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            loose.append(f"{path.name} is {oct(stat.S_IMODE(os.stat(path).st_mode))}")
    if loose:
        return Check("file permissions", False, "; ".join(loose) + f" (run: chmod 600 {db}*)")
    return Check("file permissions", True, "0600, readable by you only")


def _run(name: str, fn: Callable[[], tuple[bool, str]]) -> Check:
    try:
        ok, detail = fn()
    except sqlite3.DatabaseError as exc:
        ok, detail = False, f"cannot check: {exc}"
    return Check(name, ok, detail)


def diagnose(db: Path) -> list[Check]:
    """Run every check on ``db`` without changing it."""
    if not db.exists():
        return [Check("database file", False, f"no database at {db}")]
    checks = [Check("database file", True, str(db)), _permissions(db)]
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=15)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        return [*checks, Check("opens as SQLite", False, str(exc))]

    def integrity() -> tuple[bool, str]:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        return rows == ["ok"], "ok" if rows == ["ok"] else "; ".join(rows[:5])

    def foreign_keys() -> tuple[bool, str]:
        rows = conn.execute("PRAGMA foreign_key_check").fetchall()
        if not rows:
            return True, "every reference resolves"
        tables = sorted({r[0] for r in rows})
        return False, f"{len(rows)} broken reference(s) in {', '.join(tables)}"

    def schema() -> tuple[bool, str]:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            return False, f"schema v{version} is newer than this pipeline-tui (v{SCHEMA_VERSION})"
        if version < SCHEMA_VERSION:
            return True, f"schema v{version}; opening it will migrate to v{SCHEMA_VERSION}"
        return True, f"schema v{version}, as the code expects"

    def wal() -> tuple[bool, str]:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        wal_file = Path(f"{db}-wal")
        size = wal_file.stat().st_size if wal_file.exists() else 0
        return mode == "wal", f"journal_mode={mode}, -wal file {size:,} bytes"

    checks += [
        _run("integrity_check", integrity),
        _run("foreign_key_check", foreign_keys),
        _run("schema version", schema),
        _run("WAL", wal),
    ]
    for name, (sql, meaning) in {**_ORPHANS, **_MONEY}.items():

        def count(sql: str = sql, meaning: str = meaning) -> tuple[bool, str]:
            bad = int(conn.execute(sql).fetchone()[0])
            return bad == 0, "none" if bad == 0 else f"{bad} {meaning}"

        checks.append(_run(name, count))
    conn.close()
    return checks
