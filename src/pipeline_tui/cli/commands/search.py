"""`pipeline search TEXT`: deals, companies, people, notes and activities at once."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, store
from pipeline_tui.cli.render import Col, emit

COLS = [
    Col("kind", "Kind"),
    Col("id", "ID", right=True),
    Col("name", "Name", flex=True),
    Col("matched", "Matched"),
    Col("text", "Text", flex=True, drop=1),
]


def search(
    text: Annotated[str, typer.Argument(help="Any part of a name, email, title, note or subject.")],
    limit: Annotated[int, typer.Option(help="At most N of each kind.")] = 50,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Search deals, companies, people, notes and activity subjects (case aside)."""
    from pipeline_tui.services.search import search as find

    hits = [h.to_dict() for h in find(store(), text, limit)]
    title = f"Found {len(hits)}" if fmt in (Fmt.table, Fmt.md) else None
    emit(hits, COLS, fmt.value, title=title, empty="Nothing matches.")
