"""Exporting leads, deals, activities and stages as CSV, JSON or JSON Lines, re-importable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from pipeline_tui.models.csvsafe import RowWriter, neutralise
from pipeline_tui.models.custom_fields import custom_fields
from pipeline_tui.models.errors import PipelineError
from pipeline_tui.models.money import exponent, to_major
from pipeline_tui.store.api import Store

ENTITIES = ("deals", "leads", "activities", "stages")
FORMATS = ("csv", "json", "jsonl")
# Numbers stay numbers in CSV: neutralising "-5" would turn an amount into text.
NUMERIC = {"value", "probability", "position", "stalled_after_days"}


def _amount(minor: int, currency: str) -> str:
    """Minor units as a plain decimal with the currency's digits: 1234.50, never 1234.5."""
    exp = exponent(currency)
    if exp == 0:
        return str(minor)
    return f"{minor // 10**exp}.{minor % 10**exp:0{exp}d}"


def _records(
    store: Store, entity: str, *, for_csv: bool
) -> tuple[list[str], Iterator[dict[str, Any]]]:
    cols, cur = store.exports.export_rows(entity, store.exports.database_key())
    shown = ["value" if c == "value_minor" else c for c in cols]

    def rows() -> Iterator[dict[str, Any]]:
        for row in cur:
            rec = dict(zip(shown, row, strict=True))
            if "value" in rec and rec["value"] is not None:  # None: unknown, exported empty
                minor = int(rec["value"])
                rec["value"] = (
                    _amount(minor, rec["currency"]) if for_csv else to_major(minor, rec["currency"])
                )
            if "custom" in rec:
                data: dict[str, Any] | None = custom_fields(rec["custom"]) or None
                if for_csv:  # one canonical spelling, so that exports diff and round-trip
                    rec["custom"] = (
                        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                        if data
                        else None
                    )
                else:
                    rec["custom"] = data or {}
            yield rec

    return shown, rows()


def export(store: Store, entity: str, fmt: str, out: IO[str]) -> int:
    """Write every row of ``entity`` to ``out`` in id order; return how many."""
    if entity not in ENTITIES:
        raise PipelineError(f"cannot export {entity!r}: use one of {', '.join(ENTITIES)}")
    if fmt not in FORMATS:
        raise PipelineError(f"invalid format {fmt!r}: use {', '.join(FORMATS)}")
    cols, rows = _records(store, entity, for_csv=fmt == "csv")
    n = 0
    if fmt == "csv":
        w = RowWriter(out)
        w.writerow(cols)
        for rec in rows:
            w.writerow(
                [
                    "" if v is None else (v if k in NUMERIC else neutralise(v))
                    for k, v in rec.items()
                ]
            )
            n += 1
    elif fmt == "jsonl":
        for rec in rows:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    else:
        out.write("[")
        for rec in rows:
            out.write(("," if n else "") + "\n  " + json.dumps(rec, ensure_ascii=False))
            n += 1
        out.write("\n]\n" if n else "]\n")
    return n
