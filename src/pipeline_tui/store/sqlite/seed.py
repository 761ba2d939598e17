"""What a new database starts with: the default pipeline and its stages."""

from __future__ import annotations

import sqlite3

from pipeline_tui.models.dates import iso_ts, utcnow
from pipeline_tui.models.stage import DEFAULT_PIPELINE, DEFAULT_STAGES


def insert_stages(
    conn: sqlite3.Connection, pipeline_id: int, stages: list[tuple[str, int, str, int, str]]
) -> None:
    conn.executemany(
        "INSERT INTO stages (pipeline_id, name, name_key, position, probability, "
        "forecast_category, stalled_after_days, definition) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (pipeline_id, name, name.casefold(), i + 1, prob, cat, stall, definition)
            for i, (name, prob, cat, stall, definition) in enumerate(stages)
        ],
    )


def seed_defaults(conn: sqlite3.Connection) -> None:
    cur = conn.execute(
        "INSERT INTO pipelines (name, name_key, is_default, created_at) VALUES (?, ?, 1, ?)",
        (DEFAULT_PIPELINE, DEFAULT_PIPELINE.casefold(), iso_ts(utcnow())),
    )
    insert_stages(conn, int(cur.lastrowid or 0), DEFAULT_STAGES)
