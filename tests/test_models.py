"""Pure tests of money and date parsing: what users type becomes exact values or an error."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline_tui.models import PipelineError
from pipeline_tui.models.csvsafe import neutralise
from pipeline_tui.models.dates import parse_date, parse_moment
from pipeline_tui.models.money import (
    check_currency,
    exponent,
    format_money,
    parse_amount,
    parse_money,
    to_major,
    to_minor,
)

BASE = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("text", "minor", "currency"),
    [
        ("12500", 1_250_000, None),
        ("12,500.50", 1_250_050, None),
        ("12.5k", 1_250_000, None),
        ("$12,500", 1_250_000, "USD"),
        ("€99.99", 9_999, "EUR"),
        ("EUR 12k", 1_200_000, "EUR"),
        ("1.2m", 120_000_000, None),
        ("0", 0, None),
        ("12,50", 1_250, None),  # a comma before two digits can only be a decimal mark
        ("12500 USD", 1_250_000, "USD"),
        ("USD 12,500", 1_250_000, "USD"),
        ("12,500 usd", 1_250_000, "USD"),
        ("€9.000,50", 900_050, "EUR"),  # both marks: the last one is the decimal mark
        ("1.234.567", 123_456_700, None),
    ],
)
def test_parse_money(text: str, minor: int, currency: str | None) -> None:
    assert parse_money(text) == (minor, currency)


@pytest.mark.parametrize("text", ["abc", "", "-5", "1.2.3", "12kk", "$", "1,2345", "12,5,0"])
def test_parse_money_rejects_and_names_value(text: str) -> None:
    with pytest.raises(PipelineError, match="invalid amount"):
        parse_money(text)


@pytest.mark.parametrize("text", ["12.500", "12,500", "$12.500", "1.500k"])
def test_an_amount_a_thousand_apart_in_two_countries_is_refused(text: str) -> None:
    with pytest.raises(PipelineError, match="ambiguous amount .*config set decimal"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "decimal", "amount"),
    [
        ("12.500", ",", Decimal("12500")),
        ("12,500", ",", Decimal("12.5")),
        ("€9.000,50", ",", Decimal("9000.50")),
        ("12.500", ".", Decimal("12.5")),
        ("12,500", ".", Decimal("12500")),
        ("12,500.50", ".", Decimal("12500.50")),
    ],
)
def test_the_configured_decimal_mark_decides(text: str, decimal: str, amount: Decimal) -> None:
    assert parse_amount(text, decimal)[0] == amount


@pytest.mark.parametrize(("text", "near"), [("XYZ", ""), ("EUO", "EUR (Euro)"), ("USS", "USD")])
def test_unknown_currency_codes_are_refused_with_the_nearest(text: str, near: str) -> None:
    pattern = f"unknown currency '{text}'.*did you mean.*{re.escape(near)}"
    with pytest.raises(PipelineError, match=pattern):
        check_currency(text)
    with pytest.raises(PipelineError, match="unknown currency"):
        parse_money(f"{text} 100")


def test_every_iso_code_is_accepted_and_exponents_match_the_iso_table() -> None:
    from iso4217 import raw_table

    for code, row in raw_table.items():
        if not code:
            continue
        assert check_currency(code.lower()) == code
        units = row["CcyMnrUnts"]
        if units.isdigit():  # N.A. for gold, funds and test codes
            assert exponent(code) == int(units), code


def test_currency_exponents() -> None:
    assert to_minor(Decimal("1500"), "JPY") == 1500
    assert to_major(1500, "JPY") == 1500
    assert to_minor("1.234", "KWD") == 1234
    with pytest.raises(PipelineError, match="too many decimals"):
        to_minor("1.234", "USD")
    assert format_money(123456789, "USD") == "1,234,567.89 USD"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_money_round_trip(amount: Decimal) -> None:
    minor = to_minor(amount, "USD")
    assert Decimal(str(to_major(minor, "USD"))) == amount
    assert parse_amount(f"{amount:,.2f}")[0] == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", BASE),
        ("tomorrow", date(2026, 11, 27)),
        ("+3d", date(2026, 11, 29)),
        ("+2w", date(2026, 12, 10)),
        ("-1d", date(2026, 11, 25)),
        ("+1m", date(2026, 12, 26)),
        ("next friday", date(2026, 11, 27)),
        ("next thursday", date(2026, 12, 3)),
        ("friday", date(2026, 11, 27)),
        ("Dec 1", date(2026, 12, 1)),
        ("1 Dec 2026", date(2026, 12, 1)),
        ("25/12/2026", date(2026, 12, 25)),
        ("12/25/2026", date(2026, 12, 25)),
        ("04/04/2026", date(2026, 4, 4)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, BASE) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/31/2026", "invalid date '31/31/2026'"),
        ("03/04/2026", "ambiguous date '03/04/2026'"),
        ("2026-02-30", "invalid date"),
        ("someday", "invalid date 'someday'"),
        ("3/4/26", "year in full"),
        ("", "invalid date"),
    ],
)
def test_parse_date_errors_name_the_value(text: str, message: str) -> None:
    with pytest.raises(PipelineError, match=message.replace("(", r"\(")):
        parse_date(text, BASE)


def test_parse_moment_with_time_and_past_day() -> None:
    moment = parse_moment("2026-11-20", BASE)
    assert moment.isoformat() == "2026-11-20T12:00:00+00:00"
    assert parse_moment("2026-11-20 09:30", BASE).minute == 30


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM", "'@SUM"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (-5, -5),
        (12.5, 12.5),
    ],
)
def test_csv_cells_are_neutralised(cell: object, expected: object) -> None:
    assert neutralise(cell) == expected


def test_relative_dates_out_of_range_are_errors() -> None:
    with pytest.raises(PipelineError, match="out of range"):
        parse_date("-9999w", date(1, 6, 1))
