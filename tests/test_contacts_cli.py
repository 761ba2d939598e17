"""CliRunner tests of company, person, deal person, note and search: formats and errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_cli import row_counts

pytestmark = pytest.mark.both_backends

FORMATS = ("table", "json", "csv", "md")


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("init", "--demo").exit_code == 0
    return cli


def _data_counts(db: str | Path) -> dict[str, int]:
    """Rows per data table: not the journal, id sequences, nor the index's own segments."""
    return _data_counts_of(row_counts(db))


def _data_counts_of(counts: dict[str, int]) -> dict[str, int]:
    skip = ("fts_", "commands", "events", "sqlite_sequence")
    return {t: n for t, n in counts.items() if not t.startswith(skip)}


def _ok(cli: Cli, *args: str) -> Any:
    r = cli(*args)
    assert r.exit_code == 0, (args, r.stderr)
    return r


def test_company_show_on_the_demo_has_deals_people_roles_and_timeline(demo: Cli) -> None:
    shown = _ok(demo, "company", "show", "Northwind Traders").stdout
    for text in ("Won (lifetime)", "Open pipeline", "Annual plan, 40 seats", "Tom Reed",
                 "economic buyer on deal", "champion on deal", "Timeline", "Discovery call",
                 "Family-owned"):  # fmt: skip
        assert text in shown, text
    data = _ok(demo, "company", "show", "northwind traders", "--format", "json").json()
    assert data["domain"] == "northwindtraders.example" and len(data["deals"]) == 1
    assert {p["name"] for p in data["people"]} >= {"Priya Shah", "Tom Reed", "Lisa Wong"}
    assert data["totals"][0]["open_deals"] == 1
    assert any(t["kind"] == "note" for t in data["timeline"])


def test_person_show_on_the_demo(demo: Cli) -> None:
    shown = _ok(demo, "person", "show", "tom.reed@northwindtraders.example").stdout
    assert "economic buyer" in shown and "Annual plan, 40 seats" in shown and "Timeline" in shown
    data = _ok(demo, "person", "show", "Priya Shah", "--format", "json").json()
    assert [d["role"] for d in data["deals"]] == ["champion"]
    assert data["timeline"]


def test_every_show_and_list_has_every_format(demo: Cli) -> None:
    for cmd in (["company", "list"], ["company", "show", "1"], ["person", "list"],
                ["person", "show", "1"], ["search", "north"], ["deal", "show", "8"]):  # fmt: skip
        for fmt in FORMATS:
            r = _ok(demo, *cmd, "--format", fmt)
            if fmt == "json":
                json.loads(r.stdout)
            elif fmt == "csv":
                assert list(csv.reader(io.StringIO(r.stdout)))[0]


def test_search_finds_a_person_by_part_of_an_email_and_a_deal_by_a_note(demo: Cli) -> None:
    hits = _ok(demo, "search", "TOM.REED@north", "--format", "json").json()
    assert [(h["kind"], h["name"], h["matched"]) for h in hits] == [("person", "Tom Reed", "email")]
    _ok(demo, "note", "add", "--deal", "12", "They mentioned a zebrafish lab")
    hits = _ok(demo, "search", "zebrafish", "--format", "json").json()
    assert [(h["kind"], h["id"]) for h in hits] == [("deal", 12)]
    assert "note" in hits[0]["matched"]
    assert "Nothing matches." in _ok(demo, "search", "no-such-text-anywhere").stdout


def test_the_whole_lifecycle_is_undoable_and_doctor_stays_clean(cli: Cli, db_target: str) -> None:
    _ok(cli, "deal", "add", "Seed", "--value", "100")
    before = row_counts(db_target)
    steps = [
        ["company", "add", "Acme", "--domain", "acme.example", "--field", "tier=gold"],
        ["company", "edit", "Acme", "--city", "Oslo"],
        ["person", "add", "Jane Roe", "--email", "jane@acme.example", "--company", "Acme"],
        ["person", "edit", "jane@acme.example", "--title", "CTO", "--phone", "+47 1234"],
        ["deal", "person", "add", "1", "Jane Roe", "--role", "decision maker"],
        ["note", "add", "--company", "Acme", "Annual review in May"],
        ["note", "add", "--person", "jane@acme.example", "Prefers email"],
        ["person", "add", "J. Roe", "--email", "j@roe.example"],
        ["person", "merge", "j@roe.example", "jane@acme.example"],
        ["company", "add", "Acme Labs"],
        ["company", "merge", "Acme Labs", "Acme"],
        ["deal", "person", "remove", "1", "jane@acme.example"],
        ["person", "delete", "jane@acme.example"],
        ["company", "delete", "Acme"],
    ]
    for step in steps:
        _ok(cli, *step)
    for _ in steps:
        _ok(cli, "undo")
    assert _data_counts(db_target) == _data_counts_of(before)
    assert _ok(cli, "search", "acme", "--format", "json").json() == []
    doctor = _ok(cli, "doctor", "--format", "json").json()
    assert all(c["ok"] for c in doctor), doctor


def test_confirmations_and_json(cli: Cli) -> None:
    assert _ok(cli, "company", "add", "Acme").stdout.strip() == "Created company 1: Acme"
    data = _ok(cli, "person", "add", "Ann", "--email", "a@x.example", "--email", "b@x.example",
               "--format", "json").json()  # fmt: skip
    assert data["emails"] == ["a@x.example", "b@x.example"]
    _ok(cli, "deal", "add", "D", "--value", "5", "--company", "Acme")
    line = _ok(cli, "deal", "person", "add", "1", "Ann", "--role", "champion").stdout
    assert line.strip() == "Deal 1: person 1 (Ann) is champion"
    line = _ok(cli, "deal", "person", "add", "1", "1", "--role", "blocker").stdout
    assert "is blocker" in line
    shown = _ok(cli, "deal", "show", "1", "--format", "json").json()
    assert [(p["name"], p["role"]) for p in shown["people"]] == [("Ann", "blocker")]
    assert _ok(cli, "note", "add", "--deal", "1", "hi").stdout.strip() == "Added note 1 on deal 1"
    assert "hi" in _ok(cli, "deal", "show", "1").stdout
    listed = _ok(cli, "company", "list", "--format", "json").json()
    assert [(c["name"], c["open_deals"]) for c in listed] == [("Acme", 1)]
    people = _ok(cli, "person", "list", "--company", "Acme", "--format", "json").json()
    assert people == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["company", "add", ""], "name must not be empty"),
        (["company", "add", "acme"], "already exists"),
        (["company", "show", "Nope"], "no company named 'Nope'"),
        (["company", "show", "99"], "no company with id 99"),
        (["company", "edit", "Acme"], "nothing to change"),
        (["company", "edit", "Acme", "--name", "Beta"], "already exists (id 2)"),
        (["company", "edit", "Acme", "--owner", "Nobody"], "no owner named 'Nobody'"),
        (["company", "edit", "Acme", "--field", "novalue"], "invalid --field"),
        (["company", "merge", "Acme", "acme"], "into itself"),
        (["company", "delete", "Nope"], "no company named"),
        (["company", "list", "--limit", "0"], "invalid limit"),
        (["person", "add", "X", "--email", "bad"], "invalid email"),
        (["person", "add", "X", "--email", "ann@a.example"], "belongs to person 1"),
        (["person", "show", "nobody@x.example"], "no person with email"),
        (["person", "show", "Nobody"], "no person named"),
        (["person", "edit", "1"], "nothing to change"),
        (["person", "edit", "1", "--name", ""], "name must not be empty"),
        (["person", "merge", "1", "1"], "into themselves"),
        (["person", "delete", "42"], "no person with id 42"),
        (["deal", "person", "add", "1", "1", "--role", "boss"], "invalid role 'boss'"),
        (["deal", "person", "add", "9", "1", "--role", "user"], "no deal with id 9"),
        (["deal", "person", "add", "1", "1", "--role", "champion"], "already champion"),
        (["deal", "person", "remove", "1", "2"], "is not on deal 1"),
        (["note", "add", "x"], "exactly one of --deal"),
        (["note", "add", "--deal", "1", "--company", "Acme", "x"], "exactly one"),
        (["note", "add", "--deal", "7", "x"], "no deal with id 7"),
        (["note", "add", "--deal", "1", " "], "note must not be empty"),
        (["search", " "], "search text must not be empty"),
        (["search", "x", "--limit", "0"], "invalid limit"),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    cli: Cli, db_target: str, args: list[str], message: str
) -> None:
    _ok(cli, "company", "add", "Acme")
    _ok(cli, "company", "add", "Beta")
    _ok(cli, "person", "add", "Ann", "--email", "ann@a.example")
    _ok(cli, "person", "add", "Bob")
    _ok(cli, "deal", "add", "D", "--value", "1", "--company", "Acme")
    _ok(cli, "deal", "person", "add", "1", "Ann", "--role", "champion")
    before = row_counts(db_target)
    r = cli(*args)
    assert r.exit_code == 1, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert row_counts(db_target) == before


def test_hostile_text_is_shown_literally(cli: Cli) -> None:
    evil = "[bold red]Evil[/] \x1b[2J\x1b]0;pwned\x07 ‮x"
    _ok(cli, "company", "add", evil, "--city", "[link=http://x]c[/link]")
    _ok(cli, "person", "add", evil, "--email", "e@x.example", "--company", evil)
    _ok(cli, "note", "add", "--company", "1", evil)
    for args in (
        ["company", "show", "1"],
        ["company", "list"],
        ["person", "show", "1"],
        ["person", "list"],
        ["search", "Evil"],
        ["search", "Evil", "--format", "md"],
    ):
        out = _ok(cli, *args).stdout
        assert "\x1b" not in out and "\x07" not in out, args
        assert "[bold red]Evil[/]" in out, args
    data = _ok(cli, "company", "show", "1", "--format", "json").json()
    assert data["name"] == evil and data["city"] == "[link=http://x]c[/link]"
    formula = _ok(cli, "company", "add", "=HYPERLINK(1)")
    assert formula.exit_code == 0
    assert "'=HYPERLINK" in _ok(cli, "company", "list", "--format", "csv").stdout


def test_an_imported_deal_is_searchable_and_its_undo_unindexes_it(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("Title,Value,Company\nHeliotrope expansion,1000,Heliotrope Ltd\n", "utf-8")
    _ok(cli, "import", "deals", str(path))
    hits = _ok(cli, "search", "heliotrope", "--format", "json").json()
    assert {h["kind"] for h in hits} == {"deal", "company"}
    _ok(cli, "undo")
    assert _ok(cli, "search", "heliotrope", "--format", "json").json() == []
