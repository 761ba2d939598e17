"""Applying staged rows set-based: resolve names and references, match, insert, update."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from pipeline_tui.store.sqlite.core import Database as Store
from pipeline_tui.store.sqlite.core import Tx
from pipeline_tui.store.sqlite.import_sql import ACTOR, ENTITY_SQL, OWNER, EntitySql, custom_expr

_TRACE = bool(os.environ.get("PIPELINE_IMPORT_TRACE"))


@dataclass
class Plan:
    """Everything the SQL needs that the services decided."""

    entity: str
    schemas: list[str]
    custom_names: list[str]
    match: list[str]
    now: str
    owner_key: str
    owner_name: str
    currency: str
    pipeline_id: int
    first_stage_id: int
    actor_key: str | None = None
    custom_column: bool = False
    # (pipeline key, stage key, pipeline id, stage id or None, status or None, first stage id,
    # stage name as shown in a preview)
    stage_map: list[tuple[str, str, int, int | None, str | None, int, str]] = field(
        default_factory=list
    )


class Applier:
    """The SQL of one import, over attached staging schemas, on the store's connection."""

    def __init__(self, store: Store, plan: Plan) -> None:
        self.store = store
        self.conn = store._conn
        self.plan = plan
        self.sql: EntitySql = ENTITY_SQL[plan.entity]
        self.params: dict[str, Any] = {
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
        started = time.perf_counter()
        cur = self.conn.execute(text, self.params)
        if _TRACE:  # PIPELINE_IMPORT_TRACE=1: where an import spends its time, per statement
            print(f"{time.perf_counter() - started:7.3f} s  {' '.join(text.split())[:90]}",
                  file=sys.stderr)  # fmt: skip
        return max(cur.rowcount, 0)

    def _each(self, sql: str) -> int:
        return sum(self._run(sql, s) for s in self.checked)

    # -- before the write: temp tables, rejects, references and matches -----------------------

    def prepare(self) -> None:
        c = self.conn
        for t in ("imp_rejected", "imp_matched", "imp_refs", "imp_new", "imp_stage"):
            c.execute(f"DROP TABLE IF EXISTS temp.{t}")
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
        c.executemany(
            "INSERT INTO temp.imp_stage VALUES (?, ?, ?, ?, ?, ?, ?)", self.plan.stage_map
        )
        # Rows match only what was there before this import: rows it adds from one part of
        # the file are never updated by another part.
        table = self.sql.table
        self.params["base"] = int(self.store.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))
        self.checked: list[str] = []

    def reject(self, rows: list[tuple[int, str]]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO temp.imp_rejected VALUES (?, ?)", rows)

    def check(self, schema: str) -> None:
        """Everything that can reject a row of ``schema`` before it is written: its keys
        repeating an earlier part's, unknown references, two rows matching one record."""
        from pipeline_tui.store.sqlite.import_records import cross_duplicates

        for earlier in self.checked:
            self.reject(cross_duplicates(self.store, earlier, schema))
        for sql in (*self.sql.refs, *self.sql.bad_refs):
            self._run(sql, schema)
        if self.params["base"]:  # a first import into an empty table has nothing to match
            for n, key in enumerate(self.plan.match):
                # The first key is the user's explicit choice: it may match rows whose external
                # ids differ; fallback keys may not (those are different records).
                self.params["first_key"] = int(n == 0 and key != "id")
                for sql in self.sql.match.get(key, ()):
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

    def new_names(self, schemas: list[str] | None = None) -> dict[str, int]:
        """How many companies and owners the import (or these parts) would create."""
        out = {}
        parts = self.checked if schemas is None else schemas
        every = " UNION ".join(f"SELECT kind, key FROM {s}.names" for s in parts)
        for kind, table in (("company", "companies"), ("owner", "owners")):
            out[table] = int(
                self.store.scalar(
                    f"SELECT count(*) FROM ({every}) WHERE kind = ? "
                    f"AND key NOT IN (SELECT name_key FROM {table})",
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

    def write(self, tx: Tx, import_id: int, schema: str) -> tuple[int, int, int]:
        """Write one checked part of the file: its new names, new rows and changed rows.
        Returns (created, matched, changed)."""
        self.params["imp"] = import_id
        if "seq" not in self.params:
            self.params["seq"] = self.params["base"]
        for kind, table in (("company", "companies"), ("owner", "owners")):
            self._run(
                f"INSERT INTO {table} (name, name_key, created_at) SELECT name, key, :now "
                f"FROM {{S}}.names WHERE kind = '{kind}' AND key NOT IN "
                f"(SELECT name_key FROM {table})",
                schema,
            )
        # The default owner is created only when some row has no owner of its own.
        self._run(
            "INSERT INTO owners (name, name_key, created_at) SELECT :owner_name, :owner_key, "
            ":now WHERE :owner_key NOT IN (SELECT name_key FROM owners) AND EXISTS "
            "(SELECT 1 FROM {S}.rows r WHERE r.okey IS NULL AND r.err IS NULL)",
            schema,
        )
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

    def finish(self) -> None:
        """What follows every part's rows: the stage history of new deals."""
        for sql in self.sql.after_insert:
            self._run(sql)


__all__ = ["Applier", "Plan"]
