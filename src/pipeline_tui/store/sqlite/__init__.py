"""The SQLite backend: one file, WAL, journalled writes, and every query it answers."""

from pipeline_tui.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
