"""KPI tiles and the two charts of the KPI screen (textual-plotext)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static
from textual_plotext import PlotextPlot

CATEGORY_LABELS = {
    "closed_won": "Closed won",
    "commit": "Commit",
    "best_case": "Best case",
    "pipeline": "Pipeline",
}
CATEGORY_COLORS = {"closed_won": "green", "commit": "cyan", "best_case": "blue", "pipeline": "gray"}


class KpiTile(Static):
    """One figure with its label and a line of context."""

    def show(self, label: str, value: str, detail: str, tone: str) -> None:
        self.set_class(tone == "good", "-good")
        self.set_class(tone == "bad", "-bad")
        # The label sits in the border, leaving the lines inside for the figure and context.
        self.border_title = Text(label)
        text = Text(no_wrap=False)
        text.append(value + "\n", style="bold")
        text.append(detail, style="dim")
        self.update(text)


def _scaled(values: list[float]) -> tuple[list[float], str]:
    """Values in thousands or millions when large, so that axis ticks stay short."""
    peak = max((abs(v) for v in values), default=0.0)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if peak >= limit:
            return [v / limit for v in values], suffix
    return values, ""


class ForecastChart(PlotextPlot):
    """Forecast value per month, stacked by forecast category."""

    def draw(self, months: list[str], series: dict[str, list[float]], note: str) -> None:
        plt = self.plt
        plt.clear_figure()
        keys = [k for k in CATEGORY_LABELS if any(series.get(k, []))]
        if not keys:
            plt.title(f"Forecast by month ({note}): nothing closes in these months")
            self.refresh()
            return
        flat, suffix = _scaled([v for k in keys for v in series[k]])
        n = len(months)
        scaled = [flat[i * n : (i + 1) * n] for i in range(len(keys))]
        plt.stacked_bar(  # type: ignore[call-arg]  # the stub says 'label'; plotext takes 'labels'
            months,
            scaled,
            labels=[CATEGORY_LABELS[k] for k in keys],
            color=[CATEGORY_COLORS[k] for k in keys],  # type: ignore[arg-type]
        )
        plt.title(f"Forecast by month ({note}){f', in {suffix}' if suffix else ''}")
        self.refresh()


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
