"""The text filter box: hidden and out of the focus chain until '/' opens it."""

from __future__ import annotations

from textual.widgets import Input


class FilterBox(Input, can_focus=False):
    """An Input that takes focus only while shown, so hidden it never eats screen keys."""

    def open(self) -> None:
        self.add_class("-shown")
        self.can_focus = True
        # At once (Widget.focus defers): keys typed right after the slash must land here.
        self.screen.set_focus(self)

    def park(self) -> None:
        """Keep the filter in view, but out of the focus chain until '/' again."""
        self.can_focus = False

    def close(self) -> None:
        """Empty and hide the filter: hidden, it must not take keys meant for the screen."""
        self.value = ""
        self.remove_class("-shown")
        self.can_focus = False
