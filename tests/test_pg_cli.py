"""The CLI on PostgreSQL prints what it prints on SQLite, for the same data (issue 14).

Both databases get the demo, then every command runs on each; the outputs must be equal
(the database's location and its random export key aside). That includes the ``--as-of``
replay, over the demo's past and over an imported stage history, and imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline_tui.models.dates import today
from pipeline_tui.store.api import open_store
from tests.conftest import Cli
from tests.pg import PgServer
from tests.test_import_real_history import DEALS as HISTORY_DEALS
from tests.test_import_real_history import HISTORY

# The demo dates its deals, moves and activities back from today: its past, a month and a
# quarter ago, replayed by --as-of (store/sqlite/asof.py, store/postgres/asof.py).
MONTH_AGO = (today() - timedelta(days=30)).isoformat()
QUARTER_AGO = (today() - timedelta(days=90)).isoformat()
AS_OF = [
    ["forecast", "--as-of", MONTH_AGO],
    ["forecast", "--by", "owner", "--as-of", QUARTER_AGO],
    ["kpi", "--as-of", MONTH_AGO],
    ["kpi", "--by", "owner", "--as-of", QUARTER_AGO],
    ["review", "--as-of", MONTH_AGO],
    ["review", "--since", "1m", "--format", "json", "--as-of", QUARTER_AGO],
    ["deal", "list", "--as-of", MONTH_AGO],
    ["deal", "list", "--status", "all", "--format", "json", "--as-of", QUARTER_AGO],
    ["deal", "list", "--status", "open", "--sort", "attention", "--as-of", MONTH_AGO],
    ["forecast", "accuracy"],  # each past period's forecast, replayed at its start
]

READS = [
    ["deal", "list"],
    ["deal", "list", "--search", "GREENleaf"],  # case-insensitive on both (LIKE vs ILIKE)
    ["deal", "list", "--status", "won"],
    ["deal", "list", "--owner", "ana ruiz", "--stage", "demo"],
    ["deal", "show", "7"],
    ["forecast"],
    ["forecast", "--by", "owner"],
    ["forecast", "--period", "quarter", "--by", "stage"],
    ["kpi"],
    ["kpi", "--by", "owner"],
    ["review"],
    ["today"],
    ["lead", "list"],
    ["owner", "list"],
    ["stage", "list"],
    ["activity", "list"],
    ["search", "ACME"],
    ["search", "li"],  # shorter than a trigram: the scan path on SQLite
    ["company", "list"],
    ["person", "list"],
    ["export", "deals"],
    *AS_OF,
]


def _norm(text: str, target: str) -> str:
    text = text.replace(target, "DB")
    return re.sub(r"\b[0-9a-f]{8}:(deal|lead|activity|company|person):", r"KEY:\1:", text)


@pytest.fixture(scope="module")
def both(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """A SQLite file and a PostgreSQL database, each with the demo loaded."""
    name = pg_server.new_database()
    targets = [str(tmp_path_factory.mktemp("lite") / "p.db"), pg_server.url(name)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PIPELINE_OWNER", "Test Owner")
        for target in targets:
            assert Cli()("--db", target, "init", "--demo").exit_code == 0
    yield targets
    pg_server.drop(name)


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_reads_print_the_same_on_both(both: list[str], cli: Cli, args: list[str]) -> None:
    lite, pg = (cli("--db", t, *args) for t in both)
    assert pg.exit_code == lite.exit_code == 0, pg.stderr
    assert _norm(pg.stdout, both[1]) == _norm(lite.stdout, both[0])


def test_writes_and_undo_match(pg_server: PgServer, tmp_path: Path, cli: Cli) -> None:
    name = pg_server.new_database()
    try:
        targets = [str(tmp_path / "p.db"), pg_server.url(name)]
        script = [
            ["owner", "add", "Ana Ruiz"],
            ["deal", "add", "Zeta rollout", "--value", "25000000", "--owner", "Ana Ruiz"],
            ["deal", "move", "1", "Proposal"],
            ["deal", "list", "--search", "ZETA"],
            ["forecast"],
            ["undo"],
            ["deal", "show", "1"],
            ["owner", "list"],
        ]
        _same_on_both(cli, targets, script)
        # a 25,000,000.00 deal fits: BIGINT minor units, read back as int
        assert "25,000,000.00" in cli("--db", targets[1], "deal", "show", "1").stdout
    finally:
        pg_server.drop(name)


def test_the_journal_never_holds_a_password(pg_url: str) -> None:
    # trust authentication ignores the password; the journal must not keep it
    url = pg_url.replace("postgresql:///", "postgresql://postgres:s3cret@/")
    store = open_store(url, actor="Ana", argv=["pipeline", "--db", url, "deal", "add", "X"])
    try:
        with store.tx("add X") as tx:
            tx.ensure_owner("Ana")
        command = store.journal.recent_events(1)[0].command
        assert "s3cret" not in command and "postgres:***@" in command
        assert "s3cret" not in store.location
    finally:
        store.close()


def test_as_of_replays_the_past_on_the_server(both: list[str], cli: Cli) -> None:
    """Not today's pipeline under an old date: a month ago the demo stood otherwise."""
    every = ["deal", "list", "--status", "all", "--format", "json"]
    now = cli("--db", both[1], *every).json()
    then = cli("--db", both[1], *every, "--as-of", MONTH_AGO).json()
    assert isinstance(now, list) and isinstance(then, list)
    assert 0 < len(then) < len(now)  # deals entered since did not exist yet
    steps = {d["id"]: (d["stage"], d["status"], d["next_step"]) for d in now}
    assert any(steps[d["id"]] != (d["stage"], d["status"], d["next_step"]) for d in then)


IMPORT_LEADS = """First Name,Last Name,Email,Company,Lead Status,Create Date
Ada,Lovelace,ada@example.com,Analytical Engines,New,2025-03-01
Grace,Hopper,grace@example.com,Navy Computing,Working,2025-03-02
Alan,Turing,ALAN@example.com,Bletchley,New,2025-03-03
Bad,Row,not-an-email,,Nonsense,2025-03-04
"""
IMPORT_DEALS = """Deal Name,Amount,Stage,Close Date,Company,Deal Owner,Custom Tier
Zeta expansion,125000.50,Proposal,2026-06-30,Analytical Engines,Ana Ruiz,gold
Theta pilot,9000,Qualified,2026-05-15,Navy Computing,Ben Ode,
Huge,25000000,Negotiation,2026-07-01,Bletchley,Ana Ruiz,platinum
"""


def _untimed(text: str) -> str:
    """Durations and the moment each import ran differ between two runs of one script."""
    text = re.sub(r" in [0-9.]+ s\b", " in T s", text)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIMESTAMP", text)


def _same_on_both(
    cli: Cli, targets: list[str], script: list[list[str]], *, ok: bool = True, timed: bool = True
) -> list[str]:
    """Run each command on the SQLite file and the server; both exit alike (with 0 when
    ``ok``) and print the same. Returns what the server printed, normalised."""
    shown = []
    for args in script:
        lite, pg = (cli("--db", t, *args) for t in targets)
        assert pg.exit_code == lite.exit_code, (args, pg.stderr, lite.stderr)
        assert not ok or pg.exit_code == 0, (args, pg.stderr)
        out = [_norm(r.stdout, t) for r, t in ((pg, targets[1]), (lite, targets[0]))]
        if not timed:
            out = [_untimed(text) for text in out]
        assert out[0] == out[1], args
        shown.append(out[0])
    return shown


def test_imports_and_their_undo_print_the_same_on_both(
    pg_server: PgServer, tmp_path: Path, cli: Cli
) -> None:
    leads, deals = tmp_path / "leads.csv", tmp_path / "deals.csv"
    leads.write_text(IMPORT_LEADS)
    deals.write_text(IMPORT_DEALS)
    name = pg_server.new_database()
    try:
        targets = [str(tmp_path / "p.db"), pg_server.url(name)]
        script = [
            ["import", "leads", str(leads), "--dry-run"],
            ["import", "leads", str(leads)],
            ["import", "deals", str(deals)],
            ["lead", "list"],
            ["deal", "list", "--search", "ZETA"],
            ["forecast"],
            ["import", "deals", str(deals)],  # again: every row matches, nothing changes
            ["import", "list"],
            ["import", "undo", "2"],
            ["deal", "list"],
            ["undo"],
            ["lead", "list"],
        ]
        _same_on_both(cli, targets, script, ok=False, timed=False)
    finally:
        pg_server.drop(name)


def test_as_of_after_an_imported_history_prints_the_same_on_both(
    pg_server: PgServer, tmp_path: Path, cli: Cli
) -> None:
    """The replay reads deal_history (`pipeline import history`): statuses, amounts and close
    dates as the history dates them, on both."""
    deals, history = tmp_path / "deals.csv", tmp_path / "history.csv"
    deals.write_text(HISTORY_DEALS)
    history.write_text(HISTORY)
    name = pg_server.new_database()
    try:
        targets = [str(tmp_path / "p.db"), pg_server.url(name)]
        script = [
            ["import", "deals", str(deals)],
            ["import", "history", str(history), "--tz", "UTC"],
            ["deal", "list", "--status", "all", "--as-of", "2026-01-15"],
            ["deal", "list", "--status", "all", "--as-of", "2026-02-15", "--format", "json"],
            ["deal", "list", "--status", "all", "--as-of", "2026-03-02"],
            ["forecast", "--from", "2026-01-01", "--by", "stage", "--as-of", "2026-01-15"],
            ["forecast", "--from", "2026-01-01", "--periods", "6", "--as-of", "2026-02-15"],
            ["kpi", "--from", "2026-01-01", "--as-of", "2026-02-28"],
            ["review", "--since", "60d", "--as-of", "2026-02-28", "--format", "json"],
            ["forecast", "accuracy", "--from", "2026-01-01", "--periods", "4"],
        ]
        shown = _same_on_both(cli, targets, script, timed=False)
        # As of Feb 15 Hotel was won, as of Jan 15 open, as of Mar 2 lost: replayed.
        hotel = [next(line for line in shown[i].splitlines() if "Hotel" in line) for i in (2, 4)]
        assert hotel[0].endswith(" open") and hotel[1].endswith(" lost")
        assert '"status": "won"' in shown[3]
    finally:
        pg_server.drop(name)
