"""The report family on the server: SQLite's sums as they are, minus the file-only parts.

``tune_for_reports`` memory-maps a SQLite file; the server has nothing to tune per
connection. The ``--as-of`` replay builds temp tables from SQLite's catalogue and JSON
functions (store/sqlite/asof.py) and is not ported yet: it says so in one line.
"""

from __future__ import annotations

from pipeline_tui.store.api import StoreError
from pipeline_tui.store.records import Source
from pipeline_tui.store.sqlite.report_families import Reports as LiteReports


class Reports(LiteReports):
    def tune_for_reports(self) -> None:
        return None

    def replay(self, cut: str) -> Source:
        raise StoreError("--as-of is not available on a PostgreSQL database yet")
