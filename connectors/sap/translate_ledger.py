"""SAP's ledger into canonical records: G/L accounts, cost and profit centers, journal entries
and payments (both from journal entry items), and journal entries back to SAP.

- A G/L account's type: the tenant's own classification of its account group
  (`GLAccountGroup`, option `account_groups`) when given; else its statement from the master
  (`IsBalanceSheetAccount`, `GLAccountType`: `X` balance sheet, `C` cash, `P`/`N`/`S` profit
  and loss), placed within that statement by the number ranges of SAP's reference chart YCOA
  (1 asset, 2 liability, 3 equity on the balance sheet, asset otherwise; 4 revenue in the P&L,
  expense otherwise). The number alone decides only when the master says neither. Its name
  is the text in the connection's language. Marked for deletion is `archived` and
  `remote_deleted`; blocked for posting is `archived`.
- Cost centers become dimensions of kind `cost_center`, profit centers of the context's
  `profit_center_kind`; blocked ones are `archived`.
- A journal entry is one accounting document of type `SA`: its items are the lines (`S` debit,
  `H` credit); reversed is `voided` and `remote_deleted`.
- A payment is one clearing document (`KZ` outgoing to a supplier, `DZ` incoming from a
  customer): its own supplier or customer item gives the amount, date and party; the items it
  cleared give the allocations, each to the invoice its document was posted from (a supplier
  invoice `SupplierInvoice/FiscalYear`, or a billing document).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from canonical import Account, Dimension, JournalEntry, Payment, Record
from connectors.mapping import build_record, field_error, text
from connectors.sap.models import CostCenter, GLAccount, JournalItem, ProfitCenter
from connectors.sap.translate_common import (
    SapContext,
    dimensions,
    record_base,
    remote_id,
    subject,
)

__all__ = [
    "JOURNAL_FIELDS",
    "account_to_canonical",
    "account_type",
    "cost_center_to_canonical",
    "journal_to_canonical",
    "payment_to_canonical",
    "profit_center_to_canonical",
]

_RANGES = {"1": "asset", "2": "liability", "3": "equity", "4": "revenue"}
_BALANCE_SHEET = {"asset", "liability", "equity"}


def account_type(account: GLAccount, groups: Mapping[str, str]) -> str:
    """The canonical type of a G/L account (see the module's rules)."""
    grouped = groups.get(account.GLAccountGroup or "")
    if grouped:
        return grouped
    by_number = _RANGES.get(account.GLAccount.lstrip("0")[:1])
    balance = account.IsBalanceSheetAccount
    if balance is None and account.GLAccountType:
        balance = account.GLAccountType in ("X", "C")
    if balance is None:
        return by_number or "expense"
    if account.GLAccountType == "C":
        return "asset"  # a cash account: the bank
    if balance:
        return by_number if by_number in _BALANCE_SHEET else "asset"
    return "revenue" if by_number == "revenue" else "expense"


JOURNAL_FIELDS = {
    "journal_entry.posting_date": "PostingDate",
    "journal_entry.currency": "TransactionCurrency",
    "journal_entry.lines": "items",
    "journal_entry.lines[].account_code": "items[].GLAccount",
    "journal_entry.lines[].debit": "items[].AmountInTransactionCurrency",
    "journal_entry.lines[].credit": "items[].AmountInTransactionCurrency",
}
PAYMENT_FIELDS = {
    "payment.amount": "AmountInTransactionCurrency",
    "payment.currency": "TransactionCurrency",
    "payment.payment_date": "PostingDate",
    "payment.party_id": "Supplier|Customer",
    "payment.allocations[]": "cleared items[]",
    "payment.allocations[].amount": "cleared items[].AmountInTransactionCurrency",
}


def account_to_canonical(
    account: GLAccount, ctx: SapContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A G/L account of the chart of accounts (see the module's rules)."""
    rid = account.GLAccount
    who = subject("A_GLAccountInChartOfAccounts", rid)
    texts = sorted(account.to_Text, key=lambda t: t.Language != ctx.language)
    name = (text(texts[0].GLAccountLongName) or text(texts[0].GLAccountName)) if texts else None
    kind = account_type(account, ctx.account_groups)
    deleted = bool(account.AccountIsMarkedForDeletion)
    data = {
        **record_base(ctx, "account", rid, raw),
        "remote_deleted": deleted,
        "code": rid,
        "name": name or rid,
        "type": kind,
        "status": "archived" if deleted or account.AccountIsBlockedForPosting else "active",
    }
    fields = {"account.name": "to_Text[].GLAccountLongName", "account.code": "GLAccount"}
    return [build_record(Account, data, subject=who, fields=fields)]


def _dimension(
    ctx: SapContext, kind: str, area: str, code: str, name: str | None, blocked: bool, raw: Any
) -> Dimension:
    rid = remote_id(area, code)
    data = {
        **record_base(ctx, "dimension", rid, raw),
        "kind": kind,
        "code": code,
        "name": name or code,
        "status": "archived" if blocked else "active",
    }
    return build_record(Dimension, data, subject=subject(kind, rid), fields={})


def cost_center_to_canonical(
    center: CostCenter, ctx: SapContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A cost center as a `cost_center` dimension value."""
    name = text(center.CostCenterName) or text(center.CostCenterDescription)
    blocked = bool(center.IsBlkdForPrimaryCostsPosting)
    return [
        _dimension(
            ctx, "cost_center", center.ControllingArea, center.CostCenter, name, blocked, raw
        )
    ]


def profit_center_to_canonical(
    center: ProfitCenter, ctx: SapContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A profit center as a dimension value of the context's profit center kind."""
    name = text(center.ProfitCenterName) or text(center.ProfitCenterLongName)
    blocked = bool(text(center.ProfitCenterIsBlocked))
    return [
        _dimension(
            ctx,
            ctx.profit_center_kind,
            center.ControllingArea,
            center.ProfitCenter,
            name,
            blocked,
            raw,
        )
    ]


def document_id(item: JournalItem) -> str:
    """`CompanyCode/FiscalYear/AccountingDocument` of an item's document."""
    return remote_id(item.CompanyCode, item.FiscalYear, item.AccountingDocument)


def _party(ctx: SapContext, item: JournalItem) -> str | None:
    if text(item.Supplier):
        return ctx.ids.hub_id("supplier", str(item.Supplier))
    if text(item.Customer):
        return ctx.ids.hub_id("customer", str(item.Customer))
    return None


def journal_to_canonical(
    items: Sequence[JournalItem], ctx: SapContext, raw: list[dict[str, Any]] | None = None
) -> list[Record]:
    """One accounting document's items as a journal entry."""
    head = items[0]
    rid = document_id(head)
    who = subject("A_JournalEntryItemBasic", rid)
    lines = []
    for index, item in enumerate(items):
        amount = item.AmountInTransactionCurrency
        if amount is None:
            raise field_error(
                who,
                f"items[{index}].AmountInTransactionCurrency",
                f"journal_entry.lines[{index}].debit",
                "is missing",
            )
        lines.append(
            {
                "account_code": text(item.GLAccount),
                "description": text(item.DocumentItemText),
                "debit": amount if amount > 0 else Decimal(0),
                "credit": -amount if amount < 0 else Decimal(0),
                "tax_code": text(item.TaxCode),
                "dimensions": dimensions(ctx, item.CostCenter, item.ProfitCenter),
                "party_id": _party(ctx, item),
            }
        )
    reversed_ = any(item.IsReversed for item in items)
    data = {
        **record_base(ctx, "journal_entry", rid, {"items": raw} if raw is not None else None),
        "remote_updated_at": head.AccountingDocumentCreationDate,
        "remote_deleted": reversed_,
        "number": head.AccountingDocument,
        "reference": text(head.DocumentReferenceID),
        "posting_date": head.PostingDate,
        "currency": text(head.TransactionCurrency),
        "memo": text(head.AccountingDocumentHeaderText),
        "status": "voided" if reversed_ else "posted",
        "lines": lines,
    }
    return [build_record(JournalEntry, data, subject=who, fields=JOURNAL_FIELDS)]


def cleared_invoice_id(item: JournalItem) -> str | None:
    """The remote id of the invoice a cleared item was posted from, when it came from one."""
    reference = text(item.OriginalReferenceDocument)
    if reference is None:
        return None
    if item.ReferenceDocumentType == "RMRP" and len(reference) == 14:
        return remote_id(reference[:10], reference[10:])
    if item.ReferenceDocumentType == "VBRK":
        return reference
    return None


def payment_to_canonical(
    items: Sequence[JournalItem], ctx: SapContext, raw: list[dict[str, Any]] | None = None
) -> list[Record]:
    """One clearing document's items (its own and those it cleared) as a payment."""
    clearing = items[0].ClearingJournalEntry
    own = [i for i in items if i.AccountingDocument == clearing]
    who = subject(
        "A_JournalEntryItemBasic", remote_id(items[0].CompanyCode, items[0].FiscalYear, clearing)
    )
    if not own:
        raise field_error(
            who,
            "ClearingJournalEntry",
            "payment.amount",
            "the clearing document's own item is missing",
        )
    head = own[0]
    rid = document_id(head)
    amount = sum((i.AmountInTransactionCurrency or Decimal(0) for i in own), Decimal(0))
    outbound = head.FinancialAccountType == "K"
    allocations = []
    for item in items:
        if item.AccountingDocument == clearing:
            continue
        invoice = cleared_invoice_id(item)
        allocations.append(
            {
                "invoice_id": ctx.ids.hub_id("invoice", invoice) if invoice else None,
                "invoice_number": text(item.DocumentReferenceID),
                "amount": abs(item.AmountInTransactionCurrency or Decimal(0)),
            }
        )
    data = {
        **record_base(ctx, "payment", rid, {"items": raw} if raw is not None else None),
        "remote_updated_at": head.AccountingDocumentCreationDate,
        "remote_deleted": bool(head.IsReversed),
        "direction": "outbound" if outbound else "inbound",
        "party_id": _party(ctx, head),
        "payment_date": head.PostingDate,
        "amount": abs(amount),
        "currency": text(head.TransactionCurrency),
        "status": "voided" if head.IsReversed else "settled",
        "allocations": allocations,
    }
    return [build_record(Payment, data, subject=who, fields=PAYMENT_FIELDS)]
