"""Importing files built here: encodings, hostile text, bad rows, re-imports, undo."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests import db_rows

pytestmark = pytest.mark.both_backends

# Bookkeeping tables change on every command; the data is what an import must not touch.
_BOOKKEEPING = {"commands", "events", "imports", "import_saved", "sqlite_sequence"}


def snapshot(db: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, for 'untouched' and 'restored' comparisons."""
    # The full-text index's segments (fts_*) are its own layout, not data: after an undo
    # they hold the same text in other pages. tests/store_contract/test_search.py checks
    # that search still finds exactly what it should.
    names = db_rows.table_names(db)
    return db_rows.rows(
        db, [t for t in names if t not in _BOOKKEEPING and not t.startswith("fts_")]
    )


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",",
              newline: str = "\n") -> Path:  # fmt: skip
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return path


LEADS = [
    ["Record ID", "First Name", "Last Name", "Email", "Company", "Lead Status", "Create Date"],
    ["L1", "Ana", "Ruiz", "ana@acme.example", "Acme Corp", "New", "2025-01-02"],
    ["L2", "Bo", "Li", "bo@globex.example", "Globex", "Working", "2025-01-03"],
    ["L3", "Cy", "Ng", "cy@acme.example", "ACME  corp", "", "2025-01-04"],
]


def test_windows_1252_semicolons_day_first_dates_and_decimal_commas(
    cli, store: Store, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "excel.csv",
        [
            ["Titel", "Firma", "Wert", "Abschlussdatum", "Phase", "Besitzer", "Währung"],
            ["Jahreslizenz", "Müller GmbH", "1.234,56", "3.4.2025", "Angebot", "Jürgen Groß",
             "EUR"],
            ["Wartung", "Café Zürich", "12.500,00", "28.2.2025", "Verhandlung", "Jürgen Groß",
             "EUR"],
            ["Schulung", "Müller GmbH", "980", "1.12.2025", "Gewonnen", "Åsa Öberg", "CHF"],
        ],
        encoding="cp1252",
        delimiter=";",
        newline="\r\n",
    )  # fmt: skip
    result = cli("import", "deals", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert (report["encoding"], report["delimiter"], report["created"]) == ("cp1252", ";", 3)
    assert report["formats"] == {"Abschlussdatum": "day first (D/M/YYYY)",
                                 "Wert": "decimal comma (1.234,56)"}  # fmt: skip
    rows = store.all("SELECT * FROM deals_view ORDER BY id")
    assert [(r["title"], r["company"], r["value_minor"], r["currency"], r["close_date"],
             r["stage"], r["status"], r["owner"]) for r in rows] == [
        ("Jahreslizenz", "Müller GmbH", 123456, "EUR", "2025-04-03", "Proposal", "open",
         "Jürgen Groß"),
        ("Wartung", "Café Zürich", 1250000, "EUR", "2025-02-28", "Negotiation", "open",
         "Jürgen Groß"),
        ("Schulung", "Müller GmbH", 98000, "CHF", "2025-12-01", "Lead In", "won", "Åsa Öberg"),
    ]  # fmt: skip
    assert store.scalar("SELECT count(*) FROM companies") == 2


HOSTILE = [
    "[bold red]pwned[/]",
    '=HYPERLINK("http://evil.example","click")',
    "\x1b[31mred\x1b[0m and [link=https://evil.example]x[/link]",
    "+1 555 0100",
    "-@SUM(A1:A9)",
]


def test_utf8_bom_crlf_quoted_newlines_and_hostile_text_store_exactly(
    cli, store: Store, tmp_path: Path
) -> None:
    notes = 'first line\r\nsecond, quoted "line"\nthird [/]'
    rows = [["Name", "Email", "Company", "Notes", "Source"]]
    for i, text in enumerate(HOSTILE):
        rows.append([text, f"h{i}@x.example", text, notes, text])
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    with open(path, "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    result = cli("import", "leads", str(path))
    assert result.exit_code == 0, result.stderr
    stored = store.all("SELECT l.name, l.notes, l.source, c.name AS company FROM leads l "
                       "LEFT JOIN companies c ON c.id = l.company_id ORDER BY l.id")  # fmt: skip
    assert [r["name"] for r in stored] == HOSTILE
    assert [r["source"] for r in stored] == HOSTILE
    assert [r["company"] for r in stored] == [h.strip() for h in HOSTILE]
    assert {r["notes"] for r in stored} == {notes}
    listing = cli("lead", "list")
    assert listing.exit_code == 0
    assert "[bold red]pwned[/]" in listing.stdout  # printed, never interpreted
    assert "\x1b" not in listing.stdout  # escapes are shown as symbols, not executed
    exported = cli("export", "leads").stdout
    assert "'=HYPERLINK" in exported and "'+1 555 0100" in exported and "'-@SUM" in exported


def test_ambiguous_dates_stop_and_name_the_column(
    cli, store: Store, tmp_path: Path, db_target: str
) -> None:
    path = write_csv(tmp_path / "amb.csv", [["Deal Name", "Close Date"],
                     ["A", "03/04/2025"], ["B", "05/06/2025"]])  # fmt: skip
    before = snapshot(db_target)
    result = cli("import", "deals", str(path))
    assert result.exit_code == 1
    assert "column 'Close Date'" in result.stderr
    assert "--dayfirst or --monthfirst" in result.stderr
    assert snapshot(db_target) == before
    ok = cli("import", "deals", str(path), "--dayfirst")
    assert ok.exit_code == 0, ok.stderr
    assert [r[0] for r in store.all("SELECT close_date FROM deals ORDER BY id")] == [
        "2025-04-03", "2025-06-05"]  # fmt: skip


def test_a_late_value_settles_a_column_the_first_rows_leave_open(
    cli, store: Store, tmp_path: Path
) -> None:
    rows = [["Deal Name", "Close Date"]] + [[f"D{i}", "03/04/2025"] for i in range(25_000)]
    rows.append(["Last", "04/30/2025"])  # the only value that settles it: month first
    path = write_csv(tmp_path / "late.csv", rows)
    result = cli("import", "deals", str(path), "--match", "none", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert store.scalar("SELECT count(DISTINCT close_date) FROM deals") == 2
    assert store.scalar("SELECT close_date FROM deals WHERE title = 'D0'") == "2025-03-04"


def test_invalid_rows_leave_the_database_untouched_and_are_all_listed(
    cli, store: Store, tmp_path: Path, db_target: str
) -> None:
    cli("lead", "add", "Existing", "--email", "old@x.example")
    rows = [*LEADS, ["L4", "Di", "Ox", "not-an-email", "Initech", "New", "2025-01-05"],
            ["L5", "Ed", "Po", "ed@x.example", "", "Maybe", "2025-01-06"],
            ["L6", "Fa", "Qu", "fa@x.example", "", "New", "2025-02-30"],
            ["L1", "Ana", "Again", "ana2@x.example", "", "", ""]]  # fmt: skip
    path = write_csv(tmp_path / "bad.csv", rows)
    before = snapshot(db_target)
    result = cli("import", "leads", str(path))
    assert result.exit_code == 1
    assert "line 5: invalid email 'not-an-email'" in result.stderr
    assert "line 6: unknown lead status 'Maybe'" in result.stderr
    assert "line 7: invalid created at '2025-02-30': not a date" in result.stderr
    assert "line 8: same external id as line 2" in result.stderr
    assert "error: 4 invalid row(s)" in result.stderr
    assert "nothing was imported" in result.stderr
    assert snapshot(db_target) == before
    assert cli("import", "list", "--format", "json").json() == []


def test_skip_invalid_imports_the_rest_and_writes_the_rejects(
    cli, store: Store, tmp_path: Path
) -> None:
    rows = [*LEADS, ["L4", "=cmd|' /C calc'!A0", "X", "bad email", "", "", ""]]
    path = write_csv(tmp_path / "some.csv", rows)
    result = cli("import", "leads", str(path), "--skip-invalid", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert (report["created"], report["rejected"]) == (3, 1)
    rejects = Path(report["rejects_file"])
    assert rejects == Path(f"{path}.rejects.csv")
    with open(rejects, encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got == [[*LEADS[0], "reason"], [*rows[4], "invalid email 'bad email'"]]


def test_reimport_creates_nothing_and_changes_update(cli, store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", LEADS)
    first = cli("import", "leads", str(path), "--format", "json").json()
    assert (first["created"], first["updated"], first["unchanged"]) == (3, 0, 0)
    assert store.scalar("SELECT count(*) FROM companies") == 2  # 'ACME  corp' is Acme Corp
    again = cli("import", "leads", str(path), "--format", "json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    changed = [row[:] for row in LEADS]
    changed[2][2] = "Lee"
    third = cli("import", "leads", str(write_csv(tmp_path / "c.csv", changed)), "--format",
                "json").json()  # fmt: skip
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 2)
    assert store.scalar("SELECT name FROM leads WHERE external_id = 'L2'") == "Bo Lee"


def test_leads_without_ids_match_by_normalised_email(cli, store: Store, tmp_path: Path) -> None:
    cli("lead", "add", "Ana Ruiz", "--email", "Ana@Acme.example", "--phone", "1")
    rows = [["Name", "E-Mail", "Telefon"], ["Ana R.", " ANA@acme.example ", "2"],
            ["New", "new@x.example", ""]]  # fmt: skip
    path = write_csv(tmp_path / "e.csv", rows)
    report = cli("import", "leads", str(path), "--format", "json").json()
    assert (report["created"], report["updated"]) == (1, 1)
    assert store.scalar("SELECT count(*) FROM leads") == 2
    first = store.one("SELECT name, phone FROM leads WHERE id = 1")
    assert tuple(first or ()) == ("Ana R.", "2")
    dup = write_csv(tmp_path / "d.csv", [["Email"], ["a@x.example"], ["A@X.example"]])
    result = cli("import", "leads", str(dup))
    assert "line 3: same email as line 2" in result.stderr
    forced = cli("import", "leads", str(dup), "--match", "none", "--format", "json").json()
    assert forced["created"] == 2


def test_import_undo_restores_the_database(
    cli, store: Store, tmp_path: Path, db_target: str
) -> None:
    first = cli("import", "leads", str(write_csv(tmp_path / "a.csv", LEADS)))
    assert first.exit_code == 0
    cli("lead", "add", "Kept", "--email", "kept@x.example")
    before = snapshot(db_target)
    changed = [row[:] for row in LEADS] + [["L9", "Zed", "New", "zed@x.example", "Hooli", "", ""]]
    changed[1][2] = "Changed"
    second = cli("import", "leads", str(write_csv(tmp_path / "b.csv", changed)), "--format",
                 "json").json()  # fmt: skip
    assert (second["created"], second["updated"]) == (1, 1)
    assert snapshot(db_target) != before
    undo = cli("import", "undo", str(second["import_id"]))
    assert undo.exit_code == 0, undo.stderr
    assert f"Undid import {second['import_id']}" in undo.stdout
    assert snapshot(db_target) == before
    listed = cli("import", "list", "--format", "json").json()
    assert [(i["id"], i["undone"]) for i in listed] == [(2, True), (1, False)]
    again = cli("import", "undo", str(second["import_id"]))
    assert again.exit_code == 1 and "already undone" in again.stderr
    assert cli("import", "undo", "99").stderr.strip() == "error: no import with id 99"


def test_pipeline_undo_reverts_an_import_as_one_command(
    cli, store: Store, tmp_path: Path, db_target: str
) -> None:
    before = snapshot(db_target)
    cli("import", "leads", str(write_csv(tmp_path / "a.csv", LEADS)))
    assert store.scalar("SELECT count(*) FROM leads") == 3
    undo = cli("undo")
    assert undo.exit_code == 0, undo.stderr
    assert "import leads a.csv" in undo.stdout
    assert snapshot(db_target) == before
    assert cli("import", "list", "--format", "json").json()[0]["undone"] is True


def test_undo_refuses_while_later_changes_depend_on_the_import(
    cli, store: Store, tmp_path: Path
) -> None:
    report = cli("import", "leads", str(write_csv(tmp_path / "a.csv", LEADS)), "--format",
                 "json").json()  # fmt: skip
    assert cli("lead", "edit", "1", "--phone", "555").exit_code == 0
    refused = cli("import", "undo", str(report["import_id"]))
    assert refused.exit_code == 1
    assert "lead 1 was changed since by command" in refused.stderr
    assert cli("undo").exit_code == 0  # the edit
    assert cli("import", "undo", str(report["import_id"])).exit_code == 0
    assert store.scalar("SELECT count(*) FROM leads") == 0


def test_dry_run_previews_and_writes_nothing(
    cli, store: Store, tmp_path: Path, db_target: str
) -> None:
    before = snapshot(db_target)
    result = cli("import", "leads", str(write_csv(tmp_path / "a.csv", LEADS)), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Preview (as it would be stored)" in result.stdout
    assert "Ana Ruiz" in result.stdout and "Acme Corp" in result.stdout
    assert "Would import leads" in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    report = cli("import", "leads", str(tmp_path / "a.csv"), "--dry-run", "--format",
                 "json").json()  # fmt: skip
    assert (report["created"], report["import_id"]) == (3, None)
    assert report["preview"][0]["name"] == "Ana Ruiz"
    assert snapshot(db_target) == before


@pytest.mark.parametrize("entity", ["leads", "deals", "activities"])
def test_a_dry_run_previews_every_entity(
    cli, store: Store, tmp_path: Path, entity: str, db_target: str
) -> None:
    """The activities preview joined a company column its rows do not have ('no such column:
    r.ckey'), so every activities dry run failed."""
    cli("deal", "add", "Pilot", "--value", "100", "--created", "2026-01-01")
    ref = cli("export", "deals", "--format", "json").json()[0]["external_id"]  # this db's key
    files = {
        "leads": [["Name", "Email", "Company"], ["Ana Ruiz", "ana@acme.example", "Acme Corp"]],
        "deals": [["Deal Name", "Amount", "Company"], ["Big one", "1200", "Acme Corp"]],
        "activities": [["Deal", "Type", "Subject", "Done At", "Owner"],
                       [ref, "call", "Kick-off call", "2026-02-01", "Ben Okafor"]],
    }  # fmt: skip
    path = write_csv(tmp_path / f"{entity}.csv", files[entity])
    before = snapshot(db_target)
    result = cli("import", entity, str(path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Preview (as it would be stored)" in result.stdout
    assert files[entity][1][2] in result.stdout  # the row as it would be stored
    assert "Dry run: nothing was written." in result.stdout
    report = cli("import", entity, str(path), "--dry-run", "--format", "json").json()
    assert (report["created"], report["import_id"]) == (1, None)
    assert snapshot(db_target) == before


def test_stdin_and_custom_fields_shown_by_deal_show(cli, store: Store) -> None:
    text = 'Deal Name,Amount,Shoe Size,Region\nBig one,"$1,200",44,EMEA\nSmall,90,,\n'
    result = cli("import", "deals", "-", input=text)
    assert result.exit_code == 0, result.stderr
    assert "Kept as custom fields: Shoe Size, Region" in result.stdout
    shown = cli("deal", "show", "1")
    assert "Shoe Size" in shown.stdout and "44" in shown.stdout and "EMEA" in shown.stdout
    assert cli("deal", "show", "1", "--format", "json").json()["custom"] == {
        "Shoe Size": "44", "Region": "EMEA"}  # fmt: skip
    assert store.scalar("SELECT custom FROM deals WHERE id = 2") is None
    assert store.scalar("SELECT value_minor FROM deals WHERE id = 1") == 120000


def test_bad_options_and_files_fail_with_one_line(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", LEADS)
    cases = [
        (("import", "leads", str(tmp_path / "nope.csv")), "no such file"),
        (("import", "leads", str(path), "--match", "title"), "invalid --match"),
        (("import", "leads", str(path), "--create-stages"), "apply to deals only"),
        (("import", "leads", str(path), "--encoding", "klingon"), "unknown encoding"),
        (("import", "leads", str(path), "--tz", "Mars/Olympus"), "unknown time zone"),
        (("import", "leads", str(path), "--map", "Nope=name"), "no such column"),
        (("import", "leads", str(path), "--dayfirst", "--monthfirst"), "not both"),
        (("import", "deals", str(path), "--stage-map", "x"), "use 'Old stage=New stage'"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.exit_code == 1, args
        assert message in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr
