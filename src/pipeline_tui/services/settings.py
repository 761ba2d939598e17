"""Settings rules: which keys exist and what values they accept."""

from __future__ import annotations

import re

from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import DECIMAL_MARKS, check_currency
from pipeline_tui.services.common import clean_text
from pipeline_tui.store.api import Store

KEYS = {
    "owner": "default owner of new leads, deals and activities",
    "currency": "default currency of new deals (USD until set)",
    "decimal": "your decimal mark, ',' or '.': then 12.500 or 12,500 is read, not refused",
    "rate.XXX": "exchange rate of currency XXX into the report currency, e.g. rate.EUR 1.08",
}
_RATE = re.compile(r"^rate\.([A-Za-z]{3})$")


def _normalise(key: str, value: str) -> tuple[str, str]:
    key = key.strip().lower()
    if key == "owner":
        return key, (clean_text(value, "owner", required=True) or "").strip()
    if key == "currency":
        return key, check_currency(value)
    if key == "decimal":
        mark = {"comma": ",", "point": ".", "dot": "."}.get(value.strip().lower(), value.strip())
        if mark not in DECIMAL_MARKS:
            raise PipelineError(f"invalid decimal mark {value!r}: use ',' or '.'")
        return key, mark
    m = _RATE.match(key)
    if m:
        try:
            rate = float(value)
        except ValueError:
            raise PipelineError(f"invalid rate {value!r}: use a positive number") from None
        if not rate > 0:
            raise PipelineError(f"invalid rate {value!r}: use a positive number")
        return f"rate.{m.group(1).upper()}", repr(rate)
    if key.startswith("attention."):
        try:
            float(value)
        except ValueError:
            raise PipelineError(f"invalid weight {value!r}: use a number") from None
        return key, value
    raise PipelineError(f"unknown setting {key!r}: use one of {', '.join(KEYS)}")


def set_value(store: Store, key: str, value: str) -> tuple[str, str]:
    key, value = _normalise(key, value)
    with store.tx(f"config set {key}") as tx:
        tx.put_setting(key, value)
    return key, value


def get_value(store: Store, key: str) -> str | None:
    from pipeline_tui.services.common import actor_name, default_currency

    k = key.strip().lower()
    if k == "owner":
        return actor_name(store)
    if k == "currency":
        return default_currency(store)
    if k == "decimal":
        return store.settings.get_setting("decimal")
    if _RATE.match(k):
        return store.settings.get_setting(f"rate.{k[5:].upper()}")
    value = store.settings.get_setting(k)
    if value is None and not k.startswith("attention."):
        raise PipelineError(f"unknown setting {key!r}: use one of {', '.join(KEYS)}")
    return value


def all_values(store: Store) -> dict[str, str]:
    from pipeline_tui.services.common import actor_name, default_currency

    values = {"owner": actor_name(store), "currency": default_currency(store)}
    values.update(store.settings.all_settings())
    return values
