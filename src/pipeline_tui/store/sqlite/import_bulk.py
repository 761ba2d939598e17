"""Bulk upkeep of a large import: its full-text index filled once, secondary indexes rebuilt."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pipeline_tui.store.sqlite.schema_contacts import FTS

# FTS5 keeps the terms of the rows added in a transaction in memory and writes them out as a
# new segment (to be merged with the others later) each time they pass this many bytes. The
# default, 1 MB, makes a million people hundreds of segments and as many merges. 8 MB makes
# them a few dozen, and fills a third faster than 1 MB or 64 MB did (3.0 s, 2.0 s, 3.0 s for
# 1,000,000 people): a hash table of 64 MB no longer fits the processor's caches. It is a
# setting of the table (its _config), so it is set back to the default before the import's
# transaction commits.
# Its segments are not merged during the fill either (automerge 0): later writes merge them
# a little at a time, and FTS5 merges at once if ever 16 pile up on one level (crisismerge).
# setting -> (for the fill, FTS5's default)
_FTS_BULK = {"hashsize": (8 << 20, 1 << 20), "automerge": (0, 4)}
# A secondary index is dropped and made again (one sort) rather than kept row by row when an
# import adds at least this share of the rows the table will hold and this many rows: made
# from sorted keys, it costs a fraction of as many inserts in random key order.
REBUILD_SHARE = 0.5
REBUILD_MIN_ROWS = 20_000
# SQLite sorts an index's keys in runs of at most its cache size, then merges the runs. With
# the import's 256 MB cache a million keys are one run, sorted on one core with poor locality;
# runs of 4 MB fit the processor's caches, and with worker threads they are sorted in
# parallel. Each index of a million leads or people: 1.2-1.5 s in one run, 0.5-0.9 s in runs.
SORT_CACHE_KIB = 4096
SORT_THREADS = min(4, os.cpu_count() or 1)  # helper threads, beside the connection's own

Run = Callable[[str], object]


def _scalar(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> object:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


@contextmanager
def bulk_fts(conn: sqlite3.Connection, table: str | None, run: Run) -> Iterator[None]:
    """Fill ``table``'s full-text index once for the rows added in the block, rather than by
    its insert trigger row by row. The trigger is dropped and made again inside the
    import's transaction: a failure rolls both back, and no other connection ever sees the
    schema without it."""
    if table is None:
        yield
        return
    trigger = f"fts_{table}_ai"
    sql = _scalar(conn, "SELECT sql FROM sqlite_master WHERE name = ?", (trigger,))
    if sql is None:  # no full-text index here: nothing to do
        yield
        return
    last = int(str(_scalar(conn, f"SELECT coalesce(max(id), 0) FROM {table}")))
    conn.execute(f"DROP TRIGGER {trigger}")
    yield
    cols = ", ".join(FTS[table])
    fts = f"fts_{table}"
    if _scalar(conn, f"SELECT 1 FROM {table} WHERE id > ? LIMIT 1", (last,)):
        for key, value in _FTS_BULK.items():
            conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES (?, ?)", (key, value[0]))
        run(
            f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {table} "
            f"WHERE id > {last} ORDER BY id"
        )
        for key, value in _FTS_BULK.items():
            conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES (?, ?)", (key, value[1]))
    conn.execute(str(sql))


def _rebuilt(conn: sqlite3.Connection, index: str, adding: int) -> str | None:
    """The SQL of ``index`` when an import adding ``adding`` rows to its table had better drop
    it and make it again; else None. A unique index is always kept: it is what an INSERT OR
    IGNORE relies on to skip repeats."""
    row = conn.execute(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)
    ).fetchone()
    if row is None or row[1] is None or adding < REBUILD_MIN_ROWS:
        return None
    if any(r[1] == index and r[2] for r in conn.execute(f"PRAGMA index_list({row[0]})")):
        return None
    have = int(str(_scalar(conn, f"SELECT count(*) FROM {row[0]}")))
    return str(row[1]) if adding >= REBUILD_SHARE * (have + adding) else None


@contextmanager
def rebuilt_indexes(
    conn: sqlite3.Connection, indexes: tuple[str, ...], adding: int, run: Run
) -> Iterator[None]:
    """Drop ``indexes`` for the block and make them again after it, when the block adds
    ``adding`` rows to their tables and that is the cheaper way. All inside the import's
    transaction: a failure restores them with everything else, and other connections never
    see the tables without them."""
    dropped = [(ix, sql) for ix in indexes if (sql := _rebuilt(conn, ix, adding))]
    for name, _ in dropped:
        conn.execute(f"DROP INDEX {name}")
    yield
    if not dropped:
        return
    cache = int(str(_scalar(conn, "PRAGMA cache_size")))
    threads = int(str(_scalar(conn, "PRAGMA threads")))
    conn.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
    conn.execute(f"PRAGMA threads = {SORT_THREADS}")
    try:
        for _, sql in dropped:
            run(sql)
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")
        conn.execute(f"PRAGMA threads = {threads}")
