"""The replay forecast accuracy reads (issue 13): imported deals as they stood at a cut-off."""

# Imported through the services and read back through store/api.py alone.

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline_tui.services.imports.run import ImportOptions, run_import
from pipeline_tui.store.api import LIVE, Scope, Store

# K1 closed won in a stage of the pipeline, with a created date: its history is known.
# U1 is won with no created date: its history is unknown.
DEALS = (
    "Id,Name,StageName,Amount,IsClosed,IsWon,CreatedDate,CloseDate\n"
    "K1,Kilo,Negotiation,500,1,1,2026-01-02,2026-02-10\n"
    "U1,Uniform,Closed Won,700,1,1,,2026-02-20\n"
)
KNOWN = Scope(known_history=True)
FEB = (date(2026, 2, 1), date(2026, 3, 1))


def _import(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(DEALS, encoding="utf-8")
    run_import(store, ImportOptions("deals", str(path), zone="UTC"))


def test_a_deal_closed_after_the_cut_off_was_open_at_it(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    assert store.reports.first_known(KNOWN) == "2026-01-02T12:00:00Z"
    src = store.reports.replay("2026-01-31T23:59:59Z")
    known = store.reports.open_by_period(src, "month", *FEB, None, KNOWN)
    assert [(s.deals, s.total_minor) for s in known] == [(1, 50000)]
    every = store.reports.open_by_period(src, "month", *FEB, None, Scope())
    assert sum(s.deals for s in every) == 2
    assert store.reports.won_by_period(src, "month", *FEB, None, Scope()) == []
    assert store.reports.unknown_history(src, *FEB, Scope()) == 1
    won = store.reports.won_by_period(LIVE, "month", *FEB, None, KNOWN)
    assert [(w.deals, w.total_minor) for w in won] == [(1, 50000)]


def test_after_the_close_the_replay_shows_it_closed(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path)
    src = store.reports.replay("2026-02-15T23:59:59Z")
    assert store.reports.open_by_period(src, "month", *FEB, None, KNOWN) == []
    won = store.reports.won_by_period(src, "month", *FEB, None, Scope())
    assert [(w.deals, w.total_minor) for w in won] == [(1, 50000)]  # K1; U1 closes Feb 20


def test_a_replay_leaves_the_connection_as_it_found_it(
    store: Store, second_store: Store, tmp_path: Path
) -> None:
    """The server's replay reads one snapshot (store/postgres/asof.py) and ends it: the same
    connection then sees what another client commits, and its own commands commit."""
    _import(store, tmp_path)
    store.reports.replay("2026-01-31T23:59:59Z")
    with second_store.tx("add an owner") as tx:
        tx.ensure_owner("Zed Writer")
    assert "Zed Writer" in store.directory.owner_names()
    with store.tx("add another") as tx:
        tx.ensure_owner("Yan Writer")
    assert "Yan Writer" in second_store.directory.owner_names()
    again = store.reports.replay("2026-02-15T23:59:59Z")  # the temp tables built anew
    won = store.reports.won_by_period(again, "month", *FEB, None, Scope())
    assert [(w.deals, w.total_minor) for w in won] == [(1, 50000)]
