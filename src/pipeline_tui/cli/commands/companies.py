"""`pipeline company ...`: add, list, show, edit, merge and delete companies."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, confirm, store
from pipeline_tui.cli.commands.contact_common import (
    DEAL_COLS,
    TIMELINE_COLS,
    FieldOpt,
    changes,
    check_limit,
    custom_fields,
    delete_record,
    emit_list,
    emit_raw,
    filled,
    given_options,
    merge_records,
)
from pipeline_tui.cli.render import Col, emit_record
from pipeline_tui.models.contacts import Company
from pipeline_tui.models.money import format_money

app = typer.Typer(help="Add, list and work companies.", no_args_is_help=True)

CompanyRef = Annotated[str, typer.Argument(help="Company id or name.", show_default=False)]
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


def company_line(company: Company, verb: str) -> str:
    return f"{verb} company {company.id}: {company.name}"


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
    check_limit(limit)
    emit_list(store().companies.list_companies(search, owner, limit), LIST_COLS, fmt, "companies")


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
    if emit_raw(record, fmt):
        return
    fields = filled(record, SHOW_FIELDS)
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

    given = given_options((
        ("name", name), ("domain", domain), ("industry", industry), ("size", size),
        ("city", city), ("country", country), ("owner", owner), ("notes", notes),
        ("external_id", external_id),
    ))  # fmt: skip
    given = changes(given, field)
    st = store()
    confirm(edit_company(st, resolve_company(st, company), **given), "Updated", fmt, company_line)


@app.command("merge")
def merge(
    source: Annotated[str, typer.Argument(help="The company to merge away (id or name).")],
    target: Annotated[str, typer.Argument(help="The company to keep (id or name).")],
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Merge one company into another: its deals, leads, people and notes move; it goes."""
    from pipeline_tui.services.companies import merge_companies, resolve_company

    merge_records(fmt, "company", (source, target), resolve_company, merge_companies, _name)


@app.command("delete")
def delete(company: CompanyRef, fmt: FormatOpt = Fmt.table) -> None:
    """Delete a company; its deals, leads and people stay, without a company ('undo' restores)."""
    from pipeline_tui.services.companies import delete_company, resolve_company

    delete_record(fmt, "company", company, resolve_company, delete_company, _name)


def _name(company: Company) -> str:
    return company.name
