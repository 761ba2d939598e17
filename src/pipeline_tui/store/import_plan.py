"""An import's plan and record, and the spool's columns, shared by service and backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The columns of a spool row per entity, after (line, err): the row builders
# (services/imports/rows.py) make tuples in this order, the import session reads them by name.
SPOOL_COLUMNS: dict[str, tuple[str, ...]] = {
    "leads": ("ident", "ext", "self_id", "name", "email", "phone", "ckey", "source", "okey",
              "status", "notes", "created_at", "disq", "ekey", "custom"),
    "deals": ("ident", "ext", "self_id", "title", "title_auto", "tkey", "ckey", "contact",
              "contact_email", "cekey", "okey", "pkey", "skey", "status",
              "value_minor", "currency", "probability", "category", "close_date", "next_step",
              "next_due", "lost_reason", "created_at", "closed_at", "lead_ext", "lead_self",
              "company_ext", "custom"),
    "activities": ("ident", "ext", "self_id", "kind", "subject", "deal_ext", "deal_self",
                   "lead_ext", "lead_self", "lead_ekey", "okey", "done_at", "due_at",
                   "outcome", "notes", "created_at", "custom"),
    "companies": ("ident", "ext", "self_id", "name", "nkey", "domain", "industry", "size",
                  "city", "country", "okey", "notes", "created_at", "custom"),
    "people": ("ident", "ext", "self_id", "name", "email", "ekey", "phone", "title", "co_ext",
               "ckey", "okey", "notes", "created_at", "custom"),
}  # fmt: skip


# One CSV stage name resolved: (pipeline key, stage key, pipeline id, stage id or None,
# status or None, first stage id, stage name as shown in a preview).
StageMapRow = tuple[str, str, int, int | None, str | None, int, str]


@dataclass
class ImportPlan:
    """What the import service decided for one file; the import session carries it out."""

    entity: str
    spools: list[str]  # the workers' spool files, in file order
    custom_names: list[str]
    match: list[str]
    now: str
    owner_key: str
    owner_name: str
    currency: str
    pipeline_id: int
    first_stage_id: int
    actor_key: str | None = None
    custom_column: bool = False
    stage_map: list[StageMapRow] = field(default_factory=list)
    # Custom-field names (folded: lower case, no spaces) that hold a company's old id, for
    # linking the records imported before their companies (`import companies`).
    company_refs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportRecord:
    id: int
    entity: str
    source: str
    at: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    extras: dict[str, int]
    undone: bool
    command_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity": self.entity,
            "source": self.source,
            "at": self.at,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            **{k if k.startswith("linked_") else f"created_{k}": v for k, v in self.extras.items()},
            "undone": self.undone,
        }
