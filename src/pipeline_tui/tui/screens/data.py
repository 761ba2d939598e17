"""Read helpers shared by the screens; each runs inside a thread worker, never on the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline_tui.models import NotFoundError, Pipeline, Stage
from pipeline_tui.services.deal_detail import DealDetailData, deal_detail
from pipeline_tui.store.api import Store


def load_detail(store: Store, deal_id: int) -> DealDetailData | None:
    """Everything the detail pane shows; None if the deal no longer exists."""
    try:
        return deal_detail(store, deal_id)
    except NotFoundError:
        return None


def pipeline_stages(store: Store) -> list[tuple[Pipeline, list[Stage]]]:
    """Every pipeline with its stages, default pipeline first."""
    return [(p, store.stages.stages(p.id)) for p in store.stages.pipelines()]


@dataclass
class Meta:
    """Slow-changing facts the forms and filters need without a query: pipelines and
    their stages, owners, and the defaults for new deals."""

    pipelines: list[tuple[Pipeline, list[Stage]]] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    owner: str = ""
    currency: str = "USD"
    decimal: str | None = None  # the configured decimal mark, if any (config set decimal)

    def stages_of_stage(self, stage_id: int | None) -> list[Stage]:
        """The stages of the pipeline holding ``stage_id`` (the default pipeline if None)."""
        for _p, stage_list in self.pipelines:
            if stage_id is None or any(s.id == stage_id for s in stage_list):
                return stage_list
        return []

    def stages_of(self, pipeline_id: int | None) -> list[Stage]:
        for p, stage_list in self.pipelines:
            if pipeline_id is None or p.id == pipeline_id:
                return stage_list
        return []


def load_meta(store: Store) -> Meta:
    from pipeline_tui.services.common import default_currency, default_owner

    return Meta(pipeline_stages(store), store.pages.owner_names(), default_owner(store),
                default_currency(store), store.settings.get_setting("decimal"))  # fmt: skip
