"""Money columns: the decimal separator decided per column, and the amounts read with it."""

# Amounts as files write them: 1,234.56 or 1.234,56, with $, €, or EUR before or after, 12k.

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.money import MAX_MINOR, exponent
from pipeline_tui.services.imports.cells import BadValue

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "US$": "USD", "CHF": "CHF"}
_CODE = re.compile(r"^([A-Z]{3})\s*(.*)$|^(.*?)\s*([A-Z]{3})$")
# Currencies whose home countries all write a decimal point.
_POINT_CURRENCIES = {"USD", "GBP", "JPY", "CNY", "INR", "AUD", "CAD", "NZD", "HKD", "SGD"}
_SPACES = str.maketrans("", "", " \u00a0\u202f'")


def _strip_currency(text: str) -> tuple[str, str | None]:
    s = text.strip()
    for sym in ("US$", "$", "€", "£", "¥"):
        if s.startswith(sym):
            return s[len(sym) :].strip(), _SYMBOLS[sym]
        if s.endswith(sym):
            return s[: -len(sym)].strip(), _SYMBOLS[sym]
    m = _CODE.match(s)
    if m:
        if m.group(1):
            return m.group(2), m.group(1)
        return m.group(3), m.group(4)
    return s, None


@dataclass
class MoneyEvidence:
    """Which decimal separator a money column uses: '.' or ','."""

    point: int = 0
    comma: int = 0
    ambiguous: int = 0
    seen: int = 0

    def add(self, text: str) -> None:
        raw, named = _strip_currency(text)
        s = raw.translate(_SPACES).rstrip("kKmM")
        if not s:
            return
        self.seen += 1
        dots, commas = s.count("."), s.count(",")
        if dots and commas:
            if s.rfind(".") > s.rfind(","):
                self.point += 1
            else:
                self.comma += 1
        elif dots == 1 or commas == 1:
            sep = "." if dots else ","
            whole, frac = s.split(sep)
            grouping = len(frac) == 3 and 1 <= len(whole.lstrip("-")) <= 3
            grouping = grouping and not whole.lstrip("-").startswith("0")
            if grouping and named in _POINT_CURRENCIES:  # $1,200 is never $1.2
                self.point += 1
            elif grouping:  # 1,234 or 1.234: a thousands group or three decimals
                self.ambiguous += 1
            elif sep == ".":  # 12.5, 1234.567 or 0.500 can only be a decimal separator
                self.point += 1
            else:
                self.comma += 1
        elif dots > 1:
            self.comma += 1  # 1.234.567: dots group thousands
        elif commas > 1:
            self.point += 1

    @property
    def undecided(self) -> bool:
        return self.ambiguous > 0 and self.point == 0 and self.comma == 0

    def decide(self, column: str, decimal: str | None) -> str:
        if decimal:
            return decimal
        if self.comma > self.point:
            return ","
        if self.point > self.comma or self.ambiguous == 0:
            return "."
        raise PipelineError(
            f"column {column!r}: amounts such as 1.234 or 1,234 could use either decimal "
            "separator, and no value settles it; give --decimal . or --decimal ,"
        )


def make_money_converter(decimal: str) -> Callable[[str], tuple[str, str | None]]:
    """'1.234,56 €' -> ('1234.56', 'EUR'): a plain decimal string and the currency it names."""
    group = "," if decimal == "." else "."

    def convert(text: str) -> tuple[str, str | None]:
        raw, found = _strip_currency(text)
        s = raw.translate(_SPACES)
        if s.startswith("-") or s.startswith("("):
            raise BadValue(f"negative amount {text!r}")
        if group in s:
            head, *groups = s.split(decimal)[0].split(group)
            if not (1 <= len(head) <= 3 and all(len(g) == 3 for g in groups)):
                raise BadValue(f"invalid amount {text!r}")
            s = s.replace(group, "")
        s = s.replace(decimal, ".")
        suffix = s[-1:].lower()
        if suffix in ("k", "m"):
            s = s[:-1]
        if not s or not s.replace(".", "", 1).isdigit() or not s.isascii():
            raise BadValue(f"invalid amount {text!r}")
        if suffix == "k":
            s = str(Decimal(s) * 1000)
        elif suffix == "m":
            s = str(Decimal(s) * 1_000_000)
        return s, found

    return convert


def to_minor_units(amount: str, currency: str, shown: str) -> int:
    """A plain decimal string to integer minor units, refusing sub-unit fractions."""
    exp = exponent(currency)
    whole, _, frac = amount.partition(".")
    frac = frac.rstrip("0")
    if len(frac) > exp:
        raise BadValue(f"invalid amount {shown!r}: too many decimals for {currency}")
    try:
        minor = int(whole or "0") * 10**exp + (int(frac.ljust(exp, "0")) if exp else 0)
    except ValueError:
        try:
            minor = int(Decimal(amount).scaleb(exp))
        except InvalidOperation:
            raise BadValue(f"invalid amount {shown!r}") from None
    if minor >= MAX_MINOR:
        raise BadValue(f"invalid amount {shown!r}: too large")
    return minor
