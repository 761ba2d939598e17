"""Printouts at 60, 80 and 120 columns and piped: every id, period, amount and date whole."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pipeline_tui.cli.tables import layout, wrap
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli

pytestmark = pytest.mark.both_backends

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WIDTHS = [60, 80, 120, None]  # None: piped, no COLUMNS: the table's natural width


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _table(cli: Cli, monkeypatch: pytest.MonkeyPatch, width: int | None, *args: str) -> str:
    if width is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", str(width))
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "…" not in out  # nothing is cut with an ellipsis any more
    if width is not None:
        for line in out.splitlines():
            assert len(line) <= width, (width, line)
    return out


def _hidden(out: str) -> set[str]:
    found = re.search(r"Not shown at \d+ columns: (.+?); see every column", " ".join(out.split()))
    return set(found.group(1).split(", ")) if found else set()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("by", [None, "owner"])
def test_forecast_keeps_every_period_amount_and_currency_whole(
    demo_store: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch, width: int | None, by: str | None
) -> None:
    extra = ["--by", by] if by else []
    rows: list[dict[str, Any]] = cli("forecast", *extra, "--format", "json").json()  # type: ignore[assignment]
    out = _table(cli, monkeypatch, width, "forecast", *extra)
    hidden = _hidden(out)
    if width is None:
        assert not hidden  # piped: the natural width, every column
    headers = {"closed_won": "Won", "commit": "Commit", "weighted": "Weighted"}
    headers |= {"best_case": "Best case", "pipeline": "Pipeline", "open_total": "Open"}
    lines = out.splitlines()
    for row in rows:
        wanted = [row["period"], row["currency"]]
        wanted += [_money(row[k]) for k, h in headers.items() if h not in hidden]
        # One printed line holds the whole row: its period, currency and every amount shown.
        assert any(all(w in line for w in wanted) for line in lines), (wanted, out)


@pytest.mark.parametrize("width", [60, 80])
def test_forecast_note_on_undated_deals_wraps_to_the_width(
    demo_store: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    # A deal with no close date always puts the undated/overdue row, and its note, on the page
    # (whatever today's date does to the demo's close dates).
    assert cli("deal", "add", "No date yet", "--value", "1000").exit_code == 0
    out = _table(cli, monkeypatch, width, "forecast")
    assert "open deals with no close date, or a close date already past" in " ".join(out.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_deal_list_by_attention_keeps_ids_values_currencies_and_dates(
    demo_store: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch, width: int | None
) -> None:
    args = ("deal", "list", "--sort", "attention")
    deals: list[dict[str, Any]] = cli(*args, "--format", "json").json()  # type: ignore[assignment]
    out = _table(cli, monkeypatch, width, *args)
    for d in deals:
        money = f"{_money(d['value'])} {d['currency']}"
        assert re.search(rf"^\s*{d['id']} .*{re.escape(money)}", out, re.M), (d["id"], money)
        if d["close_date"]:
            assert d["close_date"] in out
    if width == 80:
        assert _hidden(out) == {"Owner", "Company"}  # the stated order: owner, then company


@pytest.mark.parametrize("width", WIDTHS)
def test_review_and_today_keep_dates_and_amounts_whole(
    demo_store: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch, width: int | None
) -> None:
    data: dict[str, Any] = cli("review", "--since", "7d", "--format", "json").json()  # type: ignore[assignment]
    out = _table(cli, monkeypatch, width, "review", "--since", "7d")
    for section, lines in data.items():
        if not isinstance(lines, list):
            continue
        for line in lines:
            if line.get("value") is not None:
                assert f"{_money(line['value'])} {line['currency']}" in out, section
            for day in DATE.findall(line["change"]):
                assert day in out, (section, day)
    today = _table(cli, monkeypatch, width, "today")
    assert "…" not in today and DATE.search(today)


@pytest.mark.parametrize("width", [60, 80])
def test_log_and_lead_list_fit_a_terminal(
    demo_store: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    log = _table(cli, monkeypatch, width, "log", "--limit", "30")
    events: list[dict[str, Any]] = cli("log", "--limit", "30", "--format", "json").json()  # type: ignore[assignment]
    for e in events:
        assert re.search(rf"^\s*{e['id']} ", log, re.M)
    _table(cli, monkeypatch, width, "lead", "list")
    _table(cli, monkeypatch, width, "activity", "list")


def test_wide_shows_every_column_anywhere_on_the_line(
    demo_store: Store, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    narrow = cli("forecast").stdout
    assert _hidden(narrow)
    for args in (("forecast", "--wide"), ("--wide", "forecast")):
        wide = cli(*args)
        assert wide.exit_code == 0, wide.stderr
        assert not _hidden(wide.stdout) and "Best case" in wide.stdout.splitlines()[1]
    assert _hidden(cli("forecast").stdout)  # --wide does not stick


def test_layout_wraps_free_text_before_dropping_and_never_cuts_numbers() -> None:
    from pipeline_tui.cli.render import Col

    cols = [
        Col("id", "ID", right=True),
        Col("title", "Title", flex=True),
        Col("owner", "Owner", flex=True, drop=1),
        Col("value", "Value", right=True),
    ]
    cells = [["7"], ["A rather long deal title here"], ["Ana Ruiz"], ["1,250,000.00 USD"]]
    shown, widths = layout(cells, cols, 60)
    assert shown == [0, 1, 2, 3] and widths[3] == 16  # room for all: nothing wraps
    shown, widths = layout(cells, cols, 44)
    assert shown == [0, 1, 2, 3] and widths[1] < 29 and widths[3] == 16  # the title wraps
    shown, widths = layout(cells, cols, 30)
    assert shown == [0, 1, 3] and widths[-1] == 16  # then the owner goes; the value stays
    assert wrap("Chase procurement on proposal (OVERDUE 2026-11-21)", 12)[-1] == "2026-11-21)"
