"""The pipeline as it stood at a moment: temp tables replayed from the event log and history."""

# Replay rule. A deal existed at the cut-off if it was created by then. Its stage is the
# target of its last stage change at or before the cut-off (stage changes carry backdated
# times). Every other field takes the ``before`` value of the first journalled change made
# after the cut-off, else its current value. A change takes effect at its command's time,
# except a win or loss, which takes effect at its ``closed_at`` (``--at`` backdating). An
# undone command and the undo that reverted it are left out: an undone change never happened.
# An imported history (deal_history, `pipeline import history`) then says what a deal's
# status, amount, close date, probability and category were at the cut-off: the last value
# it gives at or before it. A deal whose creation is unknown (imported without a date) is
# in every replay: nothing says it was not there yet. A deal that closed after the cut-off
# was open at it, unless an imported history dates its status otherwise.
# Stages are replayed the same way, so their probabilities and categories are as they were.

from __future__ import annotations

from dataclasses import replace

from pipeline_tui.store.records import Source
from pipeline_tui.store.sqlite.core import Reader

# Far after any stored timestamp: the cut-off of live (not replayed) reports.


REPLAYED = Source(
    "temp.asof_deals", "temp.asof_stages", "temp.asof_stage_changes", "temp.asof_deals_view"
)

# Fields never replayed from events: identity, and the stage, which comes from history.
_FIXED = {"id", "stage_id", "pipeline_id", "created_at", "history_unknown"}

_LATE_EVENTS = """
CREATE TEMP TABLE asof_late AS
SELECT e.id, e.entity, e.entity_id, e.before
FROM main.commands c JOIN main.events e ON e.command_id = c.id
WHERE c.at > :cut AND c.kind = 'change' AND c.undone_by IS NULL
  AND e.action = 'update' AND e.entity IN ('deals', 'stages')
  AND coalesce(json_extract(e.after, '$.closed_at'), c.at) > :cut
"""

_STAGE_AT_CUT = """
UPDATE asof_deals SET stage_id = (
  SELECT sc.to_stage_id FROM main.stage_changes sc
  WHERE sc.deal_id = asof_deals.id AND sc.changed_at <= :cut
  ORDER BY sc.changed_at DESC, sc.id DESC LIMIT 1)
WHERE (id IN (SELECT deal_id FROM main.stage_changes WHERE changed_at > :cut)
       OR id IN (SELECT deal_id FROM main.deal_history WHERE changed_at > :cut))
  AND EXISTS (SELECT 1 FROM main.stage_changes sc
              WHERE sc.deal_id = asof_deals.id AND sc.changed_at <= :cut)
"""
# (A deal whose imported history runs past the cut-off may sit today in a stage its history
# never names: a won deal imported in the first stage. Its stage then is the history's.)

# deals_view reads these three tables; the replayed view reads their replays instead.
_VIEW_SWAPS = (
    ("FROM deals d", "FROM temp.asof_deals d"),
    ("JOIN stages s", "JOIN temp.asof_stages s"),
    ("FROM stage_changes sc", "FROM temp.asof_stage_changes sc"),
)


def tune_for_reports(store: Reader) -> None:
    """Let this connection read through a memory map: aggregates and history lookups over
    a large database spend far less time copying pages (measured 2-3x on a million deals)."""
    store.cursor().execute("PRAGMA mmap_size = 2147418112")


class Dialect:
    """What the replay asks of its database beyond the shared SQL: SQLite's answers here,
    the server's in store/postgres/asof.py (the statements go through its translation)."""

    def columns(self, store: Reader, table: str) -> dict[str, str]:
        """The table's columns and their declared types, in order."""
        return {r[1]: r[2] for r in store.all(f"PRAGMA main.table_info({table})")}

    def typed(self, expr: str, sql_type: str) -> str:
        """``expr`` as a value of a column of ``sql_type``: SQLite's values keep their own."""
        return expr

    def make_view(self, store: Reader) -> None:
        """deals_view as the database holds it, made a temp view over the replayed tables."""
        sql = str(
            store.scalar(
                "SELECT sql FROM main.sqlite_master WHERE type = 'view' AND name = 'deals_view'"
            )
        )
        for old, new in _VIEW_SWAPS:
            if old not in sql:
                raise RuntimeError(f"deals_view no longer reads {old!r}: update store/asof.py")
            sql = sql.replace(old, new)
        sql = sql.replace("CREATE VIEW deals_view", "CREATE TEMP VIEW asof_deals_view", 1)
        store.cursor().execute(sql)

    def nulls_first(self, expr: str) -> str:
        """``expr`` ordered with NULL before any value, as SQLite orders it by itself."""
        return expr


def _replay_fields(store: Reader, d: Dialect, table: str, entity: str) -> None:
    for col, sql_type in d.columns(store, entity).items():
        if col in _FIXED:
            continue
        path = f"$.{col}"
        value = d.typed("json_extract(l.before, :path)", sql_type)
        store.cursor().execute(
            f'UPDATE {table} SET "{col}" = ('
            f"  SELECT {value} FROM asof_late l"
            f"  WHERE l.entity = :entity AND l.entity_id = {table}.id"
            "    AND json_type(l.before, :path) IS NOT NULL ORDER BY l.id LIMIT 1) "
            "WHERE id IN (SELECT entity_id FROM asof_late "
            "  WHERE entity = :entity AND json_type(before, :path) IS NOT NULL)",
            {"path": path, "entity": entity},
        )


_HISTORY_AT_CUT = """
UPDATE asof_deals SET "{field}" = CASE WHEN EXISTS (SELECT 1 FROM main.deal_history h
   WHERE h.deal_id = asof_deals.id AND h.field = '{field}' AND h.changed_at <= :cut)
  THEN (SELECT {after} FROM main.deal_history h
   WHERE h.deal_id = asof_deals.id AND h.field = '{field}' AND h.changed_at <= :cut
   ORDER BY h.changed_at DESC, h.id DESC LIMIT 1)
  ELSE (SELECT {before} FROM main.deal_history h
   WHERE h.deal_id = asof_deals.id AND h.field = '{field}' AND h.changed_at > :cut
   ORDER BY h.changed_at, h.id LIMIT 1) END
WHERE id IN (SELECT deal_id FROM main.deal_history WHERE changed_at > :cut)
  AND EXISTS (SELECT 1 FROM main.deal_history h
              WHERE h.deal_id = asof_deals.id AND h.field = '{field}')
"""
# A deal whose history runs past the cut-off takes each field the history gives from it,
# even one that no longer changed after the cut-off: today's value need not be the history's
# last (a won deal's forecast category "Closed" is no category, and erases none).
# A status the history gives at the cut-off that differs from today's: closed when that
# status was reached, or not closed at all.
_CLOSED_AT_CUT = """
UPDATE asof_deals SET closed_at = CASE WHEN status = 'open' THEN NULL ELSE
  (SELECT h.changed_at FROM main.deal_history h
   WHERE h.deal_id = asof_deals.id AND h.field = 'status' AND h.changed_at <= :cut
   ORDER BY h.changed_at DESC, h.id DESC LIMIT 1) END
WHERE id IN (SELECT deal_id FROM main.deal_history WHERE changed_at > :cut)
  AND status IS NOT (SELECT d.status FROM main.deals d WHERE d.id = asof_deals.id)
"""
# The next step is a cache of the earliest open planned activity (store/sqlite/next_step.py),
# not journalled: at the cut-off it is the earliest activity created by then and neither
# done nor cancelled by then. Only deals whose activities changed after the cut-off differ.
# A next step given when the deal was recorded (one command) dates from the deal's creation,
# which may be backdated: it was part of the deal as entered.
_NEXT_CANDIDATES = """
CREATE TEMP TABLE asof_next AS
SELECT d.id AS deal_id, {activity_id} AS activity_id, {subject} AS subject, {due} AS due
FROM asof_deals d WHERE d.status = 'open' AND d.id IN (
  SELECT a.deal_id FROM main.activities a WHERE a.deal_id IS NOT NULL
    AND (a.created_at > :cut OR a.done_at > :cut OR a.cancelled_at > :cut))
"""
_NEXT_AT_CUT = """
UPDATE asof_next SET (activity_id, subject, due) = (
  SELECT a.id, a.subject, substr(a.due_at, 1, 10) FROM main.activities a
  WHERE a.deal_id = asof_next.deal_id AND (a.done_at IS NULL OR a.done_at > :cut)
    AND (a.cancelled_at IS NULL OR a.cancelled_at > :cut)
    AND (coalesce(a.created_at, :cut) <= :cut OR (
      coalesce((SELECT d.created_at FROM asof_deals d WHERE d.id = a.deal_id), :cut) <= :cut
      AND EXISTS (
        SELECT 1 FROM main.events ea JOIN main.events ed ON ed.command_id = ea.command_id
        WHERE ea.entity = 'activities' AND ea.entity_id = a.id AND ea.action = 'insert'
          AND ed.entity = 'deals' AND ed.entity_id = a.deal_id AND ed.action = 'insert')))
  ORDER BY {undated_first}, a.id LIMIT 1)
"""
_NEXT_APPLY = """
UPDATE asof_deals SET next_activity_id = n.activity_id, next_step = n.subject, next_due = n.due
FROM asof_next n WHERE n.deal_id = asof_deals.id
"""
# A deal closed after the cut-off was still open at it, whatever says it closed: an imported
# deal's win is no journalled change (its row was inserted won), so nothing above reopens
# it. Only an imported history's dated status outranks its close time.
_NOT_CLOSED_YET = """
UPDATE asof_deals SET status = 'open', closed_at = NULL, lost_reason = NULL
WHERE status <> 'open' AND closed_at > :cut
  AND NOT EXISTS (SELECT 1 FROM main.deal_history h
                  WHERE h.deal_id = asof_deals.id AND h.field = 'status')
"""
HISTORY_FIELDS = ("status", "value_minor", "close_date", "probability", "category")


def _replay_history(store: Reader, d: Dialect, types: dict[str, str], cut: str) -> None:
    c = store.cursor()
    for field in HISTORY_FIELDS:
        sql = _HISTORY_AT_CUT.replace("{field}", field)
        sql = sql.replace("{after}", d.typed("h.after", types[field]))
        c.execute(sql.replace("{before}", d.typed("h.before", types[field])), {"cut": cut})
    c.execute(_CLOSED_AT_CUT, {"cut": cut})
    c.execute(_NOT_CLOSED_YET, {"cut": cut})


def replay(store: Reader, cut: str) -> Source:
    """Build the replay of deals, stages and stage history at ``cut`` (an ISO timestamp)."""
    return build(store, cut, Dialect())


def build(store: Reader, cut: str, dialect: Dialect) -> Source:
    """The replay at ``cut``, with ``dialect``'s answers for what databases spell apart."""
    if len(cut) != 20 or not cut.endswith("Z") or "'" in cut:
        raise ValueError(f"bad cut-off {cut!r}")
    c = store.cursor()
    for name in ("asof_deals_view", "asof_stage_changes"):
        c.execute(f"DROP VIEW IF EXISTS temp.{name}")
    for name in ("asof_deals", "asof_stages", "asof_late", "asof_next"):
        c.execute(f"DROP TABLE IF EXISTS temp.{name}")
    params = {"cut": cut}
    c.execute(_LATE_EVENTS, params)
    c.execute("CREATE INDEX temp.asof_late_entity ON asof_late(entity, entity_id, id)")
    c.execute(
        "CREATE TEMP TABLE asof_deals AS SELECT * FROM main.deals "
        "WHERE created_at <= :cut OR created_at IS NULL",
        params,
    )
    c.execute("CREATE UNIQUE INDEX temp.asof_deals_id ON asof_deals(id)")
    c.execute("CREATE TEMP TABLE asof_stages AS SELECT * FROM main.stages")
    c.execute("CREATE UNIQUE INDEX temp.asof_stages_id ON asof_stages(id)")
    _replay_fields(store, dialect, "asof_deals", "deals")
    _replay_fields(store, dialect, "asof_stages", "stages")
    types = dialect.columns(store, "deals")
    _replay_history(store, dialect, types, cut)
    candidates = _NEXT_CANDIDATES
    for name, col in (("activity_id", "next_activity_id"), ("subject", "next_step"),
                      ("due", "next_due")):  # fmt: skip
        candidates = candidates.replace(f"{{{name}}}", dialect.typed("NULL", types[col]))
    pick = _NEXT_AT_CUT.replace("{undated_first}", dialect.nulls_first("a.due_at"))
    for step in (candidates, pick, _NEXT_APPLY):
        c.execute(step, params)
    c.execute(_STAGE_AT_CUT, params)
    c.execute("CREATE INDEX temp.asof_deals_status ON asof_deals(status, close_date)")
    # A view's text cannot hold parameters; ``cut`` was checked to be a plain timestamp.
    c.execute(
        "CREATE TEMP VIEW asof_stage_changes AS SELECT * FROM main.stage_changes "
        f"WHERE changed_at <= '{cut}'"
    )
    dialect.make_view(store)
    return replace(REPLAYED, cutoff=cut)
