"""`pipeline company ...`: add, list, show, edit, merge and delete companies."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, confirm, store
from pipeline_tui.cli.render import Col, emit, emit_record, say, to_json
from pipeline_tui.models import PipelineError
from pipeline_tui.models.contacts import Company
from pipeline_tui.models.money import format_money

app = typer.Typer(help="Add, list and work companies.", no_args_is_help=True)

CompanyRef = Annotated[str, typer.Argument(help="Company id or name.", show_default=False)]
FieldOpt = Annotated[
    list[str] | None,
    typer.Option("--field", help="A custom field, name=value (name= removes it); repeatable."),
]
Text = Annotated[str | None, typer.Option()]

LIST_COLS = [
    Col("id", "ID", right=True),
    Col("name", "Name", flex=True),
    Col("domain", "Domain", flex=True, drop=3),
    Col("industry", "Industry", flex=True, drop=1),
    Col("city", "City", flex=True, drop=2),
    Col("country", "Country", flex=True, drop=2),
    Col("owner", "Owner", flex=True, drop=4),
    Col("open_deals", "Open deals", right=True),
]


def custom_fields(pairs: list[str] | None) -> dict[str, str | None]:
    """``--field name=value`` options as a mapping (an empty value removes the field)."""
    out: dict[str, str | None] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise PipelineError(f"invalid --field {pair!r}: use name=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = value or None
    return out


def company_line(company: Company, verb: str) -> str:
    return f"{verb} company {company.id}: {company.name}"


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


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The company's name.")],
    domain: Annotated[str | None, typer.Option(help="Domain or website.")] = None,
    industry: Text = None,
    size: Annotated[str | None, typer.Option(help="Headcount or band, e.g. 51-200.")] = None,
    city: Text = None,
    country: Text = None,
    owner: Annotated[str | None, typer.Option(help="Account owner.")] = None,
    notes: Annotated[str | None, typer.Option(help="Background notes.")] = None,
    external_id: Annotated[str | None, typer.Option(help="Its id in another system.")] = None,
    field: FieldOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add a company."""
    from pipeline_tui.services.companies import add_company

    company = add_company(
        store(), name, owner=owner, custom=custom_fields(field), domain=domain,
        industry=industry, size=size, city=city, country=country, notes=notes,
        external_id=external_id,
    )  # fmt: skip
    confirm(company, "Created", fmt, company_line)


@app.command("list")
def list_(
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in name, domain, industry, place.")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner's.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N companies.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List companies by name, with their open deals."""
    if limit is not None and limit < 1:
        raise PipelineError(f"invalid limit {limit}: use 1 or more")
    rows = store().companies.list_companies(search, owner, limit)
    title = f"Companies ({len(rows)})" if fmt in (Fmt.table, Fmt.md) else None
    emit(rows, LIST_COLS, fmt.value, title=title, empty="No companies match.")


SHOW_FIELDS = [
    ("name", "Name"),
    ("domain", "Domain"),
    ("industry", "Industry"),
    ("size", "Size"),
    ("city", "City"),
    ("country", "Country"),
    ("owner", "Owner"),
    ("notes", "Notes"),
    ("custom", "Custom fields"),
    ("external_id", "External id"),
]


def _money(minor: int, currency: str) -> str:
    return format_money(minor, currency)


@app.command("show")
def show(
    company: CompanyRef,
    limit: Annotated[int, typer.Option(help="Timeline items shown.")] = 50,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Show a company: its deals with totals, its people and their roles, its timeline."""
    from pipeline_tui.services.companies import company_detail, resolve_company, totals

    st = store()
    detail = company_detail(st, resolve_company(st, company), limit)
    record = detail.to_dict()
    if fmt in (Fmt.json, Fmt.csv):
        emit_record(record, [], fmt.value)
        return
    fields = [(k, label) for k, label in SHOW_FIELDS if record.get(k) not in (None, "", {})]
    total_rows = [
        {
            "currency": t["currency"],
            "won": _money(t["won_minor"], t["currency"]),
            "open": _money(t["open_minor"], t["currency"]),
            "weighted": _money(t["weighted_minor"], t["currency"]),
            "counts": f"{t['open']} open, {t['won']} won, {t['lost']} lost",
        }
        for t in totals(detail.deals)
    ]
    people = [{**p, "roles": "; ".join(p["roles"])} for p in record["people"]]
    sections = [
        ("Totals", total_rows, [
            Col("currency", "Currency"), Col("won", "Won (lifetime)", right=True),
            Col("open", "Open pipeline", right=True), Col("weighted", "Weighted", right=True),
            Col("counts", "Deals", flex=True),
        ]),
        ("Deals", record["deals"], DEAL_COLS),
        ("People", people, [
            Col("id", "ID", right=True), Col("name", "Name", flex=True),
            Col("title", "Title", flex=True, drop=2), Col("email", "Email", flex=True, drop=1),
            Col("roles", "Roles", flex=True),
        ]),
        ("Timeline", record["timeline"], TIMELINE_COLS),
    ]  # fmt: skip
    title = f"Company {detail.company.id}"
    emit_record(record, fields, fmt.value, title=title, sections=sections)


@app.command("edit")
def edit(
    company: CompanyRef,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    domain: Annotated[str | None, typer.Option(help="Domain or website ('' clears).")] = None,
    industry: Text = None,
    size: Text = None,
    city: Text = None,
    country: Text = None,
    owner: Annotated[str | None, typer.Option(help="Account owner ('' clears).")] = None,
    notes: Annotated[str | None, typer.Option(help="Background notes ('' clears).")] = None,
    external_id: Text = None,
    field: FieldOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Change fields of a company (only the ones given; '' clears one)."""
    from pipeline_tui.services.companies import edit_company, resolve_company

    given: dict[str, Any] = {
        k: v
        for k, v in (("name", name), ("domain", domain), ("industry", industry), ("size", size),
                     ("city", city), ("country", country), ("owner", owner), ("notes", notes),
                     ("external_id", external_id))
        if v is not None
    }  # fmt: skip
    if field:
        given["custom"] = custom_fields(field)
    if not given:
        raise PipelineError("nothing to change: give at least one option (see --help)")
    st = store()
    confirm(edit_company(st, resolve_company(st, company), **given), "Updated", fmt, company_line)


def _moved(counts: dict[str, int]) -> str:
    names = {"deals": "deal", "leads": "lead", "contacts": "person", "notes": "note",
             "deal_people": "role"}  # fmt: skip
    parts = [f"{n} {names[t]}{'' if n == 1 else 's'}" for t, n in counts.items() if n]
    return ", ".join(parts).replace("persons", "people") or "nothing"


@app.command("merge")
def merge(
    source: Annotated[str, typer.Argument(help="The company to merge away (id or name).")],
    target: Annotated[str, typer.Argument(help="The company to keep (id or name).")],
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Merge one company into another: its deals, leads, people and notes move; it goes."""
    from pipeline_tui.services.companies import merge_companies, resolve_company

    st = store()
    source_id, target_id = resolve_company(st, source), resolve_company(st, target)
    kept, moved = merge_companies(st, source_id, target_id)
    if fmt == Fmt.json:
        say(to_json({**kept.to_dict(), "merged": source_id, "moved": moved}))
        return
    say(f"Merged company {source_id} into {kept.id}: {kept.name} ({_moved(moved)} moved)")


@app.command("delete")
def delete(company: CompanyRef, fmt: FormatOpt = Fmt.table) -> None:
    """Delete a company; its deals, leads and people stay, without a company ('undo' restores)."""
    from pipeline_tui.services.companies import delete_company, resolve_company

    st = store()
    gone, counts = delete_company(st, resolve_company(st, company))
    if fmt == Fmt.json:
        say(to_json({**gone.to_dict(), "deleted": True, "detached": counts}))
        return
    say(f"Deleted company {gone.id}: {gone.name} ({gone_line(counts)})")


def gone_line(counts: dict[str, int]) -> str:
    """What a delete left behind: rows detached, and the notes deleted with the record."""
    notes = counts.get("notes", 0)
    kept = {t: n for t, n in counts.items() if t not in ("notes", "deal_people")}
    line = f"{_moved(kept)} detached"
    roles = counts.get("deal_people", 0)
    if roles:
        line += f"; {roles} deal role{'' if roles == 1 else 's'} removed"
    if notes:
        line += f"; {notes} note{'' if notes == 1 else 's'} deleted"
    return line
