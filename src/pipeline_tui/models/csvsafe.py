"""CSV output that spreadsheets will not execute (OWASP CSV injection) nor split mid-row."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would read as a formula with a quote.

    Numbers are returned untouched: a negative amount must stay a number.
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


class RowWriter:
    """csv.writer with LF line ends that also quotes a cell holding a bare CR.

    The csv module quotes a line end only when it is part of ``lineterminator``: with "\\n"
    alone, a CR would go out bare, and every CSV reader splits the row there.
    """

    def __init__(self, out: IO[str]) -> None:
        self._minimal = csv.writer(out, lineterminator="\n")
        self._all = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Sequence[Any]) -> None:
        cr = any(isinstance(v, str) and "\r" in v for v in row)
        (self._all if cr else self._minimal).writerow(row)
