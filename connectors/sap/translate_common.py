"""What every SAP translation shares: the context, remote ids, dates, terms, dimensions.

Remote ids carry the parts of SAP's key that a document number alone does not make unique:
`5100000001/2025` (supplier invoice + fiscal year), `1010/2025/1500000001` (company code +
fiscal year + accounting document), `A000/10101101` (controlling area + cost center).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from canonical.enums import AccountType
from connectors.errors import ValidationError
from connectors.ids import IdResolver
from connectors.mapping import text

__all__ = [
    "DEFAULT_PAYMENT_TERMS",
    "SapContext",
    "account_groups",
    "dimensions",
    "join_stamp",
    "record_base",
    "remote_id",
    "subject",
]

DEFAULT_PAYMENT_TERMS: Mapping[str, int] = {"0001": 0, "0002": 30, "0004": 30}
"""SAP's standard payment terms keys, in days after the base date; `NTnn` is read as nn days."""
_NET_DAYS = re.compile(r"^NT(\d{1,3})$")


@dataclass(frozen=True)
class SapContext:
    """What a translation needs beyond the payload, for one connection (read once per read)."""

    connection_id: str
    ids: IdResolver
    company_code: str = "1010"
    base_currency: str = "EUR"
    chart_of_accounts: str = "YCOA"
    language: str = "EN"
    profit_center_kind: str = "profit_center"
    payment_terms: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PAYMENT_TERMS))
    account_groups: Mapping[str, str] = field(default_factory=dict)
    """G/L account group -> canonical account type, the tenant's own (option `account_groups`)."""

    def terms_days(self, key: str | None) -> int | None:
        """Days of a payment terms key, when it is known or of the `NTnn` form."""
        key = text(key)
        if key is None:
            return None
        if key in self.payment_terms:
            return self.payment_terms[key]
        match = _NET_DAYS.match(key)
        return int(match.group(1)) if match else None


def account_groups(option: str | None) -> dict[str, str]:
    """`GROUP=type,GROUP=type` (option `account_groups`) as a mapping; a ValidationError names
    an entry whose type is not a canonical account type."""
    groups: dict[str, str] = {}
    for part in (option or "").split(","):
        if not part.strip():
            continue
        group, _, kind = part.partition("=")
        if kind.strip() not in {t.value for t in AccountType}:
            known = ", ".join(t.value for t in AccountType)
            raise ValidationError(
                f"the account_groups option: '{part.strip()}' needs GROUP=type (types: {known})"
            )
        groups[group.strip()] = kind.strip()
    return groups


def remote_id(*parts: str | None) -> str:
    """The remote id of a composite SAP key: its parts joined with `/`."""
    return "/".join(str(p) for p in parts)


def subject(entity_set: str, rid: str | None) -> str:
    """How errors name a record: `SAP A_SupplierInvoice '5100000001/2025'`."""
    return f"SAP {entity_set} '{rid}'" if rid else f"SAP {entity_set}"


def record_base(ctx: SapContext, obj: str, rid: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The fields every record has: hub id, connection, remote id, raw payload."""
    return {
        "id": ctx.ids.hub_id(obj, rid),
        "connection_id": ctx.connection_id,
        "remote_id": rid,
        "remote_data": raw,
    }


def join_stamp(day: datetime | date | None, clock: time | None) -> datetime | None:
    """`LastChangeDate` + `LastChangeTime` as one UTC instant."""
    if day is None:
        return None
    if isinstance(day, datetime):
        day = day.date()
    return datetime.combine(day, clock or time(), tzinfo=UTC)


def dimensions(
    ctx: SapContext, cost_center: str | None, profit_center: str | None
) -> dict[str, str]:
    """A line's dimensions: its cost center and profit center, when set."""
    out: dict[str, str] = {}
    if text(cost_center):
        out["cost_center"] = str(text(cost_center))
    if text(profit_center):
        out[ctx.profit_center_kind] = str(text(profit_center))
    return out
