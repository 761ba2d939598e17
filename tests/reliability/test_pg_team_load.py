"""Three members at once on one server (issue 14): two CLI processes and a headless TUI.

Each has its own HOME, owner and PostgreSQL role (reps, via `pipeline team add`). The CLI
members add deals at companies they share and log calls; the TUI member moves a card of
their own back and forth with live refresh. Afterwards the counts and value sums are exact,
no company or owner is duplicated, every command is journalled under its member's login, and
each member's `undo` reverts only their own last command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from tests.reliability.helpers import BIG

ROOT = Path(__file__).resolve().parents[2]
WRITES = 400 if BIG else 120
MEMBERS = {"ana_ruiz": "Ana Ruiz", "ben_ode": "Ben Ode", "tia_board": "Tia Board"}
TUI_DEAL = "Tia's card"


def _env(url: str, login: str, home: Path) -> dict[str, str]:
    home.mkdir(exist_ok=True)
    return dict(os.environ, PIPELINE_DB=url.replace("user=postgres", f"user={login}"),
                PIPELINE_OWNER=MEMBERS.get(login, "Admin"), HOME=str(home),
                XDG_DATA_HOME=str(home / "xdg"))  # fmt: skip


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline_tui", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)  # fmt: skip


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def _one(url: str, sql: str) -> Any:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]


def test_three_members_at_once(pg_url: str, tmp_path: Path) -> None:
    admin = _env(pg_url, "postgres", tmp_path / "admin")
    for name in MEMBERS.values():
        assert _cli(admin, "team", "add", name, "--role", "rep").returncode == 0
    env = {login: _env(pg_url, login, tmp_path / login) for login in MEMBERS}
    made = _cli(env["tia_board"], "deal", "add", TUI_DEAL, "--value", "500")
    assert made.returncode == 0, made.stderr
    start_deals = _one(pg_url, "SELECT count(*), coalesce(sum(value_minor), 0) FROM deals")[0]

    stop = tmp_path / "stop"
    tui = _spawn(env["tia_board"], "tests.reliability.tui_watcher", env["tia_board"]["PIPELINE_DB"],
                 TUI_DEAL, str(stop))  # fmt: skip
    deadline = time.monotonic() + 120
    while not stop.with_suffix(".ready").exists():
        assert tui.poll() is None, tui.communicate()
        assert time.monotonic() < deadline, "the TUI did not start"
        time.sleep(0.1)
    writers = {
        login: _spawn(env[login], "tests.reliability.pg_member", login, str(WRITES))
        for login in ("ana_ruiz", "ben_ode")
    }
    results = {}
    for login, proc in writers.items():
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err
        results[login] = json.loads(out)
    stop.touch()
    out, err = tui.communicate(timeout=600)
    assert tui.returncode == 0, err
    watcher = json.loads(out)
    print(f"\nthree members: 2 x {WRITES} CLI deals, TUI {watcher}")

    assert watcher["errors"] == [] and watcher["moves"] >= 2 and watcher["refreshes"] > 0
    for login, r in results.items():
        assert r["errors"] == [] and r["deals"] == WRITES, (login, r["errors"][:3])
    n, total = _one(pg_url, "SELECT count(*), sum(value_minor) FROM deals")[0]
    assert n == start_deals[0] + 2 * WRITES
    assert total == start_deals[1] + sum(int(r["value_minor"]) for r in results.values())
    assert _one(pg_url, "SELECT name_key FROM companies GROUP BY 1 HAVING count(*) > 1") == []
    assert _one(pg_url, "SELECT name_key FROM owners GROUP BY 1 HAVING count(*) > 1") == []
    assert _one(pg_url, "SELECT count(*) FROM companies WHERE name LIKE 'Shared Co %'") == [(7,)]
    # Every member's deals and moves are journalled under that member's login.
    for login in ("ana_ruiz", "ben_ode"):
        wrong = _one(pg_url, f"SELECT count(*) FROM commands WHERE summary LIKE '%{login}-%' "
                             f"AND login IS DISTINCT FROM '{login}'")  # fmt: skip
        assert wrong == [(0,)]
        mine = _one(pg_url, f"SELECT count(*) FROM commands WHERE login = '{login}'")[0][0]
        assert mine == WRITES + int(results[login]["calls"])
    tia = _one(pg_url, "SELECT count(*) FROM commands WHERE login = 'tia_board'")[0][0]
    assert tia == 1 + watcher["moves"]

    # Each member's undo reverts their own last command only: the last deal they added
    # (WRITES - 1 is not a multiple of 3, so no call came after it), never another's.
    assert (WRITES - 1) % 3
    for login in ("ana_ruiz", "ben_ode"):
        before = {r[0] for r in _one(pg_url, "SELECT title FROM deals")}
        undone = _cli(env[login], "undo")
        assert undone.returncode == 0, undone.stderr
        after = {r[0] for r in _one(pg_url, "SELECT title FROM deals")}
        assert before - after == {f"{login}-{WRITES - 1}"} and after <= before
    logins = _one(pg_url, "SELECT c.login, u.login FROM commands c JOIN commands u "
                          "ON u.id = c.undone_by")  # fmt: skip
    assert sorted(logins) == [("ana_ruiz", "ana_ruiz"), ("ben_ode", "ben_ode")]
