"""What every command shares: the store, the --format option, input parsing, confirmations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Protocol, TypeVar

import typer

from pipeline_tui.cli.render import say, to_json
from pipeline_tui.models import PipelineError
from pipeline_tui.store.api import Store, open_store


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]


@dataclass
class State:
    """Global options, set by the root callback and read by every command."""

    db: str | None = None
    argv: list[str] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    # The login name, when the database has no owner yet: a new record would create it as
    # the first owner, which close_stores() then says once (services/common.py).
    first_owner: str | None = None


STATE = State()


def store() -> Store:
    """Open the configured database (created on first use) for this command."""
    from pipeline_tui.config import db_target
    from pipeline_tui.services.common import actor_name, first_owner_pending

    s = open_store(db_target(STATE.db), argv=STATE.argv)
    s.actor = actor_name(s)
    if not STATE.stores:
        STATE.first_owner = first_owner_pending(s)
    STATE.stores.append(s)
    return s


def close_stores() -> None:
    first, STATE.first_owner = STATE.first_owner, None
    if first and STATE.stores:
        _note_first_owner(STATE.stores[0], first)
    while STATE.stores:
        STATE.stores.pop().close()


def _note_first_owner(st: Store, login: str) -> None:
    """Say, once, that the command made the login name the database's first owner."""
    import shlex
    import sys

    from pipeline_tui.cli.render import printable
    from pipeline_tui.store.api import StoreError

    try:
        created = st.directory.canonical_owner(login)
    except StoreError:
        return
    if created is not None:
        sys.stderr.write(
            printable(
                f"Created owner {created!r} (your login); change it with "
                f"'pipeline owner rename {shlex.quote(created)} NEW'"
            )
            + "\n"
        )


def money(
    st: Store, text: str, currency: str | None = None, fallback: str | None = None
) -> tuple[int, str]:
    """Parse an amount into (minor units, currency): --currency, else the text's, else
    ``fallback``, else the configured default."""
    from pipeline_tui.models.money import check_currency, parse_amount, to_minor
    from pipeline_tui.services.common import default_currency

    amount, found = parse_amount(text, st.settings.get_setting("decimal"))
    cur = check_currency(currency) if currency else (found or fallback or default_currency(st))
    if found and found != cur:
        raise PipelineError(f"amount {text!r} is in {found} but --currency says {cur}")
    return to_minor(amount, cur, text), cur


def day(text: str | None, *, future: bool = True) -> date | None:
    """A date the user typed; a yearless day-and-month means the next one (close, due dates)."""
    if text is None:
        return None
    from pipeline_tui.models.dates import parse_date

    return parse_date(text, future=future)


def day_or_none(text: str | None) -> date | None | str:
    """Like day(), but 'none' or '' clears the field (returned as the string 'clear')."""
    if text is not None and text.strip().lower() in ("", "none", "-"):
        return "clear"
    return day(text)


def moment(text: str | None, what: str = "--at") -> datetime | None:
    if text is None:
        return None
    from pipeline_tui.models.dates import not_future, parse_moment

    return not_future(parse_moment(text), what, text)


class Recorded(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Recorded)


def confirm(item: R, verb: str, fmt: Fmt, line: Callable[[R, str], str]) -> None:
    """What a command that changed one thing prints: the thing as JSON with --format json,
    else the one line ``line`` says of it after ``verb``."""
    if fmt == Fmt.json:
        say(to_json(item.to_dict()))
    else:
        say(line(item, verb))


def fail(message: str) -> None:
    raise PipelineError(message)
