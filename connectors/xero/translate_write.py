"""Canonical records into Xero write bodies (the payload models, dumped by alias without None).

Rules worth knowing (each is tested):
- Hub ids become Xero ids through `ctx.ids.remote_id`; a party, invoice or record the ERP does not
  know yet is a MappingError naming the Xero field and the canonical path. A record's own Xero id
  (its `remote_id`, else the binding) is sent so that a POST updates instead of creating.
- Read-only Xero fields (totals, `AmountPaid`, `IsSupplier`, `Website`, `PaymentType`) are never
  sent: Xero computes them. Invoice statuses `partially_paid` and `paid` are sent as `AUTHORISED`
  (payments make them paid), `voided` as `VOIDED`.
- Xero invoices have no memo or purchase-order field: `memo` and `purchase_order_number` are not
  written.
- A payment with one allocation is one Xero `Payment`; with several it is one `BatchPayment`
  (one bank transaction, as Xero reads it back). `payment_to_xero_payments` gives one `Payment`
  per allocation instead. The paid document is a credit note (a refund) when money goes out to a
  customer or comes in from a supplier, otherwise an invoice. A payment with money left
  unallocated cannot be written: Xero records that as an overpayment, through bank transactions.
- Journal entries: debit -> positive `LineAmount`, credit -> negative; the entry must be in the
  organisation's base currency and its lines carry no party (Xero journals have none).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from canonical import (
    Customer,
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
    Supplier,
    TaxMode,
)
from connectors.errors import MappingError
from connectors.xero.enums import (
    AddressType,
    ContactStatus,
    CreditNoteType,
    InvoiceType,
    LineAmountType,
    ManualJournalStatus,
    PaymentTermType,
    PhoneType,
)
from connectors.xero.enums import InvoiceStatus as XStatus
from connectors.xero.enums import PaymentStatus as XPaymentStatus
from connectors.xero.models import (
    XeroAccount,
    XeroAddress,
    XeroBatchPayment,
    XeroBatchPaymentDetails,
    XeroContact,
    XeroCreditNote,
    XeroInvoice,
    XeroLineItem,
    XeroManualJournal,
    XeroManualJournalLine,
    XeroPayment,
    XeroPaymentTerm,
    XeroPaymentTerms,
    XeroPhone,
    XeroTracking,
)
from connectors.xero.translate_common import TranslateContext, mapping_error

_ADDRESS_TYPES = {
    "billing": AddressType.POBOX,
    "remit_to": AddressType.POBOX,
    "shipping": AddressType.STREET,
    "registered": AddressType.STREET,
}
_STATUSES = {
    InvoiceStatus.DRAFT: XStatus.DRAFT,
    InvoiceStatus.SUBMITTED: XStatus.SUBMITTED,
    InvoiceStatus.AUTHORISED: XStatus.AUTHORISED,
    InvoiceStatus.PARTIALLY_PAID: XStatus.AUTHORISED,
    InvoiceStatus.PAID: XStatus.AUTHORISED,
    InvoiceStatus.VOIDED: XStatus.VOIDED,
}
_LINE_AMOUNT_TYPES = {
    TaxMode.EXCLUSIVE: LineAmountType.EXCLUSIVE,
    TaxMode.INCLUSIVE: LineAmountType.INCLUSIVE,
    TaxMode.NO_TAX: LineAmountType.NO_TAX,
}


def _own_id(record: Record, ctx: TranslateContext) -> str | None:
    return record.remote_id or ctx.ids.remote_id(record.OBJECT, record.id)


def _tracking(
    dims: dict[str, str], ctx: TranslateContext, source: str, path: str
) -> list[XeroTracking] | None:
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


# ---------------------------------------------------------------------------------------------
# Parties


def _party_to_xero(party: Record, ctx: TranslateContext) -> XeroContact:
    """A Supplier or Customer as a Xero Contact body."""
    if not isinstance(party, Supplier | Customer):
        raise TypeError(f"expected a Supplier or Customer, got {type(party).__name__}")
    supplier = isinstance(party, Supplier)
    addresses: dict[AddressType, XeroAddress] = {}
    for i, address in enumerate(party.addresses):
        kind = _ADDRESS_TYPES[address.kind]
        if kind in addresses:
            raise mapping_error(
                "Contact",
                None,
                f"Addresses[{kind}]",
                f"{party.OBJECT}.addresses[{i}].kind",
                f"Xero keeps one {kind} address; another address already maps to it",
            )
        addresses[kind] = XeroAddress(
            address_type=kind,
            address_line1=address.line1,
            address_line2=address.line2,
            city=address.city,
            region=address.region,
            postal_code=address.postal_code,
            country=address.country,
        )
    if len(party.bank_accounts) > 1:
        raise mapping_error(
            "Contact",
            None,
            "BankAccountDetails",
            f"{party.OBJECT}.bank_accounts",
            "Xero keeps one bank account per contact",
        )
    bank = party.bank_accounts[0] if party.bank_accounts else None
    number = (bank.iban or bank.account_number) if bank else None
    term = (
        XeroPaymentTerm(day=party.payment_terms_days, type=PaymentTermType.DAYSAFTERBILLDATE)
        if party.payment_terms_days is not None
        else None
    )
    return XeroContact(
        contact_id=_own_id(party, ctx),
        name=party.name,
        contact_status=ContactStatus.ARCHIVED
        if party.status == PartyStatus.ARCHIVED
        else ContactStatus.ACTIVE,
        tax_number=party.tax_number,
        company_number=party.company_number,
        email_address=party.email,
        phones=[XeroPhone(phone_type=PhoneType.DEFAULT, phone_number=party.phone)]
        if party.phone
        else None,
        default_currency=party.currency,
        payment_terms=(XeroPaymentTerms(bills=term) if supplier else XeroPaymentTerms(sales=term))
        if term
        else None,
        addresses=list(addresses.values()) or None,
        bank_account_details=number,
        batch_payments=XeroBatchPaymentDetails(
            bank_account_number=number, bank_account_name=bank.account_name
        )
        if bank and bank.account_name
        else None,
        purchases_default_account_code=party.default_account_code if supplier else None,
        sales_default_account_code=None if supplier else party.default_account_code,
    )


# ---------------------------------------------------------------------------------------------
# Invoices


def _contact_ref(invoice: Invoice, ctx: TranslateContext, source: str) -> XeroContact:
    if invoice.party_id is None:
        raise mapping_error(source, None, "Contact.ContactID", "invoice.party_id", "is required")
    kind = "supplier" if invoice.direction == InvoiceDirection.PAYABLE else "customer"
    contact_id = ctx.ids.remote_id(kind, invoice.party_id)
    if contact_id is None:
        raise mapping_error(
            source,
            None,
            "Contact.ContactID",
            "invoice.party_id",
            f"{invoice.party_id} is not in Xero yet: write the {kind} first",
        )
    return XeroContact(contact_id=contact_id)


def _invoice_to_xero(invoice: Record, ctx: TranslateContext) -> XeroInvoice | XeroCreditNote:
    """An Invoice as a Xero Invoice body, or a CreditNote body for a credit note."""
    if not isinstance(invoice, Invoice):
        raise TypeError(f"expected an Invoice, got {type(invoice).__name__}")
    payable = invoice.direction == InvoiceDirection.PAYABLE
    credit = invoice.document_type == DocumentType.CREDIT_NOTE
    source = "CreditNote" if credit else "Invoice"
    lines = [
        XeroLineItem(
            description=line.description,
            quantity=line.quantity,
            unit_amount=line.unit_price,
            discount_rate=line.discount_percent,
            line_amount=line.net_amount,
            tax_type=line.tax_code,
            tax_amount=line.tax_amount,
            account_code=line.account_code,
            item_code=line.item_code,
            tracking=_tracking(line.dimensions, ctx, source, f"invoice.lines[{i}]"),
        )
        for i, line in enumerate(invoice.lines)
    ]
    common = {
        "contact": _contact_ref(invoice, ctx, source),
        "date": invoice.issue_date,
        "due_date": invoice.due_date,
        "line_amount_types": _LINE_AMOUNT_TYPES[invoice.tax_mode],
        "reference": invoice.reference,
        "currency_code": invoice.currency,
        "currency_rate": invoice.exchange_rate,
        "status": _STATUSES[invoice.status],
        "line_items": lines,
    }
    if credit:
        return XeroCreditNote.model_validate(
            {
                **common,
                "type": CreditNoteType.ACCPAYCREDIT if payable else CreditNoteType.ACCRECCREDIT,
                "credit_note_id": _own_id(invoice, ctx),
                "credit_note_number": invoice.number,
            }
        )
    return XeroInvoice.model_validate(
        {
            **common,
            "type": InvoiceType.ACCPAY if payable else InvoiceType.ACCREC,
            "invoice_id": _own_id(invoice, ctx),
            "invoice_number": invoice.number,
        }
    )


# ---------------------------------------------------------------------------------------------
# Payments


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


def _payment_to_xero_payments(payment: Record, ctx: TranslateContext) -> list[XeroPayment]:
    """One Xero Payment body per allocation of a canonical payment."""
    checked, account = _checked(payment, ctx)
    credit = _pays_credit_note(checked)
    own = _own_id(checked, ctx) if len(checked.allocations) == 1 else None
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


def _payment_to_xero(payment: Record, ctx: TranslateContext) -> XeroPayment | XeroBatchPayment:
    """A Payment as one Xero Payment (one allocation) or one BatchPayment (several)."""
    checked, account = _checked(payment, ctx)
    if len(checked.allocations) == 1:
        return _payment_to_xero_payments(checked, ctx)[0]
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
        batch_payment_id=_own_id(checked, ctx),
        account=XeroAccount(code=account),
        date=checked.payment_date,
        reference=checked.bank_reference,
        payments=inner,
    )


# ---------------------------------------------------------------------------------------------
# Journals


_JOURNAL_STATUSES = {
    JournalStatus.DRAFT: ManualJournalStatus.DRAFT,
    JournalStatus.POSTED: ManualJournalStatus.POSTED,
    JournalStatus.VOIDED: ManualJournalStatus.VOIDED,
}


def _journal_to_xero(entry: Record, ctx: TranslateContext) -> XeroManualJournal:
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
                tracking=_tracking(
                    line.dimensions, ctx, "ManualJournal", f"journal_entry.lines[{i}]"
                ),
            )
        )
    taxed = any(line.tax_code for line in entry.lines)
    return XeroManualJournal(
        manual_journal_id=_own_id(entry, ctx),
        narration=entry.memo,
        date=entry.posting_date,
        status=_JOURNAL_STATUSES[entry.status],
        # Canonical lines are gross, so tax sits inside the line amounts.
        line_amount_types=LineAmountType.INCLUSIVE if taxed else LineAmountType.NO_TAX,
        journal_lines=lines,
    )


# ---------------------------------------------------------------------------------------------
# Public writers: a MappingError also names the hub record it is about.


@contextmanager
def _about(record: Record) -> Iterator[None]:
    try:
        yield
    except MappingError as exc:
        message = f"{exc.message} (hub record {record.id})"
        raise MappingError(message, details=exc.details) from None


def party_to_xero(party: Record, ctx: TranslateContext) -> XeroContact:
    """A Supplier or Customer as a Xero Contact body."""
    with _about(party):
        return _party_to_xero(party, ctx)


def invoice_to_xero(invoice: Record, ctx: TranslateContext) -> XeroInvoice | XeroCreditNote:
    """An Invoice as a Xero Invoice body, or a CreditNote body for a credit note."""
    with _about(invoice):
        return _invoice_to_xero(invoice, ctx)


def payment_to_xero_payments(payment: Record, ctx: TranslateContext) -> list[XeroPayment]:
    """One Xero Payment body per allocation of a canonical payment."""
    with _about(payment):
        return _payment_to_xero_payments(payment, ctx)


def payment_to_xero(payment: Record, ctx: TranslateContext) -> XeroPayment | XeroBatchPayment:
    """A Payment as one Xero Payment (one allocation) or one BatchPayment (several)."""
    with _about(payment):
        return _payment_to_xero(payment, ctx)


def journal_to_xero(entry: Record, ctx: TranslateContext) -> XeroManualJournal:
    """A JournalEntry as a Xero ManualJournal body (debit positive, credit negative)."""
    with _about(entry):
        return _journal_to_xero(entry, ctx)
