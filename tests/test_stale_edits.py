"""No lost edits: a stale edit is refused naming the field; edits of other fields both stand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from pipeline_tui.models.errors import StaleError
from pipeline_tui.services import deals, journal, leads
from pipeline_tui.services.deals import DealInput
from pipeline_tui.store.api import open_store
from pipeline_tui.store.sqlite import SqliteStore as Store
from tests.conftest import Cli
from tests.store_contract.helpers import events, row

pytestmark = pytest.mark.both_backends


@pytest.fixture
def other(db_target: str, store: Store) -> Iterator[Store]:
    """A second connection to the same database: another user, or the CLI."""
    s = open_store(db_target, actor="Ben")
    yield s
    s.close()


def test_stale_title_is_refused_naming_the_field_both_values_and_nothing_is_written(
    store: Store, other: Store
) -> None:
    deal = deals.add_deal(store, DealInput("Old title", 100_00, next_step="Call"))
    opened = deals.editable_fields(deal)  # 1. the form opens
    deals.edit_deal(other, deal.id, title="Renamed by Ben")  # 2. another renames it
    before = row(store, "deals", deal.id)
    n_events = len(events(store))
    with pytest.raises(StaleError) as caught:  # 3. the first saves a new title
        deals.edit_deal(store, deal.id, title="My [b]title", expected={"title": opened["title"]})
    assert str(caught.value) == (
        f"deal {deal.id} changed since you opened it: title is now 'Renamed by Ben' "
        "(you changed it to 'My [b]title'); reload and try again"
    )
    assert caught.value.fields == ["title"]
    assert row(store, "deals", deal.id) == before  # 4. not reverted, not overwritten
    assert len(events(store)) == n_events


def test_edits_of_different_fields_both_stand(store: Store, other: Store) -> None:
    deal = deals.add_deal(store, DealInput("Old title", 100_00, next_step="Call"))
    opened = deals.editable_fields(deal)
    deals.edit_deal(other, deal.id, title="Renamed by Ben")
    saved = deals.edit_deal(
        store,
        deal.id,
        value_minor=250_00,
        close_date=date(2027, 1, 5),
        expected={k: opened[k] for k in ("value_minor", "close_date")},
    )
    assert (saved.title, saved.value_minor, saved.close_date) == (
        "Renamed by Ben",
        250_00,
        "2027-01-05",
    )


def test_the_same_change_twice_is_no_conflict(store: Store, other: Store) -> None:
    deal = deals.add_deal(store, DealInput("Old", 100_00))
    deals.edit_deal(other, deal.id, title="Agreed")
    again = deals.edit_deal(store, deal.id, title="Agreed", expected={"title": "Old"})
    assert again.title == "Agreed"


def test_stale_amounts_are_shown_as_money_and_every_stale_field_is_named(
    store: Store, other: Store
) -> None:
    deal = deals.add_deal(store, DealInput("Deal", 100_00, owner="Ann", company="Acme"))
    opened = deals.editable_fields(deal)
    deals.edit_deal(other, deal.id, value_minor=500_00, company=None)
    with pytest.raises(StaleError) as caught:
        deals.edit_deal(
            store,
            deal.id,
            value_minor=7_00,
            company="Initech",
            owner="Ben",
            expected={k: opened[k] for k in ("value_minor", "company", "owner")},
        )
    assert caught.value.fields == ["value_minor", "company"]  # the owner did not change
    assert "value is now 500.00 USD (you changed it to 7.00 USD)" in str(caught.value)
    assert "company is now blank (you changed it to 'Initech')" in str(caught.value)
    assert deals.editable_fields(store.deals.get_deal(deal.id))["owner"] == "Ann"


def test_undo_reverts_a_checked_edit_exactly(store: Store) -> None:
    deal = deals.add_deal(store, DealInput("Old", 100_00))
    added = row(store, "deals", deal.id)
    deals.edit_deal(store, deal.id, title="New", expected={"title": "Old"})
    journal.undo(store)
    assert row(store, "deals", deal.id) == added


def test_stale_lead_edit_is_refused_and_other_fields_both_stand(store: Store, other: Store) -> None:
    lead = leads.add_lead(store, "Jo", email="jo@acme.com", phone="1")
    opened = leads.editable_fields(lead)
    leads.edit_lead(other, lead.id, name="Joanna")
    with pytest.raises(StaleError, match=r"name is now 'Joanna' \(you changed it to 'Jo B'\)"):
        leads.edit_lead(store, lead.id, name="Jo B", expected={"name": opened["name"]})
    saved = leads.edit_lead(store, lead.id, phone="2", expected={"phone": opened["phone"]})
    assert (saved.name, saved.phone) == ("Joanna", "2")


def _last_update(store: Store, entity: str) -> tuple[set[str], set[str]]:
    update = [e for e in events(store) if e.entity == entity and e.action == "update"][-1]
    return set(update.before or {}), set(update.after or {})


def test_cli_deal_edit_writes_only_the_fields_given(cli: Cli, db_target: str) -> None:
    assert cli("deal", "add", "Pilot", "--value", "100", "--next-step", "Call").exit_code == 0
    assert cli("deal", "edit", "1", "--title", "Renamed").exit_code == 0
    store = open_store(db_target)
    try:
        assert _last_update(store, "deals") == ({"title", "updated_at"},) * 2
        deals.edit_deal(store, 1, next_step="Demo")  # another user's change in between
    finally:
        store.close()
    result = cli("deal", "edit", "1", "--value", "250")
    assert result.exit_code == 0, result.stdout + result.stderr
    store = open_store(db_target)
    try:
        assert _last_update(store, "deals") == ({"value_minor", "updated_at"},) * 2
        deal = store.deals.get_deal(1)
        assert (deal.title, deal.value_minor, deal.next_step) == ("Renamed", 250_00, "Demo")
    finally:
        store.close()
    cli("undo")
    store = open_store(db_target)
    try:
        assert store.deals.get_deal(1).value_minor == 100_00
    finally:
        store.close()


def test_cli_lead_edit_writes_only_the_fields_given(cli: Cli, db_target: str) -> None:
    assert cli("lead", "add", "Jo", "--email", "jo@acme.com").exit_code == 0
    result = cli("lead", "edit", "1", "--phone", "+1 555")
    assert result.exit_code == 0, result.stdout + result.stderr
    store = open_store(db_target)
    try:
        assert _last_update(store, "leads") == ({"phone", "updated_at"},) * 2
    finally:
        store.close()
