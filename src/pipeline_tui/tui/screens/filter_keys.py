"""The filter keys the filtered screens share ('/', 'o', escape), and focus on a table screen.

Each screen keeps its own BINDINGS list, in its own order (the footer shows them in that
order); these only build the entries that were the same on every screen but for the id.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget


def filter_key(screen: str, tooltip: str = "Filter by text") -> Binding:
    """'/': open the screen's FilterBox (FilteredScreen.action_filter in screens/base.py)."""
    return Binding("slash", "filter", "Filter", key_display="/", tooltip=tooltip,
                   id=f"{screen}.filter")  # fmt: skip


def owner_key(screen: str) -> Binding:
    """'o': the next owner filter (FilteredScreen.action_owner)."""
    return Binding("o", "owner", "Owner", tooltip="Cycle the owner filter", id=f"{screen}.owner")


def clear_key(
    screen: str,
    description: str = "Clear filters",
    tooltip: str = "",
    *,
    show: bool = False,
    name: str = "clear",
) -> Binding:
    """Escape: empty the filters (FilteredScreen.action_clear, which a screen may extend)."""
    return Binding("escape", "clear", description, show=show, tooltip=tooltip,
                   id=f"{screen}.{name}")  # fmt: skip


class TableFocus:
    """Mixin, before FilteredScreen: focus starts on the screen's table and comes back to it
    when the filter box is parked or cleared."""

    @property
    def table(self) -> Widget:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.table.focus()

    def leave_filter(self) -> None:
        self.table.focus()
