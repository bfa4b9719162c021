"""Pydantic models of the Xero Accounting API's own payloads (from Xero's OpenAPI description).

Attributes are snake_case and aliased to Xero's names (`contact_id` <-> `ContactID`); models
validate by either and dump by alias. Unknown fields are kept (`extra="allow"`): Xero adds fields,
and a model must not fail a read because of one. Amounts are `Decimal` and never pass through
float; dates are Xero's Microsoft JSON dates, parsed to UTC (the wire format is in `wire.py`).

    invoice = XeroInvoice.model_validate_json(text)    # numbers read exactly
    body = invoice.to_xero()                            # by alias, None left out, /Date()/ dates
    payload = dumps_xero({"Invoices": [body]})          # JSON text with exact numbers
"""

from __future__ import annotations

from pydantic import Field

from connectors.xero.enums import (
    AccountClass,
    AccountStatus,
    AddressType,
    BatchPaymentType,
    ContactStatus,
    CreditNoteType,
    InvoiceStatus,
    InvoiceType,
    LineAmountType,
    ManualJournalStatus,
    OverpaymentType,
    PaymentStatus,
    PaymentTermType,
    PaymentType,
    PhoneType,
    PrepaymentStatus,
    PrepaymentType,
    TaxRateStatus,
    TrackingStatus,
)
from connectors.xero.wire import (
    XeroDate,
    XeroDateTime,
    XeroDecimal,
    XeroError,
    XeroModel,
    XeroPagination,
    XeroValidationMessage,
    dumps_xero,
    format_ms_date,
    format_ms_datetime,
    parse_ms_date,
    parse_ms_datetime,
)

__all__ = [
    "Account",
    "BatchPayment",
    "Contact",
    "CreditNote",
    "Invoice",
    "ManualJournal",
    "Organisation",
    "Overpayment",
    "Payment",
    "Prepayment",
    "TaxRate",
    "TrackingCategory",
    "XeroAccount",
    "XeroAddress",
    "XeroAllocation",
    "XeroBatchPayment",
    "XeroBatchPaymentDetails",
    "XeroContact",
    "XeroCreditNote",
    "XeroDate",
    "XeroDateTime",
    "XeroDecimal",
    "XeroError",
    "XeroInvoice",
    "XeroLineItem",
    "XeroManualJournal",
    "XeroManualJournalLine",
    "XeroModel",
    "XeroOrganisation",
    "XeroOverpayment",
    "XeroPagination",
    "XeroPayment",
    "XeroPaymentTerm",
    "XeroPaymentTerms",
    "XeroPhone",
    "XeroPrepayment",
    "XeroTaxComponent",
    "XeroTaxRate",
    "XeroTracking",
    "XeroTrackingCategory",
    "XeroTrackingOption",
    "XeroValidationMessage",
    "dumps_xero",
    "format_ms_date",
    "format_ms_datetime",
    "parse_ms_date",
    "parse_ms_datetime",
]

# ---------------------------------------------------------------------------------------------
# Contacts


class XeroAddress(XeroModel):
    """A postal (POBOX) or street address; `Country` is free text in Xero."""

    address_type: AddressType | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    address_line4: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


class XeroPhone(XeroModel):
    """A phone number split into country code, area code and number."""

    phone_type: PhoneType | None = None
    phone_number: str | None = None
    phone_area_code: str | None = None
    phone_country_code: str | None = None


class XeroBatchPaymentDetails(XeroModel):
    """The bank details a contact is paid to in batch payments."""

    bank_account_number: str | None = None
    bank_account_name: str | None = None
    details: str | None = None
    code: str | None = None
    reference: str | None = None


class XeroPaymentTerm(XeroModel):
    """A payment term: `Day` with its meaning (`DAYSAFTERBILLDATE`, ...)."""

    day: int | None = None
    type: PaymentTermType | None = None


class XeroPaymentTerms(XeroModel):
    """Payment terms for bills (what we owe) and sales (what we are owed)."""

    bills: XeroPaymentTerm | None = None
    sales: XeroPaymentTerm | None = None


class XeroContact(XeroModel):
    """A Xero contact: one record for both suppliers and customers."""

    contact_id: str | None = None
    account_number: str | None = None
    contact_status: ContactStatus | None = None
    name: str | None = None
    company_number: str | None = None
    email_address: str | None = None
    bank_account_details: str | None = None
    tax_number: str | None = None
    addresses: list[XeroAddress] | None = None
    phones: list[XeroPhone] | None = None
    is_supplier: bool | None = None
    is_customer: bool | None = None
    default_currency: str | None = None
    sales_default_account_code: str | None = None
    purchases_default_account_code: str | None = None
    payment_terms: XeroPaymentTerms | None = None
    updated_date_utc: XeroDateTime | None = None
    website: str | None = None
    batch_payments: XeroBatchPaymentDetails | None = None
    validation_errors: list[XeroValidationMessage] | None = None


# ---------------------------------------------------------------------------------------------
# Documents


class XeroTracking(XeroModel):
    """A tracking category option on a line: `{Name: "Region", Option: "North"}`."""

    tracking_category_id: str | None = None
    tracking_option_id: str | None = None
    name: str | None = None
    option: str | None = None


class XeroLineItem(XeroModel):
    """A line of an invoice, credit note, overpayment or prepayment."""

    description: str | None = None
    quantity: XeroDecimal | None = None
    unit_amount: XeroDecimal | None = None
    item_code: str | None = None
    account_code: str | None = None
    account_id: str | None = None
    tax_type: str | None = None
    tax_amount: XeroDecimal | None = None
    line_amount: XeroDecimal | None = None
    tracking: list[XeroTracking] | None = None
    discount_rate: XeroDecimal | None = None


class XeroInvoice(XeroModel):
    """A bill (`ACCPAY`) or sales invoice (`ACCREC`); also the reference inside a payment."""

    type: InvoiceType | None = None
    contact: XeroContact | None = None
    line_items: list[XeroLineItem] | None = None
    date: XeroDate | None = None
    due_date: XeroDate | None = None
    line_amount_types: LineAmountType | None = None
    invoice_number: str | None = None
    reference: str | None = None
    url: str | None = None
    currency_code: str | None = None
    currency_rate: XeroDecimal | None = None
    status: InvoiceStatus | None = None
    sub_total: XeroDecimal | None = None
    total_tax: XeroDecimal | None = None
    total: XeroDecimal | None = None
    invoice_id: str | None = None
    payments: list[XeroPayment] | None = None
    prepayments: list[XeroPrepayment] | None = None
    overpayments: list[XeroOverpayment] | None = None
    amount_due: XeroDecimal | None = None
    amount_paid: XeroDecimal | None = None
    amount_credited: XeroDecimal | None = None
    updated_date_utc: XeroDateTime | None = None
    credit_notes: list[XeroCreditNote] | None = None
    validation_errors: list[XeroValidationMessage] | None = None


class XeroAllocation(XeroModel):
    """Part of a credit note, overpayment or prepayment applied to an invoice."""

    invoice: XeroInvoice | None = None
    overpayment: XeroOverpayment | None = None
    prepayment: XeroPrepayment | None = None
    credit_note: XeroCreditNote | None = None
    amount: XeroDecimal | None = None
    date: XeroDate | None = None
    is_deleted: bool | None = None


class XeroCreditNote(XeroModel):
    """A credit note: `ACCPAYCREDIT` from a supplier, `ACCRECCREDIT` to a customer."""

    type: CreditNoteType | None = None
    contact: XeroContact | None = None
    date: XeroDate | None = None
    due_date: XeroDate | None = None
    status: InvoiceStatus | None = None
    line_amount_types: LineAmountType | None = None
    line_items: list[XeroLineItem] | None = None
    sub_total: XeroDecimal | None = None
    total_tax: XeroDecimal | None = None
    total: XeroDecimal | None = None
    updated_date_utc: XeroDateTime | None = None
    currency_code: str | None = None
    credit_note_id: str | None = None
    credit_note_number: str | None = None
    reference: str | None = None
    currency_rate: XeroDecimal | None = None
    remaining_credit: XeroDecimal | None = None
    allocations: list[XeroAllocation] | None = None
    payments: list[XeroPayment] | None = None
    validation_errors: list[XeroValidationMessage] | None = None


class XeroOverpayment(XeroModel):
    """Money received or spent beyond what was owed, applied to invoices by allocations."""

    type: OverpaymentType | None = None
    contact: XeroContact | None = None
    date: XeroDate | None = None
    status: PrepaymentStatus | None = None
    line_amount_types: LineAmountType | None = None
    line_items: list[XeroLineItem] | None = None
    sub_total: XeroDecimal | None = None
    total_tax: XeroDecimal | None = None
    total: XeroDecimal | None = None
    updated_date_utc: XeroDateTime | None = None
    currency_code: str | None = None
    overpayment_id: str | None = None
    currency_rate: XeroDecimal | None = None
    remaining_credit: XeroDecimal | None = None
    allocations: list[XeroAllocation] | None = None
    payments: list[XeroPayment] | None = None
    reference: str | None = None


class XeroPrepayment(XeroModel):
    """Money received or spent before an invoice exists, applied later by allocations."""

    type: PrepaymentType | None = None
    contact: XeroContact | None = None
    date: XeroDate | None = None
    status: PrepaymentStatus | None = None
    line_amount_types: LineAmountType | None = None
    line_items: list[XeroLineItem] | None = None
    sub_total: XeroDecimal | None = None
    total_tax: XeroDecimal | None = None
    total: XeroDecimal | None = None
    reference: str | None = None
    invoice_number: str | None = None
    updated_date_utc: XeroDateTime | None = None
    currency_code: str | None = None
    prepayment_id: str | None = None
    currency_rate: XeroDecimal | None = None
    remaining_credit: XeroDecimal | None = None
    allocations: list[XeroAllocation] | None = None
    payments: list[XeroPayment] | None = None


# ---------------------------------------------------------------------------------------------
# Payments


class XeroPayment(XeroModel):
    """A payment of one invoice or credit note (or a refund of an over/prepayment)."""

    invoice: XeroInvoice | None = None
    credit_note: XeroCreditNote | None = None
    prepayment: XeroPrepayment | None = None
    overpayment: XeroOverpayment | None = None
    invoice_number: str | None = None
    credit_note_number: str | None = None
    batch_payment: XeroBatchPayment | None = None
    account: XeroAccount | None = None
    code: str | None = None
    date: XeroDate | None = None
    currency_rate: XeroDecimal | None = None
    amount: XeroDecimal | None = None
    bank_amount: XeroDecimal | None = None
    reference: str | None = None
    is_reconciled: bool | None = None
    status: PaymentStatus | None = None
    payment_type: PaymentType | None = None
    updated_date_utc: XeroDateTime | None = None
    payment_id: str | None = None
    batch_payment_id: str | None = None
    bank_account_number: str | None = None
    details: str | None = None
    validation_errors: list[XeroValidationMessage] | None = None


class XeroBatchPayment(XeroModel):
    """Several invoices paid in one bank transaction (`PAYBATCH` bills, `RECBATCH` sales)."""

    account: XeroAccount | None = None
    reference: str | None = None
    code: str | None = None
    details: str | None = None
    narrative: str | None = None
    batch_payment_id: str | None = None
    date: XeroDate | None = None
    amount: XeroDecimal | None = None
    payments: list[XeroPayment] | None = None
    type: BatchPaymentType | None = None
    status: PaymentStatus | None = None
    total_amount: XeroDecimal | None = None
    updated_date_utc: XeroDateTime | None = None
    is_reconciled: bool | None = None
    validation_errors: list[XeroValidationMessage] | None = None


# ---------------------------------------------------------------------------------------------
# Journals and reference data


class XeroManualJournalLine(XeroModel):
    """A journal line; `LineAmount` is signed: positive debit, negative credit."""

    line_amount: XeroDecimal | None = None
    account_code: str | None = None
    account_id: str | None = None
    description: str | None = None
    tax_type: str | None = None
    tracking: list[XeroTracking] | None = None
    tax_amount: XeroDecimal | None = None
    is_blank: bool | None = None


class XeroManualJournal(XeroModel):
    """A manual journal posted to the general ledger."""

    narration: str | None = None
    journal_lines: list[XeroManualJournalLine] | None = None
    date: XeroDate | None = None
    line_amount_types: LineAmountType | None = None
    status: ManualJournalStatus | None = None
    url: str | None = None
    updated_date_utc: XeroDateTime | None = None
    manual_journal_id: str | None = None
    validation_errors: list[XeroValidationMessage] | None = None


class XeroAccount(XeroModel):
    """A general-ledger account; also the bank-account reference of a payment."""

    code: str | None = None
    name: str | None = None
    account_id: str | None = None
    type: str | None = None
    bank_account_number: str | None = None
    status: AccountStatus | None = None
    description: str | None = None
    currency_code: str | None = None
    tax_type: str | None = None
    account_class: AccountClass | None = Field(None, alias="Class")
    updated_date_utc: XeroDateTime | None = None


class XeroTaxComponent(XeroModel):
    """A component of a (possibly compound) tax rate."""

    name: str | None = None
    rate: XeroDecimal | None = None


class XeroTaxRate(XeroModel):
    """A tax rate, identified by its `TaxType` code."""

    name: str | None = None
    tax_type: str | None = None
    tax_components: list[XeroTaxComponent] | None = None
    status: TaxRateStatus | None = None
    display_tax_rate: XeroDecimal | None = None
    effective_rate: XeroDecimal | None = None


class XeroTrackingOption(XeroModel):
    """One option of a tracking category (a region, a department, ...)."""

    tracking_option_id: str | None = None
    name: str | None = None
    status: TrackingStatus | None = None
    tracking_category_id: str | None = None


class XeroTrackingCategory(XeroModel):
    """A tracking category (Xero's dimension) with its options; at most two are active."""

    tracking_category_id: str | None = None
    tracking_option_id: str | None = None
    name: str | None = None
    option: str | None = None
    status: TrackingStatus | None = None
    options: list[XeroTrackingOption] | None = None


class XeroOrganisation(XeroModel):
    """The connected organisation: its name, base currency and country."""

    name: str | None = None
    version: str | None = None
    base_currency: str | None = None
    tax_number: str | None = None
    timezone: str | None = None
    addresses: list[XeroAddress] | None = None
    phones: list[XeroPhone] | None = None
    payment_terms: XeroPaymentTerms | None = None


for _model in (
    XeroInvoice,
    XeroAllocation,
    XeroCreditNote,
    XeroOverpayment,
    XeroPrepayment,
    XeroPayment,
    XeroBatchPayment,
):
    _model.model_rebuild()

# Short names, as the resource declarations use them (`models.Invoice`).
Account = XeroAccount
BatchPayment = XeroBatchPayment
Contact = XeroContact
CreditNote = XeroCreditNote
Invoice = XeroInvoice
ManualJournal = XeroManualJournal
Organisation = XeroOrganisation
Overpayment = XeroOverpayment
Payment = XeroPayment
Prepayment = XeroPrepayment
TaxRate = XeroTaxRate
TrackingCategory = XeroTrackingCategory
