"""Benchmark: `pipeline import leads` against the sqlite3 shell's .import and sqlite-utils.

Generates a leads CSV shaped like a HubSpot contacts export, with the mess real files have
(BOM, CRLF, mixed-case and padded emails, company names in several spellings, month-first
timestamps, quoted commas and newlines, markup and formula text, empty cells), then times
the three tools side by side, each on a fresh database, and prints medians and ratios.

    python bench/import_bench.py                 # 1,000,000 rows, 3 runs each
    python bench/import_bench.py --rows 200000 --repeat 1
    python bench/import_bench.py --baseline /tmp/base/.venv --only-pipeline

With --baseline (a virtualenv holding an earlier build of pipeline-tui), that build's
`pipeline import leads` runs too, interleaved with this one on the same file, and the bench
prints both trees' rows per second and their ratio (issue 13 asks for at least 0.90 of the
rows per second before leads were linked to people and companies).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FIRST = ["Ana", "José", "Zoë", "Li", "Jürgen", "Anne-Marie", "O'Brien", "Ngozi", "Søren",
         "Priya", "Mateo", "Aoife", "[bold red]x[/]", "=HYPERLINK(\"http://evil\")"]  # fmt: skip
LAST = ["Ruiz", "García", "Smith", "Nguyen", "Okafor", "Schmidt", "Dubois", "Rossi",
        "Kowalski", "Tanaka", "Ó Briain", "\x1b[31mred\x1b[0m"]  # fmt: skip
COMPANIES = [f"{w} {s}" for w in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
             "Stark", "Wayne", "Cyberdyne", "Soylent", "Müller", "Société Générale")
             for s in ("Corp", "GmbH", "S.A.", "Ltd", "Inc.", "& Co")]  # fmt: skip
STATUSES = ["New", "NEW", "Open", "In Progress", "IN_PROGRESS", "Attempted to contact",
            "Connected", "Unqualified", "Bad timing", ""]  # fmt: skip
SOURCES = ["Organic Search", "Paid Social", "Referral", "Direct Traffic", "Offline Sources", ""]
TOPICS = ["Operational", "Strategy", "Financial", ""]
NOTES = ["", "", "", "Called, left voicemail; wants pricing for the \"enterprise\" tier",
         "line one\nline two", "[link=https://x.example]click[/link]", "+1 call back",
         "@channel ping", "Zürich office — 3 seats"]  # fmt: skip
HEADER = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
          "Lead Status", "Original Source", "Contact owner", "Favorite Content Topics",
          "Create Date", "Notes"]  # fmt: skip


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    owners = [f"Agent {i:02d}" for i in range(30)]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for i in range(rows):
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            local = f"{first[:3]}.{rnd.choice(LAST)[:4]}".lower().replace(" ", "")
            email = f"{local}.{i}@example.com"
            if i % 7 == 0:
                email = email.upper()
            if i % 11 == 0:
                email = f" {email} "
            company = rnd.choice(COMPANIES)
            if i % 5 == 0:
                company = company.upper()
            if i % 13 == 0:
                company = "  " + company.replace(" ", "  ")
            if i % 17 == 0:
                company = ""
            stamp = (
                f"{rnd.randint(1, 12)}/{rnd.randint(1, 28)}/{rnd.choice((2023, 2024, 2025))} "
                f"{rnd.randint(0, 23)}:{rnd.randint(0, 59):02d}"
            )
            w.writerow([105_000_000_000 + i, first, last, email,
                        f"+1 555 {i % 10_000:04d}" if i % 3 else "", company,
                        rnd.choice(STATUSES), rnd.choice(SOURCES), rnd.choice(owners),
                        rnd.choice(TOPICS), stamp, rnd.choice(NOTES)])  # fmt: skip


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ, PIPELINE_DB=str(db), PIPELINE_OWNER="Bench", TZ="UTC")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed wheel has its bytecode
    return env


def _fresh(folder: Path, name: str) -> Path:
    db = folder / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def _import_with(bin_dir: Path, folder: Path, csv_path: Path, label: str) -> float:
    db = _fresh(folder, "pipeline.db")
    exe = shutil.which("pipeline", path=str(bin_dir)) or "pipeline"
    # The database is created first so that the timing covers the import alone.
    subprocess.run([exe, "init"], env=_env(db), check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([exe, "import", "leads", str(csv_path), "--tz", "UTC"], env=_env(db),
                   check=True, capture_output=True)  # fmt: skip
    took = time.perf_counter() - start
    conn = sqlite3.connect(db)
    n = conn.execute("SELECT count(*) FROM leads").fetchone()[0]
    linked = ""
    if "contact_id" in {r[1] for r in conn.execute("PRAGMA table_info(leads)")}:
        people = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        with_person = conn.execute(
            "SELECT count(*) FROM leads WHERE contact_id IS NOT NULL"
        ).fetchone()[0]
        with_company = conn.execute(
            "SELECT count(*) FROM leads WHERE company_id IS NOT NULL"
        ).fetchone()[0]
        linked = f", {people:,} people; {with_person:,} linked to a person, "
        linked += f"{with_company:,} to a company"
    conn.close()
    print(f"    {label}: {n:,} leads stored{linked}", flush=True)
    return took


def run_pipeline(folder: Path, csv_path: Path) -> float:
    return _import_with(Path(sys.executable).parent, folder, csv_path, "pipeline import leads")


def baseline_runner(venv: Path, name: str) -> Callable[[Path, Path], float]:
    """Run `pipeline import leads` of the build installed in ``venv``."""

    def run(folder: Path, csv_path: Path) -> float:
        return _import_with(venv / "bin", folder, csv_path, f"baseline {name}")

    return run


def baseline_name(venv: Path) -> str:
    """The baseline's commit, when its virtualenv sits in a git checkout; else its path."""
    found = subprocess.run(["git", "-C", str(venv.parent), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True)  # fmt: skip
    return found.stdout.strip() or str(venv)


def run_sqlite3(folder: Path, csv_path: Path) -> float:
    db = _fresh(folder, "shell.db")
    script = f".mode csv\n.import '{csv_path}' leads\n"
    start = time.perf_counter()
    subprocess.run(["sqlite3", str(db)], input=script, text=True, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def run_sqlite_utils(folder: Path, csv_path: Path) -> float:
    db = _fresh(folder, "su.db")
    exe = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent)) or "sqlite-utils"
    start = time.perf_counter()
    subprocess.run([exe, "insert", str(db), "leads", str(csv_path), "--csv"], check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="keep the generated CSV at this path")
    ap.add_argument("--baseline", type=Path, help="virtualenv of an earlier build to compare")
    ap.add_argument("--only-pipeline", action="store_true",
                    help="leave out sqlite3 .import and sqlite-utils")  # fmt: skip
    args = ap.parse_args()
    src = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
    folder = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        csv_path = args.keep or folder / "leads.csv"
        t = time.perf_counter()
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size
        print(f"Generated {args.rows:,} leads ({size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t:.1f} s: {csv_path}")  # fmt: skip
        print(f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
              f"SQLite {sqlite3.sqlite_version}")  # fmt: skip
        tools: dict[str, Callable[[Path, Path], float]] = {"pipeline import leads": run_pipeline}
        base = ""
        if args.baseline is not None:
            base = f"baseline {baseline_name(args.baseline)}"
            tools[base] = baseline_runner(args.baseline, base.split(" ", 1)[1])
        if not args.only_pipeline:
            tools["sqlite3 .import (floor)"] = run_sqlite3
            tools["sqlite-utils insert --csv"] = run_sqlite_utils
        times: dict[str, list[float]] = {name: [] for name in tools}
        for i in range(args.repeat):  # interleaved, so drift in the machine hits all three
            for name, fn in tools.items():
                took = fn(folder, csv_path)
                times[name].append(took)
                print(f"  run {i + 1}: {name:28} {took:7.2f} s", flush=True)
        med = {name: statistics.median(v) for name, v in times.items()}
        ours = med["pipeline import leads"]
        print(f"\nMedians over {args.repeat} run(s), {args.rows:,} rows:")
        print(f"  {'tool':28} {'median s':>9} {'rows/s':>10} {'time / pipeline':>16}")
        for name, m in med.items():
            print(f"  {name:28} {m:9.2f} {args.rows / m:10,.0f} {m / ours:16.2f}")
        if not args.only_pipeline:
            shell, su = med["sqlite3 .import (floor)"], med["sqlite-utils insert --csv"]
            print(f"\npipeline vs sqlite3 .import: {shell / ours:.2f}× (goal ≥ 0.35×); "
                  f"vs sqlite-utils: {su / ours:.1f}× (goal ≥ 8×); "
                  f"{args.rows / ours:,.0f} rows/s (goal ≥ 300,000)")  # fmt: skip
        if base:
            then, now = args.rows / med[base], args.rows / ours
            print(f"\n{args.rows:,} leads, median of {args.repeat} interleaved run(s): this tree "
                  f"{now:,.0f} rows/s, {base} {then:,.0f} rows/s; ratio {now / then:.2f} "
                  "(goal ≥ 0.90)")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for p in folder.iterdir():
                if p != args.keep:
                    p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
