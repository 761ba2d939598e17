"""Issue 13: a closed deal imported with no close date never closes at the import time.

Its close time stays unknown: every report by period leaves it out and says how many, until
`pipeline import history` dates it from the status its history gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli
from tests.report_helpers import Clock

pytestmark = pytest.mark.both_backends

DEALS = """Id,Name,StageName,Amount,CreatedDate,CloseDate
W1,Whiskey,Closed Won,1000,2026-01-05,
L1,Lima,Closed Lost,500,2026-01-06,
W2,Wayne,Closed Won,2000,2026-01-07,2026-02-10
O1,Oscar,Qualification,300,2026-01-08,2026-06-30
"""
HISTORY = """OpportunityId,StageName,CreatedDate,Amount
W1,Qualification,2026-01-05 09:00:00,1000
W1,Closed Won,2026-02-03 09:00:00,1000
L1,Qualification,2026-01-06 09:00:00,500
L1,Closed Lost,2026-02-20 09:00:00,500
"""
KPI = ("kpi", "--from", "2026-01-01", "--to", "2026-02-28")


def _ok(result: object) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def imported(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    Clock(monkeypatch, "2026-03-01T12:00")
    result = cli("import", "deals", write(tmp_path / "d.csv", DEALS))
    _ok(result)
    assert ("Warning: 2 closed deal(s) have no close date: when they closed is left unknown, "
            "not the import time") in result.stdout  # fmt: skip
    assert "(e.g. lines 2, 3)" in result.stdout
    return cli


def test_no_close_date_is_unknown_and_reports_say_so(imported: Cli, store: Store) -> None:
    cli = imported
    rows = store.all("SELECT external_id, status, closed_at FROM deals ORDER BY id")
    assert [tuple(r) for r in rows] == [("W1", "won", None), ("L1", "lost", None),
                                        ("W2", "won", "2026-02-10T12:00:00Z"),
                                        ("O1", "open", None)]  # fmt: skip
    assert [c for c in cli("doctor", "--format", "json").json() if not c["ok"]] == []  # type: ignore[union-attr]
    kpi = cli(*KPI, "--format", "json").json()
    assert (kpi["won"], kpi["lost"], kpi["closed_undated"]) == (1, 0, 2)  # type: ignore[index]
    assert ("Won, lost and the win rate leave out 2 closed deal(s) imported with no close "
            "date") in cli(*KPI).stdout  # fmt: skip
    fc = cli("forecast", "--from", "2026-01-01", "--periods", "2", "--format", "json").json()
    assert [r["closed_won"] for r in fc] == [0.0, 2000.0, 0.0]  # type: ignore[union-attr,index]
    table = cli("forecast", "--from", "2026-01-01", "--periods", "2")
    assert "Won leaves out 1 won deal(s) imported with no close date" in table.stdout
    review = cli("review", "--since", "60d", "--format", "json").json()
    assert review["closed_undated"] == 2  # type: ignore[index]
    assert [w["deal"] for w in review["won"]] == ["Wayne"]  # type: ignore[index]
    assert "Won and lost leave out 2 closed deal(s)" in cli("review", "--since", "60d").stdout


def test_the_history_dates_the_close(imported: Cli, store: Store, tmp_path: Path) -> None:
    cli = imported
    result = cli("import", "history", write(tmp_path / "h.csv", HISTORY), "--tz", "UTC",
                 "--format", "json")  # fmt: skip
    _ok(result)
    assert result.json()["closed_dated"] == 2  # type: ignore[index]
    rows = store.all("SELECT external_id, closed_at FROM deals WHERE closed_at IS NOT NULL "
                     "ORDER BY id")  # fmt: skip
    assert [tuple(r) for r in rows] == [("W1", "2026-02-03T09:00:00Z"),
                                        ("L1", "2026-02-20T09:00:00Z"),
                                        ("W2", "2026-02-10T12:00:00Z")]  # fmt: skip
    kpi = cli(*KPI, "--format", "json").json()
    assert (kpi["won"], kpi["lost"], kpi["closed_undated"]) == (2, 1, 0)  # type: ignore[index]
    assert "leave out" not in cli(*KPI).stdout.split("Activities")[0]
    shown = cli("import", "history", str(tmp_path / "h.csv"), "--tz", "UTC", "--dry-run")
    _ok(shown)
    _ok(cli("undo"))
    assert store.scalar("SELECT count(*) FROM deals WHERE closed_at IS NULL") == 3
