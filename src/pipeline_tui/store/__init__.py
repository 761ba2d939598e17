"""The only home of SQL: the interface in api.py, and one folder per backend behind it."""

from pipeline_tui.store.sqlite.core import SchemaTooNewError, Store, Tx

__all__ = ["SchemaTooNewError", "Store", "Tx"]
