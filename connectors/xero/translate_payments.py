"""Xero payments, batch payments, overpayments and prepayments and canonical payments, both ways.

Rules worth knowing (each is tested):
- Direction follows the money: paying a bill and refunding a customer (`ACCPAYPAYMENT`,
  `ARCREDITPAYMENT`, `ARPREPAYMENTPAYMENT`, `AROVERPAYMENTPAYMENT`) is `outbound`; a customer
  paying and a supplier refunding us is `inbound`. A refund pays out a credit note, so its
  allocation points at the credit note's canonical invoice (hub object `invoice`).
- Status: `AUTHORISED` -> `settled` (Xero records a payment once the money moved; the invoice is
  already marked paid in Xero); `DELETED` -> `voided` and `remote_deleted`.
- **Batch payments are counted once.** Xero lists every payment of a batch twice: in
  `/BatchPayments` (one bank transaction) and in `/Payments` (one per invoice, carrying
  `BatchPaymentID`). The batch is the canonical payment, with one allocation per invoice; a
  `/Payments` item with a `BatchPaymentID` translates to nothing. Sync both collections.
- Overpayments and prepayments are payments whose allocations are their `Allocations`; what is not
  allocated (refunded or still available) is the payment's `unallocated_amount`.
- A bank account named by `AccountID` only gets its code from `TranslateContext.account_codes`.

Writes (canonical records into Xero bodies; a write sends the record's own Xero id, its
`remote_id` or else its binding, so that a POST updates instead of creating; a hub id Xero does
not know yet is a MappingError naming the Xero field, the canonical path and the hub record):
- A payment with one allocation is one Xero `Payment`; with several it is one `BatchPayment`
  (one bank transaction, as Xero reads it back). `payment_to_xero_payments` gives one `Payment`
  per allocation instead. The paid document is a credit note (a refund) when money goes out to a
  customer or comes in from a supplier, otherwise an invoice. `PaymentType` is never sent.
- A payment with money left unallocated cannot be written: Xero records that as an
  overpayment, through bank transactions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from canonical import (
    Payment,
    PaymentDirection,
    PaymentStatus,
    Record,
)
from connectors.xero.enums import (
    BatchPaymentType,
    InvoiceType,
    OverpaymentType,
    PaymentType,
    PrepaymentStatus,
    PrepaymentType,
)
from connectors.xero.enums import PaymentStatus as XPaymentStatus
from connectors.xero.models import (
    XeroAccount,
    XeroAllocation,
    XeroBatchPayment,
    XeroContact,
    XeroCreditNote,
    XeroInvoice,
    XeroOverpayment,
    XeroPayment,
    XeroPrepayment,
)
from connectors.xero.translate_common import (
    TranslateContext,
    build,
    key,
    mapping_error,
    naming_the_record,
    own_id,
    text,
)

PAYMENT_FIELDS = {
    "payment.party_id": "Invoice.Contact.ContactID",
    "payment.payment_date": "Date",
    "payment.amount": "Amount|TotalAmount|Total",
    "payment.currency": "Invoice.CurrencyCode|CurrencyCode",
    "payment.allocations": "Payments|Allocations",
    "payment.allocations[]": "Payments[]|Allocations[]",
    "payment.allocations[].amount": "Payments[].Amount|Allocations[].Amount",
    "payment.allocations[].invoice_id": "Invoice.InvoiceID",
}
_OUTBOUND_TYPES = {
    PaymentType.ACCPAYPAYMENT,
    PaymentType.ARCREDITPAYMENT,
    PaymentType.AROVERPAYMENTPAYMENT,
    PaymentType.ARPREPAYMENTPAYMENT,
}
_SUPPLIER_SIDE = {
    PaymentType.ACCPAYPAYMENT,
    PaymentType.APCREDITPAYMENT,
    PaymentType.APOVERPAYMENTPAYMENT,
    PaymentType.APPREPAYMENTPAYMENT,
}
_TYPE_OF_DOCUMENT = {
    InvoiceType.ACCPAY: PaymentType.ACCPAYPAYMENT,
    InvoiceType.ACCREC: PaymentType.ACCRECPAYMENT,
    InvoiceType.ACCPAYCREDIT: PaymentType.APCREDITPAYMENT,
    InvoiceType.ACCRECCREDIT: PaymentType.ARCREDITPAYMENT,
    InvoiceType.APOVERPAYMENT: PaymentType.APOVERPAYMENTPAYMENT,
    InvoiceType.AROVERPAYMENT: PaymentType.AROVERPAYMENTPAYMENT,
    InvoiceType.APPREPAYMENT: PaymentType.APPREPAYMENTPAYMENT,
    InvoiceType.ARPREPAYMENT: PaymentType.ARPREPAYMENTPAYMENT,
}


def record_base(
    ctx: TranslateContext, obj: str, rid: str, raw: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "id": ctx.ids.hub_id(obj, rid),
        "connection_id": ctx.connection_id,
        "remote_id": rid,
        "remote_data": raw,
    }


def party_id(ctx: TranslateContext, contact: XeroContact | None, supplier: bool) -> str | None:
    contact_id = contact.contact_id if contact else None
    return (
        ctx.ids.hub_id("supplier" if supplier else "customer", contact_id) if contact_id else None
    )


# ---------------------------------------------------------------------------------------------
# Payments


def payment_type(payment: XeroPayment) -> PaymentType | None:
    """`PaymentType`, or what the paid document implies when Xero left it out (write answers)."""
    if payment.payment_type is not None:
        return payment.payment_type
    if payment.credit_note is not None and payment.credit_note.type is not None:
        return _TYPE_OF_DOCUMENT[InvoiceType(payment.credit_note.type.value)]
    if payment.invoice is not None and payment.invoice.type is not None:
        return _TYPE_OF_DOCUMENT[payment.invoice.type]
    return None


def payment_to_canonical(
    payment: XeroPayment, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A payment of one invoice or credit note; part of a batch: nothing (the batch counts)."""
    rid = key(payment.payment_id)  # present: the base refuses an item without its id
    if payment.batch_payment_id:
        return []
    kind = payment_type(payment)
    if kind is None:
        raise mapping_error(
            "Payment", rid, "PaymentType", "payment.direction", "is missing and no document says it"
        )
    document: XeroInvoice | XeroCreditNote | None = payment.credit_note or payment.invoice
    allocations = []
    doc_id = number = None
    if isinstance(document, XeroCreditNote):
        doc_id, number = document.credit_note_id, document.credit_note_number
    elif isinstance(document, XeroInvoice):
        doc_id, number = document.invoice_id, document.invoice_number
    number = text(number) or text(payment.invoice_number) or text(payment.credit_note_number)
    if doc_id and payment.amount is not None:
        invoice_id = ctx.ids.hub_id("invoice", doc_id)
        allocations.append(
            {"invoice_id": invoice_id, "invoice_number": number, "amount": payment.amount}
        )
    contact = document.contact if document else None
    currency = text(document.currency_code if document else None)
    for other in (payment.overpayment, payment.prepayment):
        if other is not None:
            contact = contact or other.contact
            currency = currency or text(other.currency_code)
    deleted = payment.status == XPaymentStatus.DELETED
    data = {
        **record_base(ctx, "payment", rid, raw),
        "remote_updated_at": payment.updated_date_utc,
        "remote_deleted": deleted,
        "direction": PaymentDirection.OUTBOUND
        if kind in _OUTBOUND_TYPES
        else PaymentDirection.INBOUND,
        "party_id": party_id(ctx, contact, kind in _SUPPLIER_SIDE),
        "payment_date": payment.date,
        "amount": payment.amount,
        "currency": currency or ctx.base_currency,
        "bank_reference": text(payment.reference),
        "bank_account_code": ctx.account_code(
            text(payment.account.code if payment.account else None) or payment.code,
            payment.account.account_id if payment.account else None,
        ),
        "status": PaymentStatus.VOIDED if deleted else PaymentStatus.SETTLED,
        "allocations": allocations,
    }
    return [build(Payment, data, source="Payment", remote_id=rid, fields=PAYMENT_FIELDS)]


def batch_payment_to_canonical(
    batch: XeroBatchPayment, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A batch payment as one canonical payment with one allocation per invoice paid."""
    rid = key(batch.batch_payment_id)  # present: the base refuses an item without its id
    inner = [p for p in batch.payments or [] if p.status != XPaymentStatus.DELETED]
    allocations: list[dict[str, Any]] = []
    contacts: set[str | None] = set()
    currencies: list[str] = []
    for i, p in enumerate(inner):
        invoice = p.invoice
        if invoice is None or not invoice.invoice_id or p.amount is None:
            raise mapping_error(
                "BatchPayment",
                rid,
                f"Payments[{i}].Invoice.InvoiceID",
                f"payment.allocations[{i}].invoice_id",
                "each payment of a batch names its invoice and amount",
            )
        allocations.append(
            {
                "invoice_id": ctx.ids.hub_id("invoice", invoice.invoice_id),
                "invoice_number": text(invoice.invoice_number) or text(p.invoice_number),
                "amount": p.amount,
            }
        )
        contacts.add(invoice.contact.contact_id if invoice.contact else None)
        if text(invoice.currency_code):
            currencies.append(str(invoice.currency_code))
    supplier = batch.type == BatchPaymentType.PAYBATCH
    contact_id = next(iter(contacts)) if len(contacts) == 1 else None
    amount = batch.total_amount if batch.total_amount is not None else batch.amount
    if amount is None:
        amount = sum((p.amount or Decimal(0) for p in inner), Decimal(0))
    account = batch.account or XeroAccount()
    deleted = batch.status == XPaymentStatus.DELETED
    data = {
        **record_base(ctx, "payment", rid, raw),
        "remote_updated_at": batch.updated_date_utc,
        "remote_deleted": deleted,
        "direction": PaymentDirection.OUTBOUND if supplier else PaymentDirection.INBOUND,
        "party_id": party_id(ctx, XeroContact(contact_id=contact_id), supplier),
        "payment_date": batch.date,
        "amount": amount,
        "currency": (currencies[0] if currencies else None)
        or text(account.currency_code)
        or ctx.base_currency,
        "bank_reference": text(batch.details) or text(batch.reference) or text(batch.narrative),
        "bank_account_code": ctx.account_code(account.code, account.account_id),
        "status": PaymentStatus.VOIDED if deleted else PaymentStatus.SETTLED,
        "allocations": allocations,
    }
    return [build(Payment, data, source="BatchPayment", remote_id=rid, fields=PAYMENT_FIELDS)]


def _credit_allocations(
    allocations: list[XeroAllocation], ctx: TranslateContext, source: str, rid: str
) -> list[dict[str, Any]]:
    out = []
    for i, allocation in enumerate(allocations):
        if allocation.is_deleted:
            continue
        invoice = allocation.invoice
        if invoice is None or not invoice.invoice_id or allocation.amount is None:
            raise mapping_error(
                source,
                rid,
                f"Allocations[{i}].Invoice.InvoiceID",
                f"payment.allocations[{i}].invoice_id",
                "an allocation names its invoice and amount",
            )
        out.append(
            {
                "invoice_id": ctx.ids.hub_id("invoice", invoice.invoice_id),
                "invoice_number": text(invoice.invoice_number),
                "amount": allocation.amount,
            }
        )
    return out


def _credit_payment(
    doc: XeroOverpayment | XeroPrepayment,
    rid: str,
    inbound: bool,
    source: str,
    ctx: TranslateContext,
    raw: dict[str, Any] | None,
) -> list[Record]:
    voided = doc.status == PrepaymentStatus.VOIDED
    data = {
        **record_base(ctx, "payment", rid, raw),
        "remote_updated_at": doc.updated_date_utc,
        "remote_deleted": voided,
        "direction": PaymentDirection.INBOUND if inbound else PaymentDirection.OUTBOUND,
        "party_id": party_id(ctx, doc.contact, supplier=not inbound),
        "payment_date": doc.date,
        "amount": doc.total,
        "currency": text(doc.currency_code) or ctx.base_currency,
        "bank_reference": text(doc.reference),
        "status": PaymentStatus.VOIDED if voided else PaymentStatus.SETTLED,
        "allocations": _credit_allocations(doc.allocations or [], ctx, source, rid),
    }
    return [build(Payment, data, source=source, remote_id=rid, fields=PAYMENT_FIELDS)]


def overpayment_to_canonical(
    overpayment: XeroOverpayment, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """An overpayment as a payment allocated to the invoices it was applied to."""
    rid = key(overpayment.overpayment_id)  # present: the base refuses an item without its id
    inbound = overpayment.type != OverpaymentType.SPEND_OVERPAYMENT
    return _credit_payment(overpayment, rid, inbound, "Overpayment", ctx, raw)


def prepayment_to_canonical(
    prepayment: XeroPrepayment, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A prepayment as a payment allocated to the invoices it was applied to."""
    rid = key(prepayment.prepayment_id)  # present: the base refuses an item without its id
    inbound = prepayment.type in (PrepaymentType.RECEIVE_PREPAYMENT, PrepaymentType.ARPREPAYMENT)
    return _credit_payment(prepayment, rid, inbound, "Prepayment", ctx, raw)


# ---------------------------------------------------------------------------------------------
# Writes: canonical payments into Xero payment and batch payment bodies


def _pays_credit_note(payment: Payment) -> bool:
    # Money out to a customer or in from a supplier settles a credit note (a refund).
    party = payment.party_id or ""
    if payment.direction == PaymentDirection.OUTBOUND:
        return party.startswith("cus_")
    return party.startswith("sup_")


def _checked(payment: Record, ctx: TranslateContext) -> tuple[Payment, str]:
    if not isinstance(payment, Payment):
        raise TypeError(f"expected a Payment, got {type(payment).__name__}")
    if not payment.allocations:
        raise mapping_error(
            "Payment",
            None,
            "Invoice.InvoiceID",
            "payment.allocations",
            "a Xero payment pays an invoice or credit note; this payment has no allocation",
        )
    if payment.unallocated_amount != 0:
        raise mapping_error(
            "Payment",
            None,
            "Amount",
            "payment.unallocated_amount",
            f"{payment.unallocated_amount} is not allocated; Xero records unallocated money "
            "as an overpayment, not a payment",
        )
    if not payment.bank_account_code:
        raise mapping_error(
            "Payment", None, "Account.Code", "payment.bank_account_code", "is required"
        )
    return payment, payment.bank_account_code


def _document_id(payment: Payment, index: int, ctx: TranslateContext) -> str:
    allocation = payment.allocations[index]
    remote = ctx.ids.remote_id("invoice", allocation.invoice_id) if allocation.invoice_id else None
    if remote is None:
        raise mapping_error(
            "Payment",
            None,
            "Invoice.InvoiceID",
            f"payment.allocations[{index}].invoice_id",
            f"{allocation.invoice_id} is not an invoice Xero knows",
        )
    return remote


@naming_the_record
def payment_to_xero_payments(payment: Record, ctx: TranslateContext) -> list[XeroPayment]:
    """One Xero Payment body per allocation of a canonical payment."""
    checked, account = _checked(payment, ctx)
    credit = _pays_credit_note(checked)
    own = own_id(checked, ctx) if len(checked.allocations) == 1 else None
    bodies = []
    for i, allocation in enumerate(checked.allocations):
        remote = _document_id(checked, i, ctx)
        bodies.append(
            XeroPayment(
                payment_id=own,
                invoice=None if credit else XeroInvoice(invoice_id=remote),
                credit_note=XeroCreditNote(credit_note_id=remote) if credit else None,
                account=XeroAccount(code=account),
                date=checked.payment_date,
                amount=allocation.amount,
                reference=checked.bank_reference,
                status=XPaymentStatus.DELETED if checked.status == PaymentStatus.VOIDED else None,
            )
        )
    return bodies


@naming_the_record
def payment_to_xero(payment: Record, ctx: TranslateContext) -> XeroPayment | XeroBatchPayment:
    """A Payment as one Xero Payment (one allocation) or one BatchPayment (several)."""
    checked, account = _checked(payment, ctx)
    if len(checked.allocations) == 1:
        return payment_to_xero_payments(checked, ctx)[0]
    if _pays_credit_note(checked):
        raise mapping_error(
            "BatchPayment",
            None,
            "Payments[].Invoice",
            "payment.allocations",
            "Xero batch payments pay invoices, not credit-note refunds",
        )
    inner = [
        XeroPayment(invoice=XeroInvoice(invoice_id=_document_id(checked, i, ctx)), amount=a.amount)
        for i, a in enumerate(checked.allocations)
    ]
    return XeroBatchPayment(
        batch_payment_id=own_id(checked, ctx),
        account=XeroAccount(code=account),
        date=checked.payment_date,
        reference=checked.bank_reference,
        payments=inner,
    )
