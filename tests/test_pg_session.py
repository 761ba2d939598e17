"""What a server connection asks of its session when it opens (store/postgres/core.py)."""

from __future__ import annotations

from pipeline_tui.store.api import open_store


def test_a_connection_sorts_a_forecast_in_memory(pg_url: str) -> None:
    """64 MB of work_mem, set by the opening statement itself: as a startup option it would
    be refused by connection poolers, and as a statement of its own cost a round trip."""
    store = open_store(pg_url, actor="Test Owner")
    try:
        assert store._conn.raw.execute("SHOW work_mem").fetchone()[0] == "64MB"  # type: ignore[attr-defined]
        assert store._conn.raw.info.parameter_status("application_name") == "pipeline-tui"  # type: ignore[attr-defined]
    finally:
        store.close()
