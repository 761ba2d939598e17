"""Converting amounts between currencies with the ``rate.XXX`` settings, for reports only."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from pipeline_tui.models import PipelineError
from pipeline_tui.models.money import check_currency, exponent
from pipeline_tui.services.common import default_currency
from pipeline_tui.store.api import Store

Convert = Callable[[int, str], int]


def converter(store: Store, into: str) -> Convert:
    """A function from (minor units, currency) to minor units of ``into``.

    ``rate.XXX`` is the value of one XXX in the default currency (``config currency``), whose
    own rate is 1. A currency without a rate is an error naming the setting to add.
    """
    into = check_currency(into)
    base = default_currency(store)
    settings = store.settings.all_settings()

    def rate(code: str) -> Decimal:
        if code == base:
            return Decimal(1)
        value = settings.get(f"rate.{code}")
        if value is None:
            raise PipelineError(
                f"no exchange rate for {code}: set the value of 1 {code} in {base} with "
                f"'pipeline config set rate.{code} 1.08' (an example figure)"
            )
        return Decimal(value)

    into_rate = rate(into)
    cache: dict[str, Decimal] = {into: Decimal(1)}

    def convert(minor: int, code: str) -> int:
        if code == into:
            return minor
        if code not in cache:
            cache[code] = rate(code) / into_rate
        major = Decimal(minor).scaleb(-exponent(code)) * cache[code]
        return int(major.scaleb(exponent(into)).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    return convert
