"""What `pipeline import` prints after an import: counts, warnings with example lines, rejects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline_tui.cli.render import Col, emit, say, visible, warn

if TYPE_CHECKING:
    from pipeline_tui.services.imports.run import ImportResult


PREVIEW = {
    "leads": ("line", "action", "name", "email", "company", "owner", "status", "created_at"),
    "deals": ("line", "action", "title", "company", "owner", "stage", "status", "value",
              "close_date"),
    "activities": ("line", "action", "kind", "subject", "regarding", "owner", "done_at",
                   "due_at"),
    "companies": ("line", "action", "name", "domain", "industry", "city", "country", "owner"),
    "people": ("line", "action", "name", "email", "title", "company", "owner"),
}  # fmt: skip


def number(key: str, header: str | None = None) -> Col:
    def show(row: dict[str, Any]) -> str:
        value = row.get(key)
        return "" if value is None else f"{value:,}"

    return Col(key, header or key.capitalize(), show=show, right=True)


def as_dict(r: ImportResult) -> dict[str, Any]:
    return {
        "import_id": r.import_id,
        "entity": r.entity,
        "source": r.source,
        "dry_run": r.dry_run,
        "rows": r.rows,
        "created": r.created,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "rejected": r.rejected,
        "rejects": [{"line": line, "reason": reason} for line, reason in r.rejects],
        "rejects_file": r.rejects_file,
        "also_created": r.new | ({"stages": len(r.created_stages)} if r.created_stages else {}),
        "created_stages": r.created_stages,
        "columns": [{"column": c, "field": f} for c, f in r.columns],
        "formats": r.formats,
        "encoding": r.encoding,
        "delimiter": r.delimiter,
        "preview": r.preview,
        "findings": {k: {"rows": n, "lines": lines} for k, (n, lines) in r.findings.items()},
        "owner_assumed": r.owner_assumed or None,
        "closed_stage_names": [{"stage": n, **c} for n, c in r.closed_stage_names],
        "stage_order": r.stage_order,
        "linked": r.linked,
        "seconds": round(r.seconds, 3),
    }


def summary(r: ImportResult) -> None:
    from pipeline_tui.models.money import format_money

    delim = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(r.delimiter, r.delimiter)
    say(visible(f"Read {r.source}: {r.encoding}, {delim}-separated, {r.rows:,} rows."))
    mapped = [f"{c} -> {f}" for c, f in r.columns if f not in ("custom", "ignored")]
    custom = [c for c, f in r.columns if f in ("custom", "product", "company_ref")]
    ignored = [c for c, f in r.columns if f == "ignored"]
    say(visible("Columns: " + ", ".join(mapped)))
    if custom:
        say(visible("Kept as custom fields: " + ", ".join(custom)))
    if ignored:
        say(visible("Ignored (--map ...=-): " + ", ".join(ignored)))
    for column, words in r.formats.items():
        say(visible(f"Format of {column}: {words}"))
    if r.dry_run and r.preview:
        rows = [dict(p) for p in r.preview]
        for p in rows:
            if "value_minor" in p:
                minor, cur = p.pop("value_minor"), p.pop("currency")
                p["value"] = "—" if minor is None else format_money(minor, cur)
        shown = [k for k in PREVIEW[r.entity] if k in rows[0]]
        cols = [Col(k, k.replace("_", " ").capitalize(), flex=k not in ("line", "action"),
                    right=k in ("line", "value")) for k in shown]  # fmt: skip
        emit(rows, cols, "table", title="Preview (as it would be stored)")
    verb = "Would import" if r.dry_run else f"Imported (import {r.import_id})"
    counts = [{"entity": r.entity, "created": r.created, "updated": r.updated,
               "unchanged": r.unchanged, "rejected": r.rejected}]  # fmt: skip
    new = dict(r.new)
    if r.created_stages:
        new["stages"] = len(r.created_stages)
    counts += [{"entity": k, "created": v} for k, v in new.items() if v]
    cols = [Col("entity", "Entity")]
    cols += [number(k) for k in ("created", "updated", "unchanged", "rejected")]
    emit(counts, cols, "table", title=f"{verb} {r.entity} in {r.seconds:.1f} s")
    findings(r)
    for what, n in r.linked.items():
        say(f"Linked {n:,} {what} imported earlier to their company (by its id).")
    if r.rejects_file:
        warn(visible(f"{r.rejected:,} rejected row(s) written to {r.rejects_file}"))
    elif r.dry_run and r.rejects:
        for line, reason in r.rejects:
            warn(visible(f"line {line}: {short(reason)}"))
    if r.dry_run:
        say("Dry run: nothing was written.")


def example_lines(lines: list[int]) -> str:
    return f"line{'s' if len(lines) > 1 else ''} {', '.join(str(n) for n in lines)}"


# name -> (warn or say, the sentence after the count)
FINDINGS = {
    "closed_before_created": (True, "closed deal(s) closed before they were created: their "
                              "sales cycle is left out of KPIs"),
    "closed_in_future": (True, "closed deal(s) have a close date in the future"),
    "closed_undated": (True, "closed deal(s) have no close date: when they closed is left "
                       "unknown, not the import time, and reports by period leave them out "
                       "('pipeline import history' dates them)"),
    "no_amount": (False, "deal(s) have no amount: kept as unknown (shown as —), left out of "
                  "sums and averages"),
    "no_created": (False, "deal(s) have no created date: left unknown, not the import time "
                   "('pipeline import history' dates them)"),
    "history_unknown": (False, "new deal(s) have no known stage history (no created date, or "
                        "closed): stage conversion leaves them out until 'pipeline import "
                        "history'"),
    "no_created_lead": (False, "lead(s) have no created date: left unknown, not the import "
                        "time"),
    "no_created_activity": (False, "activit(y/ies) have no created date: left unknown, not "
                            "the import time"),
    "company_unknown": (False, "row(s) name a company id not imported yet (AccountId): kept "
                        "as a custom field, and linked when 'pipeline import companies' "
                        "brings that company"),
}  # fmt: skip


def findings(r: ImportResult) -> None:
    """What the file says that deserves a word, with counts and the first lines. Part of the
    summary, on stdout: a successful import writes nothing to stderr (scripts rely on it)."""

    def warn(text: str) -> None:
        say(f"Warning: {text}")

    if r.created_stages:
        placed = ("placed by the file's stage order" if r.stages_ordered_by_file
                  else "at the end of the pipeline, as first seen")  # fmt: skip
        warn(visible(f"Created {len(r.created_stages):,} stage(s), {placed}: "
                     + ", ".join(r.created_stages)))  # fmt: skip
        if r.stage_order:
            say(visible("Stage order now: " + " > ".join(r.stage_order)
                        + " (adjust with 'pipeline stage')"))  # fmt: skip
    if r.closed_stage_names:
        shown = [f"{name} ({', '.join(f'{k} {v:,}' for k, v in sorted(c.items()))})"
                 for name, c in r.closed_stage_names]  # fmt: skip
        say(visible("Closed stages kept as outcomes (the file says won or lost): "
                    + ", ".join(shown)))  # fmt: skip
    if "no_owner" in r.findings:
        n, lines = r.findings["no_owner"]
        warn(visible(f"{n:,} row(s) name no owner: assigned to {r.owner_assumed} "
                     f"(e.g. {example_lines(lines)}); --owner NAME chooses another"))  # fmt: skip
    if r.owner_id_column:
        warn(visible(f"Column {r.owner_id_column!r} holds owner ids that match no owner: "
                     f"{r.new.get('owners', 0):,} owner(s) were named after them. Import the "
                     "users file first: pipeline import owners User.csv"))  # fmt: skip
    for key, (loud, words) in FINDINGS.items():
        if key in r.findings:
            n, lines = r.findings[key]
            text = visible(f"{n:,} {words} (e.g. {example_lines(lines)})")
            if loud:
                warn(text)
            else:
                say(text)


REASON_MAX = 200


def short(reason: str) -> str:
    """A reason quotes the bad cell; a 100,000-character cell must not make a 100k line."""
    if len(reason) <= REASON_MAX:
        return reason
    return f"{reason[:150]}… ({len(reason):,} characters) …{reason[-30:]}"


def side_rejects(rejects: list[tuple[int, str]]) -> None:
    for line, reason in rejects:
        warn(visible(f"line {line}: {short(reason)}"))
