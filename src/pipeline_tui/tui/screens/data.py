"""Read helpers shared by the screens (each runs in a thread worker), and owner checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline_tui.models import NotFoundError, Pipeline, PipelineError, Stage
from pipeline_tui.services.common import clean_text
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
    from pipeline_tui.services.common import default_currency, suggested_owner

    return Meta(pipeline_stages(store), store.pages.owner_names(), suggested_owner(store),
                default_currency(store), store.settings.get_setting("decimal"))  # fmt: skip


def owner_check(owners: list[str], mine: str) -> Callable[[str], str]:
    """An existing owner (any case), or the user's own name (created on first use), so a
    typo never makes a new owner (as --owner on the CLI, services/owners.py)."""
    from pipeline_tui.models.keys import name_key

    def check(text: str) -> str:
        name = (clean_text(text, "owner", required=True) or "").strip()
        found = {name_key(o): o for o in [*owners, mine] if o}.get(name_key(name))
        if found is None:
            raise PipelineError(f"no owner named {name!r} (owners: {', '.join(owners)})")
        return found

    return check


def owner_hint(owners: list[str]) -> str:
    """The owner field's placeholder: the names it accepts (tab completes one)."""
    return ", ".join(owners[:3]) + (", ..." if len(owners) > 3 else "")
