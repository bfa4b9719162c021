"""Xero contacts, invoices and credit notes into canonical parties and invoices.

Rules worth knowing (each is tested):
- A contact becomes a Supplier when `IsSupplier`, a Customer when `IsCustomer`, both when both.
  Xero sets these flags only once a bill or invoice exists, so a fresh contact (including one the
  hub just created) has neither: by default it becomes **both** a Supplier and a Customer, so no
  contact is lost (`TranslateContext.unflagged_contacts` can say `customer`, `supplier`, `skip`).
  `ARCHIVED` and `GDPRREQUEST` contacts are `archived` and `remote_deleted`.
- Statuses: DRAFT -> draft, SUBMITTED -> submitted, AUTHORISED -> authorised, or partially_paid
  once something is paid or credited, or paid when nothing is left due (as Xero itself would
  show it); PAID -> paid; VOIDED and DELETED -> voided and `remote_deleted`.
- Amounts: canonical `amount_paid` is what was paid *or credited*: `AmountPaid + AmountCredited`
  (credit notes, overpayments and prepayments applied), so `amount_due = total - amount_paid`
  equals Xero's `AmountDue`. A live invoice whose `AmountDue` disagrees is refused. Xero zeroes
  `AmountDue` on voided documents; there the due amount is derived and the status says it is void.
  A credit note's `amount_paid` is the part used (`Total - RemainingCredit`), its `amount_due` the
  remaining credit.
- Inclusive documents: canonical `subtotal` is the sum of the (tax-inclusive) line amounts, which
  is Xero's `SubTotal + TotalTax`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pycountry
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from canonical import (
    Customer,
    DocumentType,
    Invoice,
    InvoiceDirection,
    InvoiceStatus,
    PartyStatus,
    Record,
    Supplier,
    TaxMode,
)
from connectors.xero.enums import (
    AddressType,
    ContactStatus,
    CreditNoteType,
    InvoiceType,
    LineAmountType,
    PaymentStatus,
    PaymentTermType,
    PhoneType,
)
from connectors.xero.enums import InvoiceStatus as XStatus
from connectors.xero.models import (
    XeroAddress,
    XeroContact,
    XeroCreditNote,
    XeroInvoice,
    XeroLineItem,
    XeroPaymentTerm,
    XeroPhone,
    XeroTracking,
)
from connectors.xero.translate_common import (
    TranslateContext,
    build,
    dec_sum,
    mapping_error,
    text,
)

PARTY_FIELDS = {
    "name": "Name",
    "status": "ContactStatus",
    "tax_number": "TaxNumber",
    "company_number": "CompanyNumber",
    "email": "EmailAddress",
    "phone": "Phones",
    "website": "Website",
    "currency": "DefaultCurrency",
    "payment_terms_days": "PaymentTerms",
    "addresses[]": "Addresses[]",
    "addresses[].country": "Addresses[].Country",
    "bank_accounts[]": "BankAccountDetails",
    "default_account_code": "PurchasesDefaultAccountCode|SalesDefaultAccountCode",
}

DOCUMENT_FIELDS = {
    "invoice.party_id": "Contact.ContactID",
    "invoice.number": "InvoiceNumber|CreditNoteNumber",
    "invoice.issue_date": "Date",
    "invoice.due_date": "DueDate",
    "invoice.currency": "CurrencyCode",
    "invoice.exchange_rate": "CurrencyRate",
    "invoice.status": "Status",
    "invoice.tax_mode": "LineAmountTypes",
    "invoice.subtotal": "SubTotal",
    "invoice.tax_total": "TotalTax",
    "invoice.total": "Total",
    "invoice.amount_paid": "AmountPaid+AmountCredited|Total-RemainingCredit",
    "invoice.amount_due": "AmountDue|RemainingCredit",
    "invoice.lines": "LineItems",
    "invoice.lines[]": "LineItems[]",
    "invoice.lines[].description": "LineItems[].Description",
    "invoice.lines[].quantity": "LineItems[].Quantity",
    "invoice.lines[].unit_price": "LineItems[].UnitAmount",
    "invoice.lines[].discount_percent": "LineItems[].DiscountRate",
    "invoice.lines[].net_amount": "LineItems[].LineAmount",
    "invoice.lines[].tax_code": "LineItems[].TaxType",
    "invoice.lines[].tax_amount": "LineItems[].TaxAmount",
    "invoice.lines[].account_code": "LineItems[].AccountCode",
    "invoice.lines[].item_code": "LineItems[].ItemCode",
    "invoice.lines[].dimensions": "LineItems[].Tracking",
}

TAX_MODES = {
    LineAmountType.EXCLUSIVE: TaxMode.EXCLUSIVE,
    LineAmountType.INCLUSIVE: TaxMode.INCLUSIVE,
    LineAmountType.NO_TAX: TaxMode.NO_TAX,
}

ADDRESS_KINDS = {
    AddressType.POBOX: "billing",
    AddressType.STREET: "shipping",
    AddressType.DELIVERY: "shipping",
}
"""Xero's postal address is where documents go (billing); the street address is physical."""

_COUNTRY_ALIASES = {"UK": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "USA": "US"}
_VOID = (XStatus.VOIDED, XStatus.DELETED)


# ---------------------------------------------------------------------------------------------
# Contacts


def contact_to_canonical(
    contact: XeroContact, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A Xero contact as a Supplier and/or a Customer (see the module's rules)."""
    rid = contact.contact_id
    if not rid:
        raise mapping_error("Contact", None, "ContactID", "supplier.remote_id", "is missing")
    kinds = [
        kind
        for kind, flag in (("supplier", contact.is_supplier), ("customer", contact.is_customer))
        if flag
    ]
    if not kinds:
        kinds = {"both": ["supplier", "customer"], "skip": []}.get(
            ctx.unflagged_contacts, [ctx.unflagged_contacts]
        )
    deleted = contact.contact_status in (ContactStatus.ARCHIVED, ContactStatus.GDPRREQUEST)
    common: dict[str, Any] = {
        "connection_id": ctx.connection_id,
        "remote_id": rid,
        "remote_updated_at": contact.updated_date_utc,
        "remote_deleted": deleted,
        "remote_data": raw,
        "name": text(contact.name),
        "status": PartyStatus.ARCHIVED if deleted else PartyStatus.ACTIVE,
        "tax_number": text(contact.tax_number),
        "company_number": text(contact.company_number),
        "email": text(contact.email_address),
        "phone": _phone(contact.phones or []),
        "website": text(contact.website),
        "currency": text(contact.default_currency),
        "addresses": [a for a in map(_address, contact.addresses or []) if a],
        "bank_accounts": _bank_accounts(contact),
    }
    if common["name"] is None:
        raise mapping_error("Contact", rid, "Name", "supplier.name", "a contact needs a name")
    records: list[Record] = []
    terms = contact.payment_terms
    for kind in kinds:
        supplier = kind == "supplier"
        data = {
            **common,
            "id": ctx.ids.hub_id(kind, rid),
            "payment_terms_days": _days(terms.bills if terms and supplier else None)
            if supplier
            else _days(terms.sales if terms else None),
            "default_account_code": text(
                contact.purchases_default_account_code
                if supplier
                else contact.sales_default_account_code
            ),
        }
        cls = Supplier if supplier else Customer
        fields = {f"{kind}.{k}": v for k, v in PARTY_FIELDS.items()}
        records.append(build(cls, data, source="Contact", remote_id=rid, fields=fields))
    return records


def _days(term: XeroPaymentTerm | None) -> int | None:
    # Only "n days after the bill date" is a number of days; month-based terms have no equivalent.
    if term is None or term.type != PaymentTermType.DAYSAFTERBILLDATE:
        return None
    return term.day


def _phone(phones: list[XeroPhone]) -> str | None:
    ranked = sorted(phones, key=lambda p: p.phone_type != PhoneType.DEFAULT)
    for phone in ranked:
        if text(phone.phone_number):
            parts = (phone.phone_country_code, phone.phone_area_code, phone.phone_number)
            return " ".join(p for p in (text(x) for x in parts) if p)
    return None


def _address(address: XeroAddress) -> dict[str, Any] | None:
    line2 = ", ".join(
        p
        for p in (
            text(x) for x in (address.address_line2, address.address_line3, address.address_line4)
        )
        if p
    )
    data = {
        "line1": text(address.address_line1),
        "line2": line2 or None,
        "city": text(address.city),
        "region": text(address.region),
        "postal_code": text(address.postal_code),
        "country": country_code(address.country),
    }
    if not any(data.values()):
        return None  # Xero lists both address types on every contact, mostly empty
    return {"kind": ADDRESS_KINDS.get(address.address_type or AddressType.POBOX), **data}


@lru_cache(maxsize=512)
def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code for Xero's free-text country ("New Zealand", "NZ"); None if unknown.

    An unrecognised country is left out rather than refusing the contact: the address is still
    useful and the raw text stays in `remote_data`.
    """
    value = text(name)
    if value is None:
        return None
    value = _COUNTRY_ALIASES.get(value.upper(), value)
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def _bank_accounts(contact: XeroContact) -> list[dict[str, Any]]:
    batch = contact.batch_payments
    number = text(contact.bank_account_details) or text(
        batch.bank_account_number if batch else None
    )
    if number is None:
        return []
    account: dict[str, Any] = {"account_name": text(batch.bank_account_name) if batch else None}
    compact = number.replace(" ", "").upper()
    if _IBAN_SHAPE.match(compact):
        try:
            account["iban"] = str(IBAN(compact).compact)
        except SchwiftyException:
            account["account_number"] = number
    else:
        account["account_number"] = number
    return [account]


# ---------------------------------------------------------------------------------------------
# Invoices and credit notes


def invoice_to_canonical(
    invoice: XeroInvoice, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A bill (ACCPAY) or sales invoice (ACCREC) as a canonical invoice."""
    rid = invoice.invoice_id
    if not rid:
        raise mapping_error("Invoice", None, "InvoiceID", "invoice.remote_id", "is missing")
    if invoice.type not in (InvoiceType.ACCPAY, InvoiceType.ACCREC):
        raise mapping_error(
            "Invoice", rid, "Type", "invoice.direction", f"{invoice.type} is not ACCPAY or ACCREC"
        )
    paid = dec_sum([invoice.amount_paid, invoice.amount_credited])
    if invoice.total is not None and invoice.status not in _VOID:
        expected = invoice.total - paid
        if invoice.amount_due is not None and invoice.amount_due != expected:
            raise mapping_error(
                "Invoice",
                rid,
                "AmountDue",
                "invoice.amount_due",
                f"Xero's AmountDue {invoice.amount_due} ≠ Total {invoice.total} − AmountPaid "
                f"{_or_zero(invoice.amount_paid)} − AmountCredited "
                f"{_or_zero(invoice.amount_credited)}",
            )
    data = _document(
        invoice,
        ctx,
        rid=rid,
        payable=invoice.type == InvoiceType.ACCPAY,
        document_type=DocumentType.INVOICE,
        number=invoice.invoice_number,
        paid=paid,
    )
    data["remote_data"] = raw
    return [build(Invoice, data, source="Invoice", remote_id=rid, fields=DOCUMENT_FIELDS)]


def _or_zero(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value


def credit_note_to_canonical(
    note: XeroCreditNote, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A credit note as a canonical invoice with `document_type` credit_note."""
    rid = note.credit_note_id
    if not rid:
        raise mapping_error("CreditNote", None, "CreditNoteID", "invoice.remote_id", "is missing")
    if note.type is None:
        raise mapping_error("CreditNote", rid, "Type", "invoice.direction", "is missing")
    if note.status in _VOID or note.total is None or note.remaining_credit is None:
        used = [a.amount for a in note.allocations or [] if not a.is_deleted]
        used += [p.amount for p in note.payments or [] if p.status != PaymentStatus.DELETED]
        paid = dec_sum(used)
    else:
        paid = note.total - note.remaining_credit
    data = _document(
        note,
        ctx,
        rid=rid,
        payable=note.type == CreditNoteType.ACCPAYCREDIT,
        document_type=DocumentType.CREDIT_NOTE,
        number=note.credit_note_number,
        paid=paid,
    )
    data["remote_data"] = raw
    return [build(Invoice, data, source="CreditNote", remote_id=rid, fields=DOCUMENT_FIELDS)]


def invoice_status(status: XStatus | None, paid: Decimal, due: Decimal | None) -> InvoiceStatus:
    """The canonical status of a Xero document status, given what is paid and due."""
    if status == XStatus.AUTHORISED:
        # Xero marks a document PAID itself once nothing is due (a zero total included).
        if due == 0:
            return InvoiceStatus.PAID
        return InvoiceStatus.PARTIALLY_PAID if paid > 0 else InvoiceStatus.AUTHORISED
    return {
        XStatus.DRAFT: InvoiceStatus.DRAFT,
        XStatus.SUBMITTED: InvoiceStatus.SUBMITTED,
        XStatus.AUTHORISED: InvoiceStatus.AUTHORISED,
        XStatus.PAID: InvoiceStatus.PAID,
        XStatus.VOIDED: InvoiceStatus.VOIDED,
        XStatus.DELETED: InvoiceStatus.VOIDED,
    }.get(status or XStatus.DRAFT, InvoiceStatus.DRAFT)


def _document(
    doc: XeroInvoice | XeroCreditNote,
    ctx: TranslateContext,
    *,
    rid: str,
    payable: bool,
    document_type: DocumentType,
    number: str | None,
    paid: Decimal,
) -> dict[str, Any]:
    source = "Invoice" if isinstance(doc, XeroInvoice) else "CreditNote"
    mode = TAX_MODES[doc.line_amount_types or LineAmountType.EXCLUSIVE]
    contact_id = doc.contact.contact_id if doc.contact else None
    party_kind = "supplier" if payable else "customer"
    data: dict[str, Any] = {
        "id": ctx.ids.hub_id("invoice", rid),
        "connection_id": ctx.connection_id,
        "remote_id": rid,
        "remote_updated_at": doc.updated_date_utc,
        "remote_deleted": doc.status in _VOID,
        "direction": InvoiceDirection.PAYABLE if payable else InvoiceDirection.RECEIVABLE,
        "document_type": document_type,
        "number": text(number),
        "reference": text(doc.reference),
        "party_id": ctx.ids.hub_id(party_kind, contact_id) if contact_id else None,
        "issue_date": doc.date,
        "due_date": doc.due_date,
        "currency": text(doc.currency_code) or ctx.base_currency,
        "exchange_rate": doc.currency_rate,
        "tax_mode": mode,
        "lines": [_line(i, li, ctx, source, rid) for i, li in enumerate(doc.line_items or [])],
        "amount_paid": paid,
    }
    if doc.total_tax is not None:
        data["tax_total"] = doc.total_tax
    if doc.sub_total is not None:
        inclusive = mode == TaxMode.INCLUSIVE and doc.total_tax is not None
        data["subtotal"] = doc.sub_total + (doc.total_tax or 0) if inclusive else doc.sub_total
    due: Decimal | None = None
    if doc.total is not None:
        data["total"] = doc.total
        due = data["amount_due"] = doc.total - paid
    data["status"] = invoice_status(doc.status, paid, due)
    return data


def _line(
    index: int, line: XeroLineItem, ctx: TranslateContext, source: str, rid: str
) -> dict[str, Any]:
    amount = line.line_amount
    if amount is None:
        if line.quantity is not None or line.unit_amount is not None:
            raise mapping_error(
                source,
                rid,
                f"LineItems[{index}].LineAmount",
                f"invoice.lines[{index}].net_amount",
                "is missing on a line with a quantity or unit amount",
            )
        amount = Decimal(0)  # a description-only line
    return {
        "line_number": index + 1,
        "description": text(line.description),
        "quantity": line.quantity,
        "unit_price": line.unit_amount,
        "discount_percent": line.discount_rate,
        "net_amount": amount,
        "tax_code": text(line.tax_type),
        "tax_amount": line.tax_amount,
        "account_code": text(line.account_code),
        "item_code": text(line.item_code),
        "dimensions": dimensions(
            line.tracking or [],
            ctx,
            source=source,
            rid=rid,
            where=(f"LineItems[{index}]", f"invoice.lines[{index}]"),
        ),
    }


def dimensions(
    tracking: list[XeroTracking],
    ctx: TranslateContext,
    *,
    source: str,
    rid: str,
    where: tuple[str, str],
) -> dict[str, str]:
    """Tracking options of a line as canonical dimensions `{kind: option}`."""
    out: dict[str, str] = {}
    for j, item in enumerate(tracking):
        name, option = text(item.name), text(item.option)
        if name is None or option is None:
            raise mapping_error(
                source,
                rid,
                f"{where[0]}.Tracking[{j}].Name/Option",
                f"{where[1]}.dimensions",
                "a tracking entry needs the category name and the option",
            )
        out[ctx.kind_of(name)] = option
    return out
