"""The KPI screen: tiles, the forecast by month or quarter, the funnel and a table per owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from pipeline_tui.tui.screens import kpi_data
from pipeline_tui.tui.screens.base import PipelineScreen
from pipeline_tui.tui.widgets.footer import FittedFooter
from pipeline_tui.tui.widgets.kpi import ForecastChart, FunnelChart, KpiTile, legend
from pipeline_tui.tui.widgets.mode_tabs import ModeTabs

TILE_KEYS = ("won", "coverage", "weighted", "win_rate", "cycle", "velocity", "stalled")
MAX_COLUMN = 40  # a 5,000-character owner name must not push the figures off screen
OWNER_COLUMNS = ("Owner", "Open", "Pipeline", "Weighted", "Won in period", "Win rate")


class KpiScreen(PipelineScreen):
    """Numbers for a month or a quarter, for the team or one owner."""

    mode = "kpi"
    AUTO_FOCUS = None
    # Below 106 cells seven tiles a row are too narrow for their labels: four a row (app.tcss).
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (106, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p",
            "period",
            "Month/Quarter",
            tooltip="Switch between month and quarter",
            id="kpi.period",
        ),  # fmt: skip
        Binding(
            "left_square_bracket",
            "shift(-1)",
            "Earlier",
            key_display="[",
            tooltip="The previous period",
            id="kpi.earlier",
        ),  # fmt: skip
        Binding(
            "right_square_bracket",
            "shift(1)",
            "Later",
            key_display="]",
            tooltip="The next period",
            id="kpi.later",
        ),  # fmt: skip
        Binding(
            "e",
            "exact",
            "Exact figures",
            tooltip="Every tile's figure in full, not abbreviated",
            id="kpi.exact",
        ),  # fmt: skip
        Binding("o", "owner", "Owner", tooltip="Cycle the owner filter", id="kpi.owner"),
    ]

    @dataclass
    class Loaded(Message):
        report: kpi_data.KpiReport

    def __init__(self) -> None:
        super().__init__()
        self.period_kind = "month"
        self.period_offset = 0
        self.report: kpi_data.KpiReport | None = None

    def compose(self) -> ComposeResult:
        yield ModeTabs("kpi")
        yield Static(id="kpi-title")
        with Grid(id="kpi-tiles"):
            for key in TILE_KEYS:
                yield KpiTile(id=f"tile-{key}", classes="tile")
        with Horizontal(id="kpi-charts"):
            with Vertical(id="kpi-forecast-box"):
                yield ForecastChart(id="kpi-forecast")
                yield Static(id="kpi-legend")
            yield FunnelChart(id="kpi-funnel")
        yield DataTable(id="kpi-owners", cursor_type="row", zebra_stripes=True)
        yield FittedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#kpi-owners", DataTable)
        for label in OWNER_COLUMNS:
            table.add_column(label, key=label)

    def reload(self) -> None:
        self._load(self.period_kind, self.period_offset, self.papp.owner)

    @work(thread=True, exclusive=True, group="kpi", exit_on_error=False)
    def _load(self, kind: str, offset: int, owner: str | None) -> None:
        store = self.papp.reader
        report = kpi_data.report(store, kind, offset, owner)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(report))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        r = self.report = event.report
        title = Text(r.title, style="bold")
        title.append(f"  ·  {r.period.kind}  ·  owner: ")
        title.append(r.owner or "everyone")
        title.append(
            f"  ·  amounts in {r.currency}"
            if r.currency
            else "  ·  amounts per currency (set rate.XXX to combine them)",
            style="dim",
        )
        self.query_one("#kpi-title", Static).update(title)
        for tile in r.tiles:
            self.query_one(f"#tile-{tile.key}", KpiTile).show(tile)
        self.query_one(ForecastChart).draw(r.period.kind, r.chart_periods, r.forecast, r.chart_note)
        self.query_one("#kpi-legend", Static).update(legend(r.forecast))
        self.query_one(FunnelChart).draw(r.funnel)
        table = self.query_one("#kpi-owners", DataTable)
        rows = [[Text(cell) for cell in row] for row in r.owners]
        # Fixed widths: auto widths are measured on idle, and a header drawn before then
        # stays cached at the labels' widths, out of line with the rows.
        table.clear(columns=True)
        for i, label in enumerate(OWNER_COLUMNS):
            width = min(max([len(label), *(cells[i].cell_len for cells in rows)]), MAX_COLUMN)
            table.add_column(label, key=label, width=width)
        for row, cells in zip(r.owners, rows, strict=True):
            table.add_row(*cells, key=row[0])

    def action_period(self) -> None:
        self.period_kind = "quarter" if self.period_kind == "month" else "month"
        self.period_offset = 0
        self.reload()

    def action_shift(self, delta: int) -> None:
        self.period_offset += delta
        self.reload()

    def action_owner(self) -> None:
        self.papp.cycle_owner()

    def action_exact(self) -> None:
        from pipeline_tui.tui.screens.figures import FiguresScreen

        if self.report is not None:
            self.app.push_screen(FiguresScreen(self.report))
