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


def _key(binding: Binding) -> str:
    keys = binding.key.replace("question_mark", "?").replace("greater_than_sign", ">")
    keys = keys.replace("less_than_sign", "<").replace("slash", "/")
    return ", ".join(keys.split(","))


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
        with VerticalScroll(id="help"):
            yield Static(Text("Keys  (escape closes; ctrl+p finds any command by name)",
                              style="bold"))  # fmt: skip
            for title, bindings in self.sections:
                table = Table(title=title, title_justify="left", show_header=False, box=None,
                              expand=True, title_style="bold")  # fmt: skip
                table.add_column("Key", width=22, style="bold")
                table.add_column("Does")
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
