"""The `pipeline` command: global options, then the sub-commands of commands/."""

from __future__ import annotations

import shlex
import sqlite3
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline_tui import __version__
from pipeline_tui.commands import activities, deals, leads, stages, system
from pipeline_tui.commands.common import STATE, close_stores
from pipeline_tui.models import PipelineError

app = typer.Typer(
    name="pipeline",
    help="A local-first sales pipeline manager for the terminal.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(leads.app, name="lead")
app.add_typer(deals.app, name="deal")
app.add_typer(activities.app, name="activity")
app.add_typer(stages.stage_app, name="stage")
app.add_typer(stages.pipeline_app, name="pipeline")
app.add_typer(system.config_app, name="config")
app.command("init")(system.init)
app.command("today")(system.today)
app.command("undo")(system.undo)
app.command("log")(system.log)


def _version(value: bool) -> None:
    if value:
        print(f"pipeline-tui {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option(
        "--db", help="Database file (default: $PIPELINE_DB, else "
        "~/.local/share/pipeline-tui/pipeline.db).", show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version.")] = False,
) -> None:
    """A local-first sales pipeline manager for the terminal."""
    STATE.db = db
    ctx.call_on_close(close_stores)
    if ctx.invoked_subcommand is None:
        system.summary()


def main() -> None:
    """Entry point: run the app; turn user errors into one line and exit 1."""
    STATE.command = shlex.join(["pipeline", *sys.argv[1:]])
    try:
        app(standalone_mode=False)
    except PipelineError as exc:
        _fail(str(exc))
    except sqlite3.OperationalError as exc:
        _fail(f"database error: {exc}")
    except sqlite3.DatabaseError as exc:
        _fail(f"database error: {exc} (run 'pipeline doctor')")
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _fail("aborted")
    except Exception as exc:  # click's usage errors
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


def _fail(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
    sys.exit(1)
