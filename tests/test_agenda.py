"""`pipeline today` is bounded: a screenful per section, most urgent first, the rest counted."""

from __future__ import annotations

import pytest

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends


def _deal(cli: Cli, title: str, value: str, close: str, owner: str | None = None) -> int:
    args = ["deal", "add", title, "--value", value, "--close", close, "--format", "json"]
    if owner:
        args += ["--owner", owner]
    made = cli(*args)
    assert made.exit_code == 0, made.stderr
    return int(made.json()["id"])  # type: ignore[index]


def test_each_section_shows_at_most_the_limit_and_counts_the_rest(store: Store, cli: Cli):
    ids = [_deal(cli, f"Deal {i:02d}", str(1000 + i), "+60d") for i in range(12)]
    big = _deal(cli, "The big one", "900k", "+60d")  # most value: most attention
    out = cli("today", "--limit", "5")
    assert out.exit_code == 0, out.stderr
    assert "Open deals with no next step (5 of 13)" in out.stdout
    assert "... and 8 more: pipeline deal list --no-next-step" in out.stdout
    data = cli("today", "--limit", "5", "--format", "json").json()
    assert len(data["no_next_step"]) == 5 and data["more"]["no_next_step"] == 8
    assert data["no_next_step"][0]["id"] == big  # ranked by attention, not by id
    listed = cli("deal", "list", "--no-next-step", "--format", "json").json()
    assert sorted(d["id"] for d in listed) == sorted([*ids, big])
    assert cli("today", "--limit", "0").exit_code == 1


def test_the_owner_filter_applies_before_the_limit(store: Store, cli: Cli):
    assert cli("owner", "add", "Ben Okafor").exit_code == 0
    for i in range(3):
        _deal(cli, f"Ben's {i}", "100", "+30d", owner="Ben Okafor")
    _deal(cli, "Mine", "100", "+30d")
    data = cli("today", "--owner", "ben okafor", "--limit", "2", "--format", "json").json()
    assert [d["owner"] for d in data["no_next_step"]] == ["Ben Okafor"] * 2
    assert data["more"]["no_next_step"] == 1
