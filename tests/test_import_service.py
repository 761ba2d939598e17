"""The import service below the CLI: worker processes, odd files, deals' stages and undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_tui.models import PipelineError
from pipeline_tui.services.imports import history as imports
from pipeline_tui.services.imports.run import ImportOptions, InvalidRows, run_import
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.test_import_files import snapshot, write_csv

pytestmark = pytest.mark.both_backends

COLUMNS = ["id", "Name", "Email", "Company", "Notes", "Create Date"]


def _rows(n: int, *, stray_quote: bool = False) -> list[list[str]]:
    rows = [COLUMNS]
    for i in range(n):
        notes = f'call back\nabout {i}, "soon"' if i % 7 == 0 else "plain"
        if stray_quote and i == n // 3:
            notes = "plain"
        rows.append([f"X{i}", f"Name {i}", f"p{i}@x.example", f"Co {i % 50}", notes,
                     f"{i % 12 + 1}/{i % 28 + 1}/2024 10:{i % 60:02d}"])  # fmt: skip
    return rows


def _leads(store: Store) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.all(
        "SELECT l.name, l.email, l.notes, l.created_at, l.external_id, c.name FROM leads l "
        "LEFT JOIN companies c ON c.id = l.company_id ORDER BY l.id")]  # fmt: skip


def test_worker_processes_give_the_same_rows_as_one_process(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "many.csv", _rows(3000), newline="\r\n")
    results = {}
    for workers in (1, 3):
        store = Store(tmp_path / f"w{workers}.db", actor="T")
        seen: list[tuple[str, int, int]] = []
        report = run_import(
            store,
            ImportOptions("leads", str(path), zone="UTC", workers=workers),
            lambda phase, done, total, seen=seen: seen.append((phase, done, total)),
        )
        assert (report.rows, report.created, report.rejected) == (3000, 3000, 0)
        assert seen[-1][0] == "write"
        assert max(done for phase, done, _ in seen if phase == "read") == path.stat().st_size - 41
        results[workers] = _leads(store)
        store.close()
    assert results[1] == results[3]
    assert results[1][7][2] == 'call back\nabout 7, "soon"'  # exactly as written


def test_a_stray_quote_that_fools_the_split_falls_back_to_one_piece(
    tmp_path: Path, store: Store
) -> None:
    text = "id,Name,Email\n" + "".join(f"X{i},N{i},e{i}@x.example\n" for i in range(600))
    # A quote inside an unquoted field is literal for the CSV reader but flips the
    # quote parity the splitter counts; the worker before the cut must notice.
    text = text.replace("N100,", 'N"100,', 1)
    text += '"X600","multi\nline",e600@x.example\n' + "".join(
        f"X{i},N{i},e{i}@x.example\n" for i in range(601, 1200)
    )
    path = tmp_path / "stray.csv"
    path.write_text(text)
    report = run_import(store, ImportOptions("leads", str(path), workers=4))
    assert (report.created, report.rejected) == (1200, 0)
    assert store.scalar("SELECT name FROM leads WHERE external_id = 'X100'") == 'N"100'
    assert store.scalar("SELECT name FROM leads WHERE external_id = 'X600'") == "multi\nline"


def test_windows_1252_after_a_utf8_looking_start_is_read_as_windows_1252(
    tmp_path: Path, store: Store
) -> None:
    head = "Name,Email\n" + "".join(f"N{i},e{i}@x.example\n" for i in range(40_000))
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode() + "Müller,m@x.example\n".encode("cp1252"))
    report = run_import(store, ImportOptions("leads", str(path)))
    assert (report.encoding, report.created) == ("cp1252", 40_001)
    assert store.scalar("SELECT name FROM leads WHERE email = 'm@x.example'") == "Müller"


def test_deal_reimport_moves_stages_and_undo_restores_history(
    store: Store, tmp_path: Path, db_target: str
) -> None:
    rows = [["Id", "Name", "StageName", "Amount", "Account Name", "Contact", "Email", "Created"],
            ["D1", "Alpha", "Qualification", "1000", "Acme", "Jo Doe", "jo@acme.example",
             "2025-01-10"],
            ["D2", "Beta", "Proposal/Quote", "2000", "Acme", "", "", "2025-01-11"]]  # fmt: skip
    run_import(store, ImportOptions("deals", str(write_csv(tmp_path / "a.csv", rows))))
    # Each deal entered its stage at the creation date the file gives.
    assert store.scalar("SELECT count(*) FROM stage_changes") == 2
    contact = store.one("SELECT name, email, email_key, company_id FROM contacts")
    assert tuple(contact or ()) == ("Jo Doe", "jo@acme.example", "jo@acme.example", 1)
    before = snapshot(db_target)
    rows[1][2], rows[2][2] = "Negotiation/Review", "Closed Lost"
    report = run_import(store, ImportOptions("deals", str(write_csv(tmp_path / "b.csv", rows))))
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    moved = store.one("SELECT from_stage_id, to_stage_id FROM stage_changes WHERE id = 3")
    assert tuple(moved or ()) == (2, 5)
    lost = store.one("SELECT status, closed_at, stage_id FROM deals WHERE external_id = 'D2'")
    # The file says lost but not when: unknown, not the import time, and said so.
    assert lost is not None and lost["status"] == "lost" and lost["closed_at"] is None
    assert report.findings["closed_undated"] == (1, [3])
    assert lost["stage_id"] == 4  # lost where it stood: Proposal
    imports.undo_import(store, report.import_id or 0)
    assert snapshot(db_target) == before


def test_create_stages_and_undo_removes_them(store: Store, tmp_path: Path, db_target: str) -> None:
    rows = [["Deal Name", "Deal Stage", "Probability"], ["A", "Scoping", "30"],
            ["B", "Scoping", "30"], ["C", "Vendor review", "70"]]  # fmt: skip
    path = write_csv(tmp_path / "s.csv", rows)
    with pytest.raises(PipelineError, match=r"Scoping \(2 rows\), Vendor review \(1 rows\)"):
        run_import(store, ImportOptions("deals", str(path)))
    with pytest.raises(PipelineError, match="no stage named 'Nowhere'"):
        run_import(store, ImportOptions("deals", str(path), stage_maps=["Scoping=Nowhere"]))
    before = snapshot(db_target)
    report = run_import(store, ImportOptions("deals", str(path), create_stages=True))
    assert report.created_stages == ["Scoping", "Vendor review"]
    made = store.all("SELECT name, position, probability FROM stages WHERE id > 5 ORDER BY id")
    assert [tuple(r) for r in made] == [("Scoping", 6, 30), ("Vendor review", 7, 70)]
    imports.undo_import(store, report.import_id or 0)
    assert snapshot(db_target) == before


def test_activities_attach_to_imported_deals_and_leads(store: Store, tmp_path: Path) -> None:
    run_import(store, ImportOptions("leads", str(write_csv(tmp_path / "l.csv", [
        ["Record ID", "Name", "Email"], ["L1", "Ana", "ana@x.example"]]))))  # fmt: skip
    run_import(store, ImportOptions("deals", str(write_csv(tmp_path / "d.csv", [
        ["Record ID", "Deal Name"], ["D1", "Alpha"]]))))  # fmt: skip
    acts = [["Type", "Subject", "Deal", "Lead", "Due Date", "Status", "Completed"],
            ["Call", "Kick-off", "D1", "", "2025-03-01", "Completed", ""],
            ["Meeting", "Demo", "D1", "", "2025-03-10 14:00", "Open", ""],
            ["Email", "Intro", "", "ana@x.example", "", "", "2025-02-01 09:30"],
            ["Call", "Ghost", "D9", "", "2025-03-01", "", ""],
            ["Fax", "Old", "D1", "", "2025-03-01", "", ""]]  # fmt: skip
    path = write_csv(tmp_path / "a.csv", acts)
    with pytest.raises(InvalidRows) as err:
        run_import(store, ImportOptions("activities", str(path), zone="UTC"))
    assert err.value.result.rejects == [
        (5, "no deal 'D9' (import deals first)"),
        (6, "unknown activity kind 'Fax': use call, email, meeting, demo, proposal, note, task"),
    ]
    lenient = ImportOptions(
        "activities", str(path), zone="UTC", skip_invalid=True, rejects=str(tmp_path / "r.csv")
    )
    report = run_import(store, lenient)
    assert (report.created, report.rejected) == (3, 2)
    got = [
        tuple(r)
        for r in store.all(
            "SELECT kind, subject, deal_id, lead_id, done_at, due_at FROM activities ORDER BY id"
        )
    ]
    assert got == [
        ("call", "Kick-off", 1, None, "2025-03-01T12:00:00Z", "2025-03-01"),
        ("meeting", "Demo", 1, None, None, "2025-03-10T14:00:00Z"),
        ("email", "Intro", None, 1, "2025-02-01T09:30:00Z", None),
    ]
    again = run_import(store, lenient)
    assert (again.created, again.unchanged) == (0, 3)
