"""The KPI tiles' figures in full: the tiles abbreviate amounts and cut their context."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pipeline_tui.tui.screens.kpi_data import KpiReport


def figures_table(report: KpiReport) -> Table:
    """Label, exact figure and full context of every tile, one row each."""
    table = Table(show_header=False, box=None, expand=True, padding=(0, 1, 1, 0))
    table.add_column("Tile", style="bold", no_wrap=True)
    table.add_column("Figure", style="bold", ratio=1)
    table.add_column("Context", style="dim", ratio=2)
    for tile in report.tiles:
        table.add_row(Text(tile.label), Text(tile.value), Text(tile.detail))
    return table


class FiguresScreen(ModalScreen[None]):
    """The exact KPI figures of the period shown; escape, e or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,e,q", "close", "Close", tooltip="Close the figures", id="figures.close"),
    ]

    def __init__(self, report: KpiReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        r = self.report
        title = Text(f"{r.title}  ·  owner: ", style="bold")
        title.append(r.owner or "everyone")
        title.append(f"  ·  amounts in {r.currency}" if r.currency else "  ·  per currency")
        with VerticalScroll(id="figures"):
            yield Static(title)
            yield Static(Text("Exact figures (escape closes)", style="dim"))
            yield Static(figures_table(r), classes="figures-table")

    def action_close(self) -> None:
        self.dismiss(None)
