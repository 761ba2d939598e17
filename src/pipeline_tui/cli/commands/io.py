"""`pipeline import ...` and `pipeline export ...`: CSV in, CSV/JSON out."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, store
from pipeline_tui.cli.commands.import_summary import as_dict, number, short, side_rejects, summary
from pipeline_tui.cli.render import Col, emit, say, to_json, visible, warn
from pipeline_tui.models import PipelineError

if TYPE_CHECKING:
    pass

import_app = typer.Typer(
    help="Import owners, leads, deals, activities or deal history from CSV (HubSpot, "
    "Pipedrive, Salesforce, Zoho, spreadsheets).",
    no_args_is_help=True,
)
export_app = typer.Typer(help="Export deals, leads, activities or stages.", no_args_is_help=True)

FileArg = Annotated[str, typer.Argument(help="The CSV file, or - for stdin.", show_default=False)]


def _import(entity: str, file: str, fmt: Fmt, *, day: bool, month: bool, **options: Any) -> None:
    from pipeline_tui.services.imports.run import ImportOptions, InvalidRows, run_import

    if day and month:
        raise PipelineError("give --dayfirst or --monthfirst, not both")
    dayfirst = True if day else (False if month else None)
    opts = ImportOptions(entity, file, dayfirst=dayfirst, **options)
    if entity != "deals" and (opts.stage_maps or opts.create_stages or opts.pipeline):
        raise PipelineError("--stage-map, --create-stages and --pipeline apply to deals only")
    with _Progress() as bar:
        try:
            result = run_import(store(), opts, bar.update)
        except InvalidRows as exc:
            bar.stop()
            for line, reason in exc.result.rejects:
                warn(visible(f"line {line}: {short(reason)}"))
            if fmt == Fmt.json:  # scripts get the rejects as data too
                say(to_json(as_dict(exc.result)))
            raise
    if fmt == Fmt.json:
        say(to_json(as_dict(result)))
    else:
        summary(result)
    if result.dry_run and result.rejected and not opts.skip_invalid:
        # A dry run is also how scripts check a file: fail as the import itself would.
        raise PipelineError(
            f"{result.rejected:,} invalid row(s): the import would stop here "
            "(nothing was written; --skip-invalid imports the rest)"
        )


class _Progress:
    """A Rich progress bar on stderr, shown only on a terminal and only after a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def update(self, phase: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < 1.0 or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("reading", total=max(total, 1))
        if phase == "write":
            self.bar.update(self.task, description="writing", completed=1, total=1)
        else:
            self.bar.update(self.task, completed=done, total=max(total, 1))


Text = str | None


def _opt(*names: str, help: str) -> Any:
    return typer.Option(*names, help=help, show_default=False)


Encoding = Annotated[Text, _opt(help="utf-8 or cp1252 (default: detected).")]
Delimiter = Annotated[Text, _opt(help=", ; tab or | (default: detected).")]
Maps = Annotated[
    list[str] | None, _opt("--map", help="'Column=field', repeatable; field - ignores.")
]
StageMaps = Annotated[list[str] | None, _opt("--stage-map", help="'Old=New' stage names (deals).")]
Create = Annotated[bool, _opt("--create-stages", help="Create unknown stages (deals).")]
DayFirst = Annotated[bool, _opt("--dayfirst", help="Ambiguous dates are D/M/YYYY.")]
MonthFirst = Annotated[bool, _opt("--monthfirst", help="Ambiguous dates are M/D/YYYY.")]
Decimal = Annotated[Text, _opt(help="Decimal separator of amounts: . or ,")]
Currency = Annotated[Text, _opt(help="Currency of amounts that name none.")]
Pipeline = Annotated[Text, _opt(help="Put every deal in this pipeline.")]
Match = Annotated[Text, _opt(help="Match keys in order, e.g. id,email; none always creates.")]
Zone = Annotated[Text, _opt("--tz", help="Zone of times that name none (default: local).")]
Owner = Annotated[Text, _opt(help="Owner of rows that name none.")]
DryRun = Annotated[bool, _opt("--dry-run", help="Check and preview; write nothing.")]
Skip = Annotated[bool, _opt("--skip-invalid", help="Import the good rows; reject the rest.")]
Rejects = Annotated[Text, _opt(help="Where rejects go (default: FILE.rejects.csv).")]


def _register(entity: str) -> None:
    def command(
        file: FileArg,
        encoding: Encoding = None,
        delimiter: Delimiter = None,
        maps: Maps = None,
        stage_maps: StageMaps = None,
        create_stages: Create = False,
        day: DayFirst = False,
        month: MonthFirst = False,
        decimal: Decimal = None,
        currency: Currency = None,
        pipeline: Pipeline = None,
        match: Match = None,
        tz: Zone = None,
        owner: Owner = None,
        dry_run: DryRun = False,
        skip_invalid: Skip = False,
        rejects: Rejects = None,
        fmt: FormatOpt = Fmt.table,
    ) -> None:
        _import(
            entity,
            file,
            fmt,
            day=day,
            month=month,
            maps=maps or [],
            stage_maps=stage_maps or [],
            create_stages=create_stages,
            encoding=encoding,
            delimiter=delimiter,
            decimal=decimal,
            currency=currency,
            pipeline=pipeline,
            match=match,
            zone=tz,
            owner=owner,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            rejects=rejects,
        )

    command.__doc__ = f"Import {entity} from a CSV file (FILE, or - for stdin)."
    import_app.command(entity)(command)


for _entity in ("leads", "deals", "activities", "companies", "people"):
    _register(_entity)


@import_app.command("owners")
def owners(
    file: FileArg,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    maps: Maps = None,
    dry_run: DryRun = False,
    skip_invalid: Skip = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Import owners from a users file (Salesforce User.csv): each keeps its old CRM's id,
    so that a later 'import deals' or 'import leads' resolves OwnerId to the owner's name."""
    from pipeline_tui.services.imports.owners import InvalidOwners, import_owners

    try:
        r = import_owners(store(), file, dry_run=dry_run, skip_invalid=skip_invalid,
                          encoding=encoding, delimiter=delimiter, maps=maps or [])  # fmt: skip
    except InvalidOwners as exc:
        side_rejects(exc.result.rejects)
        raise
    if fmt == Fmt.json:
        say(to_json(r.to_dict()))
        return
    say(visible("Columns: " + ", ".join(f"{c} -> {f}" for c, f in r.columns if f != "ignored")))
    verb = "Would import" if dry_run else "Imported"
    counts = [{"entity": "owners", "created": r.created, "updated": r.updated,
               "unchanged": r.unchanged, "rejected": len(r.rejects)}]  # fmt: skip
    cols = [Col("entity", "Entity")]
    cols += [number(k) for k in ("created", "updated", "unchanged", "rejected")]
    emit(counts, cols, "table", title=f"{verb} {r.rows:,} owner row(s) from {r.source}")
    side_rejects(r.rejects)
    if dry_run:
        say("Dry run: nothing was written.")


@import_app.command("history")
def history(
    file: FileArg,
    encoding: Encoding = None,
    delimiter: Delimiter = None,
    maps: Maps = None,
    stage_maps: StageMaps = None,
    create_stages: Create = False,
    day: DayFirst = False,
    month: MonthFirst = False,
    decimal: Decimal = None,
    tz: Zone = None,
    dry_run: DryRun = False,
    skip_invalid: Skip = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Import deals' dated stage history (Salesforce OpportunityHistory.csv), matched to
    imported deals by id: it replaces each deal's history, as one command ('pipeline undo')."""
    from pipeline_tui.services.imports.stage_history import (
        HistoryOptions,
        InvalidHistory,
        import_history,
    )

    if day and month:
        raise PipelineError("give --dayfirst or --monthfirst, not both")
    opts = HistoryOptions(file, encoding=encoding, delimiter=delimiter, maps=maps or [],
                          stage_maps=stage_maps or [], create_stages=create_stages,
                          dayfirst=True if day else (False if month else None),
                          decimal=decimal, zone=tz, dry_run=dry_run,
                          skip_invalid=skip_invalid)  # fmt: skip
    try:
        r = import_history(store(), opts)
    except InvalidHistory as exc:
        side_rejects(exc.result.rejects)
        raise
    if fmt == Fmt.json:
        say(to_json(r.to_dict()))
        return
    say(visible("Columns: " + ", ".join(f"{c} -> {f}" for c, f in r.columns if f != "ignored")))
    for column, words in r.formats.items():
        say(visible(f"Format of {column}: {words}"))
    verb = "Would import" if dry_run else "Imported"
    rows = [
        {"what": "rows read", "n": r.rows},
        {"what": "duplicate rows (same deal, same moment), counted once", "n": r.duplicates},
        {"what": "deals with a history", "n": r.deals},
        {"what": "of them, history replaced", "n": r.replaced},
        {"what": "stage changes", "n": r.stage_changes},
        {"what": "status changes (won, lost, reopened)", "n": r.changes.get("status", 0)},
        {"what": "amount changes", "n": r.changes.get("value_minor", 0)},
        {"what": "close-date changes", "n": r.changes.get("close_date", 0)},
        {"what": "deals dated by their history (created)", "n": r.dated},
        {"what": "closed deals dated by their history (closed)", "n": r.closed_dated},
        {"what": "rejected rows", "n": len(r.rejects)},
    ]
    if dry_run:
        rows = rows[:2]
    emit(rows, [Col("what", "", flex=True), number("n", "Count")], "table",
         title=f"{verb} history from {r.source}")  # fmt: skip
    if r.created_stages:
        say(visible(f"Warning: created {len(r.created_stages):,} stage(s): "
                    + ", ".join(r.created_stages)))  # fmt: skip
    side_rejects(r.rejects)
    if dry_run:
        say("Dry run: nothing was written.")


@import_app.command("list")
def list_(fmt: FormatOpt = Fmt.table) -> None:
    """Every import, newest first."""
    from pipeline_tui.services.imports.history import list_imports

    rows = [r.to_dict() for r in list_imports(store())]
    cols = [
        Col("id", "ID", right=True),
        Col("at", "When"),
        Col("entity", "Entity"),
        Col("source", "Source", flex=True),
        *(number(k) for k in ("rows", "created", "updated", "unchanged", "rejected")),
        Col("undone", "Status", show=lambda r: "undone" if r["undone"] else "done"),
    ]
    emit(rows, cols, fmt.value, title="Imports", empty="No imports yet.")


@import_app.command("undo")
def undo(
    import_id: Annotated[int, typer.Argument(help="Import id (see 'import list').")],
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Revert one import as a whole: restore what it changed, delete what it created."""
    from pipeline_tui.services.imports.history import undo_import

    record, changes = undo_import(store(), import_id)
    if fmt == Fmt.json:
        say(to_json({"import_id": import_id, "changes": changes, **record.to_dict()}))
    else:
        say(visible(f"Undid import {import_id} ({record.entity} from {record.source}): "
                    f"{changes:,} row changes"))  # fmt: skip


def _export(entity: str, fmt: str, output: Path | None) -> None:
    from pipeline_tui.services.exporter import export

    st = store()
    if output is None:
        export(st, entity, fmt, sys.stdout)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as out:
            n = export(st, entity, fmt, out)
    except OSError as exc:
        raise PipelineError(f"cannot write {str(output)!r}: {exc.strerror}") from None
    warn(visible(f"Exported {n:,} {entity} to {output}"))


ExportFmt = Annotated[str, typer.Option("--format", "-f", help="csv, json or jsonl.")]
Output = Annotated[Path | None, _opt("--output", "-o", help="File (default: stdout).")]


def _register_export(entity: str) -> None:
    def command(fmt: ExportFmt = "csv", output: Output = None) -> None:
        _export(entity, fmt, output)

    command.__doc__ = (
        f"Export every {entity[:-1] if entity != 'activities' else 'activity'}, oldest first."
    )
    export_app.command(entity)(command)


for _entity in ("deals", "leads", "activities", "stages"):
    _register_export(_entity)
