"""Fitting figures into narrow cells without ever cutting one: lines break between words."""

from __future__ import annotations

import re
from collections.abc import Sequence

ELLIPSIS = "…"
_GLUE = "\u00a0"
_AMOUNT = re.compile(r"(\d[\d,.]*[kMBT]?) ([A-Z]{3})\b")  # '12.5k USD': one word to wrap


def first_fit(options: Sequence[str], width: int) -> str | None:
    """The first option no wider than ``width`` (None when none is)."""
    for option in options:
        if len(option) <= width:
            return option
    return None


def wrap_items(items: Sequence[str], width: int, sep: str = " · ") -> list[str]:
    """``items`` joined by ``sep``, broken into lines only between items."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(sep) + len(item) <= width:
            lines[-1] += sep + item
        else:
            lines.append(item)
    return lines


def wrap_words(text: str, width: int, max_lines: int) -> tuple[list[str], bool]:
    """``text`` in at most ``max_lines`` lines broken at spaces, and whether it all fit."""
    # A word is never split, and a cut text ends in a lone ellipsis after whole words:
    # a figure cut as '197,3…' or broken as '197,33' / '0.00' reads as another figure.
    lines: list[str] = []
    for word in _AMOUNT.sub(rf"\1{_GLUE}\2", text).split(" "):
        if not word:
            continue
        if len(word) <= width:
            if lines and len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
                continue
            if len(lines) < max_lines:
                lines.append(word)
                continue
        return _unglued(_cut(lines, width)), False
    return _unglued(lines), True


def _unglued(lines: list[str]) -> list[str]:
    return [line.replace(_GLUE, " ") for line in lines]


def _cut(lines: list[str], width: int) -> list[str]:
    """Mark the end of lines that lost words, dropping whole words to make room."""
    if not lines:
        return [ELLIPSIS]
    last = lines[-1]
    while len(last) + 2 > width and " " in last:
        last = last.rpartition(" ")[0]  # a glued amount has no plain space: it goes whole
    if len(last) + 2 <= width:
        last += " " + ELLIPSIS
    return [*lines[:-1], last]
