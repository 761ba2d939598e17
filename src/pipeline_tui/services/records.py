"""Records users can fix: delete a deal or a lead, merge two leads; each one undoable command."""

from __future__ import annotations

from pipeline_tui.models import ConflictError, Deal, Lead, PipelineError
from pipeline_tui.store.api import Store, WriteTx

# The lead columns a merge fills on the kept lead when they are empty there.
_FILLABLE = (
    "company_id",
    "contact_id",
    "email",
    "phone",
    "source",
    "notes",
    "owner_id",
    "external_id",
    "custom",
)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def delete_deal(store: Store, deal_id: int, *, force: bool = False) -> Deal:
    """Delete a deal with its activities, notes, roles and stage history; without ``force``,
    only a deal with no activities, notes or moves (its entry into its first stage aside)."""
    deal = store.deals.get_deal(deal_id)
    with store.tx(f"delete deal {deal_id} {deal.title!r}") as tx:
        # Read inside the write transaction, so nothing is added between check and delete.
        links = store.deals.deal_links(deal_id)
        activities = store.activities.for_deal(deal_id)
        held = []
        if activities:
            held.append(_count(len(activities), "activity", "activities"))
        if links["notes"]:
            held.append(_count(len(links["notes"]), "note", "notes"))
        if links["moves"]:
            held.append(_count(len(links["moves"]), "stage change", "stage changes"))
        if held and not force:
            raise ConflictError(f"deal {deal_id} has {_join(held)}; --force deletes them too")
        for activity in activities:
            if activity.lead_id is not None:  # it is the lead's too: it stays there
                tx.update("activities", activity.id, {"deal_id": None})
            else:
                tx.delete("activities", activity.id)
        for note_id in links["notes"]:
            tx.delete("notes", note_id)
        for role_id in links["people"]:  # the people stay; only their role on this deal goes
            tx.delete("deal_people", role_id)
        for change_id in links["stage_changes"]:
            tx.delete("stage_changes", change_id)
        tx.delete("deals", deal_id)
    return deal


def delete_lead(store: Store, lead_id: int, *, force: bool = False) -> Lead:
    """Delete a lead with its activities; a deal qualified from it stays, unlinked. Without
    ``force``, only a lead with no activities and no deal."""
    lead = store.leads.get_lead(lead_id)
    with store.tx(f"delete lead {lead_id} {lead.name!r}") as tx:
        deals = store.leads.lead_links(lead_id)["deals"]
        activities = store.activities.for_lead(lead_id)
        if (activities or deals) and not force:
            held = []
            if activities:
                held.append(f"has {_count(len(activities), 'activity', 'activities')}")
            if deals:
                names = ", ".join(str(d) for d in deals)
                held.append(f"was qualified into deal {names}")
            what = []
            if activities:
                what.append("deletes the activities")
            if deals:
                what.append("unlinks the deal (the deal stays)")
            raise ConflictError(f"lead {lead_id} {_join(held)}; --force {_join(what)}")
        for deal_id in deals:
            tx.update("deals", deal_id, {"lead_id": None})
        for activity in activities:
            if activity.deal_id is not None:  # it is the deal's too: it stays there
                tx.update("activities", activity.id, {"lead_id": None})
            else:
                tx.delete("activities", activity.id)
        tx.delete("leads", lead_id)
    return lead


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def merge_leads(store: Store, keep_id: int, drop_id: int) -> Lead:
    """Move DROP's activities and deal to KEEP, fill KEEP's empty fields from DROP, and
    delete DROP, as one command."""
    if keep_id == drop_id:
        raise PipelineError(f"cannot merge lead {keep_id} into itself")
    store.leads.get_lead(keep_id)
    drop = store.leads.get_lead(drop_id)
    with store.tx(f"merge lead {drop_id} {drop.name!r} into lead {keep_id}") as tx:
        keep_deals = store.leads.lead_links(keep_id)["deals"]
        drop_links = store.leads.lead_links(drop_id)
        if keep_deals and drop_links["deals"]:
            raise ConflictError(
                f"leads {keep_id} and {drop_id} both have deals "
                f"({keep_deals[0]} and {drop_links['deals'][0]}); a lead has one deal, so they "
                "stay apart"
            )
        for activity_id in drop_links["activities"]:
            tx.update("activities", activity_id, {"lead_id": keep_id})
        for deal_id in drop_links["deals"]:
            tx.update("deals", deal_id, {"lead_id": keep_id})
        _absorb(
            tx, keep_id, tx.row("leads", drop_id), has_deal=bool(keep_deals or drop_links["deals"])
        )
        tx.delete("leads", drop_id)
    return store.leads.get_lead(keep_id)


def _absorb(tx: WriteTx, keep_id: int, drop: dict[str, object], *, has_deal: bool) -> None:
    keep = tx.row("leads", keep_id)
    changes = {k: drop[k] for k in _FILLABLE if _empty(keep[k]) and not _empty(drop[k])}
    # The person came in when the first of the two leads did.
    if str(drop["created_at"]) < str(keep["created_at"]):
        changes["created_at"] = drop["created_at"]
    if has_deal and keep["status"] != "qualified":
        # A lead with a deal is a qualified one (services/leads.py: qualify_lead).
        changes.update(status="qualified", disqualify_reason=None)
    if changes:
        tx.update("leads", keep_id, changes)
