"""Build a large pipeline database quickly, for the TUI benchmark.

Going through the services would cost one journalled, fsynced transaction per deal (minutes
for 100,000 deals), so this writes the tables directly in one transaction after the Store
has created the schema. It is a benchmark fixture, not a way to load real data.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline_tui.store.sqlite import SqliteStore as Store

OWNERS = [f"Rep {chr(65 + i)}{chr(97 + i)} Person" for i in range(20)]
CURRENCIES = ["USD"] * 8 + ["EUR", "GBP"]


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(path: Path, deals: int = 100_000, seed: int = 7) -> Path:
    """Create ``path`` holding ``deals`` deals in the default pipeline."""
    if path.exists():
        path.unlink()
    Store(path).close()  # schema, default pipeline and stages
    rng = random.Random(seed)
    today = date.today()
    now = datetime.now(UTC).replace(microsecond=0)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN IMMEDIATE")
    stages = [r[0] for r in conn.execute("SELECT id FROM stages ORDER BY position")]
    pipeline_id = conn.execute("SELECT id FROM pipelines WHERE is_default = 1").fetchone()[0]
    stamp = _ts(now)
    conn.executemany(
        "INSERT INTO owners (name, name_key, created_at) VALUES (?, ?, ?)",
        [(o, o.casefold(), stamp) for o in OWNERS],
    )
    conn.executemany(
        "INSERT INTO companies (name, name_key, created_at) VALUES (?, ?, ?)",
        [(f"Company {i:05d}", f"company {i:05d}", stamp) for i in range(5000)],
    )
    deal_rows = []
    changes = []
    activities = []
    for i in range(1, deals + 1):
        stage_pos = rng.randrange(len(stages))
        created = now - timedelta(days=rng.randrange(5, 400), hours=rng.randrange(24))
        status = rng.choices(["open", "won", "lost"], [70, 15, 15])[0]
        closed = _ts(created + timedelta(days=rng.randrange(1, 5))) if status != "open" else None
        close_date = (today + timedelta(days=rng.randrange(-30, 180))).isoformat()
        has_step = rng.random() < 0.8
        next_due = (today + timedelta(days=rng.randrange(-10, 30))).isoformat()
        deal_rows.append(
            (
                i,
                f"Deal {i:06d} {rng.choice(['Renewal', 'Expansion', 'Pilot', 'Platform'])}",
                rng.randrange(1, 5001),
                rng.randrange(1, len(OWNERS) + 1),
                pipeline_id,
                stages[stage_pos],
                status,
                rng.randrange(1_000, 500_000) * 100,
                rng.choice(CURRENCIES),
                close_date,
                "Follow up" if has_step else None,
                next_due if has_step else None,
                _ts(created),
                _ts(created),
                closed,
            )
        )
        changes.append((i, None, stages[0], _ts(created)))
        for step in range(1, stage_pos + 1):
            changes.append((i, stages[step - 1], stages[step], _ts(created + timedelta(days=step))))
        if rng.random() < 0.6:
            activities.append(("call", "Intro call", i, _ts(created), None, "Discussed needs"))
        if rng.random() < 0.4:
            due = (today + timedelta(days=rng.randrange(-5, 20))).isoformat()
            activities.append(("task", "Send follow-up", i, None, due, None))
    conn.executemany(
        "INSERT INTO deals (id, title, company_id, owner_id, pipeline_id, stage_id, status, "
        "value_minor, currency, close_date, next_step, next_due, created_at, updated_at, "
        "closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        deal_rows,
    )
    conn.executemany(
        "INSERT INTO stage_changes (deal_id, from_stage_id, to_stage_id, changed_at) "
        "VALUES (?, ?, ?, ?)",
        changes,
    )
    conn.executemany(
        "INSERT INTO activities (kind, subject, deal_id, done_at, due_at, notes, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(*a, stamp, stamp) for a in activities],
    )
    conn.execute("COMMIT")
    conn.close()
    return path


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pipeline-100k.db")
    build(target)
    print(target)
