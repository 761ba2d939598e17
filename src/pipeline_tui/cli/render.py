"""Output shared by every command: Rich tables, CSV, JSON and Markdown from the same rows."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline_tui.models.csvsafe import RowWriter, neutralise

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "csv", "md")


@dataclass(frozen=True)
class Col:
    """A column: its key in the row dict, its header, and how a table shows it."""

    key: str
    header: str
    show: Callable[[dict[str, Any]], str] | None = None
    right: bool = False
    wrap: bool = False
    flex: bool = False
    drop: int = 0  # 0: always shown; else dropped to fit, rank 1 first (see cli/tables.py)

    @property
    def free(self) -> bool:
        """Free text (titles, names, reasons): it may wrap; nothing else is ever cut."""
        return self.flex or self.wrap

    def text(self, row: dict[str, Any]) -> str:
        if self.show is not None:
            return self.show(row)
        value = row.get(self.key)
        return "" if value is None else str(value)


_console: Console | None = None


def console() -> Console:
    """Built on first use: Rich's import is paid only by commands that draw a table."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False, soft_wrap=False)
    return _console


def _md_cell(text: str) -> str:
    return visible(text).replace("\\", "\\\\").replace("|", "\\|")


_C1 = {i: f"\\u{i:04x}" for i in (*range(0x7F, 0xA0), 0x2028, 0x2029)}


def to_json(data: Any) -> str:
    """Exact data as JSON, with every control character escaped so a terminal is safe."""
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_C1)


def emit(
    rows: Sequence[dict[str, Any]],
    cols: Sequence[Col],
    fmt: str,
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """Print rows in the chosen format. JSON and CSV carry every key; tables carry cols."""
    out = sys.stdout
    if fmt == "json":
        out.write(to_json(list(rows)) + "\n")
    elif fmt == "csv":
        keys = list(rows[0].keys()) if rows else [c.key for c in cols]
        writer = RowWriter(out)
        writer.writerow(keys)
        for row in rows:
            writer.writerow([_csv_value(row.get(k)) for k in keys])
    elif fmt == "md":
        if title:
            out.write(f"## {_md_cell(title)}\n\n")
        if not rows:
            out.write(f"_{empty}_\n\n")
            return
        out.write("| " + " | ".join(c.header for c in cols) + " |\n")
        out.write("|" + "|".join("---:" if c.right else "---" for c in cols) + "|\n")
        for row in rows:
            out.write("| " + " | ".join(_md_cell(c.text(row)) for c in cols) + " |\n")
        out.write("\n")
    else:
        table(rows, cols, title=title, empty=empty)


def _csv_value(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    return neutralise(value)


# Control characters become their visible Unicode symbols (ESC -> ␛), so user text can never
# move the cursor, clear the screen or retitle the terminal.
# C1 codes have no symbols; some terminals obey them (0x9B is CSI), so they become U+FFFD.
_CONTROL = (
    {i: 0x2400 + i for i in range(32)} | {0x7F: 0x2421} | dict.fromkeys(range(0x80, 0xA0), 0xFFFD)
)
_CELL = _CONTROL | {0x0A: 0x20, 0x09: 0x20}
_LINES = _CONTROL | {0x0A: 0x0A}


def visible(text: str) -> str:
    """User text for one table cell: control characters shown as symbols, on one line."""
    return text.translate(_CELL)


def printable(text: str) -> str:
    """Text for the terminal: control characters shown as symbols, newlines kept."""
    return text.translate(_LINES)


def table(
    rows: Sequence[dict[str, Any]],
    cols: Sequence[Col],
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """A table that fits the terminal without cutting a number (see cli/tables.py)."""
    from rich.text import Text

    if not rows:
        c = console()
        if title:
            c.print(Text(title, style="bold"))
        c.print(Text(empty, style="dim"))
        return
    from pipeline_tui.cli.tables import print_table

    print_table(rows, cols, title)


def emit_record(
    record: dict[str, Any],
    fields: Sequence[tuple[str, str]],
    fmt: str,
    *,
    title: str | None = None,
    sections: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[Col]]] = (),
) -> None:
    """One object: JSON prints it whole; CSV its flat fields; tables and Markdown show the
    chosen fields, then a sub-table per section."""
    if fmt == "json":
        sys.stdout.write(to_json(record) + "\n")
        return
    if fmt == "csv":
        flat = {k: v for k, v in record.items() if not isinstance(v, list)}
        emit([flat], [], "csv")
        return
    shown = [{"field": label, "value": _plain(record.get(key))} for key, label in fields]
    emit(shown, [Col("field", "Field"), Col("value", "Value", wrap=True)], fmt, title=title)
    for heading, rows, cols in sections:
        emit(rows, cols, fmt, title=heading, empty="None.")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def say(message: str) -> None:
    """A confirmation line on stdout: plain text, never markup, no control characters."""
    sys.stdout.write(printable(message) + "\n")


def say_note(message: str) -> None:
    """A note under a table: plain text, wrapped at spaces to the width the table used."""
    from pipeline_tui.cli.tables import available_width, wrap

    width = available_width()
    text = printable(message)
    lines = wrap(text, width) if width else [text]
    sys.stdout.write("\n".join(lines) + "\n")


def warn(message: str) -> None:
    sys.stderr.write(printable(message) + "\n")
