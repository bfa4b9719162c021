"""Money rules: minor units per currency from CLDR (via Babel), ISO 4217 codes from pycountry."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
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


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half away from zero to the currency's minor units (commercial rounding)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def fits_minor_units(amount: Decimal, currency: str) -> bool:
    """True when `amount` fits the currency's minor units (1.50 fits USD, 1.505 does not)."""
    try:
        return round_money(amount, currency) == amount
    except InvalidOperation:
        return False


def format_money(amount: Decimal, currency: str | None = None) -> str:
    """`amount` written with the currency's minor units where they fit, for messages."""
    if currency and is_currency(currency) and fits_minor_units(amount, currency):
        return str(round_money(amount, currency))
    return str(amount)
