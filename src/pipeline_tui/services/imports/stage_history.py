"""`pipeline import history FILE`: a deal's dated past (Salesforce OpportunityHistory)."""

# Each row is the deal's state from a moment on: its stage, amount, close date, probability
# and forecast category. Rows are matched to deals by external id and sorted by time (the
# file may be unsorted); rows of one deal at one moment are one state (the later line wins),
# so paired duplicates count once. A change of stage is a stage change (stage_changes), a
# stage that is an outcome (Closed Won) a dated status change, and the other fields' changes
# are kept, dated, in deal_history, where `--as-of` (store/sqlite/asof.py), slipped close
# dates (store/sqlite/review.py) and conversion read them. Importing a deal's history
# replaces its old one, in one journalled command: `pipeline undo` restores it.

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.keys import name_key
from pipeline_tui.models.outcomes import fold
from pipeline_tui.services.imports.amounts import make_money_converter, to_minor_units
from pipeline_tui.services.imports.cells import (
    CATEGORY,
    DEAL_STATUS,
    BadValue,
    mapper,
    read_probability,
)
from pipeline_tui.services.imports.small_file import SideFile, open_side_file
from pipeline_tui.services.imports.stage_names import SeenStage, plan_stages
from pipeline_tui.store.api import Store, WriteTx

FIELDS = ("status", "value_minor", "close_date", "probability", "category")


@dataclass
class HistoryOptions:
    file: str
    encoding: str | None = None
    delimiter: str | None = None
    maps: list[str] = field(default_factory=list)
    stage_maps: list[str] = field(default_factory=list)
    create_stages: bool = False
    dayfirst: bool | None = None
    decimal: str | None = None
    zone: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False


@dataclass
class HistoryResult:
    source: str
    rows: int = 0
    duplicates: int = 0  # rows repeating a deal's moment: counted once
    deals: int = 0
    replaced: int = 0  # deals that had a history before (replaced by the file's)
    dated: int = 0  # deals whose creation the history dated (unknown or later before)
    closed_dated: int = 0  # closed deals of unknown close time: the history's status dates it
    stage_changes: int = 0
    changes: Counter[str] = field(default_factory=Counter)  # field -> dated changes
    rejects: list[tuple[int, str]] = field(default_factory=list)
    created_stages: list[str] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": "history",
            "source": self.source,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "duplicates": self.duplicates,
            "deals": self.deals,
            "replaced": self.replaced,
            "dated": self.dated,
            "closed_dated": self.closed_dated,
            "stage_changes": self.stage_changes,
            "changes": {f: self.changes.get(f, 0) for f in FIELDS},
            "rejected": len(self.rejects),
            "rejects": [{"line": n, "reason": r} for n, r in self.rejects],
            "created_stages": self.created_stages,
            "columns": [{"column": c, "field": f} for c, f in self.columns],
            "formats": self.formats,
        }


class InvalidHistory(PipelineError):
    """Some rows are invalid and --skip-invalid was not given: nothing was written."""

    def __init__(self, result: HistoryResult) -> None:
        self.result = result
        super().__init__(
            f"{len(result.rejects):,} invalid row(s) in {result.source}; nothing was imported "
            "(fix them, or give --skip-invalid to import the rest)"
        )


@dataclass
class _Row:
    line: int
    deal: str
    at: str
    stage: str
    status: str | None
    amount: tuple[str, str | None] | None  # (decimal text, currency it names)
    shown_amount: str
    close: str | None
    probability: int | None
    category: str | None


def _closed_by_numbers(category: str, probability: int | None) -> str | None:
    """Salesforce marks its closed stages by forecast category and probability: Closed at
    100 % is won, Omitted (or Closed) at 0 % lost. Asked only of stage names we do not know."""
    c = fold(category)
    if c == "closed" and probability == 100:
        return "won"
    if c in ("omitted", "closed") and probability == 0:
        return "lost"
    return None


def _read(side: SideFile, result: HistoryResult) -> tuple[list[_Row], dict[int, str]]:
    at = side.date("changed_at", timestamp=True)
    close = side.date("close_date", timestamp=False)
    money = make_money_converter(side.formats.get("value", "."))
    status = mapper(DEAL_STATUS, "deal status", "open, won or lost")
    category = mapper(CATEGORY, "forecast category", "pipeline, best case, commit or omitted")
    rows: list[_Row] = []
    closed: dict[int, str] = {}  # line -> won/lost the numbers say (for unknown stage names)
    for line, c in side.rows():
        result.rows += 1
        try:
            deal = c.get("deal", "").strip()
            if not deal:
                raise BadValue("no deal id")
            when = at(c.get("changed_at", ""))
            if when is None:
                raise BadValue("no date")
            raw = c.get("value", "")
            prob = read_probability(c.get("probability", ""))
            cat_raw = c.get("category", "")
            st = c.get("status", "")
            row = _Row(line, deal, when, c.get("stage", "").strip(),
                       status(st) if st.strip() else None,
                       money(raw) if raw.strip() else None, raw.strip(),
                       close(c.get("close_date", "")), prob,
                       category(cat_raw) if cat_raw.strip() else None)  # fmt: skip
        except BadValue as exc:
            result.rejects.append((line, str(exc)))
            continue
        found = row.status or _closed_by_numbers(cat_raw, prob)
        if found and found != "open":
            closed[line] = found
        rows.append(row)
    result.rejects += side.rejects
    return rows, closed


def import_history(store: Store, opts: HistoryOptions) -> HistoryResult:
    """Read, check and (unless dry_run) write a stage history as one command."""
    result = HistoryResult("stdin" if opts.file == "-" else opts.file, dry_run=opts.dry_run)
    side = open_side_file("history", opts.file, encoding=opts.encoding,
                          delimiter=opts.delimiter, maps=opts.maps, dayfirst=opts.dayfirst,
                          decimal=opts.decimal, zone=opts.zone)  # fmt: skip
    try:
        result.columns = [(c, f) for c, f in side.mapping.describe() if f != "custom"]
        result.formats = side.shown
        rows, closed = _read(side, result)
    finally:
        side.src.close()
    deals = store.imports.deals_by_external_ids(sorted({r.deal for r in rows}))
    kept = []
    for r in rows:
        if r.deal not in deals:
            result.rejects.append((r.line, f"no deal {r.deal!r} (import deals first)"))
        else:
            kept.append(r)
    plans = _stage_plans(store, kept, deals, closed, opts, result)
    states = _states(kept, deals, closed, plans, result)
    if result.rejects and not opts.skip_invalid and not opts.dry_run:
        result.rejects.sort()
        raise InvalidHistory(result)
    result.rejects.sort()
    if opts.dry_run or not states:
        return result
    with store.tx(f"import history {Path(result.source).name}") as tx:
        created = _create_stages(store, tx, plans)
        _write(store, tx, deals, states, created, result)
    return result


# (pipeline id, stage key) -> (stage id or None, outcome or None, name to create or None)
StageOf = dict[tuple[int, str], tuple[int | None, str | None, str | None]]


@dataclass
class _Plans:
    stage_of: StageOf
    create: list[tuple[int, str, int, int | None]]


def _stage_plans(
    store: Store,
    rows: list[_Row],
    deals: dict[str, dict[str, Any]],
    closed: dict[int, str],
    opts: HistoryOptions,
    result: HistoryResult,
) -> _Plans:
    names = {p.id: p.name for p in store.stages.pipelines()}
    seen: dict[int, dict[tuple[str, str], SeenStage]] = defaultdict(dict)
    for r in rows:
        pid = int(deals[r.deal]["pipeline_id"])
        key = ("", name_key(r.stage))
        s = seen[pid].get(key)
        if s is None:
            s = seen[pid][key] = SeenStage("", r.stage, r.line)
        s.rows += 1
        if r.probability is not None:
            s.probabilities[r.probability] += 1
        if r.line in closed:
            s.closed[closed[r.line]] += 1
    out = _Plans({}, [])
    for pid, stages in seen.items():
        plan = plan_stages(store, stages, pipeline=names[pid], stage_maps=opts.stage_maps,
                           create=opts.create_stages, column="stage")  # fmt: skip
        creating = {name_key(n) for _, n, _, _ in plan.create}
        for _pkey, skey, _pid, sid, status, _first, shown in plan.rows:
            new = shown if sid is None and status is None and name_key(shown) in creating else None
            out.stage_of[(pid, skey)] = (sid, status, new)
        out.create += plan.create
        result.created_stages += [n for _, n, _, _ in plan.create]
    return out


def _states(
    rows: list[_Row],
    deals: dict[str, dict[str, Any]],
    closed: dict[int, str],
    plans: _Plans,
    result: HistoryResult,
) -> dict[str, list[dict[str, Any]]]:
    """Per deal, its states in time order: one per moment, the file's later line winning."""
    by_deal: dict[str, dict[str, _Row]] = defaultdict(dict)
    for r in sorted(rows, key=lambda r: (r.deal, r.at, r.line)):
        if r.at in by_deal[r.deal]:
            result.duplicates += 1
        by_deal[r.deal][r.at] = r
    out: dict[str, list[dict[str, Any]]] = {}
    for ext, moments in by_deal.items():
        deal = deals[ext]
        pid, currency = int(deal["pipeline_id"]), str(deal["currency"])
        states = []
        for at, r in moments.items():
            sid, outcome, new = plans.stage_of.get((pid, name_key(r.stage)), (None, None, None))
            status = r.status or outcome or closed.get(r.line) if sid is None and not new \
                else r.status or "open"  # fmt: skip
            try:
                value = None
                if r.amount is not None:
                    num, named = r.amount
                    if named and named != currency:
                        raise BadValue(f"amount {r.shown_amount!r} is in {named} but deal "
                                       f"{ext!r} is in {currency}")  # fmt: skip
                    value = to_minor_units(num, currency, r.shown_amount)
            except BadValue as exc:
                result.rejects.append((r.line, str(exc)))
                continue
            states.append({"at": at, "stage": sid, "new_stage": new, "line": r.line,
                           "status": status or "open", "value_minor": value,
                           "close_date": r.close, "probability": r.probability,
                           "category": r.category})  # fmt: skip
        out[ext] = states
    return out


def _create_stages(store: Store, tx: WriteTx, plans: _Plans) -> dict[tuple[int, str], int]:
    """Journalled, so `pipeline undo` removes them (and puts moved stages back)."""
    created: dict[tuple[int, str], int] = {}
    for pid, name, probability, before in plans.create:
        stages = store.stages.stages(pid)
        anchor = next((s for s in stages if s.id == before), None)
        if anchor is None:
            position = max((s.position for s in stages), default=0) + 1
        else:
            position = anchor.position
            for s in stages:
                if s.position >= position:
                    tx.update("stages", s.id, {"position": s.position + 1}, stamp=False)
        created[(pid, name_key(name))] = tx.insert(
            "stages",
            {"pipeline_id": pid, "name": name, "name_key": name_key(name), "position": position,
             "probability": probability, "forecast_category": "pipeline"},
        )  # fmt: skip
    return created


def _write(
    store: Store,
    tx: WriteTx,
    deals: dict[str, dict[str, Any]],
    states: dict[str, list[dict[str, Any]]],
    created: dict[tuple[int, str], int],
    result: HistoryResult,
) -> None:
    ids = [int(deals[ext]["id"]) for ext in states if states[ext]]
    old = store.imports.history_row_ids(ids)
    had = set()
    for table in ("stage_changes", "deal_history"):
        for row_id in old[table]:
            had.add(int(tx.delete(table, row_id)["deal_id"]))
    result.replaced = len(had)
    for ext, moments in states.items():
        if not moments:
            continue
        deal = deals[ext]
        deal_id, pid = int(deal["id"]), int(deal["pipeline_id"])
        result.deals += 1
        stage: int | None = None
        last: dict[str, Any] = {}
        status_at: str | None = None
        for m in moments:
            to = m["stage"] or (created.get((pid, name_key(m["new_stage"]))) if m["new_stage"]
                                else None)  # fmt: skip
            if to is not None and to != stage:
                tx.insert("stage_changes", {"deal_id": deal_id, "from_stage_id": stage,
                                            "to_stage_id": to, "changed_at": m["at"]})  # fmt: skip
                result.stage_changes += 1
                stage = to
            for f in FIELDS:
                value = m[f]
                if value is None or (f in last and last[f] == value):
                    continue  # an empty cell is no value: it never erases a known one
                tx.insert("deal_history", {"deal_id": deal_id, "field": f,
                                           "before": last.get(f), "after": value,
                                           "changed_at": m["at"]})  # fmt: skip
                if f in last:
                    result.changes[f] += 1
                if f == "status":
                    status_at = m["at"]
                last[f] = value
        first = moments[0]["at"]
        changes: dict[str, Any] = {"history_unknown": 0}
        if deal["created_at"] is None or deal["created_at"] > first:
            changes["created_at"] = first
            result.dated += 1
        # A closed deal imported with no close date: it closed when its history last reached
        # the status it has (the latest date the history gives), never at the import.
        undated = deal["status"] != "open" and deal["closed_at"] is None
        if undated and last.get("status") == deal["status"]:
            changes["closed_at"] = status_at
            result.closed_dated += 1
        tx.update("deals", deal_id, changes)
