"""NetSuite records (grouped SuiteQL rows) into canonical records.

Rules worth knowing (each is tested):
- Documents: `VendBill`/`VendCred` are payable, `CustInvc`/`CustCred` receivable; credits are
  `credit_note`s. Lines are the non-main lines; NetSuite signs line amounts by posting (debit
  positive), so a bill's expense line is positive and an invoice's item line negative: the net
  amount is the amount with the document's sign. Status `V` is voided (and `remote_deleted`),
  `D` (pending approval) submitted, `B` paid, `A` authorised or partially paid.
- US accounts without SuiteTax carry no tax on lines: documents are `no_tax`.
- Department, class and location names become line dimensions (`department`, `class`,
  `location`; a connection may rename the kinds); custom fields come through by script id.
- Payments: `VendPymt` outbound, `CustPymt` inbound; the documents they apply to are the
  allocations; the main line's account is the bank account.
- Journals: debit and credit per line; approval pending is `draft`, voided `voided`.
- Datetimes are read in the account's zone and stored in UTC (`translate_common.local_to_utc`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from canonical import (
    Account,
    AccountType,
    Customer,
    Dimension,
    DocumentType,
    Invoice,
    InvoiceDirection,
    InvoiceStatus,
    JournalEntry,
    JournalStatus,
    PartyStatus,
    Payment,
    PaymentDirection,
    PaymentStatus,
    Record,
    ReferenceStatus,
    Supplier,
    TaxMode,
)
from connectors.netsuite.models import (
    NsAccount,
    NsEntity,
    NsLine,
    NsNamed,
    NsTransaction,
    custom_values,
)
from connectors.netsuite.translate_common import (
    TranslateContext,
    build,
    local_to_utc,
    mapping_error,
    parse_day,
    text,
)

__all__ = [
    "ACCOUNT_TYPES",
    "account_to_canonical",
    "document_to_canonical",
    "entity_to_canonical",
    "journal_to_canonical",
    "named_to_canonical",
    "payment_to_canonical",
]

PARTY_FIELDS = {
    "name": "companyName",
    "status": "isInactive",
    "tax_number": "taxIdNum",
    "email": "email",
    "phone": "phone",
    "currency": "currency",
    "addresses": "defaultBillingAddress",
    "bank_accounts": "customrecord_2663_entity_bank_details",
    "default_account_code": "expenseAccount",
}
DOCUMENT_FIELDS = {
    "invoice.party_id": "entity",
    "invoice.number": "tranId",
    "invoice.issue_date": "tranDate",
    "invoice.due_date": "dueDate",
    "invoice.currency": "currency",
    "invoice.total": "foreignTotal",
    "invoice.amount_paid": "foreignAmountPaid",
    "invoice.amount_due": "foreignAmountUnpaid",
    "invoice.lines": "transactionLine",
    "invoice.lines[].net_amount": "transactionLine[].foreignAmount",
    "invoice.lines[].account_code": "transactionLine[].expenseAccount",
    "invoice.lines[].dimensions": "transactionLine[].department|class|location",
    "invoice.subtotal": "transactionLine[].foreignAmount",
}
PAYMENT_FIELDS = {
    "payment.amount": "foreignTotal",
    "payment.payment_date": "tranDate",
    "payment.allocations": "previousTransactionLineLink",
    "payment.currency": "currency",
}
JOURNAL_FIELDS = {
    "journal_entry.lines": "transactionLine",
    "journal_entry.posting_date": "tranDate",
}
ACCOUNT_TYPES = {
    "Bank": AccountType.ASSET,
    "AcctRec": AccountType.ASSET,
    "OthCurrAsset": AccountType.ASSET,
    "FixedAsset": AccountType.ASSET,
    "OthAsset": AccountType.ASSET,
    "DeferExpense": AccountType.ASSET,
    "UnbilledRec": AccountType.ASSET,
    "AcctPay": AccountType.LIABILITY,
    "CredCard": AccountType.LIABILITY,
    "OthCurrLiab": AccountType.LIABILITY,
    "LongTermLiab": AccountType.LIABILITY,
    "DeferRevenue": AccountType.LIABILITY,
    "Equity": AccountType.EQUITY,
    "Income": AccountType.REVENUE,
    "OthIncome": AccountType.REVENUE,
    "COGS": AccountType.EXPENSE,
    "Expense": AccountType.EXPENSE,
    "OthExpense": AccountType.EXPENSE,
}
_PAYABLE = {"VendBill", "VendCred"}
_CREDITS = {"VendCred", "CustCred"}
# Posting sign of a document's lines: the net amount is the line amount times this.
_LINE_SIGN = {"VendBill": 1, "VendCred": -1, "CustInvc": -1, "CustCred": 1}


def _base(ctx: TranslateContext, obj: str, rid: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": ctx.ids.hub_id(obj, rid),
        "connection_id": ctx.connection_id,
        "remote_id": rid,
        "remote_data": raw,
    }


def entity_to_canonical(
    entity: NsEntity, kind: str, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A vendor as a Supplier, a customer as a Customer."""
    rid = entity.id
    name = text(entity.companyname) or text(entity.entityid)
    if name is None:
        raise mapping_error(kind, rid, "companyName", f"{kind}.name", "the record has no name")
    address = {
        "kind": "billing",
        "line1": text(entity.addr1),
        "line2": text(entity.addr2),
        "city": text(entity.city),
        "region": text(entity.state),
        "postal_code": text(entity.zip),
        "country": text(entity.country),
    }
    banks = []
    for bank in entity.banks:
        account: dict[str, Any] = {"account_name": text(bank.bank_name)}
        if text(bank.bank_iban):
            account["iban"] = text(bank.bank_iban)
            account["bic"] = text(bank.bank_swift)
        else:
            account["account_number"] = text(bank.bank_account_number)
            account["routing_number"] = text(bank.bank_routing_number)
        if any(v for k, v in account.items() if k != "account_name"):
            banks.append(account)
    data = {
        **_base(ctx, kind, rid, raw),
        "remote_updated_at": local_to_utc(entity.lastmodified, ctx.zone),
        "remote_deleted": entity.isinactive,
        "name": name,
        "status": PartyStatus.ARCHIVED if entity.isinactive else PartyStatus.ACTIVE,
        "tax_number": text(entity.taxidnum),
        "email": text(entity.email),
        "phone": text(entity.phone),
        "currency": text(entity.currency),
        "addresses": [address] if any(v for k, v in address.items() if k != "kind") else [],
        "bank_accounts": banks,
        "default_account_code": text(entity.expenseaccount),
        "custom_fields": custom_values(entity),
    }
    if entity.terms and str(entity.terms).isdigit():
        data["payment_terms_days"] = int(str(entity.terms))
    cls = Supplier if kind == "supplier" else Customer
    fields = {f"{kind}.{k}": v for k, v in PARTY_FIELDS.items()}
    fields[f"{kind}.addresses[]"] = "defaultBillingAddress"
    return [build(cls, data, source=kind, remote_id=rid, fields=fields)]


def _dimensions(line: NsLine, ctx: TranslateContext) -> dict[str, str]:
    out: dict[str, str] = {}
    for segment, value in (
        ("department", line.department),
        ("class", line.klass),
        ("location", line.location),
    ):
        if text(value):
            out[ctx.kind_of(segment)] = str(text(value))
    return out


def _status(tx: NsTransaction, paid: Decimal, due: Decimal) -> InvoiceStatus:
    if tx.voided or tx.status == "V":
        return InvoiceStatus.VOIDED
    if tx.status == "D" or tx.approvalstatus == "1":
        return InvoiceStatus.SUBMITTED
    if due <= 0:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID if paid > 0 else InvoiceStatus.AUTHORISED


def document_to_canonical(
    tx: NsTransaction, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A vendor bill or credit, an invoice or credit memo, as a canonical invoice."""
    rid = tx.id
    if tx.type not in _LINE_SIGN:
        raise mapping_error(tx.type, rid, "type", "invoice.direction", "is not a document type")
    payable = tx.type in _PAYABLE
    sign = _LINE_SIGN[tx.type]
    lines: list[dict[str, Any]] = []
    subtotal = Decimal(0)
    for line in tx.lines:
        if line.mainline:
            continue
        net = (line.amount or Decimal(0)) * sign
        subtotal += net
        lines.append(
            {
                "line_number": len(lines) + 1,
                "description": text(line.linememo),
                "quantity": line.quantity,
                "unit_price": line.rate,
                "net_amount": net,
                "account_code": text(line.account),
                "item_code": text(line.item),
                "dimensions": _dimensions(line, ctx),
                "custom_fields": custom_values(line, ("custcol_",)),
            }
        )
    total = tx.total if tx.total is not None else subtotal
    if tx.amountpaid is not None:
        paid = tx.amountpaid
    elif tx.amountunpaid is not None:
        paid = total - tx.amountunpaid
    else:
        paid = Decimal(0)
    due = total - paid
    party = "supplier" if payable else "customer"
    data: dict[str, Any] = {
        **_base(ctx, "invoice", rid, raw),
        "remote_updated_at": local_to_utc(tx.lastmodified, ctx.zone),
        "remote_deleted": tx.voided or tx.status == "V",
        "direction": InvoiceDirection.PAYABLE if payable else InvoiceDirection.RECEIVABLE,
        "document_type": DocumentType.CREDIT_NOTE if tx.type in _CREDITS else DocumentType.INVOICE,
        "number": text(tx.tranid),
        "reference": text(tx.otherrefnum) if payable else None,
        "purchase_order_number": None if payable else text(tx.otherrefnum),
        "party_id": ctx.ids.hub_id(party, tx.entity) if tx.entity else None,
        "issue_date": parse_day(tx.trandate),
        "due_date": parse_day(tx.duedate),
        "currency": text(tx.currency) or ctx.base_currency,
        "exchange_rate": tx.exchangerate,
        "status": _status(tx, paid, due),
        "tax_mode": TaxMode.NO_TAX,
        "memo": text(tx.memo),
        "lines": lines,
        "subtotal": subtotal,
        "tax_total": Decimal(0),
        "total": total,
        "amount_paid": paid,
        "amount_due": due,
        "custom_fields": custom_values(tx, ("custbody_",)),
    }
    return [build(Invoice, data, source=tx.type, remote_id=rid, fields=DOCUMENT_FIELDS)]


def payment_to_canonical(
    tx: NsTransaction, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A vendor or customer payment with the documents it applies to as allocations."""
    rid = tx.id
    outbound = tx.type == "VendPymt"
    voided = tx.voided or tx.status == "V"
    allocations = [
        {
            "invoice_id": ctx.ids.hub_id("invoice", applied.applieddoc),
            "invoice_number": text(applied.appliednumber),
            "amount": applied.appliedamount,
        }
        for applied in tx.applied
        if applied.appliedamount > 0
    ]
    data = {
        **_base(ctx, "payment", rid, raw),
        "remote_updated_at": local_to_utc(tx.lastmodified, ctx.zone),
        "remote_deleted": voided,
        "direction": PaymentDirection.OUTBOUND if outbound else PaymentDirection.INBOUND,
        "party_id": ctx.ids.hub_id("supplier" if outbound else "customer", tx.entity)
        if tx.entity
        else None,
        "payment_date": parse_day(tx.trandate),
        "amount": tx.total,
        "currency": text(tx.currency) or ctx.base_currency,
        "bank_reference": text(tx.tranid),
        "bank_account_code": text(tx.account),
        "status": PaymentStatus.VOIDED if voided else PaymentStatus.SETTLED,
        "allocations": allocations,
        "custom_fields": custom_values(tx, ("custbody_",)),
    }
    return [build(Payment, data, source=tx.type, remote_id=rid, fields=PAYMENT_FIELDS)]


def journal_to_canonical(
    tx: NsTransaction, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A journal entry: each line's debit or credit."""
    rid = tx.id
    lines: list[dict[str, Any]] = []
    for line in tx.lines:
        if line.mainline:
            continue
        debit, credit = line.debit or Decimal(0), line.credit or Decimal(0)
        if debit == 0 and credit == 0:
            continue
        if text(line.account) is None:
            raise mapping_error(
                "journalEntry",
                rid,
                f"line[{line.line}].account",
                f"journal_entry.lines[{len(lines)}].account_code",
                "a journal line needs an account number",
            )
        lines.append(
            {
                "account_code": text(line.account),
                "description": text(line.linememo),
                "debit": debit,
                "credit": credit,
                "dimensions": _dimensions(line, ctx),
            }
        )
    voided = tx.voided or tx.status == "V"
    status = (
        JournalStatus.VOIDED
        if voided
        else JournalStatus.DRAFT
        if tx.approvalstatus == "1"
        else JournalStatus.POSTED
    )
    data = {
        **_base(ctx, "journal_entry", rid, raw),
        "remote_updated_at": local_to_utc(tx.lastmodified, ctx.zone),
        "remote_deleted": voided,
        "number": text(tx.tranid),
        "posting_date": parse_day(tx.trandate),
        "currency": text(tx.currency) or ctx.base_currency,
        "memo": text(tx.memo),
        "status": status,
        "lines": lines,
        "custom_fields": custom_values(tx, ("custbody_",)),
    }
    return [build(JournalEntry, data, source="journalEntry", remote_id=rid, fields=JOURNAL_FIELDS)]


def account_to_canonical(
    account: NsAccount, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A general-ledger account; its number is the code lines refer to."""
    rid = account.id
    kind = ACCOUNT_TYPES.get(account.accttype or "")
    if kind is None:
        raise mapping_error(
            "account", rid, "acctType", "account.type", f"{account.accttype!r} has no class"
        )
    data = {
        **_base(ctx, "account", rid, raw),
        "remote_updated_at": local_to_utc(account.lastmodified, ctx.zone),
        "remote_deleted": False,
        "code": text(account.acctnumber) or rid,
        "name": text(account.acctname),
        "type": kind,
        "currency": text(account.currency),
        "status": ReferenceStatus.ARCHIVED if account.isinactive else ReferenceStatus.ACTIVE,
    }
    return [build(Account, data, source="account", remote_id=rid, fields={})]


def named_to_canonical(
    named: NsNamed, segment: str, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A department, class, location or subsidiary as a dimension value (code = its name)."""
    rid = f"{segment}:{named.id}"
    name = text(named.name)
    if name is None:
        raise mapping_error(segment, named.id, "name", "dimension.name", "is missing")
    data = {
        **_base(ctx, "dimension", rid, raw),
        "remote_updated_at": local_to_utc(named.lastmodified, ctx.zone),
        "kind": ctx.kind_of(segment),
        "code": name,
        "name": name,
        "status": ReferenceStatus.ARCHIVED if named.isinactive else ReferenceStatus.ACTIVE,
    }
    return [build(Dimension, data, source=segment, remote_id=rid, fields={})]
