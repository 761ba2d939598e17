"""`pipeline review`: each section's lines, on a hand-built week and on the demo database."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline_tui.services import deals as svc
from pipeline_tui.services.activities import plan_activity
from pipeline_tui.services.journal import undo
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.report_helpers import Clock, deal, lost, move, won

pytestmark = pytest.mark.both_backends

SECTIONS = [
    "New deals",
    "Deals advanced",
    "Deals moved back",
    "Close dates slipped",
    "Won",
    "Lost",
    "Stalled deals",
    "Overdue activities",
]
KEYS = [
    "new_deals",
    "advanced",
    "moved_back",
    "slipped",
    "won",
    "lost",
    "stalled",
    "overdue_activities",
]


@pytest.fixture
def week(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Today is Monday 2027-03-15; --since 7d covers the last 7 days, 2027-03-09 to 2027-03-15."""
    clock = Clock(monkeypatch, "2027-02-01T09:00")
    ids = {}
    ids["old"] = deal(store, "Old renewal", 30_000, stage="Proposal", close="2027-03-01")
    ids["slip"] = deal(store, "Slipper", 12_000, owner="Ben", stage="Demo", close="2027-03-10")
    ids["back"] = deal(store, "Backslider", 8_000, stage="Negotiation", close="2027-04-01")
    clock.set("2027-02-20T09:00")
    svc.edit_deal(store, ids["slip"], close_date=date(2027, 3, 20))  # push 1, before the week
    clock.set("2027-03-09T09:00")
    ids["new"] = deal(store, "[bold red]Fresh[/]", 5_000, stage="Qualified", close="2027-05-01")
    move(store, ids["old"], "Negotiation")
    move(store, ids["back"], "Demo")
    svc.edit_deal(store, ids["slip"], close_date=date(2027, 4, 15))  # push 2
    clock.set("2027-03-10T09:00")
    svc.edit_deal(store, ids["slip"], close_date=date(2027, 4, 30))  # push 3
    svc.edit_deal(store, ids["old"], close_date=date(2027, 2, 25))  # pulled in: not a slip
    ids["win"] = deal(store, "Quick win", 2_000, owner="Ben", created="2027-01-10")
    won(store, ids["win"], "2027-03-11")
    ids["loss"] = deal(store, "Gone", 9_000, owner="Ben", created="2027-01-05")
    lost(store, ids["loss"], "2027-03-12", "Chose a competitor")
    plan_activity(store, "call", "Chase legal", date(2027, 3, 12), deal_id=ids["old"], owner="Ana")
    plan_activity(store, "email", "Send deck", date(2027, 3, 20), deal_id=ids["slip"], owner="Ben")
    clock.set("2027-03-13T09:00")
    svc.edit_deal(store, ids["back"], next_step=None)
    svc.edit_deal(store, ids["back"], value_minor=900_000)
    undo(store)  # the value edit never happened
    clock.set("2027-03-15T09:00")
    return ids


def review(cli, *args: str) -> dict:
    result = cli("review", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr or result.stdout
    return result.json()


def changes(lines: list[dict]) -> list[tuple[str, str]]:
    return [(line["deal"], line["change"]) for line in lines]


def test_every_section(week, cli):
    r = review(cli)
    assert list(r) == ["from", "to", "as_of", "owner", *KEYS, "more", "closed_undated"]
    assert r["more"] == {key: 0 for key in KEYS}  # everything fits: nothing left out
    assert (r["from"], r["to"]) == ("2027-03-09", "2027-03-15")
    fresh = ("[bold red]Fresh[/]", "new in Qualified, closes 2027-05-01")
    assert changes(r["new_deals"]) == [fresh]
    assert changes(r["advanced"]) == [("Old renewal", "Proposal → Negotiation on 2027-03-09")]
    assert changes(r["moved_back"]) == [("Backslider", "Negotiation → Demo on 2027-03-09")]
    assert changes(r["slipped"]) == [
        ("Slipper", "close date 2027-03-20 → 2027-04-30 (+41 days), pushed 3 times overall")
    ]
    assert r["slipped"][0]["pushes"] == 3
    assert changes(r["won"]) == [("Quick win", "won on 2027-03-11")]
    assert changes(r["lost"]) == [("Gone", "lost on 2027-03-12: Chose a competitor")]
    assert r["lost"][0]["reason"] == "Chose a competitor"
    line = r["won"][0]
    assert (line["owner"], line["value"], line["currency"]) == ("Ben", 2000.0, "USD")
    # Slipper has sat in Demo since Feb 1; Backslider's next step was cleared. Old renewal
    # moved on the 9th, but its next step is its earliest planned activity, the call due on
    # the 12th (issue 11): overdue, so it is stalled too, and the call is listed below.
    assert [(x["deal"], x["reasons"]) for x in r["stalled"]] == [
        ("Old renewal", ["next step overdue since 2027-03-12"]),
        ("Backslider", ["no next step"]),  # attention 10.2: no next step, idle 42 days
        ("Slipper", ["42 days in stage (threshold 21)"]),  # attention 8.36
    ]
    assert r["moved_back"][0]["value"] == 8000.0  # the undone edit never happened
    assert changes(r["overdue_activities"]) == [
        ("Old renewal", "call 'Chase legal' due 2027-03-12 (3 days late)")
    ]  # 'Send deck' is due on the 20th


def test_owner_filter(week, cli):
    r = review(cli, "--owner", "Ben")
    assert r["owner"] == "Ben"
    assert [x["deal"] for x in r["won"] + r["lost"] + r["slipped"] + r["stalled"]] == [
        "Quick win",
        "Gone",
        "Slipper",
        "Slipper",
    ]
    assert r["new_deals"] == [] and r["advanced"] == [] and r["overdue_activities"] == []


def test_longer_window(week, cli):
    r = review(cli, "--since", "30d")
    assert r["from"] == "2027-02-14"
    # The first push (Feb 20) is now inside the window: 03-20 was 03-10 before it.
    assert changes(r["slipped"]) == [
        ("Slipper", "close date 2027-03-10 → 2027-04-30 (+51 days), pushed 3 times overall")
    ]


def test_markdown_pastes_as_a_document(week, cli):
    md = cli("review", "--format", "md").stdout
    lines = md.splitlines()
    assert lines[0] == "# Pipeline review, 2027-03-09 to 2027-03-15"
    headings = [x for x in lines if x.startswith("## ")]
    assert [h.split(" (")[0][3:] for h in headings] == SECTIONS
    assert "## Won (1)" in headings
    assert "| Deal | Owner | Value | Change |" in lines
    assert "|---|---|---:|---|" in lines
    assert "| #5 Quick win | Ben | 2,000.00 USD | won on 2027-03-11 |" in lines
    fresh = "| #4 [bold red]Fresh[/] | Ana | 5,000.00 USD | new in Qualified, closes 2027-05-01 |"
    assert fresh in lines
    assert "_None._" not in md  # every section has a line this week


def test_table_shows_user_text_literally(week, cli):
    out = cli("review").stdout
    assert "[bold red]Fresh[/]" in out
    for title in SECTIONS:
        assert title in out


def test_csv(week, cli):
    rows = cli("review", "--format", "csv").stdout.splitlines()
    assert rows[0] == "section,deal_id,deal,owner,value,currency,change"
    assert rows[1].startswith("new_deals,4,[bold red]Fresh[/],Ana,5000.0,USD,")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--since", "7"], "invalid span '7'"), (["--owner", "Zed"], "no owner named 'Zed'")],
)
def test_bad_input(week, cli, args, message):
    result = cli("review", *args)
    assert result.exit_code == 1 and message in result.stderr


def test_demo_database_shows_every_section(demo_store, cli):
    table = cli("review", "--since", "7d")
    assert table.exit_code == 0
    for title in SECTIONS:
        assert f"{title} (" in table.stdout
    data = review(cli, "--since", "7d")
    assert all(key in data for key in KEYS)
    for key in ("new_deals", "advanced", "won", "lost", "stalled", "overdue_activities"):
        assert data[key], key
        for line in data[key]:
            assert line["deal"] and line["owner"] and line["change"]
    assert all(line["reason"] for line in data["lost"])
    md = cli("review", "--since", "7d", "--format", "md").stdout
    assert md.startswith("# Pipeline review, ")
    assert sum(x.startswith("## ") for x in md.splitlines()) == len(SECTIONS)
    assert md.count("|---|---|---:|---|") + md.count("_None._") == len(SECTIONS)
    wider = review(cli, "--since", "14d")
    assert wider["moved_back"]  # a deal moved back from Proposal to Demo 10 days ago


def test_closing_a_deal_is_not_a_slipped_close_date(store: Store, monkeypatch, cli):
    """Losing (or winning) sets the close date to the day it closed: not a push."""
    clock = Clock(monkeypatch, "2020-01-01T09:00")
    lost_id = deal(store, "Lost late", 5_000, stage="Demo", close="2020-01-01")
    won_id = deal(store, "Won late", 6_000, stage="Demo", close="2020-01-02")
    pushed = deal(store, "Pushed", 7_000, stage="Demo", close="2026-12-01")
    clock.set("2026-11-30T09:00")
    lost(store, lost_id, "2026-11-30", "No budget")
    won(store, won_id, "2026-11-30")
    svc.edit_deal(store, pushed, close_date=date(2026, 12, 15))
    svc.reopen_deal(store, lost_id)  # the expected date comes back: not a push either
    r = review(cli, "--since", "7d")
    assert changes(r["slipped"]) == [
        ("Pushed", "close date 2026-12-01 → 2026-12-15 (+14 days), pushed 1 time overall")
    ]


def test_review_queries_bind_one_parameter_for_any_number_of_deals(store: Store) -> None:
    """A query binding one variable per deal failed on a big database ("too many SQL
    variables"); the id lists are one parameter now, whatever their length."""
    first = deal(store, "Only one", 1_000, stage="Demo", close="2027-01-01")
    ids = [first, *range(1_000_000, 1_100_000)]  # 100,001 ids, past any variable limit
    src = store.reports.replay("2999-12-31T23:59:59Z")
    assert list(store.review.deals_by_id(src, ids)) == [first]
    assert store.review.pushes(src, ids) == {}
    assert [s.id for s in store.review.signals(src, ids)] == [first]
    assert [s.id for s in store.deals.open_deal_signals(ids)] == [first]


def test_a_big_stalled_section_shows_the_most_urgent_and_counts_the_rest(
    store: Store, monkeypatch, cli
):
    clock = Clock(monkeypatch, "2026-01-01T09:00")
    ids = [deal(store, f"Idle {i}", 1_000 * (i + 1), stage="Demo") for i in range(8)]
    clock.set("2026-11-30T09:00")  # months in the stage, no next step: all eight stalled
    r = review(cli, "--since", "7d", "--limit", "3")
    assert [line["deal_id"] for line in r["stalled"]] == ids[::-1][:3]  # the largest first
    assert r["more"]["stalled"] == 5
    table = cli("review", "--since", "7d", "--limit", "3").stdout
    assert "Stalled deals (3 most urgent of 8)" in table
    assert "... and 5 more: pipeline deal list --sort attention" in table


@pytest.fixture
def busy(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """A week with four lines in every section, of different sizes, two of them Ben's."""
    clock = Clock(monkeypatch, "2027-02-01T09:00")
    size = [3_000, 9_000, 1_000, 7_000]  # deal i is worth size[i]: shown order 1, 3, 0, 2
    owners = ["Ana", "Ben", "Ana", "Ben"]
    ids: dict[str, list[int]] = {}

    def four(name: str, **kw: object) -> list[int]:
        return [
            deal(store, f"{name} {i}", size[i], owner=owners[i], **kw)  # type: ignore[arg-type]
            for i in range(4)
        ]

    for key in ("advance", "back", "win", "loss"):
        ids[key] = four(key.title(), stage="Demo", close="2027-03-01")
    ids["slip"] = four("Slip", stage="Demo", close="2027-03-10", next_step=None)
    clock.set("2027-03-10T09:00")
    ids["new"] = four("New", stage="Qualified", close="2027-06-01")
    for i in range(4):
        move(store, ids["advance"][i], "Proposal")
        move(store, ids["back"][i], "Qualified")
        svc.edit_deal(store, ids["slip"][i], close_date=date(2027, 4, 10 + i))
        won(store, ids["win"][i], "2027-03-11")
        lost(store, ids["loss"][i], "2027-03-12", "Price")
        plan_activity(
            store, "call", f"Chase {i}", date(2027, 3, 11 + i), deal_id=ids["new"][i],
            owner=owners[i],
        )  # fmt: skip
    clock.set("2027-03-15T09:00")
    return ids


BY_SECTION = {
    "new_deals": "new",
    "advanced": "advance",
    "moved_back": "back",
    "slipped": "slip",
    "won": "win",
    "lost": "loss",
}


def test_every_section_shows_its_largest_lines_and_counts_the_rest(busy, cli):
    whole = review(cli)  # four lines a section: all fit in the default 25
    assert all(whole["more"][key] == 0 for key in KEYS)
    r = review(cli, "--limit", "2")
    for key, name in BY_SECTION.items():
        assert [x["deal_id"] for x in r[key]] == [busy[name][1], busy[name][3]], key
        assert r["more"][key] == 2, key
        assert r[key] == whole[key][:2], key  # the same lines, only fewer
    # Stalled: the slipped deals (no next step) and the rest, counted in SQL, ranked in Python.
    assert len(r["stalled"]) == 2
    assert r["more"]["stalled"] == len(whole["stalled"]) - 2
    assert r["stalled"] == whole["stalled"][:2]
    # Overdue activities: the most overdue first (due the 11th, then the 12th).
    assert [x["change"] for x in r["overdue_activities"]] == [
        "call 'Chase 0' due 2027-03-11 (4 days late)",
        "call 'Chase 1' due 2027-03-12 (3 days late)",
    ]
    assert r["more"]["overdue_activities"] == 2  # Chase 2 and 3, due the 13th and 14th


def test_a_bounded_section_counts_one_owners_lines(busy, cli):
    r = review(cli, "--limit", "1", "--owner", "Ben")
    for key, name in BY_SECTION.items():
        assert [x["deal_id"] for x in r[key]] == [busy[name][1]], key  # Ben's largest
        assert r["more"][key] == 1, key  # and his other one
    assert [x["change"][:14] for x in r["overdue_activities"]] == ["call 'Chase 1'"]
    assert r["more"]["overdue_activities"] == 1  # Chase 3, due the 14th


def test_a_bounded_review_as_of_a_past_day(busy, cli):
    r = review(cli, "--limit", "1", "--as-of", "2027-03-14", "--since", "7d")
    whole = review(cli, "--as-of", "2027-03-14", "--since", "7d")
    for key in KEYS:
        assert r[key] == whole[key][:1], key
        assert r["more"][key] == max(len(whole[key]) - 1, 0), key


def test_the_table_names_how_a_section_was_cut(busy, cli):
    out = cli("review", "--limit", "2").stdout
    assert "New deals (2 largest of 4)" in out
    assert "... and 2 more: show them with --limit 4" in out
    assert "Overdue activities (2 most overdue of 4)" in out
    assert "... and 2 more: pipeline activity list --overdue" in out
    md = cli("review", "--limit", "2", "--format", "md").stdout
    assert "## Won (2 largest of 4)" in md
    assert "_... and 2 more: show them with --limit 4_" in md


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_a_limit_below_one_is_refused(busy, cli, limit):
    result = cli("review", "--limit", limit)
    assert result.exit_code == 1
    assert f"invalid limit {limit}: use 1 or more" in result.stderr
    assert result.stdout == ""
