"""The footer of the mode screens: only key bindings that fit whole, and help always."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
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
        self._recompose_pending = False
        self._composed: tuple[object, ...] | None = None  # the bindings last composed

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's Footer recomposes once per bindings signal, and a mode screen sends
        # several while it starts (each mount and focus change): up to eleven recomposes of
        # a dozen keys each, on the UI thread during the first paint. One recompose after
        # the refresh, and only if the bindings shown differ, shows the same footer.
        self._bindings_ready = True
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            return
        if not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_pending = False
        shown = tuple(
            (key, b.action, b.description, b.show, b.key_display, b.group, enabled, tooltip)
            for key, (_node, b, enabled, tooltip) in self.screen.active_bindings.items()
        )
        if shown != self._composed:
            self._composed = shown
            await self.recompose()

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
