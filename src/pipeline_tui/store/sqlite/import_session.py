"""The import session: attached spools, checked and written set-based in one transaction."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipeline_tui.models.keys import name_key
from pipeline_tui.store.api import StoreError
from pipeline_tui.store.import_plan import ImportPlan, StageMapRow
from pipeline_tui.store.sqlite import import_records as rec
from pipeline_tui.store.sqlite.core import Database, Tx
from pipeline_tui.store.sqlite.errors import translated
from pipeline_tui.store.sqlite.import_bulk import bulk_fts, rebuilt_indexes
from pipeline_tui.store.sqlite.import_contacts_sql import COMPANIES, PEOPLE, link_to_companies
from pipeline_tui.store.sqlite.import_sql import ACTOR, ENTITY_SQL, OWNER, EntitySql, custom_expr
from pipeline_tui.store.sqlite.next_step import sync_imported
from pipeline_tui.store.sqlite.spool import reason_sql

_TRACE = bool(os.environ.get("PIPELINE_IMPORT_TRACE"))
SPOOL_MAP = 1 << 30  # bytes of each spool file read through memory mapping


@contextmanager
def open_import_session(
    store: Database, summary: str, *, plan: ImportPlan | None, dry_run: bool, kind: str
) -> Iterator[SqliteImportSession]:
    """Attach the plan's spools, set the pragmas a bulk write wants, begin; on the way out
    commit (unless a dry run or an error), restore the pragmas and detach."""
    with translated():
        if plan is None:  # an undo: no spools, the database's usual pragmas
            with store.tx(summary, kind=kind) as tx:
                yield SqliteImportSession(store, tx, None, [])
            return
        conn = store._conn
        attached: list[str] = []
        try:
            for i, path in enumerate(plan.spools):
                conn.execute(f"ATTACH DATABASE ? AS spool{i}", (path,))
                attached.append(f"spool{i}")
                # The import's statements read each spool a dozen times over; through
                # SQLite's default 2 MB cache of an attached file, every pass read it again
                # with a system call per page (110,000 reads for 200,000 leads).
                conn.execute(f"PRAGMA spool{i}.mmap_size = {SPOOL_MAP}")
            conn.execute("PRAGMA cache_size = -262144")  # 256 MB: index upkeep on big tables
            # Every id the import writes comes from a join on the row it refers to, so
            # foreign keys hold by construction; checking them again costs a lookup per id
            # per row.
            conn.execute("PRAGMA foreign_keys = OFF")
            if dry_run:
                conn.execute("BEGIN")  # a read transaction: one snapshot, rolled back
                session = SqliteImportSession(store, None, plan, attached)
                session.prepare()
                yield session
            else:
                with store.tx(summary, kind=kind) as tx:
                    session = SqliteImportSession(store, tx, plan, attached)
                    session.prepare()
                    yield session
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -2000")
            for name in attached:
                conn.execute(f"DETACH DATABASE {name}")


class SqliteImportSession:
    """The SQL of one import, over attached spools, on the store's connection."""

    def __init__(
        self, store: Database, tx: Tx | None, plan: ImportPlan | None, spools: list[str]
    ) -> None:
        self.store = store
        self.conn = store._conn
        self.tx = tx
        self.spools = spools
        self.checked: list[str] = []
        self.params: dict[str, Any] = {}
        self.before: dict[str, int] = {}  # the tracked tables' last ids before the import
        if plan is None:
            return
        self.plan = plan
        self.sql: EntitySql = {**ENTITY_SQL, "companies": COMPANIES, "people": PEOPLE}[plan.entity]
        self.linked: dict[str, int] = {}
        self.params = {
            "now": plan.now,
            "owner_key": plan.owner_key,
            "owner_name": plan.owner_name,
            "cur": plan.currency,
            "pipeline": plan.pipeline_id,
            "first_stage": plan.first_stage_id,
            "actor_key": plan.actor_key,
            # The first match key is the user's explicit choice: it may match rows whose
            # external ids differ; fallback keys may not (they are different records).
            "first_key": 0,
            **{f"k{i}": name for i, name in enumerate(plan.custom_names)},
        }
        self.custom = custom_expr(len(plan.custom_names), plan.custom_column)

    def _writing(self) -> Tx:
        if self.tx is None:
            raise StoreError("a dry run writes nothing")
        return self.tx

    def _filters(self) -> tuple[str, str]:
        valid = "r.err IS NULL"
        if self.store.scalar("SELECT 1 FROM temp.imp_rejected LIMIT 1"):
            valid += " AND r.line NOT IN (SELECT line FROM temp.imp_rejected)"
        new = valid
        if self.store.scalar("SELECT 1 FROM temp.imp_matched LIMIT 1"):
            new += " AND r.line NOT IN (SELECT line FROM temp.imp_matched)"
        return valid, new

    def _run(self, sql: str, schema: str | None = None) -> int:
        text = sql.replace("{S}", schema or "").replace("{CUSTOM}", self.custom)
        text = text.replace("{OWNER}", OWNER).replace("{ACTOR}", ACTOR)
        if "{VALID}" in text or "{NEW}" in text:
            valid, new = self._filters()
            text = text.replace("{VALID}", valid).replace("{NEW}", new)
        started, cpu = time.perf_counter(), time.process_time()
        cur = self.conn.execute(text, self.params)
        if _TRACE:  # PIPELINE_IMPORT_TRACE=1: where an import spends its time, per statement
            print(f"{time.perf_counter() - started:7.3f} s {time.process_time() - cpu:6.3f} "
                  f"cpu  {' '.join(text.split())[:90]}", file=sys.stderr)  # fmt: skip
        return max(cur.rowcount, 0)

    # -- before the write: temp tables, rejects, references and matches -----------------------

    def prepare(self) -> None:
        c = self.conn
        for t in ("imp_rejected", "imp_matched", "imp_refs", "imp_new", "imp_stage", "imp_owner"):
            c.execute(f"DROP TABLE IF EXISTS temp.{t}")
        # Owners by name, and by the id their old CRM gave them (`pipeline import owners`),
        # so that an OwnerId column resolves to the owner's name.
        c.execute(
            "CREATE TEMP TABLE imp_owner (key TEXT PRIMARY KEY, id INTEGER, name TEXT) "
            "WITHOUT ROWID"
        )
        self._owners()
        c.execute("CREATE TEMP TABLE imp_rejected (line INTEGER PRIMARY KEY, reason TEXT)")
        c.execute(
            "CREATE TEMP TABLE imp_matched (line INTEGER PRIMARY KEY, target INTEGER NOT NULL)"
        )
        c.execute(
            "CREATE TEMP TABLE imp_refs (line INTEGER PRIMARY KEY, deal_id INTEGER, "
            "lead_id INTEGER)"
        )
        c.execute(
            "CREATE TEMP TABLE imp_stage (pkey TEXT, skey TEXT, pipeline_id INTEGER, "
            "stage_id INTEGER, status TEXT, first_stage INTEGER, shown TEXT, "
            "PRIMARY KEY (pkey, skey))"
        )
        self.map_stages(self.plan.stage_map)
        # Rows match only what was there before this import: rows it adds from one part of
        # the file are never updated by another part.
        table = self.sql.table
        self.params["base"] = int(self.store.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))

    def _owners(self) -> None:
        self.conn.execute("DELETE FROM temp.imp_owner")
        self.conn.execute(
            "INSERT OR IGNORE INTO temp.imp_owner SELECT name_key, id, name FROM owners"
        )
        self.conn.execute(
            "INSERT OR IGNORE INTO temp.imp_owner SELECT lower(external_id), id, name "
            "FROM owners WHERE external_id IS NOT NULL"
        )

    def reject(self, rows: list[tuple[int, str]]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO temp.imp_rejected VALUES (?, ?)", rows)

    def check(self) -> None:
        for spool in self.spools:
            self._check(spool)

    def _check(self, schema: str) -> None:
        """Everything that can reject a row of ``schema`` before it is written: its keys
        repeating an earlier part's, unknown references, two rows matching one record."""
        for earlier in self.checked:
            self.reject(self._cross_duplicates(earlier, schema))
        for sql in (*self.sql.refs, *self.sql.bad_refs):
            self._run(sql, schema)
        if self.params["base"]:  # a first import into an empty table has nothing to match
            for n, key in enumerate(self.plan.match):
                # The first key is the user's explicit choice: it may match rows whose external
                # ids differ; fallback keys may not (those are different records).
                self.params["first_key"] = int(n == 0 and key != "id")
                for sql in self.sql.match.get(key, ()):
                    self._run(sql, schema)
            for sql in self.sql.after_match:
                self._run(sql, schema)
            table = self.sql.table
            self.reject(
                [
                    (int(r[0]), f"matches the same {table[:-1]} ({r[1]}) as line {r[2]}")
                    for r in self.store.all(
                        "SELECT m.line, m.target, f.first FROM temp.imp_matched m JOIN "
                        "(SELECT target, min(line) AS first FROM temp.imp_matched "
                        "GROUP BY target HAVING count(*) > 1) f ON f.target = m.target "
                        "WHERE m.line > f.first"
                    )
                ]
            )
            self.conn.execute(
                "DELETE FROM temp.imp_matched WHERE line IN (SELECT line FROM temp.imp_rejected)"
            )
        self.checked.append(schema)

    def _cross_duplicates(self, earlier: str, later: str) -> list[tuple[int, str]]:
        """Rows of spool ``later`` whose key already appeared in spool ``earlier``."""
        rows = self.store.all(
            f"SELECT b.line, 'same ' || {reason_sql('b.ident')} || ' as line ' || min(a.line) "
            f"FROM {later}.rows b JOIN {earlier}.rows a ON a.ident = b.ident "
            "WHERE b.ident IS NOT NULL AND a.err IS NULL AND b.err IS NULL GROUP BY b.line"
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    def rejects(self) -> list[tuple[int, str]]:
        parts = [f"SELECT line, err FROM {s}.rows WHERE err IS NOT NULL" for s in self.checked]
        parts.append("SELECT line, reason FROM temp.imp_rejected")
        sql = " UNION ALL ".join(parts) + " ORDER BY 1"
        return [(int(r[0]), str(r[1])) for r in self.store.all(sql)]

    def count_rejected(self) -> int:
        """Rows rejected here; the workers counted their own."""
        return int(self.store.scalar("SELECT count(*) FROM temp.imp_rejected"))

    # -- what would change ---------------------------------------------------------------------

    def propose(self, schemas: list[str] | None = None) -> tuple[int, int]:
        """Fill temp.imp_new with matched rows' new values; return (matched, changed)."""
        cols = self.sql.update_cols
        self.conn.execute("DROP TABLE IF EXISTS temp.imp_new")
        self.conn.execute(
            "CREATE TEMP TABLE imp_new (id INTEGER PRIMARY KEY, " + ", ".join(cols) + ")"
        )
        if not self.store.scalar("SELECT 1 FROM temp.imp_matched LIMIT 1"):
            return 0, 0
        for schema in self.checked if schemas is None else schemas:
            self._run(
                f"INSERT INTO temp.imp_new (id, {', '.join(cols)}) SELECT m.target, "
                + ", ".join(self.sql.update_exprs[c] for c in cols)
                + " FROM temp.imp_matched m JOIN {S}.rows r ON r.line = m.line "
                f"JOIN {self.sql.table} l ON l.id = m.target " + self.sql.joins,
                schema,
            )
        matched = int(self.store.scalar("SELECT count(*) FROM temp.imp_new"))
        changed = int(
            self.store.scalar(
                f"SELECT count(*) FROM temp.imp_new n JOIN {self.sql.table} l ON l.id = n.id "
                f"WHERE {self._differs()}"
            )
        )
        return matched, changed

    def _differs(self) -> str:
        return " OR ".join(f"n.{c} IS NOT l.{c}" for c in self.sql.update_cols)

    def new_names(self) -> dict[str, int]:
        """How many companies and owners the import would create."""
        out = {}
        every = " UNION ".join(f"SELECT kind, key FROM {s}.names" for s in self.checked)
        for kind, table in (("company", "companies"), ("owner", "owners")):
            known = (
                "SELECT key FROM temp.imp_owner"
                if kind == "owner"
                else (f"SELECT name_key FROM {table}")
            )
            out[table] = int(
                self.store.scalar(
                    f"SELECT count(*) FROM ({every}) WHERE kind = ? AND key NOT IN ({known})",
                    (kind,),
                )
            )
        return out

    def count_new(self) -> int:
        _, new = self._filters()
        return sum(
            int(self.store.scalar(f"SELECT count(*) FROM {s}.rows r WHERE {new}"))
            for s in self.checked
        )

    def preview(self, limit: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for s in self.checked:
            valid, _ = self._filters()
            sql = self.sql.preview.replace("{S}", s).replace("{VALID}", valid)
            rows = self.store.all(sql + f" LIMIT {int(limit - len(out))}", self.params)
            out += [dict(r) for r in rows]
            if len(out) >= limit:
                break
        return out

    # -- the write -----------------------------------------------------------------------------

    def begin_import(self, source: str, options: dict[str, Any]) -> int:
        tx = self._writing()
        self.before = rec.sequences(tx)
        self.params["imp"] = rec.begin_import(tx, self.plan.entity, source, options)
        return int(self.params["imp"])

    def create_stages(
        self, stages: list[tuple[int, str, int, int | None]]
    ) -> dict[tuple[int, str], int]:
        """Unjournalled on purpose: the import's undo deletes them with its other rows, and
        restores the places of the stages moved to make room (saved in import_saved)."""
        tx = self._writing()
        created: dict[tuple[int, str], int] = {}
        for pid, name, probability, before in stages:
            position = self.store.scalar(
                "SELECT position FROM stages WHERE id = ? AND archived = 0", (before,)
            )
            if position is None:
                position = int(
                    self.store.scalar(
                        "SELECT coalesce(max(position), 0) + 1 FROM stages "
                        "WHERE pipeline_id = ? AND archived = 0",
                        (pid,),
                    )
                )
            else:
                every = [r[1] for r in self.store.all("PRAGMA table_info(stages)")]
                obj = ", ".join(f"'{c}', {c}" for c in every)
                tx.raw(
                    "INSERT OR IGNORE INTO import_saved (import_id, entity, row_id, before) "
                    f"SELECT ?, 'stages', id, json_object({obj}) FROM stages "
                    "WHERE pipeline_id = ? AND position >= ? AND id <= ?",
                    (self.params["imp"], pid, position, self.before.get("stages", 0)),
                )
                tx.raw(
                    "UPDATE stages SET position = position + 1 WHERE pipeline_id = ? "
                    "AND position >= ?",
                    (pid, position),
                )
            cur = tx.raw(
                "INSERT INTO stages (pipeline_id, name, name_key, position, probability, "
                "forecast_category) VALUES (?, ?, ?, ?, ?, 'pipeline')",
                (pid, name, name_key(name), position, probability),
            )
            created[(pid, name_key(name))] = int(cur.lastrowid or 0)
        return created

    def findings(self, examples: int) -> dict[str, tuple[int, list[int]]]:
        out: dict[str, tuple[int, list[int]]] = {}
        valid, _ = self._filters()
        for name, where in self.sql.findings.items():
            count, lines = 0, list[int]()
            for s in self.checked:
                joins = self.sql.joins if "sm." in where else ""
                sql = f"FROM {s}.rows r {joins} WHERE {valid} AND ({where})"
                count += int(self.store.scalar("SELECT count(*) " + sql, self.params))
                if len(lines) < examples:
                    lines += [
                        int(r[0])
                        for r in self.store.all(
                            f"SELECT r.line {sql} ORDER BY r.line LIMIT {examples - len(lines)}",
                            self.params,
                        )
                    ]
            if count:
                out[name] = (count, lines)
        return out

    def map_stages(self, rows: list[StageMapRow]) -> None:
        self.conn.execute("DELETE FROM temp.imp_stage")
        self.conn.executemany("INSERT INTO temp.imp_stage VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    @contextmanager
    def _bulk_upkeep(self) -> Iterator[None]:
        """A large import's indexes made once (store/sqlite/import_bulk.py); a server's
        session (store/postgres/imports.py) has no FTS5 tables and keeps its indexes."""
        adding = self.count_new() if self.sql.bulk_indexes else 0
        with (
            rebuilt_indexes(self.conn, self.sql.bulk_indexes, adding, self._run),
            bulk_fts(self.conn, self.sql.bulk_fts, self._run),
        ):
            yield

    def write(self) -> tuple[int, int, int]:
        created = matched = changed = 0
        with self._bulk_upkeep():
            for schema in self.checked:
                c, m, ch = self._write(schema)
                created, matched, changed = created + c, matched + m, changed + ch
        for sql in self.sql.after_insert:  # the stage history of new deals
            self._run(sql)
        if self.sql.table in ("deals", "activities"):
            sync_imported(self.conn, self.sql.table, self.before, self.params)
        if self.plan.entity == "companies":
            self.linked = link_to_companies(self, self.plan.company_refs)
        return created, matched, changed

    def _write(self, schema: str) -> tuple[int, int, int]:
        """Write one checked part of the file: its new names, new rows and changed rows.
        Returns (created, matched, changed)."""
        self._writing()
        if "seq" not in self.params:
            self.params["seq"] = self.params["base"]
        for kind, table in (("company", "companies"), ("owner", "owners")):
            known = (
                "SELECT key FROM temp.imp_owner"
                if kind == "owner"
                else (f"SELECT name_key FROM {table}")
            )
            self._run(
                f"INSERT INTO {table} (name, name_key, created_at) SELECT name, key, :now "
                f"FROM {{S}}.names WHERE kind = '{kind}' AND key NOT IN ({known})",
                schema,
            )
        # The default owner is created only when some row has no owner of its own.
        if self.sql.default_owner:
            self._run(
                "INSERT INTO owners (name, name_key, created_at) SELECT :owner_name, :owner_key, "
                ":now WHERE :owner_key NOT IN (SELECT name_key FROM owners) AND EXISTS "
                "(SELECT 1 FROM {S}.rows r WHERE r.okey IS NULL AND r.err IS NULL)",
                schema,
            )
        self._owners()
        for sql in self.sql.before_insert:
            self._run(sql, schema)
        created = self._run(self.sql.insert, schema)
        matched, changed = self.propose([schema])
        if changed:
            table, cols = self.sql.table, self.sql.update_cols
            every = [r[1] for r in self.store.all(f"PRAGMA table_info({table})")]
            obj = ", ".join(f"'{c}', l.{c}" for c in every)
            self._run(
                f"INSERT INTO import_saved (import_id, entity, row_id, before) "
                f"SELECT :imp, '{table}', l.id, json_object({obj}) FROM temp.imp_new n "
                f"JOIN {table} l ON l.id = n.id WHERE {self._differs()}"
            )
            for sql in self.sql.before_update:
                self._run(sql)
            sets = ", ".join(f"{c} = n.{c}" for c in cols)
            self._run(
                f"UPDATE {table} AS l SET {sets}, updated_at = :now FROM temp.imp_new n "
                f"WHERE l.id = n.id AND ({self._differs()})"
            )
        return created, matched, changed

    def finish_import(self, counts: dict[str, int], extras: dict[str, int]) -> None:
        rec.finish_import(self._writing(), self.params["imp"], counts, self.before, extras)

    # -- the undo ------------------------------------------------------------------------------

    def undo(self, import_id: int) -> int:
        """Revert the import; its command is marked undone, so `pipeline undo` skips it."""
        tx = self._writing()
        changes = rec.undo_import(tx, import_id)
        command_id = self.store.scalar("SELECT command_id FROM imports WHERE id = ?", (import_id,))
        if command_id is not None:
            tx.raw("UPDATE commands SET undone_by = ? WHERE id = ?", (tx.command_id, command_id))
        return changes
