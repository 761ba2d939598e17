"""Tables that fit: free text wraps, numbers never break, columns drop in a stated order.

The rule, for every table the CLI prints: a period, an amount, a currency code, an id or a
date is never cut. In a terminal narrower than the table, free-text columns (titles,
companies, reasons) wrap first; if that is not enough, the columns marked ``drop`` go, lowest
rank first, and one line under the table names them and how to see them. When stdout is not
a terminal the table prints at its natural width (unless COLUMNS says otherwise), and so
does ``--wide``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline_tui.cli.render import Col

MIN_TEXT = 12  # a wrapped free-text column keeps at least this many cells (or its natural)
WIDE = {"on": False}  # set by the root command from --wide (see cli/app.py)


def available_width() -> int | None:
    """Cells a table may use: the terminal's, COLUMNS if set, else None (natural width)."""
    if WIDE["on"]:
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        from pipeline_tui.cli.render import console

        return console().width
    return None


def layout(
    cells: list[list[str]], cols: Sequence[Col], available: int | None
) -> tuple[list[int], list[int]]:
    """(indexes of the columns shown, their widths) for ``available`` cells (None: all)."""
    from rich.cells import cell_len

    naturals = [
        max(cell_len(col.header), *(cell_len(x) for x in texts))
        for col, texts in zip(cols, cells, strict=True)
    ]
    shown = list(range(len(cols)))
    if available is None:
        return shown, naturals

    words = [
        max((cell_len(w) for text in texts for w in text.split(" ")), default=0) for texts in cells
    ]
    tight = False  # when even dropping is not enough, free text narrows to its longest word

    def least(i: int) -> int:
        if not cols[i].free:
            return naturals[i]
        if tight:
            return min(naturals[i], MIN_TEXT, max(cell_len(cols[i].header), words[i]))
        return min(naturals[i], MIN_TEXT)

    def need(indexes: list[int]) -> int:
        return sum(least(i) for i in indexes) + len(indexes) - 1

    droppable = sorted((i for i, c in enumerate(cols) if c.drop), key=lambda i: cols[i].drop)
    while need(shown) > available and droppable:
        shown.remove(droppable.pop(0))
    tight = need(shown) > available
    widths = {i: least(i) for i in shown}
    room = available - need(shown)
    free = [i for i in shown if cols[i].free and naturals[i] > widths[i]]
    # What is left goes to the free-text columns in proportion to what each still wants.
    while room > 0 and free:
        wants = {i: naturals[i] - widths[i] for i in free}
        total = sum(wants.values())
        given = 0
        for i in free:
            extra = min(wants[i], max(1, room * wants[i] // total))
            extra = min(extra, room - given)
            widths[i] += extra
            given += extra
        room -= given
        free = [i for i in free if naturals[i] > widths[i]]
        if given == 0:
            break
    return shown, [widths[i] for i in shown]


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces where it can be."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while cell_len(word) > width:  # a word longer than the column: split it
            head = set_cell_size(word, width)
            lines.append(head)
            word = word[len(head) :]
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def render_lines(
    cells: list[list[str]], cols: Sequence[Col], shown: list[int], widths: list[int]
) -> list[str]:
    """The header, a rule and each row, a row taking as many lines as its tallest cell."""
    from rich.cells import cell_len

    def line(parts: list[str]) -> str:
        out = []
        for text, i, width in zip(parts, shown, widths, strict=True):
            pad = " " * max(width - cell_len(text), 0)
            out.append(pad + text if cols[i].right else text + pad)
        return " ".join(out).rstrip()

    lines = [line([cols[i].header for i in shown])]
    lines.append("─" * (sum(widths) + len(widths) - 1))
    for r in range(len(cells[0]) if cells else 0):
        parts = [
            wrap(cells[i][r], w) if cols[i].free else [cells[i][r]]
            for i, w in zip(shown, widths, strict=True)
        ]
        for k in range(max(len(p) for p in parts)):
            lines.append(line([p[k] if k < len(p) else "" for p in parts]))
    return lines


def dropped_note(cols: Sequence[Col], shown: list[int], available: int | None) -> str | None:
    """One line naming the columns left out, and how to see them."""
    hidden = [c.header for i, c in enumerate(cols) if i not in shown]
    if not hidden:
        return None
    return (
        f"Not shown at {available} columns: {', '.join(hidden)}; see every column with "
        "--wide, or --format md, csv or json."
    )


def print_table(rows: Sequence[dict[str, Any]], cols: Sequence[Col], title: str | None) -> None:
    """Lay the table out and print it through Rich (bold header, dim rule, no markup)."""
    from rich.text import Text

    from pipeline_tui.cli.render import console, visible

    cells = [[visible(col.text(row)) for row in rows] for col in cols]
    available = available_width()
    shown, widths = layout(cells, cols, available)
    lines = render_lines(cells, cols, shown, widths)
    out = Text(no_wrap=True)
    if title:
        out.append(title + "\n", style="bold")
    out.append(lines[0] + "\n", style="bold")
    out.append(lines[1] + "\n", style="dim")
    out.append("\n".join(lines[2:]))
    note = dropped_note(cols, shown, available)
    if note:
        out.append("\n" + "\n".join(wrap(note, available) if available else [note]), style="dim")
    console().print(out, soft_wrap=True, crop=False)
