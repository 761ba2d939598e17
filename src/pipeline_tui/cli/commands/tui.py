"""`pipeline tui`: open the terminal UI (Textual is imported only here)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class StartScreen(StrEnum):
    deals = "deals"
    board = "board"
    kpi = "kpi"
    leads = "leads"
    contacts = "contacts"
    today = "today"


def tui(
    screen: Annotated[
        StartScreen, typer.Option("--screen", help="Screen to open on.")
    ] = StartScreen.deals,
) -> None:
    """Open the TUI: deals table, stage board, KPI dashboard, leads, contacts and today's
    activities."""
    from pipeline_tui.cli.commands.common import STATE
    from pipeline_tui.config import db_target

    run(db_target(STATE.db), screen.value)


def run(path: object, screen: str = "deals") -> None:
    """Start the app on the database at ``path`` and close it cleanly afterwards."""
    from pathlib import Path

    from pipeline_tui.tui.app import PipelineApp

    # A server URL stays a str: as a Path, "postgresql://" would fold into a file name.
    app = PipelineApp(path if isinstance(path, str) else Path(str(path)), screen)
    try:
        app.run()
    finally:
        app.close_stores()
