"""What both directions of the Xero translation share: the context, tracking kinds, errors.

A translation that cannot produce a valid record raises `MappingError` whose message names the
Xero field and the canonical path, e.g. `AmountDue -> invoice.amount_due: ...`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, wraps
from typing import Any, Literal, TypeVar

from canonical import Record
from connectors.errors import MappingError
from connectors.ids import IdResolver
from connectors.mapping import build_record
from connectors.mapping import text as _text
from connectors.xero.models import XeroTracking

R = TypeVar("R", bound=Record)

text = _text
"""The value with surrounding blanks removed; None for None or an empty string."""

UnflaggedContacts = Literal["both", "customer", "supplier", "skip"]


@lru_cache(maxsize=1024)
def snake_case(name: str) -> str:
    """`Cost Centre` -> `cost_centre`: the default dimension kind of a tracking category."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class TranslateContext:
    """What a translation needs beyond the payload, for one connection.

    `tracking_kinds` maps a tracking category's name to its dimension kind ("Region" ->
    "location"); a category not listed becomes its snake_cased name. `tracking_categories` lists
    the organisation's category names so that writes can find the category of a kind that is not
    in `tracking_kinds`. `unflagged_contacts` says what a contact that Xero marks neither supplier
    nor customer becomes (see `translate_contacts`). `account_codes` maps
    AccountID to Code, for payments whose bank account Xero names by id only (batch payments).
    """

    connection_id: str
    ids: IdResolver
    base_currency: str
    tracking_kinds: Mapping[str, str] = field(default_factory=dict)
    tracking_categories: tuple[str, ...] = ()
    unflagged_contacts: UnflaggedContacts = "both"
    account_codes: Mapping[str, str] = field(default_factory=dict)

    def kind_of(self, category: str) -> str:
        """The dimension kind of a tracking category name."""
        if category in self.tracking_kinds:
            return self.tracking_kinds[category]
        folded = category.casefold()
        for name, kind in self.tracking_kinds.items():
            if name.casefold() == folded:
                return kind
        return snake_case(category)

    def account_code(self, code: str | None, account_id: str | None) -> str | None:
        """An account's code: as given, else looked up by its AccountID."""
        given = text(code)
        if given is None and account_id:
            return self.account_codes.get(account_id)
        return given

    def category_of(self, kind: str) -> str | None:
        """The tracking category name of a dimension kind, when one is known."""
        for name in (*self.tracking_kinds, *self.tracking_categories):
            if self.kind_of(name) == kind:
                return name
        return None


def mapping_error(
    source: str, remote_id: str | None, xero_field: str, path: str, reason: str
) -> MappingError:
    """A MappingError for one field: `Xero Invoice 'id': AmountDue -> invoice.amount_due: ...`."""
    detail = f"{xero_field} -> {path}: {reason}"
    return MappingError(f"{_subject(source, remote_id)}: {detail}", details=[detail])


def key(value: str | None) -> str:
    """An item's id: `Connector.read` refuses an item without it before translation."""
    if not value:
        raise MappingError("a Xero item reached translation without its id")
    return value


def _subject(source: str, remote_id: str | None) -> str:
    return f"Xero {source} '{remote_id}'" if remote_id else f"Xero {source}"


def build(
    cls: type[R],
    data: dict[str, Any],
    *,
    source: str,
    remote_id: str | None,
    fields: Mapping[str, str],
) -> R:
    """Validate `data` as canonical `cls`; a violation becomes a MappingError naming both sides."""
    return build_record(cls, data, subject=_subject(source, remote_id), fields=fields)


def dec_sum(values: list[Decimal | None]) -> Decimal:
    """Sum of the given amounts, None counting as zero."""
    return sum((v for v in values if v is not None), Decimal(0))


def own_id(record: Record, ctx: TranslateContext) -> str | None:
    """The Xero id a write sends for `record` (its `remote_id`, else its binding), so a POST
    updates instead of creating."""
    return record.remote_id or ctx.ids.remote_id(record.OBJECT, record.id)


def tracking_to_xero(
    dims: dict[str, str], ctx: TranslateContext, source: str, path: str
) -> list[XeroTracking] | None:
    """Canonical dimensions as Xero tracking (category name and option)."""
    out = []
    for kind, option in dims.items():
        category = ctx.category_of(kind)
        if category is None:
            if ctx.tracking_kinds or ctx.tracking_categories:
                raise mapping_error(
                    source,
                    None,
                    "Tracking[].Name",
                    f"{path}.dimensions.{kind}",
                    f"no tracking category of this organisation has the kind '{kind}'",
                )
            category = kind.replace("_", " ").title()  # the categories are not known: best guess
        out.append(XeroTracking(name=category, option=option))
    return out or None


W_ = TypeVar("W_")


def naming_the_record(
    writer: Callable[[Record, TranslateContext], W_],
) -> Callable[[Record, TranslateContext], W_]:
    """A writer whose MappingError also names the hub record it is about."""

    @wraps(writer)
    def write(record: Record, ctx: TranslateContext) -> W_:
        try:
            return writer(record, ctx)
        except MappingError as exc:
            message = f"{exc.message} (hub record {record.id})"
            raise MappingError(message, details=exc.details) from None

    return write
