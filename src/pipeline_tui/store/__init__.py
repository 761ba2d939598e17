"""The only home of SQL: opening the database, migrations, journalled writes and queries."""

from pipeline_tui.store.core import SchemaTooNewError, Store, Tx

__all__ = ["SchemaTooNewError", "Store", "Tx"]
