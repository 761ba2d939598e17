"""Team mode's figures (issue 14): the same commands on a SQLite file and on PostgreSQL.

Starts a throwaway PostgreSQL 15 server (tests/pg.py) and prints a SQLite and a PostgreSQL
column for: everyday commands on the demo (goal: PG <= SQLite + 150 ms), `forecast` on a
big pipeline against a trivial PG command (goal: <= 2x), a leads import (goal: PG <= 2x
SQLite), and the TUI's NOTIFY-to-repaint latency (median and maximum).

    python bench/pg_bench.py                       # 1,000,000 deals and leads
    python bench/pg_bench.py --deals 100000 --leads 100000 --runs 5
    python bench/pg_bench.py --demo-only --runs 15   # only the everyday commands
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVERYDAY = [
    ["deal", "list", "--limit", "20"],
    ["today"],
    ["activity", "log", "--deal", "3", "call", "Quick check-in"],
    ["deal", "move", "3", "{stage}"],  # Proposal and Demo in turn, so each run moves it
    ["forecast"],
]


def _exe() -> str:
    return shutil.which("pipeline", path=str(Path(sys.executable).parent)) or "pipeline"


def _time(cmd: list[str], env: dict[str, str]) -> float:
    return _timed(cmd, env)[0]


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds, and the command's own CPU seconds (user + system): a busy machine
    stretches the first, hardly the second."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _env(db: str) -> dict[str, str]:
    return dict(os.environ, PIPELINE_DB=db, PIPELINE_OWNER="Bench", COLUMNS="120")


def everyday(lite: str, pg: str, runs: int) -> None:
    exe = _exe()
    # Byte-code as an installed wheel has it: with PYTHONDONTWRITEBYTECODE set, every run
    # would compile the source again (tens of ms, more on the side that loads more modules).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    for db in (lite, pg):
        subprocess.run([exe, "init", "--demo"], env=_env(db), check=True, stdout=subprocess.DEVNULL)
    print(f"\neveryday commands on the demo, median of {runs} (goal: PG <= SQLite + 150 ms);")
    print("wall clock, then the client's CPU time (user + system)")
    print(f"  {'SQLite':>7} {'PG':>7} {'PG-SQLite':>9}   {'SQLite':>7} {'PG':>7} {'PG-SQLite':>9}")
    for args in EVERYDAY:
        times: dict[str, list[tuple[float, float]]] = {lite: [], pg: []}
        for n in range(runs):  # interleaved, so a busy moment on the machine hits both sides
            cmd = [exe, *(a.replace("{stage}", ("Proposal", "Demo")[n % 2]) for a in args)]
            for db in (lite, pg):
                times[db].append(_timed(cmd, _env(db)))
        a, b = (statistics.median(t[0] for t in times[db]) * 1000 for db in (lite, pg))
        c, d = (statistics.median(t[1] for t in times[db]) * 1000 for db in (lite, pg))
        mark = "ok" if b - a <= 150 else "MISS"
        print(f"  {a:5.0f}ms {b:5.0f}ms {b - a:7.0f}ms   {c:5.0f}ms {d:5.0f}ms {d - c:7.0f}ms  "
              f"pipeline {' '.join(args)}  {mark}")  # fmt: skip


def big_forecast(tmp: Path, pg: str, deals: int, runs: int) -> None:
    from bench.bigdb import build

    path = build(tmp / "big.db", deals=deals)
    exe = _exe()
    started = time.perf_counter()
    subprocess.run([exe, "db", "copy", str(path), pg, "--force"], env=_env(pg), check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    copied = time.perf_counter() - started
    import psycopg

    with psycopg.connect(pg, autocommit=True) as conn:  # what autovacuum would do, now
        conn.execute("VACUUM ANALYZE")
    trivial = statistics.median(_time([exe, "stage", "list"], _env(pg)) for _ in range(runs))
    results = {}
    for db in (str(path), pg):
        results[db] = statistics.median(_time([exe, "forecast"], _env(db)) for _ in range(runs))
    ratio = results[pg] / trivial
    print(f"\n{deals:,} deals (db copy to PG took {copied:.1f} s), median of {runs}:")
    print(f"  forecast: SQLite {results[str(path)] * 1000:.0f} ms, PG {results[pg] * 1000:.0f} "
          f"ms; trivial PG command (stage list) {trivial * 1000:.0f} ms; PG forecast = "
          f"{ratio:.2f}x trivial (goal <= 2x) {'ok' if ratio <= 2 else 'MISS'}")  # fmt: skip


def leads_import(tmp: Path, lite: str, pg: str, rows: int) -> None:
    from bench.import_bench import generate

    csv_path = tmp / "leads.csv"
    generate(csv_path, rows)
    exe = _exe()
    took = {}
    for db in (lite, pg):
        took[db] = _time([exe, "import", "leads", str(csv_path)], _env(db))
    ratio = took[pg] / took[lite]
    print(f"\n{rows:,}-lead import: SQLite {took[lite]:.1f} s, PG {took[pg]:.1f} s = "
          f"{ratio:.2f}x (goal <= 2x) {'ok' if ratio <= 2 else 'MISS'}")  # fmt: skip


def notify_latency(pg: str, n: int) -> None:
    from pipeline_tui.store.api import open_store
    from pipeline_tui.tui.app import PipelineApp
    from tests.tui.conftest import settle

    seen: list[float] = []

    class Timed(PipelineApp):
        CSS_PATH = str(ROOT / "src" / "pipeline_tui" / "tui" / "app.tcss")

        def on_pipeline_app_data_changed(self, _message: object) -> None:
            seen.append(time.perf_counter())

    async def run() -> list[float]:
        app = Timed(pg, "board")
        writer = open_store(pg, actor="Bench")
        delays = []
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot, rounds=400)
                for i in range(n):
                    count = len(seen)
                    with writer.tx(f"bench {i}") as tx:
                        tx.update("deals", 1, {"title": f"Renamed {i}"})
                    committed = time.perf_counter()
                    while len(seen) == count:
                        await pilot.pause(0.001)
                    await settle(pilot, rounds=400)  # the board reloaded and repainted
                    delays.append(time.perf_counter() - committed)
        finally:
            writer.close()
            app.close_stores()
        return delays

    delays = asyncio.run(run())
    print(f"\nNOTIFY to repainted board, {n} commits by another connection: median "
          f"{statistics.median(delays) * 1000:.0f} ms, max {max(delays) * 1000:.0f} ms "
          f"(goal: within 500 ms) {'ok' if max(delays) <= 0.5 else 'MISS'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--notifies", type=int, default=30)
    parser.add_argument("--demo-only", action="store_true", help="only the everyday commands")
    args = parser.parse_args()
    from tests.pg import _start

    servers = _start()
    server = next(servers)
    tmp = Path(tempfile.mkdtemp(prefix="pgbench"))
    try:
        demo = server.url(server.empty_database())
        everyday(str(tmp / "demo.db"), demo, args.runs)
        if args.demo_only:
            return
        if args.notifies:
            notify_latency(demo, args.notifies)
        if args.deals:
            big_forecast(tmp, server.url(server.empty_database()), args.deals, args.runs)
        if args.leads:
            leads_import(tmp, str(tmp / "leads.db"), server.url(server.empty_database()),
                         args.leads)  # fmt: skip
    finally:
        servers.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
