"""Root-level commands: init, today, undo, log, config and the bare summary."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands.activities import COLS as ACTIVITY_COLS
from pipeline_tui.cli.commands.common import Fmt, FormatOpt, store
from pipeline_tui.cli.commands.deals import LIST_COLS as DEAL_COLS
from pipeline_tui.cli.render import Col, emit, say, to_json
from pipeline_tui.models.money import format_money

owner_app = typer.Typer(
    help="List, add, rename and remove owners (salespeople).", no_args_is_help=True
)
config_app = typer.Typer(
    help="Read and change settings (owner, currency, rates).", no_args_is_help=True
)


def init(
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo pipeline.")] = False,
) -> None:
    """Create the database (and load the demo pipeline with --demo)."""
    from pathlib import Path

    from pipeline_tui.cli.commands.common import STATE
    from pipeline_tui.config import db_target
    from pipeline_tui.services.demo import load_demo

    target = db_target(STATE.db)
    existed = not isinstance(target, Path) or target.exists()  # a server's database exists
    st = store()
    deals = st.deals.deal_count()
    say(f"{'Using existing' if existed else 'Created'} database {st.location}")
    if not demo:
        return
    if deals:
        say(f"It already holds {deals} deals; the demo was not loaded again.")
        return
    n_deals, n_leads = load_demo(st)
    say(f"Loaded the demo pipeline: {n_deals} deals, {n_leads} leads, 3 owners.")


def today(
    owner: Annotated[str | None, typer.Option(help="Only this owner.")] = None,
    limit: Annotated[
        int, typer.Option(help="At most N items per section (the most urgent first).")
    ] = 20,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """The agenda: overdue and due-today activities (deals' next steps among them), and open
    deals with no next step."""
    from pipeline_tui.services.agenda import MORE, agenda
    from pipeline_tui.services.owners import known_owner

    st = store()
    a = agenda(st, known_owner(st, owner), limit=limit)
    if fmt == Fmt.json:
        say(
            to_json(
                {
                    "date": a.day.isoformat(),
                    **{key: [i.to_dict() for i in items] for key, _, items in a.sections()},
                    "more": {key: a.more(key, len(items)) for key, _, items in a.sections()},
                }
            )
        )
        return
    if fmt == Fmt.csv:
        flat = [
            {"section": key, **item.to_dict()} for key, _, items in a.sections() for item in items
        ]
        keys = list(dict.fromkeys(k for row in flat for k in row))
        emit([{k: row.get(k) for k in keys} for row in flat], [], "csv")
        return
    if fmt == Fmt.md:
        say(f"# Agenda for {a.day.isoformat()}\n")
    for key, title, items in a.sections():
        cols = ACTIVITY_COLS if "activities" in key else DEAL_COLS
        more = a.more(key, len(items))
        count = f"{len(items)} of {len(items) + more}" if more else str(len(items))
        emit([i.to_dict() for i in items], cols, fmt.value, title=f"{title} ({count})",
             empty="None.")  # fmt: skip
        if more:
            say(f"... and {more:,} more: {MORE[key]}")


def undo(
    command: Annotated[
        int | None,
        typer.Option("--command", help="Undo this command (its Cmd id in 'pipeline log')."),
    ] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Revert the last command as a whole (on a shared server, your own last command)."""
    from pipeline_tui.services.journal import undo as undo_last

    result = undo_last(store(), command)
    if fmt == Fmt.json:
        say(to_json(result.__dict__))
    else:
        rows = "row change" if result.changes == 1 else "row changes"
        say(f"Undid command {result.command_id}: {result.summary} ({result.changes} {rows})")


_STAGE_KEYS = ("stage_id", "from_stage_id", "to_stage_id")


def _change(row: dict[str, Any], stage_names: dict[int, str]) -> str:
    """One event in words: stage ids become names, updated_at is left out."""

    def shown(key: str, value: Any) -> str:
        if key in _STAGE_KEYS and value is not None:
            return stage_names.get(value, str(value))
        return repr(value)

    before, after = row["before"] or {}, row["after"] or {}
    if row["action"] == "update":
        return ", ".join(
            f"{k}: {shown(k, before.get(k))} -> {shown(k, after.get(k))}"
            for k in after
            if k != "updated_at"
        )
    data = after or before
    if row["entity"] == "stage_changes":
        start = data.get("from_stage_id")
        moved = f"{shown('x', None) if start is None else shown('stage_id', start)}"
        return (
            f"deal {data.get('deal_id')}: {moved} -> {shown('stage_id', data.get('to_stage_id'))}"
        )
    label = data.get("title") or data.get("name") or data.get("subject") or data.get("key") or ""
    return str(label)


def log(
    limit: Annotated[int, typer.Option(help="How many events.")] = 20,
    user: Annotated[
        str | None, typer.Option("--user", help="Only this database login or owner.")
    ] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Recent events from the append-only log, newest first."""
    from pipeline_tui.services.journal import recent

    st = store()
    names = st.stages.stage_names()
    rows = [e.to_dict() for e in recent(st, limit, user)]
    # A shared server's commands name their login; a file's have none, and no column.
    # (dropped last at 80 columns: on a shared server, who did it matters most)
    login = [Col("login", "Login", drop=4)] if any(r["login"] for r in rows) else []
    cols = [
        Col("id", "Event", right=True),
        Col("command_id", "Cmd", right=True, drop=2),
        Col("at", "When (UTC)", show=lambda r: r["at"][:16].replace("T", " ")),
        *login,
        Col("owner", "By", flex=True, drop=1),
        Col("command", "Command", flex=True, drop=3),
        Col("entity", "Entity", show=lambda r: f"{r['entity']} {r['entity_id']}"),
        Col("action", "Action", show=lambda r: r["action"] + (" (undone)" if r["undone"] else "")),
        Col("change", "Change", flex=True, show=lambda r: _change(r, names)),
    ]
    emit(rows, cols, fmt.value, title="Event log", empty="No events yet.")


def summary() -> None:
    """Open deals per stage, with totals per currency."""
    from pipeline_tui.services.agenda import summary as stage_summary

    st = store()
    rows = []
    for s in stage_summary(st):
        currencies = list(s.totals) or [""]
        for n, cur in enumerate(currencies):
            rows.append(
                {
                    "stage": s.stage if n == 0 else "",
                    "deals": str(s.deals) if n == 0 else "",
                    "total": format_money(s.totals[cur], cur) if cur else "-",
                    "weighted": format_money(s.weighted[cur], cur) if cur else "-",
                }
            )
    emit(
        rows,
        [
            Col("stage", "Stage"),
            Col("deals", "Open deals", right=True),
            Col("total", "Total", right=True),
            Col("weighted", "Weighted", right=True),
        ],
        "table",
        title=f"Pipeline summary ({st.location})",
    )
    say("Run 'pipeline --help' for commands, 'pipeline today' for your agenda.")


@config_app.command("get")
def config_get(key: Annotated[str, typer.Argument(help="owner, currency or rate.XXX")]) -> None:
    """Print one setting."""
    from pipeline_tui.services.settings import get_value

    value = get_value(store(), key)
    say("" if value is None else value)


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="owner, currency or rate.XXX")],
    value: Annotated[str, typer.Argument(help="The new value.")],
) -> None:
    """Change one setting."""
    from pipeline_tui.services.settings import set_value

    key, value = set_value(store(), key, value)
    say(f"Set {key} = {value}")


@config_app.command("list")
def config_list(fmt: FormatOpt = Fmt.table) -> None:
    """Print every setting."""
    from pipeline_tui.services.settings import all_values

    values = all_values(store())
    emit(
        [{"key": k, "value": v} for k, v in values.items()],
        [Col("key", "Key"), Col("value", "Value")],
        fmt.value,
        title="Settings",
    )


@owner_app.command("list")
def owner_list(fmt: FormatOpt = Fmt.table) -> None:
    """List owners with their open deal counts."""
    from pipeline_tui.services.owners import owners

    emit(
        owners(store()),
        [
            Col("id", "ID", right=True),
            Col("name", "Owner", flex=True),
            Col("email", "Email"),
            Col("open_deals", "Open deals", right=True),
        ],
        fmt.value,
        title="Owners",
        empty="No owners yet.",
    )


@owner_app.command("add")
def owner_add(
    name: Annotated[str, typer.Argument(help="Full name, e.g. 'Ana Ruiz'.")],
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add an owner, so that --owner NAME can name them."""
    from pipeline_tui.services.owners import add_owner

    owner = add_owner(store(), name, email)
    say(to_json(owner) if fmt == Fmt.json else f"Created owner {owner['id']}: {owner['name']}")


@owner_app.command("rename")
def owner_rename(
    old: Annotated[str, typer.Argument(help="The owner's name now.")],
    new: Annotated[str, typer.Argument(help="The new name.")],
) -> None:
    """Rename an owner; their deals, leads and activities follow."""
    from pipeline_tui.services.owners import rename_owner

    before, after = rename_owner(store(), old, new)
    say(f"Renamed owner {before!r} to {after!r}")


@owner_app.command("remove")
def owner_remove(
    name: Annotated[str, typer.Argument(help="The owner to remove.")],
    to: Annotated[
        str | None, typer.Option("--to", help="The owner who takes over everything theirs.")
    ] = None,
) -> None:
    """Remove an owner, handing their deals, activities, leads and targets to --to."""
    from pipeline_tui.services.owners import remove_owner

    done = remove_owner(store(), name, to)
    if done.to is None:
        say(f"Removed owner {done.removed!r}")
        return
    handed = ", ".join(f"{kind} {n}" for kind, n in done.counts.items()) or "nothing"
    say(f"Removed owner {done.removed!r}; handed to {done.to!r}: {handed}")
