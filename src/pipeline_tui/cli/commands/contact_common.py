"""What `pipeline company` and `pipeline person` share: --field, edits, detail columns, reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Protocol, TypeVar

import typer

from pipeline_tui.cli.commands.common import Fmt, store
from pipeline_tui.cli.render import Col, emit, emit_record, say, to_json
from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import format_money

FieldOpt = Annotated[
    list[str] | None,
    typer.Option("--field", help="A custom field, name=value (name= removes it); repeatable."),
]


class Contact(Protocol):
    """A company or a person, as the merge and delete reports use it."""

    @property
    def id(self) -> int: ...

    def to_dict(self) -> dict[str, Any]: ...


C = TypeVar("C", bound=Contact)
Resolve = Callable[[Any, str], int]


def custom_fields(pairs: list[str] | None) -> dict[str, str | None]:
    """``--field name=value`` options as a mapping (an empty value removes the field)."""
    out: dict[str, str | None] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise PipelineError(f"invalid --field {pair!r}: use name=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = value or None
    return out


def given_options(pairs: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """The edit options the user gave (None is 'not given'; '' clears), in order."""
    return {k: v for k, v in pairs if v is not None}


def changes(given: dict[str, Any], field: list[str] | None) -> dict[str, Any]:
    """An edit's changes: the options given, then --field; refused when there are none."""
    if field:
        given["custom"] = custom_fields(field)
    if not given:
        raise PipelineError("nothing to change: give at least one option (see --help)")
    return given


def check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise PipelineError(f"invalid limit {limit}: use 1 or more")


def emit_list(rows: list[Any], cols: list[Col], fmt: Fmt, what: str) -> None:
    """A list command's output, titled "<What> (n)" in a table or Markdown."""
    title = f"{what.capitalize()} ({len(rows)})" if fmt in (Fmt.table, Fmt.md) else None
    emit(rows, cols, fmt.value, title=title, empty=f"No {what} match.")


def emit_raw(record: dict[str, Any], fmt: Fmt) -> bool:
    """JSON and CSV show the whole record as it is; True when that was the output."""
    if fmt in (Fmt.json, Fmt.csv):
        emit_record(record, [], fmt.value)
        return True
    return False


def filled(record: dict[str, Any], fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The show fields that have a value."""
    return [(k, label) for k, label in fields if record.get(k) not in (None, "", {})]


def when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else ""


def deal_value(row: dict[str, Any], key: str = "value") -> str:
    from pipeline_tui.models.money import to_minor

    return format_money(to_minor(row[key], row["currency"]), row["currency"])


TIMELINE_COLS = [
    Col(
        "at",
        "When",
        show=lambda t: when(t["at"]) + (" (planned)" if t["state"] == "planned" else ""),
    ),
    Col("kind", "Kind"),
    Col("text", "Text", flex=True),
    Col("regarding", "About", flex=True, drop=1),
    Col("owner", "Owner", flex=True, drop=2),
]
DEAL_COLS = [
    Col("id", "ID", right=True),
    Col("title", "Title", flex=True),
    Col("status", "Status"),
    Col("stage", "Stage", drop=1),
    Col("value", "Value", show=deal_value, right=True),
    Col(
        "close",
        "Close/closed",
        show=lambda d: (d["closed_at"] or "")[:10] or (d["close_date"] or ""),
    ),
]


def moved_line(counts: dict[str, int]) -> str:
    names = {"deals": "deal", "leads": "lead", "contacts": "person", "notes": "note",
             "deal_people": "role"}  # fmt: skip
    parts = [f"{n} {names[t]}{'' if n == 1 else 's'}" for t, n in counts.items() if n]
    return ", ".join(parts).replace("persons", "people") or "nothing"


def gone_line(counts: dict[str, int]) -> str:
    """What a delete left behind: rows detached, and the notes deleted with the record."""
    notes = counts.get("notes", 0)
    kept = {t: n for t, n in counts.items() if t not in ("notes", "deal_people")}
    line = f"{moved_line(kept)} detached"
    roles = counts.get("deal_people", 0)
    if roles:
        line += f"; {roles} deal role{'' if roles == 1 else 's'} removed"
    if notes:
        line += f"; {notes} note{'' if notes == 1 else 's'} deleted"
    return line


def merge_records(
    fmt: Fmt,
    noun: str,
    refs: tuple[str, str],
    resolve: Resolve,
    merge: Callable[[Any, int, int], tuple[C, dict[str, int]]],
    name: Callable[[C], str],
) -> None:
    """Merge the first record into the second; print the kept one as JSON, else one line
    with what moved."""
    st = store()
    source_id, target_id = resolve(st, refs[0]), resolve(st, refs[1])
    kept, moved = merge(st, source_id, target_id)
    if fmt == Fmt.json:
        say(to_json({**kept.to_dict(), "merged": source_id, "moved": moved}))
        return
    say(f"Merged {noun} {source_id} into {kept.id}: {name(kept)} ({moved_line(moved)} moved)")


def delete_record(
    fmt: Fmt,
    noun: str,
    ref: str,
    resolve: Resolve,
    delete: Callable[[Any, int], tuple[C, dict[str, int]]],
    name: Callable[[C], str],
) -> None:
    """Delete a record; print it as JSON, else one line with what it left behind."""
    st = store()
    gone, counts = delete(st, resolve(st, ref))
    if fmt == Fmt.json:
        say(to_json({**gone.to_dict(), "deleted": True, "detached": counts}))
        return
    say(f"Deleted {noun} {gone.id}: {name(gone)} ({gone_line(counts)})")
