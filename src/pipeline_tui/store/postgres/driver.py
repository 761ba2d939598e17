"""The store's one door to psycopg: the parts it uses, without the package's own __init__.

``import psycopg`` runs psycopg/__init__.py, which loads every cursor and connection kind
(async ones too), the COPY, pipeline and two-phase machinery and adapters for ranges,
multiranges, networks, JSON, UUIDs and numpy: about a third of psycopg's import time, and
a command pays it before its first query (bench/pg_bench.py). Here the package is put in
``sys.modules`` without running that file; only the modules named below load, and only
the adapters for what the store sends and reads (text, numbers, booleans, NULL, dates).
psycopg_binary's version, which it asks of importlib.metadata (whose import alone costs
about 10 ms), is read from its dist-info folder's name when that is unambiguous.
Anyone who later asks the package for a name it defines (``psycopg.connect``,
``psycopg.Error``...) gets the real __init__ run then, once, so other code in the process
(tests, the benches) sees psycopg as it always is.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from typing import Any


class _Package(types.ModuleType):
    """psycopg's package whose __init__ has not run: it runs on the first name asked."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name != "__version__":  # the import system's probes
            raise AttributeError(name)
        if importlib.util.find_spec(f"psycopg.{name}") is not None:  # a submodule: just it
            return importlib.import_module(f"psycopg.{name}")
        object.__setattr__(self, "__class__", types.ModuleType)  # a plain module from now on
        assert self.__spec__ is not None and self.__spec__.loader is not None
        self.__spec__.loader.exec_module(self)  # the real psycopg/__init__.py
        return getattr(self, name)


def load() -> None:
    """psycopg's package in ``sys.modules`` (its __init__ deferred); ImportError if missing.

    A ``None`` in ``sys.modules`` (how tests simulate a missing install) raises too.
    """
    if "psycopg" not in sys.modules:
        spec = importlib.util.find_spec("psycopg")
        if spec is None or spec.loader is None:
            raise ImportError("No module named 'psycopg'")
        package = importlib.util.module_from_spec(spec)
        package.__class__ = _Package
        sys.modules["psycopg"] = package
        _binary_version()
        try:
            _register_adapters()
        except Exception:
            # A psycopg whose insides moved (the extra asks only for >= 3.1): forget the
            # part-loaded package and import the whole of it, as anyone would; only the
            # start-up time is lost.
            for name in [n for n in sys.modules if n == "psycopg" or n.startswith("psycopg.")]:
                del sys.modules[name]
    import psycopg  # noqa: F401  (raises ImportError when sys.modules holds None)


def _binary_version() -> None:
    """``psycopg_binary.version`` with the version its dist-info folder is named after."""
    if "psycopg_binary.version" in sys.modules:
        return
    spec = importlib.util.find_spec("psycopg_binary")
    if spec is None or not spec.submodule_search_locations:
        return  # another implementation (psycopg_c, pure Python): nothing to spare
    folder = os.path.dirname(os.path.abspath(list(spec.submodule_search_locations)[0]))
    prefix, suffix = "psycopg_binary-", ".dist-info"
    found = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(suffix)]
    if len(found) != 1:
        return  # not one installed copy: let the package ask importlib.metadata itself
    module = types.ModuleType("psycopg_binary.version")
    module.__version__ = found[0][len(prefix) : -len(suffix)]  # type: ignore[attr-defined]
    sys.modules["psycopg_binary.version"] = module


def _register_adapters() -> None:
    """What psycopg/__init__.py registers, cut to the types the store's SQL uses."""
    from psycopg import postgres
    from psycopg.types import bool as bools
    from psycopg.types import datetime, none, numeric, string

    adapters = postgres.adapters
    postgres.register_default_types(adapters.types)
    # The order of psycopg's own register_default_adapters: numbers after booleans.
    for module in (datetime, none, string, bools, numeric):
        module.register_default_adapters(adapters)


load()

# Below, psycopg's modules as the store uses them (after load(): never the package's __init__).
from psycopg import errors, pq, sql  # noqa: E402  (sql: the connection's module loads it)
from psycopg.adapt import Dumper, Loader  # noqa: E402
from psycopg.connection import Connection  # noqa: E402
from psycopg.cursor import Cursor  # noqa: E402
from psycopg.errors import Error, IntegrityError  # noqa: E402

__all__ = [
    "Connection",
    "Cursor",
    "Dumper",
    "Error",
    "IntegrityError",
    "Loader",
    "errors",
    "load",
    "pq",
    "sql",
]
