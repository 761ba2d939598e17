"""The help screen: every key binding of every screen, built from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

_NAMES = {
    "question_mark": "?",
    "greater_than_sign": ">",
    "less_than_sign": "<",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def _key(binding: Binding) -> str:
    """The keys as typed: '[' rather than Textual's name 'left_square_bracket'."""
    return ", ".join(_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    """Key reference by screen; press escape or ? to close."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark,q", "close", "Close", tooltip="Close the help", id="help.close"
        ),  # fmt: skip
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        keys = [_key(b) for _t, bs in self.sections for b in bs if isinstance(b, Binding)]
        width = max(map(len, keys), default=8)  # one key column for all: the sections line up
        with VerticalScroll(id="help"):
            yield Static(Text("Keys  (escape closes; ctrl+p finds any command by name)",
                              style="bold"))  # fmt: skip
            for title, bindings in self.sections:
                table = Table(title=title, title_justify="left", show_header=False, box=None,
                              expand=True, title_style="bold")  # fmt: skip
                table.add_column("Key", width=width, style="bold", no_wrap=True)
                table.add_column("Does", ratio=1)
                seen: set[str] = set()
                for binding in bindings:
                    if not isinstance(binding, Binding) or binding.key in seen:
                        continue
                    seen.add(binding.key)
                    description = binding.tooltip or binding.description
                    table.add_row(Text(_key(binding)), Text(description))
                yield Static(table, classes="help-section")

    def action_close(self) -> None:
        self.dismiss(None)
