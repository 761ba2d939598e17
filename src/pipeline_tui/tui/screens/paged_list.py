"""A filtered screen over one paged table: count first, then pages as the table asks.

The loading half of the deals screen's pattern (screens/deals.py), for the lists whose
query is a RecordQuery (leads, companies, people): the count and the position of the record
to keep the cursor on are read in one worker, each page in a worker of its own, a keyset
page after the row above it when that row is loaded, else at its offset.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.worker import get_current_worker

from pipeline_tui.store.api import RecordQuery
from pipeline_tui.tui.screens.base import FilteredScreen
from pipeline_tui.tui.widgets.paged_table import PAGE, PagedTable


class PagedListScreen(FilteredScreen):
    """A screen whose list is a PagedTable over ``list_query()``."""

    def list_query(self) -> RecordQuery:
        raise NotImplementedError

    @property
    def paged(self) -> PagedTable:
        return self.query_one(PagedTable)

    def list_counted(self) -> None:
        """The list has been reset to a new count: say so (the status line)."""

    def load_list(self, keep: int | None) -> None:
        """Count the list again; the cursor goes to record ``keep`` if it is listed."""
        self._count_list(self.list_query(), keep)

    @work(thread=True, exclusive=True, group="list-count", exit_on_error=False)
    def _count_list(self, q: RecordQuery, keep: int | None) -> None:
        pages = self.papp.reader.pages
        total = pages.record_count(q)
        position = pages.record_position(q, keep) if keep is not None else None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._list_counted, q, total, position)

    def _list_counted(self, q: RecordQuery, total: int, position: int | None) -> None:
        if q != self.list_query():
            return  # the filters changed meanwhile; a newer count is on its way
        self.paged.reset(total, position)
        self.list_counted()

    @on(PagedTable.PageWanted)
    def _list_page_wanted(self, event: PagedTable.PageWanted) -> None:
        table = self.paged
        before = table.rows.get(event.page * PAGE - 1)
        after = None if before is None else table.row_id(before)
        self._load_list_page(table, event.page, event.generation, self.list_query(), after)

    @work(thread=True, exit_on_error=False)
    def _load_list_page(
        self, table: PagedTable, page: int, generation: int, q: RecordQuery, after: int | None
    ) -> None:
        rows: list[Any] = self.papp.reader.pages.record_page(q, page * PAGE, PAGE, after)
        self.app.call_from_thread(table.set_page, page, generation, rows)
