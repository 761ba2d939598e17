"""Query families of everyday commands: deals, leads, activities, stages, owners, settings, log."""

from __future__ import annotations

from pipeline_tui.store.sqlite import (
    activities,
    deals,
    journal,
    leads,
    lookup,
    settings,
    signals,
)
from pipeline_tui.store.sqlite import stages as stage_sql
from pipeline_tui.store.sqlite.binding import Family, guarded


class Deals(Family):
    get_deal = guarded(deals.get_deal)
    list_deals = guarded(deals.list_deals)
    count_deals = guarded(deals.count_deals)
    deal_count = guarded(deals.deal_count)
    stage_history = guarded(deals.stage_history)
    deals_missing_or_due_next_step = guarded(deals.deals_missing_or_due_next_step)
    next_step_section = guarded(deals.next_step_section)
    open_deal_signals = guarded(signals.open_deal_signals)
    deal_links = guarded(deals.deal_links)


class Leads(Family):
    get_lead = guarded(leads.get_lead)
    list_leads = guarded(leads.list_leads)
    lead_links = guarded(leads.lead_links)
    lead_with_email = guarded(leads.lead_with_email)


class Activities(Family):
    get_activity = guarded(activities.get_activity)
    for_deal = guarded(activities.for_deal)
    for_lead = guarded(activities.for_lead)
    list_activities = guarded(activities.list_activities)
    planned_section = guarded(activities.planned_section)
    next_for_deal = guarded(activities.next_for_deal)
    open_count = guarded(activities.open_count)


class Stages(Family):
    pipelines = guarded(stage_sql.pipelines)
    pipeline_by_name = guarded(stage_sql.pipeline_by_name)
    stages = guarded(stage_sql.stages)
    stage_by_id = guarded(stage_sql.stage_by_id)
    find_stage = guarded(stage_sql.find_stage)
    open_deal_ids = guarded(stage_sql.open_deal_ids)
    open_sums = guarded(stage_sql.open_sums)
    stage_names = guarded(stage_sql.stage_names)


class Directory(Family):
    owner_id = guarded(lookup.owner_id)
    owner_names = guarded(lookup.owner_names)
    owners = guarded(lookup.owners)
    canonical_owner = guarded(lookup.canonical_owner)
    owner_names_by_id = guarded(lookup.owner_names_by_id)
    owner_teams = guarded(lookup.owner_teams)
    owner_holdings = guarded(lookup.owner_holdings)


class Settings(Family):
    get_setting = guarded(settings.get_setting)
    all_settings = guarded(settings.all_settings)
    currencies_in_use = guarded(settings.currencies_in_use)


class Journal(Family):
    recent_events = guarded(journal.recent_events)
    last_undoable = guarded(journal.last_undoable)
    command = guarded(journal.command)
    restored_at = guarded(journal.restored_at)
    value_before_close = guarded(journal.value_before_close)
