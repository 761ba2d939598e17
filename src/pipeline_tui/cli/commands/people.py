"""`pipeline person ...` and `pipeline deal person ...`: people and their roles on deals."""

from __future__ import annotations

from typing import Annotated, Any

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
from pipeline_tui.cli.render import Col, emit_record, say, to_json
from pipeline_tui.models.contacts import Person

app = typer.Typer(help="Add, list and work people (contacts).", no_args_is_help=True)
deal_app = typer.Typer(help="People on a deal and their roles.", no_args_is_help=True)

PersonRef = Annotated[
    str, typer.Argument(help="Person id, email, or name.", show_default=False, metavar="PERSON")
]
Text = Annotated[str | None, typer.Option()]
EmailOpt = Annotated[
    list[str] | None, typer.Option("--email", help="An email (repeatable; the first is main).")
]
PhoneOpt = Annotated[list[str] | None, typer.Option("--phone", help="A phone (repeatable).")]

LIST_COLS = [
    Col("id", "ID", right=True),
    Col("name", "Name", flex=True),
    Col("email", "Email", flex=True),
    Col("title", "Title", flex=True, drop=2),
    Col("company", "Company", flex=True, drop=3),
    Col("phone", "Phone", drop=1),
    Col("owner", "Owner", flex=True, drop=4),
]


def person_line(person: Person, verb: str) -> str:
    email = f" <{person.emails[0]}>" if person.emails and person.name else ""
    return f"{verb} person {person.id}: {person.label}{email}"


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The person's name.")],
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    title: Annotated[str | None, typer.Option(help="Job title.")] = None,
    company: Annotated[str | None, typer.Option(help="Company name (created if new).")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner.")] = None,
    notes: Annotated[str | None, typer.Option(help="Background notes.")] = None,
    external_id: Annotated[str | None, typer.Option(help="Their id in another system.")] = None,
    field: FieldOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add a person."""
    from pipeline_tui.services.people import add_person

    person = add_person(
        store(), name, emails=email or [], phones=phone or [], company=company, owner=owner,
        custom=custom_fields(field), title=title, notes=notes, external_id=external_id,
    )  # fmt: skip
    confirm(person, "Created", fmt, person_line)


@app.command("list")
def list_(
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in name, email, phone, title.")
    ] = None,
    company: Annotated[str | None, typer.Option(help="Only this company's (id or name).")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner's.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N people.")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """List people by name."""
    from pipeline_tui.services.companies import resolve_company

    check_limit(limit)
    st = store()
    company_id = resolve_company(st, company) if company is not None else None
    rows = []
    for p in st.people.list_people(search, company_id, owner, limit):
        row = p.to_dict()
        row.update(email=", ".join(p.emails) or None, phone=", ".join(p.phones) or None)
        del row["emails"], row["phones"]
        rows.append(row)
    emit_list(rows, LIST_COLS, fmt, "people")


SHOW_FIELDS = [
    ("name", "Name"),
    ("emails_shown", "Emails"),
    ("phones_shown", "Phones"),
    ("title", "Title"),
    ("company", "Company"),
    ("owner", "Owner"),
    ("notes", "Notes"),
    ("custom", "Custom fields"),
    ("external_id", "External id"),
]


@app.command("show")
def show(
    person: PersonRef,
    limit: Annotated[int, typer.Option(help="Timeline items shown.")] = 50,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Show a person: their deals and roles, and the timeline of those deals and notes."""
    from pipeline_tui.services.people import person_detail, resolve_person

    st = store()
    detail = person_detail(st, resolve_person(st, person), limit)
    record = detail.to_dict()
    if emit_raw(record, fmt):
        return
    shown = dict(record, emails_shown=", ".join(record["emails"]),
                 phones_shown=", ".join(record["phones"]))  # fmt: skip
    fields = filled(shown, SHOW_FIELDS)
    deal_cols = [*DEAL_COLS[:2], Col("role", "Role"), *DEAL_COLS[2:]]
    sections = [
        ("Deals", record["deals"], deal_cols),
        ("Timeline", record["timeline"], TIMELINE_COLS),
    ]
    emit_record(shown, fields, fmt.value, title=f"Person {detail.person.id}", sections=sections)


@app.command("edit")
def edit(
    person: PersonRef,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    email: Annotated[
        list[str] | None, typer.Option("--email", help="Replaces the emails (repeat; '' clears).")
    ] = None,
    phone: Annotated[
        list[str] | None, typer.Option("--phone", help="Replaces the phones (repeat; '' clears).")
    ] = None,
    title: Text = None,
    company: Annotated[str | None, typer.Option(help="Company name ('' clears).")] = None,
    owner: Text = None,
    notes: Text = None,
    external_id: Text = None,
    field: FieldOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Change fields of a person (only the ones given; '' clears one)."""
    from pipeline_tui.services.people import edit_person, resolve_person

    given = given_options((
        ("name", name), ("title", title), ("company", company), ("owner", owner),
        ("notes", notes), ("external_id", external_id),
    ))  # fmt: skip
    if email is not None:
        given["emails"] = [e for e in email if e.strip()]
    if phone is not None:
        given["phones"] = [p for p in phone if p.strip()]
    given = changes(given, field)
    st = store()
    confirm(edit_person(st, resolve_person(st, person), **given), "Updated", fmt, person_line)


@app.command("merge")
def merge(
    source: Annotated[str, typer.Argument(help="The person to merge away.", metavar="SOURCE")],
    target: Annotated[str, typer.Argument(help="The person to keep.", metavar="TARGET")],
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Merge one person into another: deals, roles, leads, notes, emails and phones move."""
    from pipeline_tui.services.people import merge_people, resolve_person

    merge_records(fmt, "person", (source, target), resolve_person, merge_people, _label)


@app.command("delete")
def delete(person: PersonRef, fmt: FormatOpt = Fmt.table) -> None:
    """Delete a person; their deals and leads stay, without them ('undo' restores)."""
    from pipeline_tui.services.people import delete_person, resolve_person

    delete_record(fmt, "person", person, resolve_person, delete_person, _label)


def _label(person: Person) -> str:
    return person.label


DealId = Annotated[int, typer.Argument(help="Deal id.", show_default=False, metavar="ID")]


@deal_app.command("add")
def deal_add(
    deal_id: DealId,
    person: PersonRef,
    role: Annotated[
        str,
        typer.Option(help="champion, economic buyer, decision maker, influencer, user, "
                     "blocker or other."),
    ] = "other",
    fmt: FormatOpt = Fmt.table,
) -> None:  # fmt: skip
    """Put a person on a deal's buying committee, or change their role there."""
    from pipeline_tui.models.contacts import role_label
    from pipeline_tui.services.people import add_to_deal, resolve_person

    st = store()
    found = add_to_deal(st, deal_id, resolve_person(st, person), role)
    if fmt == Fmt.json:
        say(to_json(found.to_dict()))
        return
    name = found.name or found.email or f"person {found.person_id}"
    say(f"Deal {deal_id}: person {found.person_id} ({name}) is {role_label(found.role)}")


@deal_app.command("remove")
def deal_remove(deal_id: DealId, person: PersonRef, fmt: FormatOpt = Fmt.table) -> None:
    """Take a person off a deal (their role, and the deal's contact if it is them)."""
    from pipeline_tui.services.people import remove_from_deal, resolve_person

    st = store()
    gone = remove_from_deal(st, deal_id, resolve_person(st, person))
    if fmt == Fmt.json:
        say(to_json({"deal_id": deal_id, "person_id": gone.id, "removed": True}))
        return
    say(f"Deal {deal_id}: removed person {gone.id} ({gone.label})")


def deal_sections(record: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]], list[Col]]]:
    """The People and Notes sections of `deal show`, when the deal has any."""
    from pipeline_tui.cli.commands.contact_common import when

    out: list[tuple[str, list[dict[str, Any]], list[Col]]] = []
    if record["people"]:
        cols = [
            Col("person_id", "ID", right=True),
            Col("name", "Name", flex=True, show=lambda p: p["name"] or p["email"] or ""),
            Col("role", "Role"),
            Col("title", "Title", flex=True, drop=1),
            Col("email", "Email", flex=True, drop=2),
        ]
        out.append(("People", record["people"], cols))
    if record["notes"]:
        cols = [
            Col("created_at", "When", show=lambda n: when(n["created_at"])),
            Col("body", "Note", wrap=True),
            Col("owner", "By", flex=True, drop=1),
        ]
        out.append(("Notes", record["notes"], cols))
    return out
