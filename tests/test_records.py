"""Records users can fix, through the CLI: delete, merge, duplicate emails, owners, lead lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import db_rows
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends

TABLES = ("deals", "leads", "activities", "stage_changes", "owners", "targets", "settings")


def dump(db: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables users change, to compare a database before and after."""
    return db_rows.rows(db, TABLES, order="id")


def one_error(r: Any, *parts: str) -> None:
    assert r.exit_code == 1, r.stdout
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: ")
    for part in parts:
        assert part in r.stderr, r.stderr


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("init", "--demo").exit_code == 0
    return cli


def test_deal_delete_needs_force_names_what_goes_and_undo_restores(
    demo: Cli, db_target: str
) -> None:
    before = dump(db_target)
    one_error(demo("deal", "delete", "5"), "deal 5 has 3 activities", "--force")
    one_error(demo("deal", "delete", "999"), "no deal with id 999")
    assert dump(db_target) == before
    r = demo("deal", "delete", "5", "--force")
    assert r.exit_code == 0 and r.stdout.startswith("Deleted deal 5: ")
    one_error(demo("deal", "show", "5"), "no deal with id 5")
    assert demo("undo").exit_code == 0
    assert dump(db_target) == before


def test_deal_delete_takes_its_notes_and_roles_and_undo_brings_them_back(
    demo: Cli, db_target: str
) -> None:
    r = demo("deal", "add", "Committee", "--value", "10", "--owner", "Ana Ruiz", "--format", "json")
    deal_id = str(r.json()["id"])  # type: ignore[index]
    person = demo("person", "add", "Rosa Diaz", "--email", "rosa@d.example", "--format", "json")
    assert person.exit_code == 0, person.stderr
    assert (
        demo("deal", "person", "add", deal_id, "rosa@d.example", "--role", "champion").exit_code
        == 0
    )
    assert demo("note", "add", "--deal", deal_id, "Budget approved").exit_code == 0
    before = dump(db_target)
    one_error(demo("deal", "delete", deal_id), f"deal {deal_id} has 1 note", "--force")
    assert dump(db_target) == before
    assert demo("deal", "delete", deal_id, "--force").exit_code == 0
    assert demo("search", "Budget approved", "--format", "json").json() == []
    shown = demo("person", "show", "rosa@d.example", "--format", "json").json()
    assert shown["deals"] == []  # type: ignore[index]
    assert demo("undo").exit_code == 0
    assert dump(db_target) == before


def test_a_deal_without_history_is_deleted_without_force(demo: Cli) -> None:
    r = demo("deal", "add", "Scratch", "--value", "10", "--owner", "Ana Ruiz", "--format", "json")
    deal_id = r.json()["id"]  # type: ignore[index]
    assert demo("deal", "delete", str(deal_id)).exit_code == 0


def test_lead_delete_refuses_a_qualified_lead_then_unlinks_with_force(
    demo: Cli, db_target: str
) -> None:
    deal = demo("lead", "qualify", "9", "--value", "5k", "--format", "json").json()
    before = dump(db_target)
    one_error(
        demo("lead", "delete", "9"),
        "lead 9 has 3 activities and was qualified into deal",
        str(deal["id"]),  # type: ignore[index]
    )
    one_error(demo("lead", "delete", "999"), "no lead with id 999")
    assert demo("lead", "delete", "9", "--force").exit_code == 0
    shown = demo("deal", "show", str(deal["id"]), "--format", "json").json()  # type: ignore[index]
    assert shown["lead_id"] is None  # type: ignore[index]
    demo("undo")
    assert dump(db_target) == before


def test_lead_merge_moves_activities_and_deal_and_undoes_exactly(demo: Cli, db_target: str) -> None:
    add = demo("lead", "add", "Siobhan K.", "--owner", "Ana Ruiz", "--format", "json")
    keep = add.json()["id"]  # type: ignore[index]
    demo("lead", "qualify", "9", "--value", "5k")
    before = dump(db_target)
    r = demo("lead", "merge", str(keep), "9")
    assert r.exit_code == 0 and f"Merged lead 9 into lead {keep}" in r.stdout
    lead = demo("lead", "show", str(keep), "--format", "json").json()
    assert lead["email"] == "siobhan.kelly@corribsoftware.example"  # type: ignore[index]
    assert lead["status"] == "qualified" and len(lead["activities"]) == 3  # type: ignore[index]
    one_error(demo("lead", "show", "9"), "no lead with id 9")
    demo("undo")
    assert dump(db_target) == before


def test_lead_merge_errors(demo: Cli, db_target: str) -> None:
    demo("lead", "qualify", "9", "--value", "5k")
    demo("lead", "qualify", "11", "--value", "5k")
    before = dump(db_target)
    one_error(demo("lead", "merge", "9", "9"), "cannot merge lead 9 into itself")
    one_error(demo("lead", "merge", "9", "999"), "no lead with id 999")
    one_error(demo("lead", "merge", "999", "9"), "no lead with id 999")
    one_error(demo("lead", "merge", "9", "11"), "leads 9 and 11 both have deals")
    assert dump(db_target) == before


def test_duplicate_email_is_refused_naming_the_lead(demo: Cli, db_target: str) -> None:
    before = dump(db_target)
    email = " Tomas.Garcia@IberiaFoods.example "
    one_error(
        demo("lead", "add", "Tom", "--email", email),
        "lead 1 (Tomás García) already has tomas.garcia@iberiafoods.example",
        "--allow-duplicate",
    )
    one_error(demo("lead", "edit", "2", "--email", email), "lead 1 (Tomás García)")
    assert dump(db_target) == before
    assert demo("lead", "add", "Tom", "--email", email, "--allow-duplicate").exit_code == 0
    assert demo("lead", "edit", "1", "--email", "TOMAS.garcia@iberiafoods.example").exit_code == 0


def test_lead_list_shows_open_leads_by_default_and_status_in_any_case(demo: Cli) -> None:
    default = demo("lead", "list", "--format", "json").json()
    assert {lead["status"] for lead in default} == {"new", "working"}  # type: ignore[union-attr,index]
    every = demo("lead", "list", "--status", "ALL", "--format", "json").json()
    assert len(every) == 15 and len(default) == 11  # type: ignore[arg-type]
    dq = demo("lead", "list", "--status", "Disqualified", "--format", "json").json()
    assert len(dq) == 4  # type: ignore[arg-type]
    one_error(demo("lead", "list", "--status", "closed"), "invalid status 'closed'")
    assert demo("lead", "edit", "1", "--status", "WORKING").exit_code == 0
    assert demo("lead", "show", "1", "--format", "json").json()["status"] == "working"  # type: ignore[index]
    assert demo("deal", "list", "--status", "Won").exit_code == 0


def test_deal_show_includes_the_lead_activities_marked(demo: Cli) -> None:
    deal = demo("lead", "qualify", "9", "--value", "5k", "--format", "json").json()
    deal_id = str(deal["id"])  # type: ignore[index]
    shown = demo("deal", "show", deal_id, "--format", "json").json()
    acts = shown["activities"]  # type: ignore[index]
    assert len(acts) == 3 and all(a["from_lead"] for a in acts)
    table = demo("deal", "show", deal_id).stdout
    assert "meeting (lead)" in table and "Coffee after RevOps meetup" in table


def test_owner_rename_and_its_errors(demo: Cli, db_target: str) -> None:
    r = demo("owner", "rename", "Ben Okafor", "Ana Ruiz")
    one_error(r, "owner 'Ana Ruiz' already exists", "pipeline owner remove 'Ben Okafor' --to")
    one_error(demo("owner", "rename", "Nobody", "X"), "no owner named 'Nobody'")
    before = dump(db_target)
    r = demo("owner", "rename", "ben okafor", "Benjamin Okafor")
    assert r.exit_code == 0 and "Renamed owner 'Ben Okafor' to 'Benjamin Okafor'" in r.stdout
    assert demo("deal", "list", "--owner", "Benjamin Okafor", "--format", "json").json()
    demo("undo")
    assert dump(db_target) == before


def test_owner_remove_hands_everything_over_and_undoes(demo: Cli, db_target: str) -> None:
    demo("target", "set", "100k", "--owner", "Ben Okafor", "--period", "2026-12")
    demo("target", "set", "50k", "--owner", "Ana Ruiz", "--period", "2026-12")
    before = dump(db_target)
    one_error(demo("owner", "remove", "Ben Okafor"), "give --to OWNER", "open deals")
    one_error(demo("owner", "remove", "Ben Okafor", "--to", "Nobody"), "no owner named 'Nobody'")
    one_error(demo("owner", "remove", "Nobody", "--to", "Ana Ruiz"), "no owner named 'Nobody'")
    one_error(demo("owner", "remove", "Ben Okafor", "--to", "ben okafor"), "another owner")
    assert dump(db_target) == before
    r = demo("owner", "remove", "Ben Okafor", "--to", "Ana Ruiz")
    assert r.exit_code == 0 and "handed to 'Ana Ruiz'" in r.stdout
    for table in ("deals", "activities", "leads", "stage_changes", "targets"):
        orphans = db_rows.query(
            db_target,
            f"SELECT count(*) FROM {table} WHERE owner_id IS NOT NULL AND "
            "owner_id NOT IN (SELECT id FROM owners)",
        )[0][0]
        assert orphans == 0, table
    ((ana_target,),) = db_rows.query(
        db_target,
        "SELECT amount_minor FROM targets t JOIN owners o ON o.id = t.owner_id "
        "WHERE o.name = 'Ana Ruiz' AND period = '2026-12'",
    )
    assert ana_target == 150_000_00
    names = [o["name"] for o in demo("owner", "list", "--format", "json").json()]  # type: ignore[index,union-attr]
    assert names == ["Ana Ruiz", "Chloé Martin"]
    demo("undo")
    assert dump(db_target) == before


def test_an_owner_with_nothing_is_removed_without_to(demo: Cli) -> None:
    demo("owner", "add", "Temp")
    assert demo("owner", "remove", "Temp").exit_code == 0
    assert "Temp" not in demo("owner", "list").stdout


@pytest.fixture
def login_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """No $PIPELINE_OWNER, no setting: the user is only their login name, 'root'."""
    import getpass

    monkeypatch.delenv("PIPELINE_OWNER")
    monkeypatch.setattr(getpass, "getuser", lambda: "root")


def test_the_login_is_not_made_an_owner_while_others_exist(
    demo: Cli, db_target: str, login_root: None
) -> None:
    owners_before = demo("owner", "list").stdout
    before = dump(db_target)
    for cmd in (
        ("deal", "add", "X", "--value", "10"),
        ("lead", "add", "Y"),
    ):
        one_error(demo(*cmd), "your login 'root' is not an owner", "--owner NAME", "config set")
    assert dump(db_target) == before
    # An activity's owner is the one who must do it: the deal's owner, never the login.
    logged = demo("activity", "log", "call", "Hi", "--deal", "5", "--format", "json")
    assert logged.exit_code == 0 and logged.json()["owner"] == "Ben Okafor"  # type: ignore[index]
    assert demo("deal", "move", "5", "Demo").exit_code == 0  # a move names no owner
    assert demo("owner", "list").stdout == owners_before
    assert demo("deal", "add", "X", "--value", "10", "--owner", "Ana Ruiz").exit_code == 0
    demo("config", "set", "owner", "Ben Okafor")
    assert demo("lead", "add", "Y").exit_code == 0
    assert demo("owner", "list").stdout.count("\n") == owners_before.count("\n")


def test_the_first_owner_is_the_login_and_the_cli_says_so_once(cli: Cli, login_root: None) -> None:
    cli("init")
    first = cli("deal", "add", "First", "--value", "10")
    assert first.exit_code == 0 and "Created owner 'root' (your login)" in first.stderr
    second = cli("deal", "add", "Second", "--value", "10")
    assert second.exit_code == 0 and "Created owner" not in second.stderr
    cli("owner", "rename", "root", "Ana Ruiz")  # the user stays that owner
    assert cli("config", "get", "owner").stdout.strip() == "Ana Ruiz"
    assert cli("deal", "add", "Third", "--value", "10").exit_code == 0
    names = [o["name"] for o in cli("owner", "list", "--format", "json").json()]  # type: ignore[index,union-attr]
    assert names == ["Ana Ruiz"]


def test_hostile_names_are_shown_literally(demo: Cli) -> None:
    name = "[bold red]Boss[/] \x1b[31mred\x1b[0m"
    r = demo("lead", "add", name, "--owner", "Ana Ruiz", "--email", "b@x.example")
    assert r.exit_code == 0
    lead_id = r.stdout.split()[2].rstrip(":")
    dup = demo("lead", "add", "Other", "--owner", "Ana Ruiz", "--email", "B@x.example")
    assert "[bold red]Boss[/]" in dup.stderr and "\x1b" not in dup.stderr
    gone = demo("lead", "delete", lead_id)
    assert "[bold red]Boss[/]" in gone.stdout and "\x1b" not in gone.stdout
    demo("owner", "add", name)
    renamed = demo("owner", "rename", name, "Plain")
    assert "[bold red]Boss[/]" in renamed.stdout and "\x1b" not in renamed.stdout


def test_tui_owner_field_accepts_existing_owners_only() -> None:
    from pipeline_tui.models import PipelineError
    from pipeline_tui.tui.screens.data import owner_check, owner_hint

    check = owner_check(["Ana Ruiz", "Ben Okafor"], "")
    assert check("  ana ruiz ") == "Ana Ruiz"
    with pytest.raises(PipelineError, match="no owner named 'root'"):
        check("root")
    assert owner_check([], "root")("root") == "root"  # the first owner, on an empty database
    assert owner_hint(["A", "B", "C", "D"]) == "A, B, C, ..."
