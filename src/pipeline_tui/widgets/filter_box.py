"""The text filter box: hidden and out of the focus chain until '/' opens it."""

from __future__ import annotations

from textual.widgets import Input


class FilterBox(Input, can_focus=False):
    """An Input that takes focus only while shown, so hidden it never eats screen keys."""
