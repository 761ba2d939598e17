"""`pipeline activity done/edit/cancel/list` and the next step on the demo, as a user runs
them (issue 11), with every error case and `pipeline undo` after each change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.both_backends

HOSTILE = "[bold red]boom[/] \x1b[2J<b>=cmd|' /C calc'!A0"


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("init", "--demo").exit_code == 0
    return cli


def jsn(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def no_next_step(cli: Cli) -> list[int]:
    return [d["id"] for d in jsn(cli, "today", "--limit", "100")["no_next_step"]]


def test_planning_and_completing_move_a_deal_in_and_out_of_no_next_step(demo: Cli) -> None:
    assert 7 in no_next_step(demo)
    planned = jsn(demo, "activity", "plan", "--deal", "7", "demo", "Demo", "--due", "next tuesday")
    assert 7 not in no_next_step(demo)
    shown = jsn(demo, "deal", "show", "7")
    assert shown["next_activity"]["id"] == planned["id"]
    assert (shown["next_activity"]["subject"], shown["next_step"]) == ("Demo", "Demo")
    assert shown["next_activity"]["owner"] == shown["owner"]  # the deal's owner does it

    done = demo("activity", "done", str(planned["id"]), "--outcome", "Went well")
    assert done.exit_code == 0, done.stderr
    assert f"Completed activity {planned['id']}" in done.stdout
    assert (
        "deal 7 has no next step; plan one with `pipeline activity plan --deal 7 ...`"
        in done.stdout
    )
    assert 7 in no_next_step(demo)
    assert jsn(demo, "deal", "show", "7")["next_activity"] is None


def test_today_lists_no_item_twice(demo: Cli) -> None:
    data = jsn(demo, "today", "--limit", "100")
    activity_ids = [a["id"] for a in data["overdue_activities"] + data["activities_due_today"]]
    assert len(activity_ids) == len(set(activity_ids))
    subjects = [(a["deal_id"], a["subject"]) for a in data["overdue_activities"]]
    assert subjects.count((8, "Send security questionnaire")) == 1
    table = demo("today", "--limit", "100").stdout
    assert table.count("Send security questionnaire") == 1
    deals_without = set(no_next_step(demo))
    assert not deals_without & {a["deal_id"] for a in data["overdue_activities"]}


def test_done_edit_cancel_list_and_undo_each_exactly(demo: Cli) -> None:
    before = jsn(demo, "activity", "list", "--deal", "8", "--limit", "100")
    plan = next(a for a in before if a["state"] == "planned")

    edited = jsn(demo, "activity", "edit", str(plan["id"]), "--due", "+2d", "--type", "call",
                 "--subject", "Call about security")  # fmt: skip
    assert edited["due_at"] == (date.today() + timedelta(days=2)).isoformat()
    assert (edited["kind"], edited["subject"]) == ("call", "Call about security")
    assert jsn(demo, "deal", "show", "8")["next_due"] == edited["due_at"]
    assert demo("undo").exit_code == 0
    assert jsn(demo, "activity", "list", "--deal", "8", "--limit", "100") == before

    done = jsn(demo, "activity", "done", str(plan["id"]), "--outcome", "Sent", "--at", "yesterday")
    assert (done["state"], done["outcome"]) == ("done", "Sent")
    assert done["done_at"] is not None
    assert demo("undo").exit_code == 0
    assert jsn(demo, "activity", "list", "--deal", "8", "--limit", "100") == before

    cancelled = demo("activity", "cancel", str(plan["id"]), "--reason", "Not needed")
    assert cancelled.exit_code == 0 and "Cancelled activity" in cancelled.stdout
    assert "deal 8 has no next step" in cancelled.stdout
    listed = jsn(demo, "activity", "list", "--deal", "8", "--status", "cancelled")
    assert [(a["id"], a["cancel_reason"]) for a in listed] == [(plan["id"], "Not needed")]
    table = demo("activity", "list", "--deal", "8", "--status", "all").stdout
    assert "cancelled" in table and "Not needed" in table
    assert demo("undo").exit_code == 0
    assert jsn(demo, "activity", "list", "--deal", "8", "--limit", "100") == before
    assert jsn(demo, "deal", "show", "8")["next_activity"]["id"] == plan["id"]


def test_list_formats_filters_and_keyset(demo: Cli) -> None:
    planned = jsn(demo, "activity", "list", "--status", "planned", "--limit", "500")
    dues = [a["due_at"] for a in planned]
    assert dues == sorted(dues) and all(a["state"] == "planned" for a in planned)
    first = jsn(demo, "activity", "list", "--status", "planned", "--limit", "5")
    rest = jsn(demo, "activity", "list", "--status", "planned", "--after", str(first[-1]["id"]),
               "--limit", "500")  # fmt: skip
    assert first + rest == planned
    overdue = jsn(demo, "activity", "list", "--overdue")
    assert overdue and all(a["due_at"] < date.today().isoformat() for a in overdue)
    ben = jsn(demo, "activity", "list", "--owner", "Ben Okafor", "--limit", "500")
    assert ben and {a["owner"] for a in ben} == {"Ben Okafor"}
    lead = jsn(demo, "activity", "list", "--lead", "1")
    assert lead and {a["lead_id"] for a in lead} == {1}
    csv = demo("activity", "list", "--deal", "8", "--format", "csv")
    assert csv.exit_code == 0 and csv.stdout.startswith("id,kind,subject,")
    md = demo("activity", "list", "--deal", "8", "--format", "md")
    assert md.exit_code == 0 and "| ID |" in md.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["activity", "done", "999"], "no activity with id 999"),
        (["activity", "done", "1"], "already done"),
        (["activity", "done", "8", "--at", "tomorrow"], "in the future"),
        (["activity", "cancel", "999"], "no activity with id 999"),
        (["activity", "cancel", "1"], "already done"),
        (["activity", "edit", "8"], "nothing to change"),
        (["activity", "edit", "999", "--subject", "x"], "no activity with id 999"),
        (["activity", "edit", "8", "--type", "lunch"], "invalid activity kind"),
        (["activity", "edit", "8", "--due", "03/04/2026"], "ambiguous date"),
        (["activity", "edit", "8", "--deal", "999"], "no deal with id 999"),
        (["activity", "edit", "8", "--deal", "1", "--lead", "1"], "at most one"),
        (["activity", "edit", "8", "--owner", "Nobody"], "no owner named"),
        (["activity", "edit", "8", "--subject", " "], "must not be empty"),
        (["activity", "edit", "1", "--due", "+2d"], "only a planned one"),
        (["activity", "list", "--status", "maybe"], "invalid status"),
        (["activity", "list", "--deal", "999"], "no deal with id 999"),
        (["activity", "list", "--limit", "0"], "invalid limit"),
        (["activity", "list", "--overdue", "--status", "done"], "list planned activities"),
        (["deal", "edit", "4", "--due", "+2d"], "needs a next step"),
    ],
)
def test_errors_are_one_line_and_write_nothing(demo: Cli, args: list[str], message: str) -> None:
    log = demo("log", "--limit", "1").stdout
    result = demo(*args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert demo("log", "--limit", "1").stdout == log  # nothing journalled


def test_hostile_subjects_and_outcomes_show_literally(demo: Cli) -> None:
    plan = jsn(demo, "activity", "plan", "--deal", "4", "task", HOSTILE, "--due", "tomorrow")
    assert plan["subject"] == HOSTILE
    out = demo("activity", "done", str(plan["id"]), "--outcome", HOSTILE)
    assert out.exit_code == 0 and "\x1b" not in out.stdout
    assert "[bold red]boom[/]" in out.stdout and "␛[2J" in out.stdout
    table = demo("activity", "list", "--deal", "4", "--wide").stdout
    assert "\x1b" not in table and table.count("[bold red]boom[/]") == 2
    assert jsn(demo, "activity", "list", "--deal", "4")[0]["outcome"] == HOSTILE
    csv = demo("activity", "list", "--deal", "4", "--format", "csv").stdout
    assert "[bold red]boom[/]" in csv and "<b>=cmd" in csv
    edited = jsn(demo, "activity", "edit", str(plan["id"]), "--notes", HOSTILE)
    assert edited["notes"] == HOSTILE


def test_deal_edit_next_step_is_the_planned_activity(demo: Cli) -> None:
    r = demo("deal", "edit", "4", "--next-step", "Call the CFO", "--due", "friday")
    assert r.exit_code == 0, r.stderr
    shown = jsn(demo, "deal", "show", "4")
    nxt = shown["next_activity"]
    assert (nxt["subject"], nxt["kind"], nxt["state"]) == ("Call the CFO", "task", "planned")
    assert shown["next_due"] == nxt["due_at"]
    table = demo("deal", "show", "4").stdout
    assert f"Call the CFO (activity {nxt['id']}: task" in table
    assert demo("deal", "edit", "4", "--next-step", "Call the CEO").exit_code == 0
    again = jsn(demo, "deal", "show", "4")["next_activity"]
    assert (again["id"], again["subject"]) == (nxt["id"], "Call the CEO")
    assert demo("undo").exit_code == 0 and demo("undo").exit_code == 0
    assert jsn(demo, "deal", "show", "4")["next_activity"] is None


def test_imported_next_steps_become_planned_activities(cli: Cli, tmp_path: Any) -> None:
    deals_csv = tmp_path / "deals.csv"
    deals_csv.write_text(
        "Id,Title,Value,Next step,Next step due\nD1,Pilot,1000,Send quote,2031-01-02\n"
        "D2,Bare,5,,\n",
        encoding="utf-8",
    )
    r = cli("import", "deals", str(deals_csv))
    assert r.exit_code == 0, r.stderr
    listed = jsn(cli, "deal", "list")
    by_title = {d["title"]: d for d in listed}
    pilot = jsn(cli, "deal", "show", str(by_title["Pilot"]["id"]))
    assert pilot["next_activity"]["subject"] == "Send quote"
    assert pilot["next_activity"]["due_at"] == "2031-01-02"
    assert jsn(cli, "deal", "show", str(by_title["Bare"]["id"]))["next_activity"] is None
    acts = tmp_path / "acts.csv"
    acts.write_text(
        "Deal,Type,Subject,Due date\nD2,call,Call back,2030-05-05\n",
        encoding="utf-8",
    )
    r = cli("import", "activities", str(acts))
    assert r.exit_code == 0, r.stderr
    assert jsn(cli, "deal", "show", str(by_title["Bare"]["id"]))["next_step"] == "Call back"
    assert cli("undo").exit_code == 0
    assert jsn(cli, "deal", "show", str(by_title["Bare"]["id"]))["next_step"] is None
    assert cli("undo").exit_code == 0
    assert jsn(cli, "activity", "list") == [] and jsn(cli, "deal", "list") == []
