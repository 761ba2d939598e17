"""`pipeline deal delete`, `lead delete` and `lead merge`: fixing records, each undoable."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline_tui.cli.commands.common import Fmt, FormatOpt, store
from pipeline_tui.cli.render import say, to_json

Force = Annotated[
    bool, typer.Option("--force", help="Delete what belongs to it too (see the refusal).")
]


def deal_delete(
    deal_id: Annotated[int, typer.Argument(help="Deal id.", show_default=False, metavar="ID")],
    force: Force = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Delete a deal (--force: with its activities and stage history); undo brings it back."""
    from pipeline_tui.services.records import delete_deal

    deal = delete_deal(store(), deal_id, force=force)
    if fmt == Fmt.json:
        say(to_json(deal.to_dict()))
    else:
        say(f"Deleted deal {deal.id}: {deal.title} ('pipeline undo' brings it back)")


def lead_delete(
    lead_id: Annotated[int, typer.Argument(help="Lead id.", show_default=False, metavar="ID")],
    force: Force = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Delete a lead (--force: with its activities, unlinking its deal); undo brings it back."""
    from pipeline_tui.services.records import delete_lead

    lead = delete_lead(store(), lead_id, force=force)
    if fmt == Fmt.json:
        say(to_json(lead.to_dict()))
    else:
        say(f"Deleted lead {lead.id}: {lead.name} ('pipeline undo' brings it back)")


def lead_merge(
    keep: Annotated[int, typer.Argument(help="The lead to keep.", show_default=False)],
    drop: Annotated[int, typer.Argument(help="The duplicate, merged in and removed.")],
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Merge lead DROP into KEEP: activities and deal move, KEEP's empty fields are filled."""
    from pipeline_tui.services.records import merge_leads

    lead = merge_leads(store(), keep, drop)
    if fmt == Fmt.json:
        say(to_json(lead.to_dict()))
    else:
        say(f"Merged lead {drop} into lead {lead.id}: {lead.name} ({lead.status})")
