"""Backup and restore of a team's server keep its members' roles (store/postgres/copy.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.test_pg_team import _as, _deal


def test_restore_keeps_the_team_and_its_limits(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    admin = _as(monkeypatch, pg_url, "postgres", "Admin")
    for name, role in (("Ana Ruiz", "rep"), ("Ben Ode", "rep")):
        assert admin("team", "add", name, "--role", role).exit_code == 0
    bens = _deal(admin, "Ben's deal", "Ben Ode")
    backup = tmp_path / "team.db"
    assert admin("backup", str(backup)).exit_code == 0
    assert admin("deal", "edit", str(bens), "--value", "7").exit_code == 0

    restored = admin("restore", str(backup))
    assert restored.exit_code == 0, restored.stderr
    assert admin("deal", "show", str(bens), "--format", "json").json()["value"] == 1000
    ana = _as(monkeypatch, pg_url, "ana_ruiz", "Ana Ruiz")
    refused = ana("deal", "edit", str(bens), "--value", "1")
    assert refused.exit_code != 0 and "ana_ruiz may not change deal" in refused.stderr


def test_a_copy_without_a_members_owner_is_refused(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "other.db"
    lite = Cli()
    monkeypatch.setenv("PIPELINE_DB", str(empty))
    assert lite("init").exit_code == 0  # one owner at most: Test Owner
    admin = _as(monkeypatch, pg_url, "postgres", "Admin")
    for name in ("Ana Ruiz", "Ben Ode", "Cy Late"):
        assert admin("team", "add", name, "--role", "rep").exit_code == 0
    kept = _deal(admin, "Kept deal", "Ben Ode")

    copied = admin("db", "copy", str(empty), pg_url, "--force")
    assert copied.exit_code != 0
    lines = copied.stderr.strip().splitlines()
    assert len(lines) == 1 and "owner (id" in lines[0] and "nothing was changed" in lines[0]
    assert admin("deal", "show", str(kept), "--format", "json").json()["title"] == "Kept deal"
