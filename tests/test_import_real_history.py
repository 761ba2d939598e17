"""Issue 13: imports keep owners and the org's real stage history, and never invent data.

The Salesforce developer-org export in ../shared/data (README there) is imported as a user
would: users, then opportunities, then OpportunityHistory. Synthetic files cover what that
org lacks (custom closed stage names, empty amounts, unsorted histories, won -> lost)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import SHARED_DATA, Cli

pytestmark = pytest.mark.both_backends

ORG = SHARED_DATA / "salesforce_devorg_export"
needs_org = pytest.mark.skipif(
    not ORG.is_dir(), reason=f"shared CRM data not found at {ORG}"
)  # fmt: skip


def _ok(result: object) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]


def _clean(cli: Cli) -> None:
    doctor = cli("doctor", "--format", "json")
    problems = [c for c in doctor.json() if not c["ok"]]  # type: ignore[union-attr]
    assert problems == []


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- the Salesforce developer org ----------------------------------------------------------


@needs_org
def test_salesforce_org_users_opportunities_then_history(cli: Cli, store: Store) -> None:
    users = cli("import", "owners", str(ORG / "User.csv"), "--format", "json")
    _ok(users)
    assert users.json()["created"] == 8  # type: ignore[index]
    assert store.scalar("SELECT external_id FROM owners WHERE name = 'Matthew Skinner'") == (
        "005Hp00000hnUYPIA2"
    )
    _clean(cli)

    deals = cli("import", "deals", str(ORG / "opportunity.csv"), "--create-stages")
    _ok(deals)
    # OwnerId resolved through the users file: no owner named after an id.
    assert store.scalar("SELECT count(*) FROM owners") == 8
    owners = store.all("SELECT DISTINCT o.name FROM deals d JOIN owners o ON o.id = d.owner_id")
    assert [r[0] for r in owners] == ["Matthew Skinner"]
    status = dict(store.all("SELECT status, count(*) FROM deals GROUP BY status"))
    assert status == {"won": 18, "open": 13}
    assert store.scalar("SELECT sum(value_minor) FROM deals WHERE status = 'won'") == 364500000
    # The file says every closed deal closed before it was created: said, with lines.
    assert "18 closed deal(s) closed before they were created" in deals.stdout
    # New stages follow StageSortOrder among the stages the pipeline already had.
    assert "placed by the file's stage order" in deals.stdout
    order = [r[0] for r in store.all("SELECT name FROM stages ORDER BY position")]
    assert order == ["Lead In", "Prospecting", "Qualified", "Demo", "Needs Analysis",
                     "Value Proposition", "Id. Decision Makers", "Perception Analysis",
                     "Proposal", "Negotiation"]  # fmt: skip
    assert "Stage order now: Lead In > Prospecting > Qualified" in deals.stdout
    # Won deals sit in no stage the file names: no invented entry into the first stage.
    assert store.scalar("SELECT count(*) FROM stage_changes") == 13
    assert store.scalar("SELECT count(*) FROM deals WHERE history_unknown = 1") == 18
    _clean(cli)

    before = cli("forecast", "--format", "json").json()
    history = cli("import", "history", str(ORG / "OpportunityHistory.csv"), "--format", "json")
    _ok(history)
    h = history.json()
    assert (h["rows"], h["duplicates"], h["deals"], h["rejected"]) == (62, 31, 31, 0)
    assert h["replaced"] == 13 and h["stage_changes"] == 13
    assert store.scalar("SELECT count(*) FROM deals WHERE history_unknown = 1") == 0
    # Paired rows at one moment are one state: the later line's close date stands.
    row = store.one(
        "SELECT h.after FROM deal_history h JOIN deals d ON d.id = h.deal_id "
        "WHERE d.external_id = '006Hp000015Yh7kIAC' AND h.field = 'close_date'"
    )
    assert row is not None and row[0] == "2023-09-06"
    _clean(cli)

    # Before the history's first moment (2023-10-28 20:45:25) the org had no deals.
    early = cli("forecast", "--as-of", "2023-10-27", "--format", "json").json()
    late = cli("forecast", "--as-of", "2023-10-29", "--format", "json").json()
    assert sum(r["deals"] for r in early) == 0  # type: ignore[index,union-attr]
    assert sum(r["deals"] for r in late) == 13  # type: ignore[index,union-attr]
    assert sum(r["deals"] for r in before) == 13  # type: ignore[index,union-attr]
    assert sum(r["closed_won"] for r in late) == 1820000.0  # type: ignore[index,union-attr]

    undo = cli("undo")
    _ok(undo)
    assert store.scalar("SELECT count(*) FROM deal_history") == 0
    assert store.scalar("SELECT count(*) FROM stage_changes") == 13
    assert store.scalar("SELECT count(*) FROM deals WHERE history_unknown = 1") == 18
    _clean(cli)
    _ok(cli("undo"))  # the deals import
    assert store.scalar("SELECT count(*) FROM deals") == 0
    assert store.scalar("SELECT count(*) FROM stages") == 5
    _ok(cli("undo"))  # the owners import
    assert store.scalar("SELECT count(*) FROM owners") == 0
    _clean(cli)


@needs_org
def test_opportunities_before_users_say_so_and_users_later_rename_them(
    cli: Cli, store: Store
) -> None:
    deals = cli("import", "deals", str(ORG / "opportunity.csv"), "--create-stages")
    _ok(deals)
    assert "Column 'OwnerId' holds owner ids that match no owner" in deals.stdout
    assert "pipeline import owners" in deals.stdout
    _ok(cli("import", "owners", str(ORG / "User.csv")))
    # The owner first named after the bare id now carries the user's name and the id.
    assert store.scalar("SELECT count(*) FROM owners") == 8
    owners = store.all("SELECT DISTINCT o.name FROM deals d JOIN owners o ON o.id = d.owner_id")
    assert [r[0] for r in owners] == ["Matthew Skinner"]


# -- custom closed stages, empty amounts, warnings --------------------------------------------

CUSTOM = """Id,Name,StageName,Amount,IsClosed,IsWon,CreatedDate,CloseDate,Loss Reason
C1,Alpha,Contract Signed,1000,1,1,2025-01-02,2025-02-01,
C2,Beta,Dead - No Budget,,1,0,2025-01-03,2025-02-02,Budget
C3,Gamma,Qualification,3000,0,0,2025-01-04,2025-03-01,
C4,Delta,Contract Signed,,1,1,2025-01-05,2025-02-03,
C5,Eps,Dead - No Budget,500,1,0,2025-01-06,2024-12-01,Budget
C6,Zeta,Contract Signed,700,1,1,,2099-01-01,
"""


def test_custom_closed_stage_names_follow_iswon_isclosed(cli: Cli, store: Store,
                                                         tmp_path: Path) -> None:  # fmt: skip
    result = cli("import", "deals", write(tmp_path / "c.csv", CUSTOM))
    _ok(result)
    status = dict(store.all("SELECT status, count(*) FROM deals GROUP BY status"))
    assert status == {"won": 3, "lost": 2, "open": 1}
    assert store.scalar("SELECT count(*) FROM stages") == 5  # nothing created
    assert "Contract Signed (won 3), Dead - No Budget (lost 2)" in result.stdout
    # Empty amounts are unknown, not 0.
    assert store.scalar("SELECT count(*) FROM deals WHERE value_minor IS NULL") == 2
    assert "2 deal(s) have no amount" in result.stdout
    # Never the import time: C6 has no created date.
    assert store.scalar("SELECT created_at FROM deals WHERE external_id = 'C6'") is None
    assert "1 deal(s) have no created date" in result.stdout
    assert "1 closed deal(s) closed before they were created" in result.stdout
    assert "left out of KPIs (e.g. line 6)" in result.stdout
    assert "Warning: 1 closed deal(s) have a close date in the future (e.g. line 7)" in (
        result.stdout
    )
    assert "6 row(s) name no owner: assigned to Test Owner (e.g. lines 2, 3, 4)" in result.stdout
    assert result.stderr == ""
    _clean(cli)

    listed = cli("deal", "list", "--status", "won")
    _ok(listed)
    delta = next(line for line in listed.stdout.splitlines() if "Delta" in line)
    assert "—" in delta and "0.00" not in delta
    shown = cli("deal", "list", "--status", "won", "--format", "json").json()
    assert {d["title"]: d["value"] for d in shown} == {  # type: ignore[union-attr,index]
        "Alpha": 1000.0, "Delta": None, "Zeta": 700.0}  # fmt: skip
    # The average won deal leaves the unknown amount out: (1000 + 700) / 2, not / 3.
    kpi = cli("kpi", "--from", "2024-01-01", "--to", "2099-12-31", "--format", "json").json()
    assert kpi["won"] == 3 and kpi["avg_deal_size"] == 850.0  # type: ignore[index]
    # Zeta has no created date: the cycle leaves it out, and says so.
    assert kpi["sales_cycle_left_out"] == 1  # type: ignore[index]
    exported = cli("export", "deals").stdout.splitlines()
    assert next(line for line in exported if line.startswith("C4,")).split(",")[9] == ""
    _ok(cli("undo"))
    assert store.scalar("SELECT count(*) FROM deals") == 0
    _clean(cli)


def test_hubspot_associated_company_is_the_company(cli: Cli, store: Store,
                                                   tmp_path: Path) -> None:  # fmt: skip
    path = write(tmp_path / "h.csv", "Record ID,Deal Name,Deal Stage,Amount,Associated Company\n"
                 "1,Plan,Qualified,100,Acme Corp\n")  # fmt: skip
    _ok(cli("import", "deals", path))
    assert store.scalar("SELECT c.name FROM deals d JOIN companies c ON c.id = d.company_id") == (
        "Acme Corp"
    )


def test_closed_deals_without_history_stay_out_of_conversion(cli: Cli, store: Store,
                                                             tmp_path: Path) -> None:  # fmt: skip
    path = write(tmp_path / "w.csv", "Id,Name,StageName,Amount,CreatedDate,CloseDate\n"
                 "W1,One,Closed Won,100,2026-10-01,2026-11-01\n"
                 "W2,Two,Closed Won,100,2026-10-02,2026-11-02\n"
                 "O1,Open,Qualification,100,2026-10-03,2027-01-02\n")  # fmt: skip
    _ok(cli("import", "deals", path))
    kpi = cli("kpi", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json").json()
    entered = {c["stage"]: c["entered"] for c in kpi["conversion"]}  # type: ignore[index]
    assert entered["Lead In"] == 0  # no invented entry into the first stage
    assert entered["Qualified"] == 1
    assert kpi["conversion_left_out"] == 2  # type: ignore[index]
    table = cli("kpi", "--from", "2026-01-01", "--to", "2026-12-31")
    assert "Stage conversion leaves out 2 deal(s) imported without their stage history" in (
        table.stdout
    )


# -- a synthetic history: unsorted, duplicated, won then lost, close dates pushed -----------

DEALS = """Id,Name,StageName,Amount,CreatedDate,CloseDate,Loss Reason
H1,Hotel,Closed Lost,5000,,2026-03-01,Price
H2,India,Proposal/Quote,2000,2026-01-05,2026-06-30,
"""
HISTORY = """OpportunityId,StageName,CreatedDate,Amount,CloseDate,Probability,ForecastCategory
H2,Proposal/Quote,2026-02-10 09:00:00,2000,2026-06-30,60,Pipeline
H1,Closed Won,2026-02-01 10:00:00,5000,2026-02-01,100,Closed
H1,Qualification,2026-01-10 08:00:00,4000,2026-01-31,20,Pipeline
H1,Qualification,2026-01-10 08:00:00,4000,2026-01-31,20,Pipeline
H1,Closed Lost,2026-03-01 10:00:00,5000,2026-03-01,0,Omitted
H2,Qualification,2026-01-05 09:00:00,,2026-03-31,20,Pipeline
H2,Qualification,2026-01-20 09:00:00,1500,2026-04-30,20,Pipeline
"""


def test_history_replays_stages_status_amounts_and_close_dates(
    cli: Cli, store: Store, tmp_path: Path
) -> None:
    _ok(cli("import", "deals", write(tmp_path / "d.csv", DEALS)))
    result = cli("import", "history", write(tmp_path / "h.csv", HISTORY), "--tz", "UTC",
                 "--format", "json")  # fmt: skip
    _ok(result)
    r = result.json()
    assert (r["rows"], r["duplicates"], r["deals"]) == (7, 1, 2)  # type: ignore[index]
    assert r["changes"]["status"] == 2  # won, then lost  # type: ignore[index]
    # H1 had no created date: its history dates it.
    assert store.scalar("SELECT created_at FROM deals WHERE external_id = 'H1'") == (
        "2026-01-10T08:00:00Z"
    )
    # H2's creation (a bare day, read as noon) is later than its history's first moment.
    assert r["dated"] == 2  # type: ignore[index]
    moves = store.all(
        "SELECT d.external_id, f.name, t.name, sc.changed_at FROM stage_changes sc "
        "JOIN deals d ON d.id = sc.deal_id LEFT JOIN stages f ON f.id = sc.from_stage_id "
        "JOIN stages t ON t.id = sc.to_stage_id ORDER BY d.external_id, sc.changed_at"
    )
    assert [tuple(m) for m in moves] == [
        ("H1", None, "Qualified", "2026-01-10T08:00:00Z"),
        ("H2", None, "Qualified", "2026-01-05T09:00:00Z"),
        ("H2", "Qualified", "Proposal", "2026-02-10T09:00:00Z"),
    ]
    # As of Feb 15, H1 was won (not yet lost) and H2 was in Proposal.
    feb = cli("deal", "list", "--as-of", "2026-02-15", "--status", "all", "--format", "json").json()
    by = {d["title"]: d for d in feb}  # type: ignore[union-attr]
    assert by["Hotel"]["status"] == "won" and by["Hotel"]["value"] == 5000.0
    assert by["India"]["stage"] == "Proposal" and by["India"]["close_date"] == "2026-06-30"
    jan = cli("deal", "list", "--as-of", "2026-01-15", "--status", "all", "--format", "json").json()
    by = {d["title"]: d for d in jan}  # type: ignore[union-attr]
    assert by["Hotel"]["status"] == "open" and by["Hotel"]["value"] == 4000.0
    assert by["India"]["stage"] == "Qualified" and by["India"]["close_date"] == "2026-03-31"
    assert by["India"]["value"] is None  # the history gave no amount then
    # The close dates H2 pushed in the window are slipped close dates.
    review = cli("review", "--as-of", "2026-02-28", "--since", "60d", "--format", "json")
    _ok(review)
    slipped = review.json()["slipped"]  # type: ignore[index]
    assert [s["deal"] for s in slipped] == ["India"]
    assert slipped[0]["old_close"] == "2026-03-31" and slipped[0]["new_close"] == "2026-06-30"
    _clean(cli)

    # Importing again replaces that history (no doubles); undo restores the first one.
    again = cli("import", "history", write(tmp_path / "h.csv", HISTORY), "--tz", "UTC",
                "--format", "json")  # fmt: skip
    _ok(again)
    assert again.json()["replaced"] == 2  # type: ignore[index]
    assert store.scalar("SELECT count(*) FROM stage_changes") == 3
    _ok(cli("undo"))
    assert store.scalar("SELECT count(*) FROM stage_changes") == 3
    _ok(cli("undo"))
    assert store.scalar("SELECT count(*) FROM deal_history") == 0
    assert store.scalar("SELECT created_at FROM deals WHERE external_id = 'H1'") is None
    assert store.scalar("SELECT count(*) FROM stage_changes") == 1  # H2's from the import
    _clean(cli)


def test_history_of_unknown_deals_stops_and_writes_nothing(cli: Cli, store: Store,
                                                           tmp_path: Path) -> None:  # fmt: skip
    _ok(cli("import", "deals", write(tmp_path / "d.csv", DEALS)))
    bad = HISTORY + "ZZ,Qualification,2026-01-05 09:00:00,1,2026-03-31,20,Pipeline\n"
    result = cli("import", "history", write(tmp_path / "h.csv", bad), "--tz", "UTC")
    assert result.exit_code == 1
    assert "line 9: no deal 'ZZ' (import deals first)" in result.stderr
    assert store.scalar("SELECT count(*) FROM deal_history") == 0
    skipped = cli("import", "history", str(tmp_path / "h.csv"), "--tz", "UTC",
                  "--skip-invalid", "--format", "json")  # fmt: skip
    _ok(skipped)
    assert skipped.json()["deals"] == 2  # type: ignore[index]


def test_history_file_without_a_date_column_is_refused(cli: Cli, tmp_path: Path) -> None:
    result = cli("import", "history", write(tmp_path / "h.csv", "OpportunityId,StageName\nA,B\n"))
    assert result.exit_code == 1
    assert "a history file needs a deal id, a stage and a date column" in result.stderr


def test_owners_file_without_ids_is_refused(cli: Cli, store: Store, tmp_path: Path) -> None:
    result = cli("import", "owners", write(tmp_path / "u.csv", "FirstName,LastName\nAna,Ruiz\n"))
    assert result.exit_code == 1
    assert "no column for the owner's id" in result.stderr
    bad = write(tmp_path / "v.csv", "Id,FirstName,LastName\nU1,Ana,Ruiz\nU2,,\nU1,Bo,Li\n")
    result = cli("import", "owners", bad)
    assert result.exit_code == 1
    assert "line 3: no name for owner 'U2'" in result.stderr
    assert "line 4: same id 'U1' as line 2" in result.stderr
    assert store.scalar("SELECT count(*) FROM owners") == 0
    dry = cli("import", "owners", bad, "--dry-run", "--format", "json").json()
    assert dry["created"] == 1 and dry["rejected"] == 2  # type: ignore[index]
    assert json.dumps(dry)  # plain data
