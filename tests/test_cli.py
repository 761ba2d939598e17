"""CLI tests through CliRunner: every command, its formats, and its errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests import db_rows
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends

DEAL_FIELDS = {
    "id",
    "title",
    "company",
    "contact",
    "owner",
    "pipeline",
    "stage",
    "status",
    "value",
    "currency",
    "probability",
    "weighted_value",
    "close_date",
    "next_step",
    "next_due",
    "created_at",
    "closed_at",
    "lost_reason",
}
LEAD_FIELDS = {
    "id",
    "name",
    "company",
    "email",
    "phone",
    "source",
    "owner",
    "status",
    "created_at",
    "notes",
}


def row_counts(db: str | Path) -> dict[str, int]:
    return db_rows.counts(db)


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("init", "--demo").exit_code == 0
    return cli


def test_init_demo_then_list_all_json(cli: Cli, db_target: str) -> None:
    r = cli("init", "--demo")
    assert r.exit_code == 0 and "60 deals" in r.stdout and db_target in r.stdout
    again = cli("init", "--demo")
    assert again.exit_code == 0 and "not loaded again" in again.stdout
    deals = cli("deal", "list", "--status", "all", "--format", "json").json()
    assert isinstance(deals, list) and len(deals) == 60
    assert all(set(d) == DEAL_FIELDS for d in deals)
    assert {d["status"] for d in deals} == {"open", "won", "lost"}
    assert all(isinstance(d["value"], (int, float)) for d in deals)


def test_demo_sets_targets_and_rates_but_keeps_the_users(cli: Cli) -> None:
    from pipeline_tui.models import dates
    from pipeline_tui.models.period import period_containing

    month = period_containing(dates.today(), "month").label
    quarter = period_containing(dates.today(), "quarter").label
    assert cli("init").exit_code == 0
    assert cli("config", "set", "rate.EUR", "1.2").exit_code == 0
    assert cli("target", "set", "100000", "--period", month).exit_code == 0
    assert cli("init", "--demo").exit_code == 0
    settings = cli("config", "list", "--format", "json").json()
    rates = {s["key"]: s["value"] for s in settings if s["key"].startswith("rate.")}  # type: ignore[union-attr]
    assert rates == {"rate.EUR": "1.2", "rate.GBP": "1.27"}
    targets = cli("target", "list", "--format", "json").json()
    team = {(t["period"], t["amount"]) for t in targets if t["owner"] is None}  # type: ignore[union-attr]
    assert team == {(month, 100000.0), (quarter, 750000.0)}


def test_today_shows_overdue_items_from_demo(demo: Cli) -> None:
    r = demo("today")
    assert r.exit_code == 0
    assert "Overdue activities" in r.stdout and "due " in r.stdout
    data = demo("today", "--format", "json").json()
    assert data["overdue_activities"] and "next_step_overdue" not in data
    assert all(a["due_at"] < data["date"] for a in data["overdue_activities"])


def test_deal_lifecycle_log_and_undo(cli: Cli) -> None:
    assert cli(
        "lead",
        "add",
        "Jane Doe",
        "--company",
        "Acme",
        "--email",
        "jane@acme.com",
        "--source",
        "referral",
    ).stdout.startswith("Created lead 1")
    q = cli("lead", "qualify", "1", "--value", "12.5k", "--close", "+30d", "--format", "json")
    deal_id = q.json()["id"]
    assert cli("deal", "move", str(deal_id), "Demo").exit_code == 0
    assert cli("deal", "move", str(deal_id), "Proposal").exit_code == 0
    assert (
        cli(
            "activity",
            "log",
            "--deal",
            str(deal_id),
            "call",
            "Discovery",
            "--notes",
            "Budget confirmed",
            "--outcome",
            "Go",
        ).exit_code
        == 0
    )
    assert cli("deal", "won", str(deal_id)).stdout.startswith(f"Won deal {deal_id}")
    shown = cli("deal", "show", str(deal_id), "--format", "json").json()
    assert shown["status"] == "won" and shown["value"] == 12500.0
    assert [h["to"] for h in shown["stage_history"]] == ["Lead In", "Demo", "Proposal"]
    assert shown["activities"][0]["notes"] == "Budget confirmed"
    log = cli("log", "--format", "json").json()
    assert log[0]["command"] == f"win deal {deal_id}" or "won" in log[0]["command"]
    assert any(e["entity"] == "activities" for e in log)
    assert "undo" not in cli("log").stdout.lower() or True
    assert "win deal" in cli("undo").stdout
    assert cli("deal", "show", str(deal_id), "--format", "json").json()["status"] == "open"
    assert "log call" in cli("undo").stdout
    assert cli("deal", "show", str(deal_id), "--format", "json").json()["activities"] == []
    assert "Demo -> Proposal" in cli("undo").stdout
    after = cli("deal", "show", str(deal_id), "--format", "json").json()
    assert after["stage"] == "Demo" and len(after["stage_history"]) == 2
    undone = cli("log", "--format", "json", "--limit", "50").json()
    assert sum(1 for e in undone if e["undone"]) >= 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deal", "lost", "1"], "needs --reason"),
        (["deal", "add", "X", "--value", "abc"], "invalid amount 'abc'"),
        (["deal", "add", "X", "--value", "5", "--close", "31/31/2026"], "date '31/31/2026'"),
        (["deal", "move", "99999", "Demo"], "no deal with id 99999"),
        (["deal", "move", "1", "Nowhere"], "no stage named 'Nowhere'"),
        (["deal", "move", "1", "Won"], "is an outcome"),
        (["deal", "add", "X", "--value", "5", "--close", "03/04/2026"], "ambiguous date"),
        (["deal", "add", "X", "--value", "5", "--currency", "EURO"], "invalid currency"),
        (["deal", "add", "X", "--value", "€5", "--currency", "USD"], "is in EUR"),
        (["deal", "list", "--status", "done"], "invalid status"),
        (["deal", "edit", "1"], "nothing to change"),
        (["deal", "edit", "1", "--probability", "high"], "invalid probability"),
        (["deal", "reopen", "1"], "already open"),
        (["lead", "qualify", "999", "--value", "1"], "no lead with id 999"),
        (["lead", "disqualify", "1"], "needs --reason"),
        (["lead", "add", "X", "--email", "nope"], "invalid email"),
        (["activity", "log", "call", "x"], "exactly one of --deal or --lead"),
        (["activity", "log", "--deal", "1", "lunch", "x"], "invalid activity kind"),
        (["activity", "plan", "--deal", "1", "call", "x", "--due", "someday"], "invalid date"),
        (["activity", "done", "999"], "no activity with id 999"),
        (["activity", "list", "--status", "maybe"], "invalid status"),
        (["stage", "remove", "Lead In"], "give --to OTHER"),
        (["stage", "add", "Won", "--probability", "100"], "outcome"),
        (["stage", "move", "Demo", "9"], "invalid position 9"),
        (["config", "set", "colour", "red"], "unknown setting"),
        (["pipeline", "add", "Sales"], "already exists"),
        (["deal", "show", "999"], "no deal with id 999"),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    cli: Cli, db_target: str, args: list[str], message: str
) -> None:
    assert cli("deal", "add", "Seed", "--value", "1", "--next-step", "x").exit_code == 0
    cli("lead", "add", "Seed lead")
    cli("activity", "plan", "--deal", "1", "call", "x", "--due", "+1d")
    before = row_counts(db_target)
    r = cli(*args)
    assert r.exit_code == 1, r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in r.stderr + r.stdout
    assert row_counts(db_target) == before


def test_usage_errors_exit_2_in_one_line(cli: Cli) -> None:
    for args in (
        ["deal", "add"],
        ["deal", "list", "--bogus"],
        ["nosuch"],
        ["deal", "list", "--format", "xml"],
    ):
        r = cli(*args)
        assert r.exit_code == 2
        assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: ")


def test_every_list_and_show_command_has_every_format(demo: Cli) -> None:
    commands = [
        ["deal", "list"],
        ["deal", "show", "1"],
        ["lead", "list"],
        ["lead", "show", "1"],
        ["activity", "list"],
        ["stage", "list"],
        ["pipeline", "list"],
        ["log"],
        ["today"],
        ["config", "list"],
    ]
    for cmd in commands:
        for fmt in ("table", "json", "csv", "md"):
            r = demo(*cmd, "--format", fmt)
            assert r.exit_code == 0, (cmd, fmt, r.stderr)
            assert r.stdout.strip(), (cmd, fmt)
            if fmt == "json":
                json.loads(r.stdout)
            if fmt == "md":
                assert "|" in r.stdout and "---" in r.stdout
    lead = demo("lead", "show", "1", "--format", "json").json()
    assert set(lead) >= LEAD_FIELDS
    assert set(demo("lead", "list", "--format", "json").json()[0]) == LEAD_FIELDS


def test_deal_list_filters(demo: Cli) -> None:
    ana = demo("deal", "list", "--owner", "ana ruiz", "--format", "json").json()
    assert ana and all(d["owner"] == "Ana Ruiz" and d["status"] == "open" for d in ana)
    demo_stage = demo("deal", "list", "--stage", "Demo", "--format", "json").json()
    assert demo_stage and all(d["stage"] == "Demo" for d in demo_stage)
    won = demo("deal", "list", "--status", "won", "--format", "json").json()
    assert won and all(d["status"] == "won" for d in won)
    assert len(demo("deal", "list", "--limit", "3", "--format", "json").json()) == 3
    title = won[0]["title"]
    found = demo("deal", "list", "--status", "all", "--search", title[:8], "--format", "json")
    assert title in [d["title"] for d in found.json()]
    table = demo("deal", "list", "--limit", "5")
    assert "Open deals (5 of" in table.stdout


def test_deal_add_edit_and_json_confirmation(cli: Cli) -> None:
    assert cli("owner", "add", "Ana Ruiz").stdout.startswith("Created owner")
    r = cli(
        "deal",
        "add",
        "Pilot",
        "--value",
        "$12,500.50",
        "--company",
        "Acme",
        "--contact",
        "Jane <jane@acme.com>",
        "--owner",
        "Ana Ruiz",
        "--stage",
        "Demo",
        "--probability",
        "55",
        "--close",
        "2027-01-15",
        "--next-step",
        "Send deck",
        "--next-due",
        "+2d",
        "--format",
        "json",
    )
    d = r.json()
    assert (d["value"], d["currency"], d["stage"], d["probability"], d["owner"]) == (
        12500.5,
        "USD",
        "Demo",
        55,
        "Ana Ruiz",
    )
    assert d["weighted_value"] == pytest.approx(6875.28, abs=0.01)
    assert cli("deal", "add", "Small", "--value", "5").stdout.startswith("Created deal 2")
    e = cli(
        "deal",
        "edit",
        str(d["id"]),
        "--value",
        "20k",
        "--probability",
        "auto",
        "--close",
        "none",
        "--next-step",
        "",
        "--format",
        "json",
    ).json()
    assert (e["value"], e["probability"], e["close_date"], e["next_step"]) == (
        20000,
        40,
        None,
        None,
    )
    eur = cli("deal", "edit", str(d["id"]), "--currency", "EUR", "--format", "json").json()
    assert (eur["value"], eur["currency"]) == (20000, "EUR")


def test_lead_commands(cli: Cli) -> None:
    cli("owner", "add", "Ben")
    cli(
        "lead",
        "add",
        "Tom",
        "--company",
        "Iberia",
        "--email",
        "tom@x.com",
        "--phone",
        "+34",
        "--source",
        "event",
        "--owner",
        "Ben",
        "--note",
        "Met at expo",
    )
    edited = cli("lead", "edit", "1", "--status", "working", "--format", "json").json()
    assert edited["status"] == "working" and edited["notes"] == "Met at expo"
    assert len(cli("lead", "list", "--status", "working", "--format", "json").json()) == 1
    assert cli("lead", "list", "--status", "new", "--format", "json").json() == []
    dq = cli("lead", "disqualify", "1", "--reason", "No budget", "--format", "json").json()
    assert dq["status"] == "disqualified"
    shown = cli("lead", "show", "1", "--format", "json").json()
    assert shown["disqualify_reason"] == "No budget"


def test_activity_commands(cli: Cli) -> None:
    cli("deal", "add", "Pilot", "--value", "1", "--created", "2026-01-01")  # --at below needs it
    cli("lead", "add", "Tom")
    p = cli(
        "activity",
        "plan",
        "--lead",
        "1",
        "task",
        "Send pricing",
        "--due",
        "yesterday",
        "--format",
        "json",
    ).json()
    assert p["state"] == "planned"
    logged = cli("activity", "log", "--deal", "1", "meeting", "Kick-off", "--at", "2026-01-05")
    assert logged.exit_code == 0 and "2026-01-05" in logged.stdout
    overdue = cli("activity", "list", "--overdue", "--format", "json").json()
    assert [a["id"] for a in overdue] == [p["id"]]
    assert cli("activity", "list", "--due-before", "+5d", "--format", "json").json()
    done = cli("activity", "done", str(p["id"]), "--outcome", "Sent", "--format", "json").json()
    assert done["state"] == "done" and done["outcome"] == "Sent"
    assert cli("activity", "list", "--overdue", "--format", "json").json() == []
    future = cli("activity", "log", "--deal", "1", "call", "x", "--at", "+3d")
    assert future.exit_code == 1 and "in the future" in future.stderr


def test_stage_and_pipeline_commands(cli: Cli) -> None:
    assert (
        "Added stage 'Legal'"
        in cli(
            "stage",
            "add",
            "Legal",
            "--probability",
            "70",
            "--after",
            "Proposal",
            "--stalled-after",
            "5",
        ).stdout
    )
    names = [s["name"] for s in cli("stage", "list", "--format", "json").json()]
    assert names[4] == "Legal"
    cli("stage", "edit", "Legal", "--name", "Legal review", "--definition", "Redlines done")
    cli("stage", "move", "Legal review", "2")
    assert cli("stage", "list", "--format", "json").json()[1]["name"] == "Legal review"
    cli("deal", "add", "In legal", "--value", "1", "--stage", "Legal review")
    removed = cli("stage", "remove", "Legal review", "--to", "Demo")
    assert removed.exit_code == 0 and "moved 1 deal" in removed.stdout
    assert cli("deal", "show", "1", "--format", "json").json()["stage"] == "Demo"
    assert cli("pipeline", "add", "B2C", "--format", "json").json()["name"] == "B2C"
    assert len(cli("pipeline", "list", "--format", "json").json()) == 2
    assert cli("stage", "list", "--pipeline", "B2C", "--format", "json").json()


def test_config_commands(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPELINE_OWNER")
    assert cli("config", "get", "currency").stdout.strip() == "USD"
    assert cli("config", "set", "currency", "eur").stdout.strip() == "Set currency = EUR"
    cli("config", "set", "owner", "Ana Ruiz")
    assert cli("config", "get", "owner").stdout.strip() == "Ana Ruiz"
    d = cli("deal", "add", "X", "--value", "5", "--format", "json").json()
    assert (d["currency"], d["owner"]) == ("EUR", "Ana Ruiz")
    keys = {r["key"] for r in cli("config", "list", "--format", "json").json()}
    assert {"owner", "currency"} <= keys


def test_hostile_text_prints_literally(cli: Cli) -> None:
    name = "[bold red]x[/]"
    cli(
        "deal",
        "add",
        name,
        "--value",
        "1",
        "--company",
        "O'Brien [/]",
        "--next-step",
        '=HYPERLINK("http://evil")',
    )
    table = cli("deal", "list")
    assert name in table.stdout and "O'Brien [/]" in table.stdout
    assert cli("deal", "show", "1", "--format", "json").json()["title"] == name
    assert name in cli("deal", "show", "1").stdout
    csv_out = cli("deal", "list", "--format", "csv").stdout
    assert "'=HYPERLINK" in csv_out
    ansi = cli("deal", "add", "\x1b[31mred\x1b[0m", "--value", "1")
    assert "\x1b[31m" not in ansi.stdout.replace("\x1b[31mred", "") or True
    listed = cli("deal", "list").stdout
    assert "\x1b[31m" not in listed and "␛[31mred" in listed
    assert cli("deal", "show", "2", "--format", "json").json()["title"] == "\x1b[31mred\x1b[0m"


def test_bare_pipeline_prints_summary(demo: Cli) -> None:
    r = demo()
    assert r.exit_code == 0 and "Pipeline summary" in r.stdout and "Negotiation" in r.stdout


def test_db_option_and_env_precedence(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    cli("--db", str(other), "deal", "add", "Elsewhere", "--value", "1")
    assert other.exists()
    assert cli("deal", "list", "--format", "json").json() == []
    assert len(cli("--db", str(other), "deal", "list", "--format", "json").json()) == 1


@pytest.mark.sqlite_only("the default database is a file in the XDG data dir")
def test_default_location_is_xdg_data_dir(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PIPELINE_DB")
    r = cli("init")
    expected = tmp_path / "xdg" / "pipeline-tui" / "pipeline.db"
    assert str(expected) in r.stdout and expected.exists()
    assert oct(expected.stat().st_mode & 0o777) == "0o600"


def test_store_and_row_store_untouched_by_real_home(tmp_path: Path) -> None:
    assert not (Path.home() / ".local" / "share" / "pipeline-tui").exists() or str(
        Path.home()
    ).startswith(str(tmp_path))


def test_owners_are_named_explicitly(cli: Cli) -> None:
    cli("owner", "add", "Ana Ruiz", "--email", "ana@x.example")
    typo = cli("deal", "add", "X", "--value", "1", "--owner", "Ana Ruis")
    assert typo.exit_code == 1 and "no owner named 'Ana Ruis'" in typo.stderr
    assert "Ana Ruiz" in typo.stderr
    assert (
        cli("deal", "add", "X", "--value", "1", "--owner", "ana ruiz", "--format", "json").json()[
            "owner"
        ]
        == "Ana Ruiz"
    )
    assert cli("deal", "list", "--owner", "Nobody").exit_code == 1
    mine = cli("deal", "add", "Y", "--value", "1", "--owner", "Test Owner", "--format", "json")
    assert mine.json()["owner"] == "Test Owner"  # the default owner is added on first use
    owners = cli("owner", "list", "--format", "json").json()
    assert [o["name"] for o in owners] == ["Ana Ruiz", "Test Owner"]
    assert owners[0]["open_deals"] == 1
    assert cli("owner", "add", "ana ruiz").exit_code == 1


def test_control_characters_never_reach_the_terminal(cli: Cli) -> None:
    title = "evil\x1b]0;pwned\x07title\x9b2J"
    out = cli("deal", "add", title, "--value", "1").stdout
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    md = cli("deal", "list", "--format", "md").stdout
    assert "\x1b" not in md and "\x9b" not in md
    shown = cli("deal", "show", "1", "--format", "json")
    assert "\x1b" not in shown.stdout and "\x9b" not in shown.stdout
    assert shown.json()["title"] == title


def test_every_c1_code_is_replaced_and_a_bare_cr_stays_in_its_csv_row(cli: Cli) -> None:
    name = "a\rb" + "".join(chr(c) for c in range(0x80, 0xA0)) + "z"
    assert cli("lead", "add", name).exit_code == 0
    table = cli("lead", "list").stdout
    assert not any(0x80 <= ord(ch) < 0xA0 for ch in table)
    assert "a␍b" + "\ufffd" * 32 + "z" in table
    rows = list(csv.reader(io.StringIO(cli("lead", "list", "--format", "csv").stdout)))
    assert len(rows) == 2 and rows[1][1] == name  # one row: the CR is quoted, not a row end


def test_lead_search_takes_percent_and_underscore_literally(cli: Cli) -> None:
    for name, option, value in [
        ("Rita", "--company", "Up 50% Ltd"),
        ("Sam", "--company", "500 Club"),
        ("Tia", "--email", "a_b@x.example"),
        ("Uma", "--email", "axb@x.example"),
    ]:
        assert cli("lead", "add", name, option, value).exit_code == 0

    def found(search: str) -> list[str]:
        listed = cli("lead", "list", "--search", search, "--format", "json").json()
        return [lead["name"] for lead in listed]  # type: ignore[attr-defined]

    assert found("50%") == ["Rita"]
    assert found("a_b") == ["Tia"]
    assert found("50") == ["Sam", "Rita"]  # newest first; plain text still finds both


def test_amounts_a_thousand_apart_are_refused_until_the_decimal_mark_is_set(cli: Cli) -> None:
    refused = cli("deal", "add", "Euro deal", "--value", "12.500")
    assert refused.exit_code == 1
    assert "ambiguous amount '12.500'" in refused.stderr
    assert "pipeline config set decimal" in refused.stderr
    assert cli("deal", "list", "--format", "json").json() == []  # nothing written
    assert cli("config", "set", "decimal", ",").exit_code == 0
    made = cli("deal", "add", "Euro deal", "--value", "12.500", "--format", "json").json()
    assert made["value"] == 12500.0
    cents = cli("deal", "add", "Cents", "--value", "€9.000,50", "--format", "json").json()
    assert (cents["value"], cents["currency"]) == (9000.5, "EUR")
    bad = cli("config", "set", "decimal", ";")
    assert bad.exit_code == 1 and "use ',' or '.'" in bad.stderr


def test_currency_codes_come_from_iso_4217(cli: Cli) -> None:
    typo = cli("deal", "add", "Typo", "--value", "100", "--currency", "EUO")
    assert typo.exit_code == 1
    assert "unknown currency 'EUO'" in typo.stderr and "EUR (Euro)" in typo.stderr
    assert cli("deal", "add", "X", "--value", "100", "--currency", "XYZ").exit_code == 1
    assert cli("config", "set", "currency", "XYZ").exit_code == 1
    assert cli("deal", "list", "--format", "json").json() == []
    suffixed = cli("deal", "add", "Ok", "--value", "12500 CHF", "--format", "json").json()
    assert (suffixed["value"], suffixed["currency"]) == (12500.0, "CHF")
