"""KPI tiles and the two charts of the KPI screen (textual-plotext)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget
from textual_plotext import PlotextPlot

from pipeline_tui.tui.widgets.fit import wrap_words

if TYPE_CHECKING:
    from pipeline_tui.tui.screens.kpi_data import Tile

CATEGORY_LABELS = {
    "closed_won": "Closed won",
    "commit": "Commit",
    "best_case": "Best case",
    "pipeline": "Pipeline",
}
CATEGORY_COLORS = {"closed_won": "green", "commit": "cyan", "best_case": "blue", "pipeline": "gray"}
CATEGORY_ANSI = {"green": 2, "cyan": 6, "blue": 4, "gray": 8}  # plotext's codes for those colours


class KpiTile(Widget):
    """One figure with its label and context; a figure that would not fit is abbreviated."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.tile: Tile | None = None

    def show(self, tile: Tile) -> None:
        self.tile = tile
        self.set_class(tile.tone == "good", "-good")
        self.set_class(tile.tone == "bad", "-bad")
        self._title()
        self.refresh()

    def on_resize(self) -> None:
        self._title()

    @property
    def bordered(self) -> bool:
        """A round border holds the label; without one (narrow screens) it goes inside."""
        return self.styles.border_top[0] not in ("", "none", "hidden")

    def _title(self) -> None:
        if self.tile is not None:
            room = self.outer_size.width - 6  # the corners and the spaces around the title
            label = self.tile.label if len(self.tile.label) <= room else self.tile.short_label
            self.border_title = Text(label) if self.bordered else None

    def render(self) -> Text:
        tile, width, height = self.tile, self.size.width, self.size.height
        text = Text()
        if tile is None or width < 1 or height < 1:
            return text
        lines: list[Text] = []
        if not self.bordered:
            label = tile.label if len(tile.label) <= width else tile.short_label
            lines.append(Text(label, style="bold underline"))
        room = height - len(lines)
        value = _fitted((tile.value, tile.value_short), width, max(1, room - 1), room)
        lines += [Text(line, style="bold") for line in value]
        if height > len(lines):
            detail = _fitted((tile.detail, tile.detail_short), width, height - len(lines))
            lines += [Text(line, style="dim") for line in detail]
        return Text("\n").join(lines)


def _fitted(texts: tuple[str, str], width: int, lines: int, at_most: int = 0) -> list[str]:
    """The first text that fits ``lines`` lines whole, else the last cut after a word."""
    # at_most: the value may take the detail's line too when even its short form needs it.
    for text in texts:
        fitted, whole = wrap_words(text, width, lines)
        if whole:
            return fitted
    return wrap_words(texts[-1] or texts[0], width, max(lines, at_most))[0]


def legend(series: dict[str, list[float]]) -> Text:
    """The forecast chart's key, drawn under the chart: plotext's own sits over the bars."""
    text = Text()
    for key, label in CATEGORY_LABELS.items():
        if any(series.get(key, [])):
            if text:
                text.append(" ")  # one space: the key fits under the chart at 80 columns
            text.append("█ ", style=f"color({CATEGORY_ANSI[CATEGORY_COLORS[key]]})")
            text.append(label)
    return text


def _scaled(values: list[float]) -> tuple[list[float], str]:
    """Values in thousands or millions when large, so that axis ticks stay short."""
    peak = max((abs(v) for v in values), default=0.0)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if peak >= limit:
            return [v / limit for v in values], suffix
    return values, ""


class ForecastChart(PlotextPlot):
    """Forecast value per month or quarter, stacked by forecast category."""

    _drawn: tuple[str, list[str], dict[str, list[float]], str] | None = None

    def draw(
        self, kind: str, periods: list[str], series: dict[str, list[float]], note: str
    ) -> None:
        self._drawn = (kind, periods, series, note)
        plt = self.plt
        plt.clear_figure()
        keys = [k for k in CATEGORY_LABELS if any(series.get(k, []))]
        if not keys:
            plt.title(f"Forecast by {kind} ({note}): nothing closes in these {kind}s")
            self.refresh()
            return
        flat, suffix = _scaled([v for k in keys for v in series[k]])
        n = len(periods)
        scaled = [flat[i * n : (i + 1) * n] for i in range(len(keys))]
        x = [float(i) for i in range(1, n + 1)]
        # No labels: plotext would draw its legend over the bars (see legend() instead).
        plt.stacked_bar(x, scaled, color=[CATEGORY_COLORS[k] for k in keys])  # type: ignore[arg-type]
        # Only labels with room: plotext drops overlapping ones in an order that changes
        # from run to run (a set, in plotext's _utility.brush), and snapshots with it.
        step = _label_step(self.size.width, n, max(map(len, periods), default=1))
        plt.xticks(x[::step], periods[::step])
        plt.title(f"Forecast by {kind} ({note}){f', in {suffix}' if suffix else ''}")
        self.refresh()

    def on_resize(self) -> None:
        if self._drawn is not None:
            self.draw(*self._drawn)


def _label_step(width: int, bars: int, label: int) -> int:
    """Draw every step-th period label, so that labels keep a cell free on each side."""
    canvas = max(1, width - 8)  # less the y axis, its labels and the frame
    step = 1
    while step < bars and canvas * step / bars < label + 3:
        step += 1
    return step


class FunnelChart(PlotextPlot):
    """Stage conversion: of the deals that entered a stage, the share that went further."""

    def draw(self, funnel: list[tuple[str, int, int]]) -> None:
        plt = self.plt
        plt.clear_figure()
        if not funnel:
            plt.title("Stage conversion: no stage history yet")
            self.refresh()
            return
        names = [f"{name} ({advanced}/{entered})" for name, entered, advanced in reversed(funnel)]
        shares = [
            round(100 * advanced / entered) if entered else 0
            for _name, entered, advanced in reversed(funnel)
        ]
        plt.bar(names, shares, orientation="horizontal", width=0.6)
        plt.xlim(0, 100)
        plt.title("Stage conversion, % that moved on or won")
        self.refresh()
