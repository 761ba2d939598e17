"""The SQLite backend: one file, WAL, journalled writes, and every query it answers."""
