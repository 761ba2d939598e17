"""Query families of reports, the TUI's pages, exports and imports, loaded when first used."""

from __future__ import annotations

from pipeline_tui.store.sqlite import (
    asof,
    exports,
    import_history,
    import_records,
    kpis,
    paging,
    record_pages,
    reports,
    review,
    targets,
)
from pipeline_tui.store.sqlite.binding import Family, guarded


class Targets(Family):
    all_targets = guarded(targets.all_targets)
    find_target = guarded(targets.find_target)
    snapshots = guarded(targets.snapshots)


class Pages(Family):
    count = guarded(paging.count)
    page_after = guarded(paging.page_after)
    page_at = guarded(paging.page_at)
    position_of = guarded(paging.position_of)
    ordered_ids = guarded(paging.ordered_ids)
    rows_by_ids = guarded(paging.rows_by_ids)
    board_keys = guarded(paging.board_keys)
    board_heads = guarded(paging.board_heads)
    board_key = guarded(paging.board_key)
    stage_totals = guarded(paging.stage_totals)
    owner_names = guarded(paging.owner_names)
    deal_titles = guarded(paging.deal_titles)
    record_count = guarded(record_pages.count)
    record_page = guarded(record_pages.page)
    record_position = guarded(record_pages.position)


class Reports(Family):
    tune_for_reports = guarded(asof.tune_for_reports)
    replay = guarded(asof.replay)
    open_by_period = guarded(reports.open_by_period)
    open_undated = guarded(reports.open_undated)
    won_by_period = guarded(reports.won_by_period)
    first_known = guarded(reports.first_known)
    closed_undated = guarded(reports.closed_undated)
    unknown_history = guarded(reports.unknown_history)
    names = guarded(reports.names)
    active_stage_ids = guarded(reports.active_stage_ids)


class Kpis(Family):
    closed = guarded(kpis.closed)
    open_deals = guarded(kpis.open_deals)
    not_stalled = guarded(kpis.not_stalled)
    response_hours = guarded(kpis.response_hours)
    activities = guarded(kpis.activities)
    conversion = guarded(kpis.conversion)
    unknown_history = guarded(kpis.unknown_history)
    lost_reasons = guarded(kpis.lost_reasons)
    stage_order = guarded(kpis.stage_order)


class Review(Family):
    new_deals = guarded(review.new_deals)
    stage_moves = guarded(review.stage_moves)
    close_date_changes = guarded(review.close_date_changes)
    pushes = guarded(review.pushes)
    deals_by_id = guarded(review.deals_by_id)
    closed_deals = guarded(review.closed_deals)
    open_deals = guarded(review.open_deals)
    stalled_deals = guarded(review.stalled_deals)
    overdue_activities = guarded(review.overdue_activities)
    signals = guarded(review.signals)


class Exports(Family):
    export_rows = guarded(exports.export_rows)
    database_key = guarded(import_records.database_key)


class Imports(Family):
    list_imports = guarded(import_records.list_imports)
    get_import = guarded(import_records.get_import)
    owners_index = guarded(import_history.owners_index)
    deals_by_external_ids = guarded(import_history.deals_by_external_ids)
    history_row_ids = guarded(import_history.history_row_ids)
