"""`pipeline note add`: a timestamped note on a deal, a person or a company."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, confirm, store
from pipeline_tui.models.contacts import Note

app = typer.Typer(help="Notes on deals, people and companies.", no_args_is_help=True)


def note_line(note: Note, verb: str) -> str:
    about = (
        f"deal {note.deal_id}" if note.deal_id else
        f"person {note.person_id}" if note.person_id else f"company {note.company_id}"
    )  # fmt: skip
    return f"{verb} note {note.id} on {about}"


@app.command("add")
def add(
    text: Annotated[str, typer.Argument(help="The note.")],
    deal: Annotated[int | None, typer.Option(help="On this deal (id).")] = None,
    person: Annotated[str | None, typer.Option(help="On this person (id, email or name).")] = None,
    company: Annotated[str | None, typer.Option(help="On this company (id or name).")] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Add a note (shown on the timelines of deal, person and company show)."""
    from pipeline_tui.services.companies import resolve_company
    from pipeline_tui.services.notes import add_note
    from pipeline_tui.services.people import resolve_person

    st = store()
    person_id = resolve_person(st, person) if person is not None else None
    company_id = resolve_company(st, company) if company is not None else None
    note = add_note(st, text, deal_id=deal, person_id=person_id, company_id=company_id)
    confirm(note, "Added", fmt, note_line)
