"""Xero manual journals and reference data (accounts, tax rates, tracking) and canonical records.

Rules worth knowing (each is tested):
- Manual journals: positive `LineAmount` debit, negative credit; blank and zero lines are left out
  (they post nothing); lines of an `Exclusive` journal carry their tax (`LineAmount + TaxAmount`),
  as canonical lines are gross. `ARCHIVED` stays posted (archiving hides, it does not reverse).
- Accounts: `Class` gives the type (from `Type` when `Class` is absent); `ARCHIVED` -> archived,
  `DELETED` -> archived and `remote_deleted`. An account without a code is a MappingError.
- Tax rates: `TaxType` is the code and the remote id; `EffectiveRate` the rate.
- Tracking categories: one Dimension per option (remote id: the option's id), its kind from
  `TranslateContext.kind_of(category name)`; an archived category archives its options.

Writes (canonical records into Xero bodies; a write sends the record's own Xero id, its
`remote_id` or else its binding, so that a POST updates instead of creating; a hub id Xero does
not know yet is a MappingError naming the Xero field, the canonical path and the hub record):
- Journal entries: debit -> positive `LineAmount`, credit -> negative; the entry must be in the
  organisation's base currency and its lines carry no party (Xero journals have none).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from canonical import (
    Account,
    AccountType,
    Dimension,
    JournalEntry,
    JournalStatus,
    Record,
    ReferenceStatus,
    TaxRate,
)
from connectors.xero.enums import (
    ACCOUNT_TYPE_CLASS,
    AccountClass,
    LineAmountType,
    ManualJournalStatus,
    TaxRateStatus,
    TrackingStatus,
)
from connectors.xero.models import (
    XeroAccount,
    XeroManualJournal,
    XeroManualJournalLine,
    XeroTaxRate,
    XeroTrackingCategory,
)
from connectors.xero.translate_common import (
    TranslateContext,
    build,
    key,
    mapping_error,
    naming_the_record,
    own_id,
    text,
    tracking_to_xero,
)
from connectors.xero.translate_documents import dimensions
from connectors.xero.translate_payments import record_base

JOURNAL_FIELDS = {
    "journal_entry.posting_date": "Date",
    "journal_entry.lines": "JournalLines",
    "journal_entry.lines[]": "JournalLines[]",
    "journal_entry.lines[].account_code": "JournalLines[].AccountCode",
    "journal_entry.lines[].debit": "JournalLines[].LineAmount",
    "journal_entry.lines[].credit": "JournalLines[].LineAmount",
}
REFERENCE_FIELDS = {
    "account.code": "Code",
    "account.name": "Name",
    "account.type": "Class",
    "account.currency": "CurrencyCode",
    "tax_rate.code": "TaxType",
    "tax_rate.name": "Name",
    "tax_rate.rate_percent": "EffectiveRate",
    "dimension.code": "Options[].Name",
    "dimension.name": "Options[].Name",
    "dimension.kind": "Name",
}

# ---------------------------------------------------------------------------------------------
# Manual journals


_JOURNAL_STATUS = {
    ManualJournalStatus.DRAFT: JournalStatus.DRAFT,
    ManualJournalStatus.POSTED: JournalStatus.POSTED,
    ManualJournalStatus.ARCHIVED: JournalStatus.POSTED,
    ManualJournalStatus.VOIDED: JournalStatus.VOIDED,
    ManualJournalStatus.DELETED: JournalStatus.VOIDED,
}


def manual_journal_to_canonical(
    journal: XeroManualJournal, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A manual journal as a journal entry: positive LineAmount debit, negative credit."""
    rid = key(journal.manual_journal_id)  # present: the base refuses an item without its id
    exclusive = journal.line_amount_types == LineAmountType.EXCLUSIVE
    lines: list[dict[str, Any]] = []
    for i, line in enumerate(journal.journal_lines or []):
        amount = line.line_amount or Decimal(0)
        if exclusive and line.tax_amount:
            amount += abs(line.tax_amount).copy_sign(amount)
        if line.is_blank or amount == 0:
            continue
        account = text(line.account_code)
        if account is None:
            raise mapping_error(
                "ManualJournal",
                rid,
                f"JournalLines[{i}].AccountCode",
                f"journal_entry.lines[{len(lines)}].account_code",
                "a journal line needs an account code",
            )
        lines.append(
            {
                "account_code": account,
                "description": text(line.description),
                "debit": amount if amount > 0 else Decimal(0),
                "credit": -amount if amount < 0 else Decimal(0),
                "tax_code": text(line.tax_type),
                "dimensions": dimensions(
                    line.tracking or [],
                    ctx,
                    source="ManualJournal",
                    rid=rid,
                    where=(f"JournalLines[{i}]", f"journal_entry.lines[{len(lines)}]"),
                ),
            }
        )
    status = journal.status or ManualJournalStatus.DRAFT
    data = {
        **record_base(ctx, "journal_entry", rid, raw),
        "remote_updated_at": journal.updated_date_utc,
        "remote_deleted": status in (ManualJournalStatus.VOIDED, ManualJournalStatus.DELETED),
        "posting_date": journal.date,
        "currency": ctx.base_currency,
        "memo": text(journal.narration),
        "status": _JOURNAL_STATUS[status],
        "lines": lines,
    }
    return [build(JournalEntry, data, source="ManualJournal", remote_id=rid, fields=JOURNAL_FIELDS)]


# ---------------------------------------------------------------------------------------------
# Reference data


def _reference_status(status: str | None) -> tuple[ReferenceStatus, bool]:
    if status in ("ARCHIVED", "DELETED"):
        return ReferenceStatus.ARCHIVED, status == "DELETED"
    return ReferenceStatus.ACTIVE, False


def account_to_canonical(
    account: XeroAccount, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A Xero account; its `Class` (or, when absent, its `Type`) gives the canonical type."""
    rid = key(account.account_id)  # present: the base refuses an item without its id
    klass = account.account_class or ACCOUNT_TYPE_CLASS.get(account.type or "")
    if klass is None:
        raise mapping_error("Account", rid, "Class", "account.type", "neither Class nor Type says")
    if text(account.code) is None:
        raise mapping_error(
            "Account", rid, "Code", "account.code", "the account has no code to be referred by"
        )
    status, deleted = _reference_status(account.status)
    data = {
        **record_base(ctx, "account", rid, raw),
        "remote_updated_at": account.updated_date_utc,
        "remote_deleted": deleted,
        "code": text(account.code),
        "name": text(account.name),
        "type": AccountType(AccountClass(klass).value.lower()),
        "currency": text(account.currency_code),
        "status": status,
    }
    fields = {k: v for k, v in REFERENCE_FIELDS.items() if k.startswith("account.")}
    return [build(Account, data, source="Account", remote_id=rid, fields=fields)]


def tax_rate_to_canonical(
    rate: XeroTaxRate, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A tax rate, identified by its TaxType; `EffectiveRate` is the canonical rate."""
    rid = key(text(rate.tax_type))  # present: the base refuses an item without its id
    percent = rate.effective_rate
    if percent is None:
        percent = rate.display_tax_rate
    if percent is None:
        percent = sum((c.rate or Decimal(0) for c in rate.tax_components or []), Decimal(0))
    status, deleted = _reference_status(rate.status)
    if rate.status == TaxRateStatus.PENDING:
        status = ReferenceStatus.ACTIVE
    data = {
        **record_base(ctx, "tax_rate", rid, raw),
        "remote_deleted": deleted,
        "code": rid,
        "name": text(rate.name),
        "rate_percent": percent,
        "status": status,
    }
    fields = {k: v for k, v in REFERENCE_FIELDS.items() if k.startswith("tax_rate.")}
    return [build(TaxRate, data, source="TaxRate", remote_id=rid, fields=fields)]


def tracking_category_to_canonical(
    category: XeroTrackingCategory, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """One Dimension per option; the kind comes from the category name through the context."""
    rid = category.tracking_category_id
    name = text(category.name)
    if not rid or name is None:
        raise mapping_error(
            "TrackingCategory", rid, "TrackingCategoryID/Name", "dimension.kind", "is missing"
        )
    kind = ctx.kind_of(name)
    fields = {k: v for k, v in REFERENCE_FIELDS.items() if k.startswith("dimension.")}
    records: list[Record] = []
    for i, option in enumerate(category.options or []):
        if not option.tracking_option_id:
            raise mapping_error(
                "TrackingCategory",
                rid,
                f"Options[{i}].TrackingOptionID",
                "dimension.remote_id",
                "is missing",
            )
        statuses = (category.status, option.status)
        deleted = TrackingStatus.DELETED in statuses
        archived = deleted or TrackingStatus.ARCHIVED in statuses
        data = {
            **record_base(ctx, "dimension", option.tracking_option_id, raw),
            "remote_deleted": deleted,
            "kind": kind,
            "code": text(option.name),
            "name": text(option.name),
            "status": ReferenceStatus.ARCHIVED if archived else ReferenceStatus.ACTIVE,
        }
        records.append(
            build(Dimension, data, source="TrackingCategory", remote_id=rid, fields=fields)
        )
    return records


# ---------------------------------------------------------------------------------------------
# Writes: canonical journal entries into Xero manual journal bodies


_JOURNAL_STATUSES = {
    JournalStatus.DRAFT: ManualJournalStatus.DRAFT,
    JournalStatus.POSTED: ManualJournalStatus.POSTED,
    JournalStatus.VOIDED: ManualJournalStatus.VOIDED,
}


@naming_the_record
def journal_to_xero(entry: Record, ctx: TranslateContext) -> XeroManualJournal:
    """A JournalEntry as a Xero ManualJournal body (debit positive, credit negative)."""
    if not isinstance(entry, JournalEntry):
        raise TypeError(f"expected a JournalEntry, got {type(entry).__name__}")
    if not entry.memo:
        raise mapping_error(
            "ManualJournal", None, "Narration", "journal_entry.memo", "Xero requires a narration"
        )
    if entry.currency != ctx.base_currency:
        raise mapping_error(
            "ManualJournal",
            None,
            "JournalLines[].LineAmount",
            "journal_entry.currency",
            f"Xero journals are in the base currency {ctx.base_currency}, not {entry.currency}",
        )
    lines = []
    for i, line in enumerate(entry.lines):
        if line.party_id:
            raise mapping_error(
                "ManualJournal",
                None,
                f"JournalLines[{i}]",
                f"journal_entry.lines[{i}].party_id",
                "Xero journal lines have no contact",
            )
        lines.append(
            XeroManualJournalLine(
                line_amount=line.debit if line.debit > 0 else -line.credit,
                account_code=line.account_code,
                description=line.description,
                tax_type=line.tax_code,
                tracking=tracking_to_xero(
                    line.dimensions, ctx, "ManualJournal", f"journal_entry.lines[{i}]"
                ),
            )
        )
    taxed = any(line.tax_code for line in entry.lines)
    return XeroManualJournal(
        manual_journal_id=own_id(entry, ctx),
        narration=entry.memo,
        date=entry.posting_date,
        status=_JOURNAL_STATUSES[entry.status],
        # Canonical lines are gross, so tax sits inside the line amounts.
        line_amount_types=LineAmountType.INCLUSIVE if taxed else LineAmountType.NO_TAX,
        journal_lines=lines,
    )
