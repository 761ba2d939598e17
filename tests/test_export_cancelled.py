"""An activity's cancellation survives `export activities` and `import activities`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends

OPEN = "SELECT id FROM activities WHERE done_at IS NULL AND cancelled_at IS NULL AND deal_id = ?"


def _cancel_a_deals_next_step(cli: Cli, store: Store) -> tuple[int, int, str]:
    """Cancel the next step of some deal; (deal, activity, cancelled_at)."""
    deal, activity = store.one(
        "SELECT deal_id, id FROM activities WHERE done_at IS NULL AND cancelled_at IS NULL "
        "AND deal_id IS NOT NULL ORDER BY id LIMIT 1"
    )  # type: ignore[misc]
    result = cli("activity", "cancel", str(activity), "--reason", "Client, moved to [b]Q3[/b]")
    assert result.exit_code == 0, result.stderr
    at = store.scalar("SELECT cancelled_at FROM activities WHERE id = ?", (activity,))
    assert at
    return deal, activity, at


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_then_import_keeps_a_cancelled_activity_cancelled(
    cli: Cli, demo_store: Store, tmp_path: Path
) -> None:
    deal, activity, at = _cancel_a_deals_next_step(cli, demo_store)
    exported = {e: cli("export", e).stdout for e in ("leads", "deals", "activities")}
    row = next(r for r in _rows(exported["activities"]) if r["external_id"].endswith(
        f":activity:{activity}"))  # fmt: skip
    assert (row["cancelled_at"], row["cancel_reason"]) == (at, "Client, moved to [b]Q3[/b]")
    other = tmp_path / "other.db"
    for entity in ("leads", "deals", "activities"):
        path = tmp_path / f"{entity}.csv"
        path.write_text(exported[entity])
        result = cli("--db", str(other), "import", entity, str(path), "--tz", "UTC")
        assert result.exit_code == 0, (entity, result.stderr)
    assert cli("--db", str(other), "export", "activities").stdout == exported["activities"]
    copy = Store(other)
    try:
        found = copy.one(
            "SELECT a.id, a.cancelled_at, a.cancel_reason, a.deal_id FROM activities a "
            "WHERE a.subject = ? AND a.cancelled_at IS NOT NULL",
            (row["subject"],),
        )
        assert found is not None and found[1:3] == (at, "Client, moved to [b]Q3[/b]")
        # The cancelled plan is not the imported deal's next step, as it was not the source's.
        assert (
            copy.scalar("SELECT next_activity_id FROM deals WHERE id = ?", (found[3],))
            != (found[0])
        )
        assert copy.scalar("SELECT count(*) FROM activities WHERE cancelled_at IS NOT NULL") == (
            demo_store.scalar("SELECT count(*) FROM activities WHERE cancelled_at IS NOT NULL")
        )
    finally:
        copy.close()
    # The same file into the database it came from: every row found, nothing changes.
    report = cli("import", "activities", str(tmp_path / "activities.csv"), "--tz", "UTC",
                 "--format", "json").json()  # fmt: skip
    assert (report["created"], report["updated"]) == (0, 0)
    assert demo_store.scalar("SELECT cancelled_at FROM activities WHERE id = ?", (activity,)) == at
    assert activity not in [r[0] for r in demo_store.all(OPEN, (deal,))]


def test_a_row_both_done_and_cancelled_is_rejected(cli: Cli, tmp_path: Path) -> None:
    assert cli("lead", "add", "--email", "ana@x.example", "Ana").exit_code == 0
    path = tmp_path / "acts.csv"
    path.write_text(
        "subject,lead,due_at,done_at,cancelled_at\n"
        "Call back,ana@x.example,2026-03-01,2026-03-01T10:00:00Z,2026-03-01T09:00:00Z\n"
        "Send deck,ana@x.example,2026-03-02,,2026-03-01T09:00:00Z\n"
    )
    result = cli("import", "activities", str(path), "--tz", "UTC")
    assert result.exit_code != 0
    assert "line 2: both done and cancelled" in result.stderr
    assert "nothing was imported" in result.stderr
    listed = cli("activity", "list", "--format", "json").json()
    assert listed == []
