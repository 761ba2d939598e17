"""Money: parsing user amounts into integer minor units, and formatting them back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipeline_tui.models.errors import PipelineError

# ISO 4217 currencies whose minor unit is not the cent.
_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_AMOUNT = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<suffix>[kKmM]?)$"
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_MINOR = 10**15  # a quadrillion cents: far beyond any deal, safely inside int64 sums


def exponent(currency: str) -> int:
    """Digits after the decimal point for ``currency``."""
    return _EXPONENTS.get(currency.upper(), 2)


def check_currency(code: str) -> str:
    """Return the upper-cased ISO code, or raise naming the bad value."""
    up = code.strip().upper()
    if not _CURRENCY.match(up):
        raise PipelineError(f"invalid currency {code!r}: use a 3-letter ISO code such as USD")
    return up


def parse_amount(text: str) -> tuple[Decimal, str | None]:
    """Parse ``12500``, ``12,500.50``, ``12.5k``, ``$12,500`` or ``EUR 12k``.

    Returns (amount in major units, currency named in the text or None).
    """
    raw = text.strip()
    found: str | None = None
    s = raw.replace(" ", "").replace("\u00a0", "")
    if s[:1] in _SYMBOLS:
        found, s = _SYMBOLS[s[0]], s[1:]
    elif s[-1:] in _SYMBOLS:
        found, s = _SYMBOLS[s[-1]], s[:-1]
    elif len(s) > 3 and s[:3].isalpha() and s[:3].isupper():
        found, s = s[:3], s[3:]
    m = _AMOUNT.match(s)
    if not m:
        raise PipelineError(
            f"invalid amount {raw!r}: use a number such as 12500, 12,500.50 or 12.5k"
        )
    num = Decimal(m.group("num").replace(",", ""))
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


def format_money(minor: int, currency: str) -> str:
    """Human form: ``12,500.50 USD``."""
    exp = exponent(currency)
    return f"{minor / 10**exp:,.{exp}f} {currency}"
