"""Start-up benchmark: everyday commands against `python -c "import typer, rich.table"`.

Run: python bench/startup.py [--runs 15]
It builds the demo database in a temp dir, compiles bytecode as an installed wheel has
it, then times each command and the baseline side by side (interleaved), printing medians
and the ratio to the baseline. Goal (issue 2): every ratio <= 1.6.
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

GOAL = 1.6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("pipeline", path=str(Path(sys.executable).parent)) or "pipeline"
    src = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
    tmp = Path(tempfile.mkdtemp())
    env = dict(os.environ, PIPELINE_DB=str(tmp / "bench.db"), COLUMNS="120", PIPELINE_OWNER="Bench")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([exe, "init", "--demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    cases = {
        "baseline: python -c 'import typer, rich.table'": [
            sys.executable,
            "-c",
            "import typer, rich.table",
        ],
        "pipeline deal list --limit 20": [exe, "deal", "list", "--limit", "20"],
        "pipeline today": [exe, "today"],
        "pipeline activity log --deal 3 call 'Quick check-in'": [
            exe,
            "activity",
            "log",
            "--deal",
            "3",
            "call",
            "Quick check-in",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, cmd in cases.items():
            start = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(next(iter(times.values())))
    print(f"demo database (60 deals), {args.runs} runs each, medians; goal <= {GOAL}x baseline")
    ok = True
    for name, values in times.items():
        med = statistics.median(values)
        ratio = med / base
        ok &= ratio <= GOAL or name.startswith("baseline")
        print(f"  {med * 1000:7.1f} ms  {ratio:5.2f}x  {name}")
    print("PASS" if ok else "MISS")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
