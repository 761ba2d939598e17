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


class _Line:
    """Holds the one line a csv.writer writes per row."""

    __slots__ = ("text",)

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text = text


class RowWriter:
    """csv.writer with LF line ends that also quotes a cell holding a bare CR.

    The csv module quotes a line end only when it is part of ``lineterminator``: with "\\n"
    alone, a CR would go out bare, and every CSV reader splits the row there. Each row is
    formatted once and checked as one string: scanning the cells cost a third more time.
    """

    def __init__(self, out: IO[str]) -> None:
        self._line = _Line()
        self._minimal = csv.writer(self._line, lineterminator="\n")
        self._all = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._write = out.write

    def writerow(self, row: Sequence[Any]) -> None:
        self._minimal.writerow(row)
        line = self._line.text
        if "\r" in line:
            self._all.writerow(row)
        else:
            self._write(line)
