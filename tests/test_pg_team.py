"""`pipeline team add`: members' roles, and reps who change only their own records."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


def _as(monkeypatch: pytest.MonkeyPatch, url: str, login: str, owner: str) -> Cli:
    monkeypatch.setenv("PIPELINE_DB", url.replace("user=postgres", f"user={login}"))
    monkeypatch.setenv("PIPELINE_OWNER", owner)
    return Cli()


def _deal(cli: Cli, title: str, owner: str) -> int:
    made = cli("deal", "add", title, "--value", "1000", "--owner", owner, "--format", "json")
    assert made.exit_code == 0, made.stderr
    return int(made.json()["id"])


def test_a_rep_changes_only_their_own_deals_a_manager_any(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = _as(monkeypatch, pg_url, "postgres", "Admin")
    for name, role in (("Ana Ruiz", "rep"), ("Ben Ode", "rep"), ("Mia Boss", "manager")):
        added = admin("team", "add", name, "--role", role)
        assert added.exit_code == 0, added.stderr
        assert f"logs in as {name.lower().replace(' ', '_')}" in added.stdout
    anas, bens = _deal(admin, "Ana's deal", "Ana Ruiz"), _deal(admin, "Ben's deal", "Ben Ode")

    ana = _as(monkeypatch, pg_url, "ana_ruiz", "Ana Ruiz")
    assert ana("deal", "edit", str(anas), "--value", "2000").exit_code == 0
    refused = ana("deal", "edit", str(bens), "--value", "1")
    assert refused.exit_code != 0
    assert refused.stderr.strip().splitlines() == [
        f"error: not allowed: ana_ruiz may not change deal {bens}: it is Ben Ode's"
    ]
    assert ana("deal", "delete", str(bens), "--force").exit_code != 0
    grab = ana("deal", "edit", str(bens), "--owner", "Ana Ruiz")
    assert grab.exit_code != 0 and "not allowed" in grab.stderr
    values = {d["id"]: d["value"] for d in ana("deal", "list", "--format", "json").json()}
    assert values[bens] == 1000 and values[anas] == 2000  # reads everything, Ben's unchanged
    mine = _deal(ana, "Ana's new deal", "Ana Ruiz")
    assert ana("deal", "add", "For Ben", "--value", "5", "--owner", "Ben Ode").exit_code != 0

    mia = _as(monkeypatch, pg_url, "mia_boss", "Mia Boss")
    assert mia("deal", "edit", str(bens), "--value", "3000").exit_code == 0
    assert mia("deal", "edit", str(mine), "--value", "4000").exit_code == 0
    log = mia("log", "--format", "json", "--limit", "100").json()
    assert {"ana_ruiz", "mia_boss", "postgres"} <= {e["login"] for e in log}


def test_a_private_rep_reads_only_their_own(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = _as(monkeypatch, pg_url, "postgres", "Admin")
    assert admin("team", "add", "Pat Quiet", "--role", "rep", "--private").exit_code == 0
    _deal(admin, "Pat's deal", "Pat Quiet")
    _deal(admin, "Someone else's", "Admin")
    pat = _as(monkeypatch, pg_url, "pat_quiet", "Pat Quiet")
    titles = [d["title"] for d in pat("deal", "list", "--format", "json").json()]
    assert titles == ["Pat's deal"]


def test_team_add_refusals(pg_url: str, cli: Cli) -> None:
    for args, message in [
        (["team", "add", "Ana"], "team members are PostgreSQL roles"),
        (["--db", pg_url, "team", "add", "Ana", "--role", "boss"], "invalid role 'boss'"),
        (["--db", pg_url, "team", "add", "Ana", "--role", "manager", "--private"],
         "--private is for reps"),
        (["--db", pg_url, "team", "add", "Ana", "--login", "Bad Name"], "invalid login"),
    ]:  # fmt: skip
        result = cli(*args)
        assert result.exit_code != 0, args
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
