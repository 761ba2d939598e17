"""One CSV import from options to result: read, check and write a file as one command."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.keys import name_key
from pipeline_tui.models.money import check_currency
from pipeline_tui.services.common import currency_or_default, default_owner
from pipeline_tui.services.imports.aliases import COMPANY_REF, ENTITIES
from pipeline_tui.services.imports.cells import Spec
from pipeline_tui.services.imports.columns import Mapping, map_header, norm
from pipeline_tui.services.imports.formats import decide_formats
from pipeline_tui.services.imports.rejects import write_rejects
from pipeline_tui.services.imports.scratch import scratch_folder
from pipeline_tui.services.imports.sniff import Source, open_source, split_ranges
from pipeline_tui.services.imports.stage_names import (
    SeenStage,
    StagePlan,
    plan_stages,
    resolve_created,
)
from pipeline_tui.services.imports.workers import RangeResult, spool_file, worker_count
from pipeline_tui.store.api import ImportPlan, ImportSession, Store

MATCH_KEYS = {"leads": ("id", "email"), "deals": ("id", "title"), "activities": ("id", "subject"),
              "companies": ("id", "name"), "people": ("id", "email")}  # fmt: skip
Progress = Callable[[str, int, int], None]


@dataclass
class ImportOptions:
    entity: str
    file: str
    encoding: str | None = None
    delimiter: str | None = None
    maps: list[str] = field(default_factory=list)
    stage_maps: list[str] = field(default_factory=list)
    create_stages: bool = False
    dayfirst: bool | None = None
    decimal: str | None = None
    currency: str | None = None
    pipeline: str | None = None
    match: str | None = None
    zone: str | None = None
    owner: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    rejects: str | None = None
    workers: int | None = None
    preview_rows: int = 5


@dataclass
class ImportResult:
    entity: str
    source: str
    import_id: int | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)
    rejects_file: str | None = None
    new: dict[str, int] = field(default_factory=dict)
    created_stages: list[str] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    encoding: str = ""
    delimiter: str = ""
    preview: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # What the file says that deserves a word: name -> (rows, first lines); see FINDINGS.
    findings: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    owner_assumed: str = ""
    closed_stage_names: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    stage_order: list[str] = field(default_factory=list)  # the pipeline after new stages
    stages_ordered_by_file: bool = False
    owner_id_column: str = ""  # an owner column of ids (OwnerId) that created owners
    linked: dict[str, int] = field(default_factory=dict)  # earlier records given a company


class InvalidRows(PipelineError):
    """Some rows are invalid and --skip-invalid was not given: nothing was written."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        super().__init__(
            f"{result.rejected:,} invalid row(s) in {result.source}; nothing was imported "
            "(fix them, or give --skip-invalid to import the rest and write the rejects "
            "to a file)"
        )


def _match_keys(entity: str, text: str | None) -> list[str]:
    allowed = MATCH_KEYS[entity]
    if text is None:
        return list(allowed)
    keys = [k.strip().lower() for k in text.split(",") if k.strip()]
    keys = ["id" if k in ("external_id", "external-id") else k for k in keys]
    if keys == ["none"]:
        return []
    bad = [k for k in keys if k not in allowed]
    if bad or not keys:
        raise PipelineError(
            f"invalid --match {text!r}: use a comma list of {', '.join(allowed)}, or none"
        )
    return keys


def _check_options(opts: ImportOptions) -> None:
    if opts.entity not in ENTITIES:
        raise PipelineError(f"cannot import {opts.entity!r}: use one of {', '.join(ENTITIES)}")
    if opts.decimal not in (None, ".", ","):
        raise PipelineError(f"invalid --decimal {opts.decimal!r}: use . or ,")
    if opts.currency is not None:
        opts.currency = check_currency(opts.currency)
    if opts.zone is not None and opts.zone.upper() != "UTC":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(opts.zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PipelineError(f"unknown time zone {opts.zone!r}: use a name such as "
                                "Europe/Berlin, or UTC") from None  # fmt: skip


def _merge(results: list[RangeResult]) -> dict[tuple[str, str], SeenStage]:
    stages: dict[tuple[str, str], SeenStage] = {}
    for r in results:
        for key, s in r.stages.items():
            if key in stages:
                stages[key].merge(s)
            else:
                stages[key] = s
    return stages


def run_import(store: Store, opts: ImportOptions, progress: Progress | None = None) -> ImportResult:
    """Read, check and (unless dry_run) write one file as one transaction."""
    started = time.monotonic()
    _check_options(opts)
    report: Progress = progress or (lambda phase, done, total: None)
    match = _match_keys(opts.entity, opts.match)
    src = open_source(opts.file, encoding=opts.encoding, delimiter=opts.delimiter)
    try:
        mapping = map_header(opts.entity, src.header, opts.maps)
        formats, shown = decide_formats(src, mapping, opts.dayfirst, opts.decimal, opts.zone)
        spec = Spec(
            entity=opts.entity,
            path=str(src.path),
            encoding=src.encoding,
            delimiter=src.delimiter,
            width=len(src.header),
            fields=dict(mapping.fields),
            custom=[i for i, _ in mapping.custom],
            formats=formats,
            zone=opts.zone,
            currency=opts.currency,
            default_currency=currency_or_default(store, opts.currency),
            db_key=store.exports.database_key(),
            match=match,
        )
        result = ImportResult(opts.entity, "stdin" if opts.file == "-" else opts.file)
        result.columns, result.formats = mapping.describe(), shown
        result.dry_run = opts.dry_run
        with scratch_folder() as folder:
            _Import(store, src, mapping, spec, opts, result, folder, report).run()
        result.encoding, result.delimiter = src.encoding, src.delimiter
    finally:
        src.close()
    result.seconds = time.monotonic() - started
    return result


def _plan(
    store: Store, mapping: Mapping, spec: Spec, opts: ImportOptions, stages: StagePlan | None
) -> ImportPlan:
    from pipeline_tui.models.dates import iso_ts, utcnow

    owner = (opts.owner or default_owner(store)).strip()
    return ImportPlan(
        entity=opts.entity,
        spools=[],
        custom_names=[name for _, name in mapping.custom],
        match=spec.match,
        now=iso_ts(utcnow()),
        owner_key=name_key(owner),
        owner_name=" ".join(owner.split()),
        currency=spec.default_currency,
        pipeline_id=stages.pipeline_id if stages else 0,
        first_stage_id=stages.first_stage_id if stages else 0,
        actor_key=name_key(store.actor) if store.actor else None,
        stage_map=stages.rows if stages else [],
        custom_column=mapping.has("custom"),
        company_refs=list(COMPANY_REF),
    )


class _Import:
    """One import: spool the file's ranges (in parallel when large), then check and write
    them, in file order, in one import session: one BEGIN IMMEDIATE transaction.

    Writing could overlap the reading of later ranges only by attaching their spool files
    before the transaction, and BEGIN IMMEDIATE locks every attached file, workers'
    included. On two cores the overlap would save little anyway: both are busy reading.
    """

    def __init__(
        self,
        store: Store,
        src: Source,
        mapping: Mapping,
        spec: Spec,
        opts: ImportOptions,
        result: ImportResult,
        folder: str,
        progress: Progress,
    ) -> None:
        self.store, self.src, self.mapping, self.spec = store, src, mapping, spec
        self.opts, self.result, self.progress = opts, result, progress
        self.body = src.size - src.data_start
        self.ranges = split_ranges(src, worker_count(self.body, opts.workers))
        self.paths = [os.path.join(folder, f"spool{i}.db") for i in range(len(self.ranges))]

    def run(self) -> None:
        results = self._spool()
        self.progress("write", 0, 0)
        stage_plan = self._stage_plan(results)
        plan = _plan(self.store, self.mapping, self.spec, self.opts, stage_plan)
        plan.spools = [r.path for r in results]
        summary = f"import {self.opts.entity} {Path(self.result.source).name}"
        with self.store.import_session(summary, plan=plan, dry_run=self.opts.dry_run) as s:
            self._check(s, results)
            if self.opts.dry_run:
                self._dry_run(s, stage_plan)
            else:
                self._write(s, stage_plan)

    def _spool(self) -> list[RangeResult]:
        def read(done: int) -> None:
            self.progress("read", done, self.body)

        results = spool_file(self.spec, self.ranges, self.paths, read)
        failed = next((r.decode_error for r in results if r.decode_error), None)
        if failed and self.src.encoding_guessed and self.src.encoding == "utf-8":
            # The sample looked like UTF-8 but a later byte is not: it is Windows-1252.
            self.src.encoding = self.spec.encoding = "cp1252"
            results = spool_file(self.spec, self.ranges, self.paths, read)
            failed = next((r.decode_error for r in results if r.decode_error), None)
        if failed:
            raise PipelineError(f"{self.src.name}: {failed}; give the right --encoding")
        return results

    def _stage_plan(self, results: list[RangeResult]) -> StagePlan | None:
        if self.opts.entity != "deals":
            return None
        return plan_stages(
            self.store,
            _merge(results),
            pipeline=self.opts.pipeline,
            stage_maps=self.opts.stage_maps,
            create=self.opts.create_stages,
            column=self.mapping.column("stage") if self.mapping.has("stage") else "stage",
        )

    def _check(self, s: ImportSession, results: list[RangeResult]) -> None:
        r = self.result
        s.check()
        r.rows = sum(x.rows for x in results)
        r.rejected = sum(x.errors for x in results) + s.count_rejected()
        r.rejects = s.rejects()

    def _dry_run(self, s: ImportSession, stage_plan: StagePlan | None) -> None:
        r = self.result
        r.created = s.count_new()
        matched, changed = s.propose()
        r.updated, r.unchanged = changed, matched - changed
        r.new = s.new_names()
        if stage_plan is not None:
            r.created_stages = [name for _, name, _, _ in stage_plan.create]
        r.preview = s.preview(self.opts.preview_rows)
        self._findings(s, stage_plan)

    def _findings(self, s: ImportSession, stage_plan: StagePlan | None) -> None:
        r = self.result
        r.findings = s.findings(EXAMPLES)
        if self.mapping.has("owner") and r.new.get("owners"):
            column = self.mapping.column("owner")
            if norm(column).endswith("id"):
                r.owner_id_column = column
        if "no_owner" in r.findings:
            r.owner_assumed = (self.opts.owner or default_owner(self.store)).strip()
        if stage_plan is not None:
            r.closed_stage_names = [(n, dict(c)) for n, c in stage_plan.closed_names]
            r.stages_ordered_by_file = stage_plan.ordered
            if stage_plan.create:
                pid = stage_plan.create[0][0]
                names = [st.name for st in self.store.stages.stages(pid)]
                if self.opts.dry_run:  # not created yet: show where they would go
                    names = _would_be(names, stage_plan, self.store, pid)
                r.stage_order = names

    def _write(self, s: ImportSession, stage_plan: StagePlan | None) -> None:
        r, opts = self.result, self.opts
        if r.rejected and not opts.skip_invalid:
            raise InvalidRows(r)
        import_id = s.begin_import(r.source, _recorded(opts))
        if stage_plan is not None and stage_plan.create:
            resolve_created(stage_plan, s.create_stages(stage_plan.create))
            r.created_stages = [name for _, name, _, _ in stage_plan.create]
            s.map_stages(stage_plan.rows)
        r.new = s.new_names()
        self._findings(s, stage_plan)
        r.created, matched, r.updated = s.write()
        r.import_id, r.unchanged = import_id, matched - r.updated
        r.linked = dict(s.linked)
        if r.rejected:
            r.rejects_file = write_rejects(self.src, r.rejects, opts.file, opts.rejects)
        counts = {"rows": r.rows, "created": r.created, "updated": r.updated,
                  "unchanged": r.unchanged, "rejected": r.rejected}  # fmt: skip
        extras = {k: v for k, v in r.new.items() if v}
        if r.created_stages:
            extras["stages"] = len(r.created_stages)
        extras |= {f"linked_{k}": v for k, v in r.linked.items() if v}
        s.finish_import(counts, extras)


EXAMPLES = 3


def _would_be(names: list[str], plan: StagePlan, store: Store, pid: int) -> list[str]:
    """The pipeline's stage names once the plan's new stages are placed (a dry run)."""
    ids = [st.id for st in store.stages.stages(pid)]
    order: list[tuple[int | None, str]] = list(zip(ids, names, strict=True))
    for p, name, _, before in plan.create:
        if p != pid:
            continue
        at = next((i for i, (sid, _) in enumerate(order) if sid == before), len(order))
        order.insert(at, (None, name))
    return [name for _, name in order]


def _recorded(opts: ImportOptions) -> dict[str, Any]:
    keep = ("encoding", "delimiter", "maps", "stage_maps", "create_stages", "dayfirst",
            "decimal", "currency", "pipeline", "match", "zone", "owner",
            "skip_invalid")  # fmt: skip
    return {k: getattr(opts, k) for k in keep if getattr(opts, k) not in (None, [], False)}
