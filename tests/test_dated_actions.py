"""Dated actions: one rule (never before the record existed), backdated creation, sane cycles."""

from __future__ import annotations

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends


def _json(cli: Cli, *args: str) -> dict:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.json()  # type: ignore[return-value]


def test_a_same_day_win_gives_a_one_day_cycle_and_a_sane_velocity(store: Store, cli: Cli):
    won = _json(cli, "deal", "add", "Quick win", "--value", "50000")
    _json(cli, "deal", "add", "Still open", "--value", "20000")
    _json(cli, "deal", "won", str(won["id"]))
    k = _json(cli, "kpi", "--since", "7d")
    assert k["sales_cycle_days"] == 1.0  # minutes, counted as the stated minimum of a day
    # 1 open deal x 100 % win rate x 50,000 average / 1 day: not millions a day.
    assert k["velocity_per_day"] == 50000.0
    assert k["sales_cycle_left_out"] == 0


def test_the_cycle_leaves_out_deals_closed_before_they_were_created(store: Store, cli: Cli):
    good = _json(cli, "deal", "add", "Ten days", "--value", "1000", "--created", "-10d")
    bad = _json(cli, "deal", "add", "Bad data", "--value", "9000", "--created", "-3d")
    _json(cli, "deal", "won", str(good["id"]))
    _json(cli, "deal", "won", str(bad["id"]))
    with store.tx("imported nonsense") as tx:  # as an import of a broken export leaves it
        tx.update("deals", bad["id"], {"closed_at": "2020-01-01T00:00:00Z"})
    k = _json(cli, "kpi", "--from", "2019-12-01")
    assert (k["won"], k["sales_cycle_left_out"]) == (2, 1)
    assert 9.5 < k["sales_cycle_days"] < 10.5  # the good deal alone, not a negative mean
    table = cli("kpi", "--from", "2019-12-01")
    assert "leaves out 1 won deal(s) closed before they were created" in table.stdout


def test_activity_dated_before_its_lead_existed_is_refused(store: Store, cli: Cli):
    lead = _json(cli, "lead", "add", "Tomás García")
    refused = cli("activity", "log", "--lead", str(lead["id"]), "call", "Intro", "--at", "-2d")
    assert refused.exit_code == 1
    assert f"is before lead {lead['id']} was created" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert _json(cli, "activity", "list") == []  # nothing written
    deal = _json(cli, "deal", "add", "Pilot", "--value", "100")
    refused = cli("activity", "log", "--deal", str(deal["id"]), "email", "Hi", "--at", "-1d")
    assert refused.exit_code == 1 and f"before deal {deal['id']} was created" in refused.stderr


def test_creation_can_be_backdated(store: Store, cli: Cli):
    deal = _json(cli, "deal", "add", "Old deal", "--value", "100", "--created", "2026-01-15")
    assert deal["created_at"].startswith("2026-01-15")
    shown = _json(cli, "deal", "show", str(deal["id"]))
    assert shown["stage_history"][0]["at"].startswith("2026-01-15")  # no invented date
    assert cli("deal", "won", str(deal["id"]), "--at", "2026-02-01").exit_code == 0
    lead = _json(cli, "lead", "add", "Old lead", "--created", "2026-03-01")
    assert lead["created_at"].startswith("2026-03-01")
    assert cli("activity", "log", "--lead", str(lead["id"]), "call", "x", "--at", "2026-03-02")
    future = cli("deal", "add", "Later", "--value", "1", "--created", "+3d")
    assert future.exit_code == 1 and "in the future" in future.stderr


def test_reopen_can_be_backdated_but_not_before_the_close(store: Store, cli: Cli):
    deal = _json(cli, "deal", "add", "Back again", "--value", "100", "--created", "2026-01-01")
    assert cli("deal", "lost", str(deal["id"]), "--reason", "No budget", "--at", "2026-02-01")
    early = cli("deal", "reopen", str(deal["id"]), "--at", "2026-01-20")
    assert early.exit_code == 1 and "before deal" in early.stderr and "closed" in early.stderr
    assert _json(cli, "deal", "show", str(deal["id"]))["status"] == "lost"
    assert cli("deal", "reopen", str(deal["id"]), "--at", "2026-02-10").exit_code == 0
    assert _json(cli, "deal", "show", str(deal["id"]))["status"] == "open"
    # As of a day between the loss and the reopening the deal was lost; after it, open.
    lost = _json(cli, "deal", "list", "--status", "lost", "--as-of", "2026-02-05")
    assert [d["id"] for d in lost] == [deal["id"]]
    reopened = _json(cli, "deal", "list", "--as-of", "2026-02-11")
    assert [d["id"] for d in reopened] == [deal["id"]]
