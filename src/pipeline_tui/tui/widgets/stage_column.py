"""A board column: its header (totals over every deal of the stage) and its cards.

The cards are drawn with the Line API from an ordered list of board keys, so a stage with
thousands of deals costs only the cards on screen; missing card details are asked for with
CardsWanted and arrive from the screen's worker. Until the whole order has arrived, the keys
are its start and ``total`` says how many cards the column holds (the rest show as "…").
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.containers import HorizontalScroll, Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from pipeline_tui.models import Stage, dates
from pipeline_tui.models.money import format_money
from pipeline_tui.store.api import UNDATED, DealRow, StageTotals
from pipeline_tui.tui.widgets.common import (
    activity_label,
    activity_state,
    initials,
    one_line,
    short_money,
)
from pipeline_tui.tui.widgets.fit import first_fit, wrap_items
from pipeline_tui.tui.widgets.strips import text_strip

MIN_COLUMN = 24  # cells: narrower, a card cuts its dates, so the board scrolls sideways
CARD_HEIGHT = 5  # four lines of card and one of space
BoardKey = tuple[int, str, int]  # (next-activity rank, close date, deal id)


def header_lines(name: str, totals: StageTotals | None, width: int) -> list[Text]:
    """Stage name and count, the totals per currency, then the weighted values per currency."""
    # Lines break between currencies only, so no figure is cut and none is left out.
    count = str(totals.count if totals else 0)
    first = Text(no_wrap=True, overflow="ellipsis")
    first.append(one_line(name), style="bold")
    first.truncate(max(1, width - len(count) - 2), overflow="ellipsis")
    first.append(f"  {count}")
    if not totals or not totals.count:
        return [first, Text("—", style="dim"), Text("—", style="dim")]
    lines = [first]
    total = wrap_items([short_money(v, c) for c, v in totals.totals.items()], width)
    weighted = wrap_items([short_money(v, c) for c, v in totals.weighted.items()], width - 2)
    lines += [Text(line) for line in total]
    lines += [Text("≈ " + line) for line in weighted]
    if len(lines[-1]) + len(" weighted") <= width:
        lines[-1].append(" weighted", style="dim")
    else:
        lines.append(Text("  weighted", style="dim"))
    return lines


class StageHeader(Static):
    """The header of one column; it shows exact figures in its tooltip."""

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.stage_name = ""
        self.totals: StageTotals | None = None

    def show(self, name: str, totals: StageTotals | None) -> None:
        self.stage_name, self.totals = name, totals
        self.refresh()
        self.tooltip = None
        if totals and totals.count:
            exact = "\n".join(
                f"{format_money(v, c)} (weighted {format_money(totals.weighted[c], c)})"
                for c, v in totals.totals.items()
            )
            self.tooltip = Text(exact)

    def lines_needed(self, width: int) -> int:
        """How many lines the header takes in ``width`` cells (the board evens them out)."""
        return len(header_lines(self.stage_name, self.totals, width))

    def render(self) -> Text:
        return Text("\n").join(header_lines(self.stage_name, self.totals, self.size.width))


class StageColumn(ScrollView):
    """The cards of one stage, virtualised."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stage-column--card",
        "stage-column--selected",
        "stage-column--title",
        "stage-column--dim",
        "stage-column--overdue",
        "stage-column--today",
        "stage-column--none",
        "stage-column--future",
        "stage-column--stalled",
    }

    @dataclass
    class CardsWanted(Message):
        """Cards that must be drawn are not loaded."""

        column: StageColumn
        ids: list[int]

    @dataclass
    class CardClicked(Message):
        """A card was clicked."""

        column: StageColumn
        index: int

    def __init__(self, stage_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage_id = stage_id
        self.keys: list[BoardKey] = []
        self.total = 0  # cards in the column: len(keys) once the whole order is loaded
        self.cards: dict[int, DealRow] = {}
        self.stalled: set[int] = set()
        self.selected: int | None = None
        self._requested: set[int] = set()
        self._when_drawn: list[Callable[[], object]] = []

    def set_keys(self, keys: list[BoardKey], total: int | None = None) -> None:
        """A new ordering from the database, whole or (with ``total``, the number of cards
        in the column) only its start; cached cards stay valid until replaced."""
        start, stop = self.on_screen()
        drawn = (self.keys[start:stop], self.total, self.selected)
        self.keys = keys
        self.total = max(len(keys), total if total is not None else 0)
        self._requested.clear()
        self.virtual_size = Size(self.size.width, self.total * CARD_HEIGHT)
        if self.selected is not None and self.selected >= len(keys):
            self.selected = len(keys) - 1 if keys else None
        if drawn != (keys[start:stop], self.total, self.selected):  # e.g. not when the rest comes
            self.refresh()

    @property
    def complete(self) -> bool:
        """Whether every key of the column is loaded (not only the first ones)."""
        return len(self.keys) == self.total

    def take(self, deal_id: int, count: int) -> int | None:
        """Remove a deal that left the column (now ``count`` cards); its index, if loaded."""
        total = None if self.complete else count
        old = self.index_of(deal_id)
        self.set_keys(self.keys if old is None else self.keys[:old] + self.keys[old + 1 :], total)
        return old

    def place(self, key: BoardKey | None, count: int) -> None:
        """Put a deal that came in (now ``count`` cards) in its place: among the keys loaded
        so far if it belongs there, else it comes with the rest of them."""
        total = None if self.complete else count
        keys = list(self.keys)
        fits = self.complete or (keys and key is not None and key < keys[-1])
        if key is not None and fits and self.index_of(key[2]) is None:
            bisect.insort(keys, key)
        self.set_keys(keys, total)

    def when_drawn(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once the next frame that draws this column is done."""
        # Not call_after_refresh: that runs once the layout is refreshed, before the frame
        # with the cards is drawn (the screen draws on its update timer).
        self._when_drawn.append(callback)
        self.refresh()

    def forget_cards(self) -> None:
        self.cards.clear()
        self.stalled.clear()
        self._requested.clear()
        self.refresh()

    def add_cards(self, cards: list[DealRow], stalled: set[int]) -> None:
        for card in cards:
            self.cards[card.id] = card
            self._requested.discard(card.id)
        marks = (self.stalled - {c.id for c in cards}) | stalled
        changed = {c.id for c in cards} | (marks ^ self.stalled)
        self.stalled = marks
        # Only those cards: a whole column is a sixth of a frame, 30 ms at 160x48.
        start, stop = self.on_screen()
        for index in range(start, min(stop, len(self.keys))):
            if self.keys[index][2] in changed:
                drawn = Region(0, index * CARD_HEIGHT, self.size.width, CARD_HEIGHT)
                self.refresh(drawn.translate(-self.scroll_offset))

    def index_of(self, deal_id: int) -> int | None:
        for i, key in enumerate(self.keys):
            if key[2] == deal_id:
                return i
        return None

    @property
    def selected_id(self) -> int | None:
        if self.selected is None or not 0 <= self.selected < len(self.keys):
            return None
        return self.keys[self.selected][2]

    def select(self, index: int | None) -> None:
        self.selected = index
        if index is not None:
            top = index * CARD_HEIGHT
            height = self.scrollable_content_region.height
            if top < self.scroll_offset.y:
                self.scroll_to(y=top, animate=False, immediate=True)
            elif top + CARD_HEIGHT - 1 > self.scroll_offset.y + height:
                self.scroll_to(y=top + CARD_HEIGHT - height, animate=False, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._when_drawn:
            for callback in self._when_drawn:
                self.call_later(callback)  # after the frame this line is part of
            self._when_drawn = []
        line = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width  # not size: a cell under the scrollbar is lost
        index, row = divmod(line, CARD_HEIGHT)
        if index >= self.total or row == CARD_HEIGHT - 1:
            return Strip.blank(width, self.rich_style)
        card = self.cards.get(self.keys[index][2]) if index < len(self.keys) else None
        if card is None:
            if index < len(self.keys):  # else its key is still coming: the screen reads them
                self._want(index)
            text = Text(
                " …" if row == 0 else "", self.get_component_rich_style("stage-column--dim")
            )
        else:
            text = self._card_line(card, row, width - 1)
            text.plain = one_line(text.plain)  # before truncating: a line break is a space
        # A base style, so the padding to the column's width is part of the card too.
        base = self.get_component_rich_style("stage-column--card")
        text.stylize_before(base)
        if index == self.selected:
            selected = self.get_component_rich_style("stage-column--selected")
            text.stylize(selected)
            base += selected
        text.style = base
        text.truncate(width, pad=True)
        return text_strip(text, width, self.app.console)

    def _want(self, index: int) -> None:
        height = max(1, self.size.height // CARD_HEIGHT + 2)
        first = max(0, round(self.scroll_offset.y) // CARD_HEIGHT - 2)
        ids = [
            k[2]
            for k in self.keys[first : first + height + 4]
            if k[2] not in self.cards and k[2] not in self._requested
        ]
        if ids:
            self._requested.update(ids)
            self.post_message(self.CardsWanted(self, ids))

    def _card_line(self, card: DealRow, row: int, width: int) -> Text:
        """One line of a card, in ``width`` cells after its margin; dates stay whole."""

        def style(name: str) -> Style:  # partial: the card's background shows through
            return self.get_component_rich_style(name, partial=True)

        text = Text(" ", no_wrap=True, overflow="ellipsis")
        if row == 0:
            if card.id in self.stalled:
                text.append("⚑ ", style("stage-column--stalled"))
            text.append(card.title, style("stage-column--title"))
        elif row == 1:
            text.append(card.company or "—", style("stage-column--dim"))
        elif row == 2:
            money = short_money(card.value_minor, card.currency)
            who, close = initials(card.owner), card.close_date or "no close"
            rest = first_fit([f"  {who}  {close}", f"  {close}", f" {close}", f"  {who}"],
                             width - len(money))  # fmt: skip
            text.append(money)
            text.append(rest or "", style("stage-column--dim"))
        else:
            state = activity_state(card.next_activity, dates.today().isoformat())
            mark = {"overdue": "● ", "today": "● ", "none": "○ ", "future": "· "}[state]
            label = activity_label(state, card.next_activity)
            day = card.next_activity or ""
            dated = state == "overdue" or (state == "future" and day != UNDATED)
            shorter = [f"overdue {day}", day] if state == "overdue" else [day] if dated else []
            # Text without a date may lose its end to an ellipsis; a date goes whole or not at all.
            last = mark if dated else mark + label
            shown = first_fit([mark + o for o in (label, *shorter)], width) or last
            text.append(shown, style(f"stage-column--{state}"))
        return text

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (round(self.scroll_offset.y) + offset.y) // CARD_HEIGHT
        if index < len(self.keys):  # not a card whose key is still coming
            self.post_message(self.CardClicked(self, index))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.total * CARD_HEIGHT)

    def on_screen(self) -> tuple[int, int]:
        """The cards ``start:stop`` of the order that are in view now."""
        top = round(self.scroll_offset.y) // CARD_HEIGHT
        return top, top + max(1, self.size.height) // CARD_HEIGHT + 2


class BoardColumns(HorizontalScroll, can_focus=False):
    """The stage columns side by side, scrolled sideways by whole columns when narrow."""

    def build(self, stages: list[Stage]) -> tuple[list[StageColumn], list[StageHeader]]:
        """Replace the columns with one per stage (empty until given keys)."""
        self.remove_children()
        columns = [StageColumn(s.id) for s in stages]
        headers = [StageHeader(classes="stage-header") for _ in stages]
        self.mount_all(
            Vertical(header, column, classes="stage")
            for header, column in zip(headers, columns, strict=True)
        )
        return columns, headers

    def fit(self, width: int, headers: list[StageHeader]) -> None:
        """Columns of one width, MIN_COLUMN at least, and headers of the tallest's height."""
        # Every header then keeps its count and every total, and the cards start level.
        stages = list(self.query_children(".stage"))
        if not stages:
            return
        shown = max(1, min(len(stages), width // MIN_COLUMN))
        base, extra = divmod(width, shown)
        for i, stage in enumerate(stages):
            stage.styles.width = base + (1 if shown == len(stages) and i < extra else 0)
        inner = base - 4  # the column's round border and the header's padding
        height = max(header.lines_needed(inner) for header in headers)
        for header in headers:
            header.styles.height = height

    def show(self, index: int) -> None:
        """Scroll sideways, by whole columns, until column ``index`` is in view."""
        stages = list(self.query_children(".stage"))
        width = stages[0].outer_size.width if stages else 0
        view = self.scrollable_content_region.width
        if not width or index >= len(stages):
            return
        x = self.scroll_x
        if index * width < x:
            x = index * width
        elif (index + 1) * width > x + view:
            x = (index + 1 - max(1, view // width)) * width
        self.scroll_to(x=x, animate=False, immediate=True)
