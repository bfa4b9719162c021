"""Money rules: minor units per currency from CLDR (via Babel), ISO 4217 codes from pycountry."""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext, localcontext
from functools import lru_cache

import pycountry
from babel.numbers import get_currency_precision


@lru_cache(maxsize=512)
def is_currency(code: str) -> bool:
    """True when `code` is an active ISO 4217 alpha-3 currency code."""
    return len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None


@lru_cache(maxsize=512)
def minor_units(currency: str) -> int:
    """Decimal places of `currency` (JPY 0, USD 2, BHD 3), from the CLDR currency data."""
    return int(get_currency_precision(currency))


EXACT_PRECISION = 100
"""Significant digits of arithmetic in checks: the default 28 would round 30-digit amounts."""


def exact_arithmetic() -> AbstractContextManager[Context]:
    """A decimal context in which sums of amounts are exact (the default rounds at 28 digits)."""
    return localcontext(prec=max(EXACT_PRECISION, getcontext().prec))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half away from zero to the currency's minor units (commercial rounding)."""
    places = minor_units(currency)
    # quantize fails when the result has more digits than the context allows: give it room.
    with localcontext(prec=max(getcontext().prec, amount.adjusted() + places + 2)):
        return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fits_minor_units(amount: Decimal, currency: str) -> bool:
    """True when `amount` fits the currency's minor units (1.50 fits USD, 1.505 does not)."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -minor_units(currency):
        # No digit beyond the minor units, so nothing to round: the common case, decided
        # without a decimal context (every money field of every record passes here).
        return True
    try:
        return round_money(amount, currency) == amount
    except InvalidOperation:
        return False


def format_money(amount: Decimal, currency: str | None = None) -> str:
    """`amount` written with the currency's minor units where they fit, for messages."""
    if currency and is_currency(currency) and fits_minor_units(amount, currency):
        return str(round_money(amount, currency))
    return str(amount)
