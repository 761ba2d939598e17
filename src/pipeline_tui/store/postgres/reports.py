"""The report family on the server: SQLite's sums as they are, minus the file-only parts.

``tune_for_reports`` memory-maps a SQLite file; the server has nothing to tune per
connection. The ``--as-of`` replay runs SQLite's statements with the server's types and
catalogue (store/postgres/asof.py).
"""

from __future__ import annotations

from pipeline_tui.store.postgres import asof
from pipeline_tui.store.records import Source
from pipeline_tui.store.sqlite.report_families import Reports as LiteReports


class Reports(LiteReports):
    def tune_for_reports(self) -> None:
        return None

    def replay(self, cut: str) -> Source:
        return asof.replay(self, cut)
