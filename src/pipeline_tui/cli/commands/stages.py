"""`pipeline stage ...` and `pipeline pipeline ...`: shape the pipeline itself."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, confirm, store
from pipeline_tui.cli.render import Col, emit, say, to_json
from pipeline_tui.models import PipelineError, Stage

stage_app = typer.Typer(help="List and change the stages of a pipeline.", no_args_is_help=True)
pipeline_app = typer.Typer(help="List and add pipelines.", no_args_is_help=True)

PipelineOpt = Annotated[str | None, typer.Option("--pipeline", help="Pipeline; default one.")]
StageArg = Annotated[str, typer.Argument(help="Stage name.", show_default=False)]

STAGE_COLS = [
    Col("position", "#", right=True),
    Col("name", "Stage"),
    Col("probability", "Prob %", right=True),
    Col("forecast_category", "Category"),
    Col("stalled_after_days", "Stalled after (days)", right=True),
    Col("open_deals", "Open deals", right=True),
    Col("definition", "Definition", wrap=True),
]


def _stage_line(stage: Stage, verb: str) -> str:
    return f"{verb} stage {stage.name!r} (position {stage.position}, {stage.probability}%)"


@stage_app.command("list")
def list_(pipeline: PipelineOpt = None, fmt: FormatOpt = Fmt.table) -> None:
    """List the stages of a pipeline in order."""

    st = store()
    p = st.stages.pipeline_by_name(pipeline)
    emit(
        [s.to_dict() for s in st.stages.stages(p.id)],
        STAGE_COLS,
        fmt.value,
        title=f"Stages of {p.name}",
    )


@stage_app.command("add")
def add(
    name: StageArg,
    probability: Annotated[int, typer.Option("--probability", "-p", help="Win % 0-100.")],
    category: Annotated[
        str | None, typer.Option(help="pipeline, best_case, commit or omitted.")
    ] = None,
    definition: Annotated[str | None, typer.Option(help="Exit criteria, one line.")] = None,
    stalled_after: Annotated[
        int | None, typer.Option(help="Days in stage before a deal counts as stalled (default 14).")
    ] = None,
    after: Annotated[str | None, typer.Option(help="Insert after this stage.")] = None,
    pipeline: PipelineOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add a stage (at the end, or after another)."""
    from pipeline_tui.services.stages import add_stage

    confirm(
        add_stage(
            store(),
            name,
            probability,
            pipeline=pipeline,
            category=category,
            definition=definition,
            stalled_after=stalled_after,
            after=after,
        ),
        "Added",
        fmt,
        _stage_line,
    )


@stage_app.command("edit")
def edit(
    name: StageArg,
    rename: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    probability: Annotated[int | None, typer.Option("--probability", "-p")] = None,
    category: Annotated[str | None, typer.Option(help="Forecast category.")] = None,
    definition: Annotated[str | None, typer.Option(help="Exit criteria.")] = None,
    stalled_after: Annotated[int | None, typer.Option(help="Stall threshold, days.")] = None,
    pipeline: PipelineOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Change a stage's name, probability, category, definition or stall threshold."""
    from pipeline_tui.services.stages import edit_stage

    given: dict[str, Any] = {
        "name": rename,
        "probability": probability,
        "category": category,
        "definition": definition,
        "stalled_after": stalled_after,
    }
    fields = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise PipelineError("nothing to change: give at least one option (see --help)")
    confirm(edit_stage(store(), name, pipeline=pipeline, **fields), "Updated", fmt, _stage_line)


@stage_app.command("move")
def move(
    name: StageArg,
    position: Annotated[int, typer.Argument(help="New position, 1 = first.")],
    pipeline: PipelineOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Move a stage to another position."""
    from pipeline_tui.services.stages import move_stage

    confirm(move_stage(store(), name, position, pipeline=pipeline), "Moved", fmt, _stage_line)


@stage_app.command("remove")
def remove(
    name: StageArg,
    to: Annotated[str | None, typer.Option("--to", help="Move its open deals here.")] = None,
    pipeline: PipelineOpt = None,
) -> None:
    """Remove a stage; refused while open deals sit in it, unless --to moves them."""
    from pipeline_tui.services.stages import remove_stage

    moved = remove_stage(store(), name, to=to, pipeline=pipeline)
    say(f"Removed stage {name!r}" + (f"; moved {moved} deal(s) to {to!r}" if moved else ""))


@pipeline_app.command("list")
def pipelines_list(fmt: FormatOpt = Fmt.table) -> None:
    """List pipelines."""

    cols = [
        Col("id", "ID", right=True),
        Col("name", "Pipeline"),
        Col("is_default", "Default", show=lambda r: "yes" if r["is_default"] else ""),
        Col("stages", "Stages", right=True),
        Col("open_deals", "Open deals", right=True),
    ]
    emit([p.to_dict() for p in store().stages.pipelines()], cols, fmt.value, title="Pipelines")


@pipeline_app.command("add")
def pipelines_add(
    name: Annotated[str, typer.Argument(help="Pipeline name, e.g. B2C.")],
    copy_from: Annotated[
        str | None,
        typer.Option(help="Copy stages from this pipeline (default: the standard stages)."),
    ] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add a pipeline with its own stages."""
    from pipeline_tui.services.stages import add_pipeline

    p = add_pipeline(store(), name, copy_from=copy_from)
    if fmt == Fmt.json:
        say(to_json(p.to_dict()))
    else:
        say(f"Created pipeline {p.id}: {p.name}")
