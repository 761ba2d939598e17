"""Forecast and KPI speed on a 1,000,000-deal database with history, next to a trivial command.

Builds the database once (through the app's own migrations, then bulk INSERT ... SELECT in
one transaction), then times, interleaved, each command as a user runs it (a new process):

  pipeline forecast --period quarter --periods 4 --by owner --format json
  pipeline kpi --since 365d --format json
  pipeline deal list --limit 1                  (the trivial command)
  pipeline config get currency                  (for reference: start-up alone)
  python -c <the forecast's SQL aggregate>      (the bare aggregate, no app)

and prints the medians and the ratios to the trivial command. Goal: forecast <= 2x, KPI <= 3x.

    python bench/forecast_bench.py [--deals 1000000] [--runs 9] [--db PATH] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

DAYS = 6 * 365  # deals were created over six years
OWNERS = 40


def build(path: Path, deals: int) -> None:
    from pipeline_tui.store.sqlite import SqliteStore as Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Store(path).close()  # the app's schema, indexes and default stages
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date().isoformat()
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA synchronous = OFF")
    c.execute("BEGIN")
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    c.executemany(
        "INSERT INTO owners (name, name_key, created_at) VALUES (?, ?, ?)",
        [(f"Owner {i:02d}", f"owner {i:02d}", stamp) for i in range(1, OWNERS + 1)],
    )
    c.execute("CREATE TEMP TABLE n(i INTEGER PRIMARY KEY)")
    c.execute(
        "INSERT INTO n WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
        "WHERE i < ?) SELECT i FROM s",
        (deals,),
    )
    # Each deal: an age in days, a last stage (1..5), open or closed (older deals more
    # often closed), a value, a currency, sometimes overrides; then its stage history.
    c.execute(
        """
CREATE TEMP TABLE g AS
SELECT i, abs(random()) % ? AS age, 1 + abs(random()) % 5 AS pos, abs(random()) % 1000 AS r1,
  abs(random()) % 1000 AS r2, abs(random()) % 1000 AS r3
FROM n""",
        (DAYS,),
    )
    c.execute(
        f"""
INSERT INTO deals (id, title, owner_id, pipeline_id, stage_id, status, value_minor, currency,
  probability, category, close_date, next_step, next_due, lost_reason, created_at, updated_at,
  closed_at)
SELECT i, 'Deal ' || i, 1 + i % {OWNERS}, 1, pos,
  CASE WHEN r1 < min(950, age * 1000 / 200) THEN (CASE WHEN r2 < 450 THEN 'won' ELSE 'lost' END)
       ELSE 'open' END,
  (1000 + (r2 * 7919 + r3 * 104729) % 499000) * 100,
  CASE WHEN r3 < 950 THEN 'USD' WHEN r3 < 990 THEN 'EUR' ELSE 'GBP' END,
  CASE WHEN r3 % 10 = 0 THEN r2 % 101 END,
  CASE WHEN r3 % 20 = 1 THEN 'commit' WHEN r3 % 50 = 3 THEN 'omitted' END,
  CASE WHEN r2 % 20 = 0 THEN NULL ELSE date(:today, ((r2 * 37) % 420 - 60) || ' days') END,
  CASE WHEN r3 % 5 <> 0 THEN 'Follow up' END,
  CASE WHEN r3 % 5 <> 0 THEN date(:today, ((r1 * 13) % 40 - 10) || ' days') END,
  CASE WHEN r2 >= 450 THEN 'Reason ' || (r3 % 7) END,
  strftime('%Y-%m-%dT%H:%M:%SZ', :now, '-' || age || ' days', '-' || (r3 * 53) || ' seconds'),
  :now,
  NULL
FROM g""",
        {"today": today, "now": stamp},
    )
    c.execute(
        "UPDATE deals SET closed_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || "
        "(id % (1 + min(120, (julianday(?) - julianday(created_at))))) || ' days') "
        "WHERE status <> 'open'",
        (stamp,),
    )
    c.execute("UPDATE deals SET lost_reason = NULL WHERE status <> 'lost'")
    # Stage history: one change per stage reached, spread from creation to close (or now).
    c.execute(
        """
INSERT INTO stage_changes (deal_id, from_stage_id, to_stage_id, changed_at, owner_id)
SELECT d.id, CASE WHEN k.i > 1 THEN k.i - 1 END, k.i,
  strftime('%Y-%m-%dT%H:%M:%SZ', d.created_at, '+' || CAST(((k.i - 1) *
    (julianday(coalesce(d.closed_at, :now)) - julianday(d.created_at)) / d.stage_id * 86400)
    AS INTEGER) || ' seconds'), d.owner_id
FROM deals d JOIN n k ON k.i <= d.stage_id""",
        {"now": stamp},
    )
    c.execute(
        """
INSERT INTO activities (kind, subject, deal_id, owner_id, done_at, created_at, updated_at)
SELECT json_extract('["call","email","meeting","demo","proposal","note","task"]',
    '$[' || (n.i % 7) || ']'), 'Touch', d.id, d.owner_id,
  strftime('%Y-%m-%dT%H:%M:%SZ', d.created_at, '+' || (n.i % 30) || ' days'),
  d.created_at, d.created_at
FROM n JOIN deals d ON d.id = n.i
WHERE strftime('%Y-%m-%dT%H:%M:%SZ', d.created_at, '+' || (n.i % 30) || ' days') < :now""",
        {"now": stamp},
    )
    leads = deals // 5
    c.execute(
        f"""
INSERT INTO leads (name, owner_id, status, created_at, updated_at)
SELECT 'Lead ' || i, 1 + i % {OWNERS}, 'new',
  strftime('%Y-%m-%dT%H:%M:%SZ', :now, '-' || (i * 7 % {DAYS}) || ' days'), :now
FROM n WHERE i <= {leads}""",
        {"now": stamp},
    )
    c.execute(
        """
INSERT INTO activities (kind, subject, lead_id, owner_id, done_at, created_at, updated_at)
SELECT 'email', 'Intro', l.id, l.owner_id,
  strftime('%Y-%m-%dT%H:%M:%SZ', l.created_at, '+' || (l.id % 72) || ' hours'),
  l.created_at, l.created_at
FROM leads l WHERE l.id % 4 <> 0""",
    )
    c.execute("COMMIT")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


def pipeline_cmd() -> list[str]:
    script = Path(sys.executable).with_name("pipeline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline_tui"]


BARE_SQL = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute({sql!r}, {params!r}).fetchall()
"""


def bare_sql(db: Path) -> list[str]:
    """The forecast's open-deals aggregate, with no app around it."""
    from datetime import date

    from pipeline_tui.models.period import series
    from pipeline_tui.store.api import LIVE, Scope
    from pipeline_tui.store.sqlite.reports import open_sql

    ps = series("quarter", date.today(), 4)
    sql = open_sql(LIVE, "quarter", "owner", Scope())
    params = {"start": ps[0].start.isoformat(), "end": ps[-1].end.isoformat()}
    params |= Scope().params()
    return [sys.executable, "-c", BARE_SQL.format(sql=sql, params=params), str(db)]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {done.stderr.strip()}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--db", type=Path, default=Path("/tmp/pipeline-forecast-bench.db"))
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()

    src = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
    marker = args.db.with_suffix(f".{args.deals}")
    if args.rebuild or not args.db.exists() or not marker.exists():
        t0 = time.perf_counter()
        build(args.db, args.deals)
        marker.write_text("built\n")
        print(f"built {args.db} in {time.perf_counter() - t0:.1f} s")
    c = sqlite3.connect(args.db)
    for table in ("deals", "stage_changes", "activities", "leads"):
        print(f"  {table:14} {c.execute(f'SELECT count(*) FROM {table}').fetchone()[0]:>10,}")
    n_open = c.execute("SELECT count(*) FROM deals WHERE status = 'open'").fetchone()[0]
    print(f"  {'open deals':14} {n_open:>10,}")
    c.close()

    env = {**os.environ, "PIPELINE_DB": str(args.db), "PIPELINE_OWNER": "Owner 01"}
    base = pipeline_cmd()
    cases = {
        "forecast": base
        + ["forecast", "--period", "quarter", "--periods", "4", "--by", "owner"]
        + ["--format", "json"],
        "kpi": base + ["kpi", "--since", "365d", "--format", "json"],
        "trivial": base + ["deal", "list", "--limit", "1"],
        "start-up": base + ["config", "get", "currency"],
        "bare SQL": bare_sql(args.db),
    }
    for cmd in cases.values():  # warm the page cache and the bytecode
        timed(cmd, env)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, cmd in cases.items():
            times[name].append(timed(cmd, env))
    med = {name: statistics.median(v) for name, v in times.items()}
    print(f"\nmedians of {args.runs} runs ({shutil.which('pipeline') or base[0]}):")
    for name, cmd in cases.items():
        shown = " ".join(cmd[1:]) if name != "bare SQL" else "python -c <forecast aggregate>"
        if name == "start-up":
            shown += "   (for reference: the floor of any command)"
        ratio = med[name] / med["trivial"]
        print(f"  {name:9} {med[name] * 1000:7.0f} ms  {ratio:5.2f}x trivial   {shown}")
    f, k = med["forecast"] / med["trivial"], med["kpi"] / med["trivial"]
    print(f"\nforecast {f:.2f}x (goal <= 2x): {'met' if f <= 2 else 'MISSED'}")
    print(f"kpi      {k:.2f}x (goal <= 3x): {'met' if k <= 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
