"""The `pipeline` command: global options, then the sub-commands of commands/."""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from pipeline_tui import __version__
from pipeline_tui.cli.commands.common import STATE, close_stores
from pipeline_tui.models import PipelineError

# Sub-command groups and root commands, by name -> (module, attribute). Only the one being
# run is imported and built: building all of them costs Typer ~40 ms on every start.
GROUPS: dict[str, tuple[str, str]] = {
    "lead": ("pipeline_tui.cli.commands.leads", "app"),
    "deal": ("pipeline_tui.cli.commands.deals", "app"),
    "activity": ("pipeline_tui.cli.commands.activities", "app"),
    "company": ("pipeline_tui.cli.commands.companies", "app"),
    "person": ("pipeline_tui.cli.commands.people", "app"),
    "note": ("pipeline_tui.cli.commands.notes", "app"),
    "stage": ("pipeline_tui.cli.commands.stages", "stage_app"),
    "pipeline": ("pipeline_tui.cli.commands.stages", "pipeline_app"),
    "owner": ("pipeline_tui.cli.commands.system", "owner_app"),
    "config": ("pipeline_tui.cli.commands.system", "config_app"),
    "forecast": ("pipeline_tui.cli.commands.reports", "forecast_app"),
    "target": ("pipeline_tui.cli.commands.reports", "target_app"),
    "import": ("pipeline_tui.cli.commands.io", "import_app"),
    "export": ("pipeline_tui.cli.commands.io", "export_app"),
    "db": ("pipeline_tui.cli.commands.team", "db_app"),
    "team": ("pipeline_tui.cli.commands.team", "team_app"),
}
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("pipeline_tui.cli.commands.system", "init"),
    "today": ("pipeline_tui.cli.commands.system", "today"),
    "undo": ("pipeline_tui.cli.commands.system", "undo"),
    "log": ("pipeline_tui.cli.commands.system", "log"),
    "backup": ("pipeline_tui.cli.commands.maintenance", "backup"),
    "restore": ("pipeline_tui.cli.commands.maintenance", "restore"),
    "doctor": ("pipeline_tui.cli.commands.maintenance", "doctor"),
    "tui": ("pipeline_tui.cli.commands.tui", "tui"),
    "search": ("pipeline_tui.cli.commands.search", "search"),
    "kpi": ("pipeline_tui.cli.commands.kpi", "kpi"),
    "review": ("pipeline_tui.cli.commands.kpi", "review"),
}


class PipelineGroup(TyperGroup):
    """The root group: every error, ours or a usage error, becomes one line on stderr."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        args, kwargs = _take_wide(args, kwargs)
        try:
            code = super().main(*args, **kwargs)
            if isinstance(code, int) and code:  # a command's typer.Exit(code)
                sys.exit(code)
            return code
        except PipelineError as exc:
            _fail(str(exc), 1)
        except typer.Abort:
            _fail("aborted", 1)
        except TyperException as exc:  # usage errors from Typer's bundled click
            code = int(getattr(exc, "exit_code", 2))
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None and code == 2 else ""
            _fail(f"{message}{hint}", code)
        except KeyboardInterrupt:
            sys.exit(130)
        except OverflowError:
            _fail("a number is too large", 1)
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            _fail(f"cannot use{where}: {exc.strerror or exc}", 1)
        except Exception as exc:
            # A bug of ours: still one line for the user; PIPELINE_DEBUG=1 shows the traceback.
            if os.environ.get("PIPELINE_DEBUG"):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc} (set PIPELINE_DEBUG=1 for "
                "details, and please report it)",
                1,
            )
        finally:
            close_stores()
        return None


def _take_wide(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``--wide`` anywhere before ``--``: print tables at full width (see cli/tables.py).

    A global option that every list command accepts after its name too, which Typer's
    root options cannot do; so it is taken out of the arguments before they are parsed.
    """
    from pipeline_tui.cli.tables import WIDE

    given = kwargs.get("args", args[0] if args else None)
    argv = list(sys.argv[1:] if given is None else given)
    end = argv.index("--") if "--" in argv else len(argv)
    WIDE["on"] = "--wide" in argv[:end]
    if WIDE["on"]:
        argv = [a for a in argv[:end] if a != "--wide"] + argv[end:]
        kwargs["args"] = argv
        args = args[1:] if args else args
    return args, kwargs


def _version(value: bool) -> None:
    if value:
        print(f"pipeline-tui {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database file or postgresql:// URL or service=NAME (default: $PIPELINE_DB, "
            "else ~/.local/share/pipeline-tui/pipeline.db).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide", help="Print tables at full width, no column dropped (after any command too)."
        ),
    ] = False,
) -> None:
    """A local-first sales pipeline manager for the terminal.

    Run with no command to open the TUI (the pipeline summary when output is not a terminal).
    """
    STATE.db = db
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from pipeline_tui.cli.commands.tui import run
            from pipeline_tui.config import db_target

            run(db_target(db))
            return
        from pipeline_tui.cli.commands.system import summary

        summary()


def _slim(group: typer.Typer, sub: str | None) -> typer.Typer:
    """A copy of a sub-app holding only the command being run (all of them for help)."""
    chosen = [c for c in group.registered_commands if c.name == sub]
    if not chosen:
        return group
    slim = typer.Typer(help=group.info.help, no_args_is_help=True)
    slim.registered_commands = chosen
    return slim


def build_app(only: str | None = None, sub: str | None = None) -> typer.Typer:
    """The Typer app with every command, or with just the one named ``only`` (and ``sub``)."""
    app = typer.Typer(
        name="pipeline",
        cls=PipelineGroup,
        invoke_without_command=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    for name, (module, attr) in GROUPS.items():
        if only in (None, name):
            group = getattr(importlib.import_module(module), attr)
            app.add_typer(_slim(group, sub) if only else group, name=name)
    for name, (module, attr) in COMMANDS.items():
        if only in (None, name):
            app.command(name)(getattr(importlib.import_module(module), attr))
    return app


def _command_names(argv: list[str]) -> tuple[str | None, str | None]:
    """The command (and sub-command) named on the command line, skipping global options."""
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif not arg.startswith("-"):
            if arg not in GROUPS and arg not in COMMANDS:
                return None, None
            rest = argv[i + 1 :]
            return arg, (rest[0] if rest and not rest[0].startswith("-") else None)
    return None, None


def __getattr__(name: str) -> Any:
    if name == "app":  # the full app, for tests and documentation tools
        return build_app()
    raise AttributeError(name)


def main() -> None:
    """Console-script entry point."""
    # When the process ends, spare the interpreter's exit its collections over every object
    # the imports made: CPU time of `pipeline forecast` on the demo, ~18 ms less on a file and
    # ~55 ms less on a server, where psycopg is loaded (bench/pg_bench.py). Stores are closed
    # by then (PipelineTyper.main); freezing at exit, not here, keeps main() callable again.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    argv = sys.argv[1:]
    STATE.argv = ["pipeline", *argv]
    build_app(*_command_names(argv))(prog_name="pipeline")


def _fail(message: str, code: int) -> NoReturn:
    from pipeline_tui.cli.render import visible

    sys.stderr.write(f"error: {visible(message)}\n")
    sys.exit(code)
