"""Who did what on a shared server: the log names each command's login, undo is your own.

Two members, alice and bob, log in to one database as their own PostgreSQL roles (trust
authentication on the throwaway server of tests/pg.py) and run the CLI as a person would.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Cli
from tests.pg import PgServer

MEMBERS = ("alice", "bob")


def member_roles(server: PgServer, dbname: str, names: tuple[str, ...] = MEMBERS) -> None:
    """Login roles that may read and write the pipeline's tables (what `team add` grants)."""
    for name in names:
        server.admin(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') "
            f"THEN CREATE ROLE {name} LOGIN; END IF; END $$"
        )
    import psycopg

    with psycopg.connect(server.url(dbname), autocommit=True) as conn:
        for name in names:
            conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {name}")  # type: ignore[arg-type]
            conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {name}")  # type: ignore[arg-type]


@pytest.fixture
def team(pg_server: PgServer) -> Iterator[dict[str, str]]:
    """The database's URL for each member, and ``admin`` for the server's superuser."""
    name = pg_server.new_database()
    member_roles(pg_server, name)
    admin = pg_server.url(name)
    urls = {m: admin.replace("user=postgres", f"user={m}") for m in MEMBERS}
    yield {"admin": admin, **urls}
    pg_server.drop(name)


def as_member(monkeypatch: pytest.MonkeyPatch, url: str, owner: str) -> Cli:
    monkeypatch.setenv("PIPELINE_DB", url)
    monkeypatch.setenv("PIPELINE_OWNER", owner)
    return Cli()


def test_log_names_each_login_and_filters_by_user(
    team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = as_member(monkeypatch, team["alice"], "Alice Adams")
    assert alice("deal", "add", "Alpha deal", "--value", "1000").exit_code == 0
    bob = as_member(monkeypatch, team["bob"], "Bob Brown")
    assert bob("deal", "add", "Bravo deal", "--value", "2000").exit_code == 0

    events = bob("log", "--format", "json", "--limit", "50").json()
    logins = {e["after"]["title"]: e["login"] for e in events if e["entity"] == "deals"}
    assert logins == {"Alpha deal": "alice", "Bravo deal": "bob"}
    owners = {e["login"]: e["owner"] for e in events if e["entity"] == "deals"}
    assert owners == {"alice": "Alice Adams", "bob": "Bob Brown"}

    table = bob("log", "--user", "alice", "--limit", "50")
    assert table.exit_code == 0
    assert "Login" in table.stdout and "alice" in table.stdout
    assert "Alpha deal" in table.stdout and "Bravo deal" not in table.stdout
    by_owner = bob("log", "--user", "bob brown", "--format", "json").json()
    assert by_owner and {e["login"] for e in by_owner} == {"bob"}
    assert bob("log", "--user", "carol").stdout.strip().endswith("No events yet.")


def test_undo_reverts_only_your_own_last_command(
    team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = as_member(monkeypatch, team["alice"], "Alice Adams")
    assert alice("deal", "add", "Alpha deal", "--value", "1000").exit_code == 0
    bob = as_member(monkeypatch, team["bob"], "Bob Brown")
    assert bob("deal", "add", "Bravo deal", "--value", "2000").exit_code == 0

    alice = as_member(monkeypatch, team["alice"], "Alice Adams")
    undone = alice("undo")
    assert undone.exit_code == 0, undone.stderr
    assert "Alpha deal" in undone.stdout
    titles = [d["title"] for d in alice("deal", "list", "--format", "json").json()]
    assert "Bravo deal" in titles and "Alpha deal" not in titles

    again = alice("undo")
    assert again.exit_code != 0
    assert "nothing to undo for login alice" in again.stderr
    assert "Bravo deal" in [d["title"] for d in alice("deal", "list", "--format", "json").json()]


def test_undo_a_given_command_and_its_checks(
    team: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bob = as_member(monkeypatch, team["bob"], "Bob Brown")
    assert bob("deal", "add", "Bravo deal", "--value", "2000").exit_code == 0
    bravo = bob("log", "--format", "json", "--limit", "1").json()[0]["command_id"]
    alice = as_member(monkeypatch, team["alice"], "Alice Adams")
    assert alice("deal", "add", "Alpha deal", "--value", "1000").exit_code == 0

    done = alice("undo", "--command", str(bravo))
    assert done.exit_code == 0, done.stderr
    assert f"Undid command {bravo}" in done.stdout
    titles = [d["title"] for d in alice("deal", "list", "--format", "json").json()]
    assert "Alpha deal" in titles and "Bravo deal" not in titles
    undo_id = alice("log", "--format", "json", "--limit", "1").json()[0]["command_id"]

    for args, message in [
        (["--command", str(bravo)], f"command {bravo} was already undone"),
        (["--command", "99999"], "no command with id 99999"),
        (["--command", str(undo_id)], f"command {undo_id} is an undo"),
    ]:
        refused = alice("undo", *args)
        assert refused.exit_code != 0
        assert message in refused.stderr
        assert "Traceback" not in refused.stderr


def test_on_a_file_undo_takes_a_command_and_the_log_has_no_login_column(cli: Cli) -> None:
    for title in ("Zero", "First", "Second"):  # Zero's command also creates the owner
        assert cli("deal", "add", title, "--value", "10").exit_code == 0
    events = cli("log", "--format", "json", "--limit", "50").json()
    [first] = [e for e in events if (e["after"] or {}).get("title") == "First"]
    assert {e["login"] for e in events} == {None}
    assert "Login" not in cli("log").stdout
    done = cli("undo", "--command", str(first["command_id"]))
    assert done.exit_code == 0, done.stderr
    titles = {d["title"] for d in cli("deal", "list", "--format", "json").json()}
    assert titles == {"Zero", "Second"}
    assert "Test Owner" in cli("log", "--user", "test owner").stdout


def test_stale_edit_gives_the_same_conflict_on_a_server(pg_url: str) -> None:
    from pipeline_tui.models.errors import StaleError
    from pipeline_tui.services import deals
    from pipeline_tui.services.deals import DealInput
    from pipeline_tui.store.api import open_store

    mine, bens = open_store(pg_url, actor="Ana"), open_store(pg_url, actor="Ben")
    try:
        deal = deals.add_deal(mine, DealInput("Old title", 100_00))
        opened = deals.editable_fields(deal)  # the form opens
        deals.edit_deal(bens, deal.id, title="Renamed by Ben")  # another process renames it
        with pytest.raises(StaleError) as caught:
            deals.edit_deal(mine, deal.id, title="Mine", expected={"title": opened["title"]})
        assert str(caught.value) == (
            f"deal {deal.id} changed since you opened it: title is now 'Renamed by Ben' "
            "(you changed it to 'Mine'); reload and try again"
        )
        # Different fields from the same stale read both stand.
        deals.edit_deal(bens, deal.id, value_minor=500_00, expected={"value_minor": 100_00})
        from datetime import date

        before = {"close_date": opened["close_date"]}
        saved = deals.edit_deal(mine, deal.id, close_date=date(2027, 1, 31), expected=before)
        assert saved.title == "Renamed by Ben" and saved.value_minor == 500_00
    finally:
        mine.close()
        bens.close()
