"""Exports: formats, stable order, CSV injection, and the round trip through a new database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipeline_tui.services.exporter import export
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.test_import_files import HOSTILE, snapshot

pytestmark = pytest.mark.both_backends


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_deals_csv_has_portable_keys_names_and_plain_amounts(cli, demo_store: Store) -> None:
    result = cli("export", "deals")
    assert result.exit_code == 0, result.stderr
    rows = _rows(result.stdout)
    assert len(rows) == demo_store.scalar("SELECT count(*) FROM deals")
    key = demo_store.scalar("SELECT value FROM database_info WHERE key = 'id'")
    assert [r["external_id"] for r in rows[:2]] == [f"{key}:deal:1", f"{key}:deal:2"]
    first = demo_store.one("SELECT * FROM deals_view WHERE id = 1")
    assert first is not None
    assert rows[0]["title"] == first["title"] and rows[0]["stage"] == first["stage"]
    assert rows[0]["value"] == f"{first['value_minor'] // 100}.{first['value_minor'] % 100:02d}"
    assert list(rows[0]) == ["external_id", "title", "company", "contact", "contact_email",
        "owner", "pipeline", "stage", "status", "value", "currency", "probability", "category",
        "close_date", "lost_reason", "lead", "created_at", "closed_at",
        "custom"]  # fmt: skip
    assert cli("export", "deals").stdout == result.stdout  # stable: diffs cleanly


def test_json_jsonl_and_output_file(cli, demo_store: Store, tmp_path: Path) -> None:
    as_json = json.loads(cli("export", "leads", "--format", "json").stdout)
    lines = cli("export", "leads", "--format", "jsonl").stdout.splitlines()
    assert as_json == [json.loads(line) for line in lines]
    assert len(as_json) == demo_store.scalar("SELECT count(*) FROM leads")
    assert as_json[0]["custom"] == {}
    deals = json.loads(cli("export", "deals", "-f", "json").stdout)
    assert isinstance(deals[0]["value"], float | int)
    out = tmp_path / "stages.csv"
    done = cli("export", "stages", "-o", str(out))
    assert done.exit_code == 0 and "Exported 5 stages" in done.stderr
    assert [r["name"] for r in _rows(out.read_text())] == [
        "Lead In", "Qualified", "Demo", "Proposal", "Negotiation"]  # fmt: skip
    assert cli("export", "deals", "--format", "xml").stderr.startswith("error: invalid format")
    empty = ("--db", str(tmp_path / "empty.db"), "export", "activities")
    assert json.loads(cli(*empty, "-f", "json").stdout) == []
    assert cli(*empty).stdout.startswith("external_id,kind,subject,deal,lead,owner,")


def test_formula_cells_are_neutralised_except_numbers(cli, store: Store) -> None:
    for text in HOSTILE:
        assert cli("deal", "add", "--value", "5", "--company", text, "--", text).exit_code == 0
    rows = _rows(cli("export", "deals").stdout)
    assert [r["title"] for r in rows] == [
        "[bold red]pwned[/]",
        '\'=HYPERLINK("http://evil.example","click")',
        "\x1b[31mred\x1b[0m and [link=https://evil.example]x[/link]",
        "'+1 555 0100",
        "'-@SUM(A1:A9)",
    ]
    assert {r["value"] for r in rows} == {"5.00"}
    buf = io.StringIO()
    assert export(store, "deals", "csv", buf) == 5


def _export_all(cli, db: Path | None = None) -> dict[str, str]:
    args = ("--db", str(db)) if db else ()
    return {e: cli(*args, "export", e).stdout for e in ("leads", "deals", "activities")}


def test_export_import_export_round_trips(
    cli, demo_store: Store, tmp_path: Path, db_target: str
) -> None:
    # Hostile text and a custom field ride along with the demo pipeline.
    cli("lead", "add", "--email", "evil@x.example", "--phone", "+1 555 0100", "--", HOSTILE[1])
    cli("deal", "add", "--value", "1.5k", "--currency", "EUR", "--company", HOSTILE[0], "--",
        HOSTILE[4])  # fmt: skip
    demo_store.cursor().execute('UPDATE deals SET custom = \'{"Shoe size": "44"}\' WHERE id = 3')
    first = _export_all(cli)
    other = tmp_path / "other.db"
    for entity in ("leads", "deals", "activities"):
        path = tmp_path / f"{entity}.csv"
        path.write_text(first[entity])
        result = cli("--db", str(other), "import", entity, str(path), "--tz", "UTC")
        assert result.exit_code == 0, (entity, result.stderr)
    second = _export_all(cli, other)
    assert second == first
    copy = Store(other)
    try:
        assert copy.scalar("SELECT name FROM leads WHERE email = 'evil@x.example'") == HOSTILE[1]
        assert (
            copy.scalar("SELECT phone FROM leads WHERE email = 'evil@x.example'") == "+1 555 0100"
        )
        assert copy.scalar("SELECT count(*) FROM deals WHERE title = ?", (HOSTILE[4],)) == 1
        assert copy.scalar("SELECT count(*) FROM stage_changes") > 0
    finally:
        copy.close()
    # Re-importing an export into the database it came from finds every row again.
    before = snapshot(db_target)
    for entity in ("leads", "deals", "activities"):
        report = cli("import", entity, str(tmp_path / f"{entity}.csv"), "--tz", "UTC",
                     "--format", "json").json()  # fmt: skip
        assert (report["created"], report["updated"]) == (0, 0), (entity, report)
    assert snapshot(db_target) == before
