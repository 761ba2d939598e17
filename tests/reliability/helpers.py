"""Shared pieces of the reliability tests: sizes, subprocess runs and bulk test data."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BIG = os.environ.get("PIPELINE_RELIABILITY_BIG") == "1"


def env_for(db: Path, tmp: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, PIPELINE_DB=str(db), PIPELINE_OWNER="Reliability")
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    env.pop("PIPELINE_DEBUG", None)
    return env


def pipeline_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline_tui", *args]


def timed_run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def kill_after(cmd: list[str], env: dict[str, str], delay: float) -> int:
    """Start ``cmd``, SIGKILL it after ``delay`` seconds (if still running); its exit code."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()
    return proc.wait()


def bulk_deals(db: Path, n: int) -> None:
    """Add ``n`` open deals straight through SQL, to make files big enough to interrupt."""
    from pipeline_tui.store.sqlite import SqliteStore as Store

    Store(db).close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO deals (title, pipeline_id, stage_id, status, value_minor, currency, "
        "created_at, updated_at) VALUES (?, 1, 1 + (? % 5), 'open', ?, 'USD', "
        "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        ((f"Bulk deal {i} " + "x" * 80, i, i * 100) for i in range(n)),
    )
    conn.execute("COMMIT")
    conn.close()
