"""Money: parsing user amounts into integer minor units, and formatting them back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipeline_tui.models.errors import PipelineError

# ISO 4217 currencies whose minor unit is not the cent. Kept here rather than read from the
# iso4217 package because every printed amount needs it and that package costs ~12 ms to
# load; tests/test_models.py checks this table against the package's.
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "UYI": 0, "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "CLF": 4, "UYW": 4,
}  # fmt: skip
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_NUMBER = re.compile(r"^(?P<num>[\d.,]*\d[\d.,]*|\.\d+)(?P<suffix>[kKmM]?)$")
_CODE = re.compile(r"^[A-Za-z]{3}$")
_GROUPED = {mark: re.compile(rf"^\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+$") for mark in ".,"}
MAX_MINOR = 10**15  # a quadrillion cents: far beyond any deal, safely inside int64 sums
DECIMAL_MARKS = (".", ",")  # the values of the 'decimal' setting


def exponent(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (tests/test_money.py checks this
    table against the ISO 4217 list)."""
    return _EXPONENTS.get(currency.upper(), 2)


def iso_codes() -> dict[str, str]:
    """Every current ISO 4217 code and its name, from the iso4217 package's copy of the
    maintenance agency's table. Loaded only when a typed code is checked (about 12 ms)."""
    from iso4217 import raw_table

    return {code: str(row["CcyNm"]) for code, row in raw_table.items() if code}


def check_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 code, or raise naming the bad value and the nearest."""
    up = code.strip().upper()
    if not _CODE.match(up):
        raise PipelineError(f"invalid currency {code!r}: use a 3-letter ISO code such as USD")
    codes = iso_codes()
    if up not in codes:
        import difflib

        near = difflib.get_close_matches(up, list(codes), n=3, cutoff=0.3)
        hint = ", ".join(f"{c} ({codes[c]})" for c in near) if near else "USD, EUR or GBP"
        raise PipelineError(
            f"unknown currency {code!r}: not an ISO 4217 code; did you mean {hint}?"
        )
    return up


def _number(num: str, raw: str, decimal: str | None, currency: str | None) -> Decimal:
    """The digits of an amount, read with ``decimal`` as the decimal mark when configured.

    Unconfigured, an amount is read only when its reading is certain: both marks present
    (the last is the decimal one), a mark repeated (grouping), or one mark not followed by
    exactly three digits (decimal). ``12.500`` and ``12,500`` are 12.5 in one country and
    12500 in the next: a factor of a thousand is refused, not guessed. With a currency named
    (``$12,500``, ``12,500 USD``) a comma before three digits groups them: money in a
    two-decimal currency has no third decimal.
    """
    marks = [c for c in num if c in ".,"]
    if decimal is None:
        if not marks:
            dec_mark = None
        elif "." in marks and "," in marks:
            dec_mark = marks[-1]
        elif len(marks) > 1:
            dec_mark = None  # 1,234,567 or 1.234.567: grouping only
        elif marks[0] == "," and currency is not None and exponent(currency) != 3:
            dec_mark = None
        elif len(num) - num.index(marks[0]) - 1 == 3 and num.index(marks[0]) > 0:
            raise PipelineError(
                f"ambiguous amount {raw!r}: is {marks[0]!r} a decimal mark or a thousands "
                "separator? Write 12500 or 12.5, or name your decimal mark once with "
                "'pipeline config set decimal ,' (or '.')"
            )
        else:
            dec_mark = marks[0]
    else:
        dec_mark = decimal if decimal in marks else None
    other = {".": ",", ",": "."}
    group = other[dec_mark] if dec_mark else (marks[0] if marks else ",")
    whole, _, frac = num.rpartition(dec_mark) if dec_mark else (num, "", "")
    if (dec_mark and num.count(dec_mark) > 1) or (frac and not frac.isdigit()):
        raise PipelineError(f"invalid amount {raw!r}: use a number such as 12500 or 12.5k")
    if group in whole and not _GROUPED[group].match(whole):
        raise PipelineError(
            f"invalid amount {raw!r}: {group!r} groups digits in threes, as in 12{group}500"
        )
    digits = whole.replace(group, "") or "0"
    if not digits.isdigit():
        raise PipelineError(f"invalid amount {raw!r}: use a number such as 12500 or 12.5k")
    return Decimal(f"{digits}.{frac}" if frac else digits)


def parse_amount(text: str, decimal: str | None = None) -> tuple[Decimal, str | None]:
    """Parse ``12500``, ``12,500.50``, ``12.5k``, ``$12,500``, ``EUR 12k``, ``12500 USD`` or
    (with ``decimal=","``) ``€9.000,50``.

    Returns (amount in major units, currency named in the text or None).
    """
    raw = text.strip()
    found: str | None = None
    s = raw.replace(" ", "").replace("\u00a0", "")
    if s[:1] in _SYMBOLS:
        found, s = _SYMBOLS[s[0]], s[1:]
    elif s[-1:] in _SYMBOLS:
        found, s = _SYMBOLS[s[-1]], s[:-1]
    elif len(s) > 3 and s[:3].isalpha() and _NUMBER.match(s[3:]):
        found, s = check_currency(s[:3]), s[3:]
    elif len(s) > 3 and s[-3:].isalpha() and _NUMBER.match(s[:-3]):
        found, s = check_currency(s[-3:]), s[:-3]
    m = _NUMBER.match(s)
    if not m:
        raise PipelineError(
            f"invalid amount {raw!r}: use a number such as 12500, 12,500.50 or 12.5k"
        )
    num = _number(m.group("num"), raw, decimal, found)
    suffix = m.group("suffix").lower()
    if suffix == "k":
        num *= 1000
    elif suffix == "m":
        num *= 1_000_000
    return num, found


def parse_money(text: str, currency: str = "USD") -> tuple[int, str | None]:
    """Parse an amount into minor units of the currency it names, else of ``currency``."""
    num, found = parse_amount(text)
    return to_minor(num, found or currency, text.strip()), found


def to_minor(amount: Decimal | float | int | str, currency: str, shown: str | None = None) -> int:
    """Convert a major-unit amount to integer minor units, refusing sub-unit fractions."""
    try:
        dec = Decimal(str(amount))
    except InvalidOperation:
        raise PipelineError(f"invalid amount {shown or amount!r}") from None
    scaled = dec.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise PipelineError(
            f"invalid amount {shown or str(amount)!r}: too many decimals for {currency}"
        )
    minor = int(scaled)
    if abs(minor) >= MAX_MINOR:
        raise PipelineError(f"invalid amount {shown or str(amount)!r}: too large")
    return minor


def to_major(minor: int, currency: str) -> float:
    """Minor units to a JSON-friendly number in major units (12500.5)."""
    exp = exponent(currency)
    return minor if exp == 0 else round(minor / 10**exp, exp)


def plain_amount(minor: int, currency: str) -> str:
    """Minor units as a user would type them back, with the currency's decimals and no
    grouping: 3100000 USD -> '31000.00' (a float showed '31000.0')."""
    return format(Decimal(minor).scaleb(-exponent(currency)), "f")


UNKNOWN = "—"  # an amount nobody gave (an import's empty cell): never shown as 0.00


def format_money(minor: int | None, currency: str) -> str:
    """Human form: ``12,500.50 USD``; an unknown amount is ``—``."""
    if minor is None:
        return UNKNOWN
    exp = exponent(currency)
    return f"{minor / 10**exp:,.{exp}f} {currency}"
