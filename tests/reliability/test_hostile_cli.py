"""Hostile input through the CLI: generated arguments never crash, never half-write,
and what is stored comes back byte-identical in JSON and neutralised in CSV."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli

EXAMPLES = int(os.environ.get("PIPELINE_HOSTILE_EXAMPLES", "60"))

hostile_text = st.one_of(
    st.sampled_from(
        [
            "[bold red]WON[/]",
            "[/]",
            "O'Brien [/]",
            "[link=http://evil]x[/link]",
            "\x1b[31mred\x1b[0m",
            '=HYPERLINK("http://evil","x")',
            "+1+1",
            "-2",
            "@SUM(A1)",
            "\tlead",
            "line1\nline2",
            "nul\x00byte",
            "\ud800lone",
            "x" * 20_000,
            " ",
            "",
            "Ünïcødé ✓ 日本語",
            "\u202eevil",
            "%s%s%n",
            "'; DROP TABLE deals; --",
        ]
    ),
    st.text(min_size=0, max_size=60),
)
amounts = st.one_of(
    st.sampled_from(
        [
            "-5",
            "1e9",
            "99999999999999999999",
            "1,2",
            "NaN",
            "inf",
            "0x10",
            "12.345",
            "€-3",
            "1k",
            "$0.01",
            "١٢٣",
        ]
    ),
    st.text(alphabet="0123456789.,-kKmM$€ ", max_size=12),
)
dates = st.one_of(
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "+99999d",
            "+9999w",
            "-99999m",
            "2026-02-29",
            "13/13/2026",
            "31/12/99999",
            "next blursday",
            "\x00",
            "2026-12-01",
        ]
    ),
    st.text(max_size=12),
)

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _snapshot(db: Path) -> dict[str, int]:
    s = Store(db)
    out = {
        t: s.scalar(f"SELECT count(*) FROM {t}")
        for t in ("deals", "companies", "contacts", "owners", "events", "commands")
    }
    s.close()
    return out


def _check(result: object, db: Path, before: dict[str, int]) -> bool:
    """One line and no change on failure; a traceback never reaches the user."""
    out = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in out
    if result.exit_code != 0:  # type: ignore[attr-defined]
        assert result.exit_code in (1, 2), out  # type: ignore[attr-defined]
        lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
        assert len(lines) == 1 and lines[0].startswith("error: "), out
        assert _snapshot(db) == before
        return False
    return True


@SETTINGS
@given(title=hostile_text, company=hostile_text, value=amounts, close=dates)
@example(title="[bold red]WON[/]", company="O'Brien [/]", value="12.5k", close="2026-12-01")
@example(title='=HYPERLINK("x")', company="\x1b[2J", value="1", close="+3d")
@example(title="[bold red]WON[/]", company="0\r", value="0", close="0001-01-01")
def test_deal_add_with_hostile_arguments(
    cli: Cli, db_path: Path, title: str, company: str, value: str, close: str
) -> None:
    before = _snapshot(db_path)
    r = cli(
        "deal",
        "add",
        title,
        "--value",
        value,
        "--company",
        company,
        "--close",
        close,
        "--format",
        "json",
    )
    if not _check(r, db_path, before):
        return
    stored = r.json()
    assert stored["title"] == title
    shown = cli("deal", "show", str(stored["id"]), "--format", "json").json()
    # A company is a shared record matched by name: its name is stored trimmed.
    assert shown["title"] == title and shown["company"] == (company.strip() or None)
    table = cli("deal", "show", str(stored["id"]))
    assert table.exit_code == 0 and "\x1b" not in table.stdout
    rows = list(
        csv.DictReader(
            io.StringIO(
                cli(
                    "deal",
                    "list",
                    "--search",
                    title[:5] if "%" not in title else "",
                    "--format",
                    "csv",
                    "--status",
                    "all",
                ).stdout
            )
        )
    )
    for row in rows:
        assert not row["title"].startswith(("=", "+", "-", "@", "\t", "\r"))


@SETTINGS
@given(name=hostile_text, email=hostile_text, note=hostile_text)
def test_lead_add_with_hostile_arguments(
    cli: Cli, db_path: Path, name: str, email: str, note: str
) -> None:
    before = _snapshot(db_path)
    r = cli("lead", "add", "--email", email, "--note", note, "--format", "json", "--", name)
    if _check(r, db_path, before):
        lead = r.json()
        assert lead["name"] == name and lead["notes"] == (note if note.strip() else None)


@SETTINGS
@given(when=dates, subject=hostile_text)
def test_activity_dates_and_subjects(cli: Cli, db_path: Path, when: str, subject: str) -> None:
    if _snapshot(db_path)["deals"] == 0:
        cli("deal", "add", "Seed", "--value", "1")
    before = _snapshot(db_path)
    r = cli(
        "activity", "plan", "--deal", "1", "--due", when, "--format", "json", "--", "call", subject
    )
    if _check(r, db_path, before):
        assert r.json()["subject"] == subject


@pytest.mark.parametrize(
    "args",
    [
        ["deal", "move", "1", "[bold]Demo[/]"],
        ["deal", "list", "--search", "%_\\"],
        ["deal", "list", "--owner", "[/]"],
        ["deal", "show", "99999999999999999999999"],
        ["deal", "list", "--limit", "-1"],
        ["stage", "add", "[red]x[/]", "--probability", "500"],
        ["config", "set", "rate.EUR", "nan"],
        ["--db", "/proc/nope/x.db", "deal", "list"],
    ],
)
def test_odd_arguments_fail_cleanly(cli: Cli, store: Store, args: list[str]) -> None:
    r = cli(*args)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.exit_code == 0 or (
        len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: ")
    )
