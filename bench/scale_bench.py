"""Everyday commands on 1,000,000 deals against the same commands on the demo database.

Builds (once) the database of bench/forecast_bench.py, makes a demo database, then times
each command as a user runs it (a new process), interleaved, and prints medians and ratios:

  today, deal list --limit 20, deal show, activity log   1M / demo   (goal <= 2x)
  review --since 7d                                      / trivial   (goal <= 3x)

The trivial command is `deal list --limit 1` on the same database.

    python bench/scale_bench.py [--deals 1000000] [--runs 7] [--db PATH] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forecast_bench import build  # noqa: E402

EVERYDAY = {
    "today": ["today"],
    "deal list --limit 20": ["deal", "list", "--limit", "20"],
    "deal show": ["deal", "show", "{deal}"],
    "activity log": ["activity", "log", "--deal", "{deal}", "call", "Quick check-in"],
}


def _run(exe: str, args: list[str], env: dict[str, str], deal: str) -> float:
    cmd = [exe, *(a.replace("{deal}", deal) for a in args)]
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", type=Path, default=Path("/tmp/pipeline-forecast-bench.db"))
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    exe = shutil.which("pipeline", path=str(Path(sys.executable).parent)) or "pipeline"
    if args.rebuild or not args.db.exists():
        build(args.db, args.deals)
    demo = Path(tempfile.mkdtemp()) / "demo.db"
    base = dict(os.environ, COLUMNS="120", PIPELINE_OWNER="Owner 01")
    envs = {"1M": dict(base, PIPELINE_DB=str(args.db)), "demo": dict(base, PIPELINE_DB=str(demo))}
    subprocess.run([exe, "init", "--demo"], env=envs["demo"], check=True, stdout=subprocess.DEVNULL)
    deals = {"1M": str(args.deals // 2), "demo": "30"}
    subprocess.run([exe, "today"], env=envs["1M"], check=True, stdout=subprocess.DEVNULL)  # migrate
    cases = {**EVERYDAY, "review --since 7d": ["review", "--since", "7d"]}
    cases["trivial: deal list --limit 1"] = ["deal", "list", "--limit", "1"]
    times: dict[tuple[str, str], list[float]] = {(c, d): [] for c in cases for d in envs}
    for _ in range(args.runs):
        for name, cmd in cases.items():
            for db, env in envs.items():
                times[(name, db)].append(_run(exe, cmd, env, deals[db]))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{args.deals:,} deals against the demo (60 deals), {args.runs} runs each, medians")
    for name in EVERYDAY:
        ratio = med[(name, "1M")] / med[(name, "demo")]
        print(f"  {name:24} 1M {med[(name, '1M')] * 1000:7.0f} ms   demo "
              f"{med[(name, 'demo')] * 1000:5.0f} ms   {ratio:4.2f}x  (goal <= 2x)")  # fmt: skip
    trivial = med[("trivial: deal list --limit 1", "1M")]
    review = med[("review --since 7d", "1M")]
    print(f"  review --since 7d        1M {review * 1000:7.0f} ms   trivial "
          f"{trivial * 1000:5.0f} ms   {review / trivial:4.2f}x  (goal <= 3x)")  # fmt: skip


if __name__ == "__main__":
    main()
