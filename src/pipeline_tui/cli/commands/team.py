"""`pipeline db copy` and `pipeline team add`: team mode on a PostgreSQL server."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt
from pipeline_tui.cli.render import Col, emit, say, to_json, visible

db_app = typer.Typer(help="Move a pipeline between a file and a server.", no_args_is_help=True)
team_app = typer.Typer(help="Members of a shared server and what they may change.",
                       no_args_is_help=True)  # fmt: skip


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


@db_app.command("copy")
def copy(
    source: Annotated[str, typer.Argument(help="A database file, postgresql:// URL or service=.")],
    target: Annotated[str, typer.Argument(help="Where to copy it (made if missing).")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a target that already holds data.")
    ] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Copy every table, the event log included, ids kept; then compare both ends."""
    from pipeline_tui.services.team import copy as copy_db
    from pipeline_tui.store.api import shown

    checks = copy_db(source, target, force=force)
    if fmt == Fmt.json:
        say(to_json([{**c.__dict__, "ok": c.ok} for c in checks]))
    else:
        rows = [
            {
                "table": c.table,
                "rows": _num(c.rows),
                "max_id": _num(c.max_id),
                "money": _num(c.money),
                "check": "same" if c.ok else (
                    f"DIFFERS: {_num(c.copied_rows)} rows, max id {_num(c.copied_max_id)}, "
                    f"money {_num(c.copied_money)}"),
            }
            for c in checks
        ]  # fmt: skip
        emit(rows, [
            Col("table", "Table"),
            Col("rows", "Rows", right=True),
            Col("max_id", "Max id", right=True),
            Col("money", "Money (minor units)", right=True),
            Col("check", "Target", wrap=True),
        ], fmt.value, title=f"Copied {shown(source)} to {shown(target)}")  # fmt: skip
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


@team_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The member's owner name, e.g. 'Ana Ruiz'.")],
    role: Annotated[str, typer.Option("--role", help="rep or manager.")] = "rep",
    private: Annotated[
        bool, typer.Option("--private", help="A rep who reads only their own records.")
    ] = False,
    login: Annotated[
        str | None, typer.Option("--login", help="The PostgreSQL login (default: from NAME).")
    ] = None,
) -> None:
    """Create a member's PostgreSQL role: a rep changes only their own deals, leads,
    activities, people and companies; a manager changes everything."""
    from pipeline_tui.cli.commands.common import STATE
    from pipeline_tui.config import db_target
    from pipeline_tui.services.team import add_member

    made = add_member(db_target(STATE.db), name, role, private=private, login=login)
    kind = f"{role}, private" if private else role
    say(visible(f"{name} ({kind}) logs in as {made}; give the role a password with "
                f"psql's \\password {made}, kept in the member's ~/.pgpass"))  # fmt: skip
