"""The footer of the mode screens: only key bindings that fit whole, and help always."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PINNED = ("question_mark",)  # '?' lists every binding, so it is never the one left out


def _width(key: FooterKey) -> int:
    return key.render().cell_len + key.styles.gutter.width + key.styles.margin.width


class FittedFooter(Footer):
    """A compact Footer that hides the bindings that would not fit whole."""

    # Textual's Footer scrolls its overflow under the docked command-palette key, which
    # showed a binding cut in half and one stray letter in the last cell at 80 columns.

    def __init__(self) -> None:
        super().__init__(compact=True)

    async def recompose(self) -> None:
        await super().recompose()
        self.fit()

    def on_resize(self, _event: events.Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """Show the bindings, in order, while they fit beside the pinned ones."""
        keys = list(self.query_children(FooterKey))
        room = self.size.width - sum(_width(k) for k in keys if k.has_class("-command-palette"))
        shown = [k for k in keys if not k.has_class("-command-palette")]
        room -= sum(_width(k) for k in shown if k.key in PINNED)
        full = False
        for key in shown:
            if key.key in PINNED:
                key.display = True
                continue
            width = _width(key)
            full = full or width > room
            key.display = not full
            if not full:
                room -= width
