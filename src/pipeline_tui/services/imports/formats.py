"""Deciding each date and money column's format once per file, from its values."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline_tui.models.errors import PipelineError
from pipeline_tui.services.imports.amounts import MoneyEvidence
from pipeline_tui.services.imports.columns import Mapping
from pipeline_tui.services.imports.dates import DateEvidence
from pipeline_tui.services.imports.sniff import Source, open_range, records

DATE_FIELDS = {
    "leads": ("created_at",),
    "deals": ("close_date", "next_due", "created_at", "closed_at"),
    "activities": ("done_at", "due_at", "created_at"),
    "companies": ("created_at",),
    "people": ("created_at",),
    "history": ("changed_at", "close_date"),
}
MONEY_FIELDS = {"deals": ("value",), "history": ("value",)}
SAMPLE_ROWS = 20_000
_SHOWN = {"iso": "ISO (YYYY-MM-DD)", "dmy": "day first (D/M/YYYY)", "mdy": "month first (M/D/YYYY)",
          ".": "decimal point (1,234.56)", ",": "decimal comma (1.234,56)"}  # fmt: skip


def _scan(
    src: Source,
    columns: dict[str, tuple[int, DateEvidence | MoneyEvidence]],
    dayfirst: bool | None,
    decimal: str | None,
) -> None:
    """Feed the first rows to every column; go on, only for columns that nothing has
    settled yet (03/04/2025 and 05/06/2025 fit both orders), until one value does or the
    file ends. An undecided column costs a longer read, never a guess."""
    text, _ = open_range(src, src.data_start, src.size)
    active = list(columns.values())
    try:
        n = 0
        for _, r in records(text, src.delimiter):
            if r is None:  # unreadable: the import rejects it, so it is no evidence
                continue
            n += 1
            for i, ev in active:
                if i < len(r):
                    ev.add(r[i])
            if n >= SAMPLE_ROWS and n % 1000 == 0:
                active = [
                    (i, ev)
                    for i, ev in active
                    if ev.undecided
                    and (dayfirst is None if isinstance(ev, DateEvidence) else decimal is None)
                ]
                if not active:
                    break
    finally:
        text.close()


def decide_formats(
    src: Source, mapping: Mapping, dayfirst: bool | None, decimal: str | None, zone: str | None
) -> tuple[dict[str, str], dict[str, str]]:
    """(field -> format for the workers, column -> plain words for the summary)."""
    columns: dict[str, tuple[int, DateEvidence | MoneyEvidence]] = {}
    for name in DATE_FIELDS.get(mapping.entity, ()):
        if mapping.has(name):
            columns[name] = (mapping.fields[name], DateEvidence())
    for name in MONEY_FIELDS.get(mapping.entity, ()):
        if mapping.has(name):
            columns[name] = (mapping.fields[name], MoneyEvidence())
    if not columns:
        return {}, {}
    try:
        _scan(src, columns, dayfirst, decimal)
    except UnicodeDecodeError:
        if not src.encoding_guessed or src.encoding != "utf-8":
            raise PipelineError(f"{src.name}: bytes that are not valid {src.encoding}; "
                                "give the right --encoding") from None  # fmt: skip
        src.encoding = "cp1252"
        for name, (i, ev) in list(columns.items()):
            columns[name] = (i, type(ev)())
        _scan(src, columns, dayfirst, decimal)
    decided = decide_all(
        ((mapping.column(n), ev) for n, (_, ev) in columns.items()), dayfirst, decimal
    )
    formats = {n: decided[mapping.column(n)] for n in columns}
    shown = {}
    for n, fmt in formats.items():
        words = _SHOWN.get(fmt, f"month names ({fmt})")
        if n in ("created_at", "closed_at", "done_at", "due_at", "changed_at") and zone:
            words += f", times in {zone}"
        shown[mapping.column(n)] = words
    return formats, shown


def decide_all(
    columns: Iterable[tuple[str, DateEvidence | MoneyEvidence]],
    dayfirst: bool | None,
    decimal: str | None,
) -> dict[str, str]:
    """Every column's decision, or one error naming every column that cannot be decided."""
    decided: dict[str, str] = {}
    problems: list[str] = []
    for name, ev in columns:
        try:
            if isinstance(ev, DateEvidence):
                decided[name] = ev.decide(name, dayfirst)
            else:
                decided[name] = ev.decide(name, decimal)
        except PipelineError as exc:
            problems.append(str(exc))
    if problems:
        raise PipelineError("; ".join(problems))
    return decided
