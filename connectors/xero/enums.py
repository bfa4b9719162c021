"""Xero's enumerations, with exactly the values of Xero's OpenAPI description."""

from __future__ import annotations

from enum import StrEnum


class ContactStatus(StrEnum):
    """Whether a contact is in use; an archived contact is how Xero shows a deleted one."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    GDPRREQUEST = "GDPRREQUEST"


class AddressType(StrEnum):
    """Postal (`POBOX`) or street address; `DELIVERY` only on the organisation."""

    POBOX = "POBOX"
    STREET = "STREET"
    DELIVERY = "DELIVERY"


class PhoneType(StrEnum):
    """Kind of phone number."""

    DEFAULT = "DEFAULT"
    DDI = "DDI"
    MOBILE = "MOBILE"
    FAX = "FAX"
    OFFICE = "OFFICE"


class PaymentTermType(StrEnum):
    """How a payment term's `Day` is counted."""

    DAYSAFTERBILLDATE = "DAYSAFTERBILLDATE"
    DAYSAFTERBILLMONTH = "DAYSAFTERBILLMONTH"
    OFCURRENTMONTH = "OFCURRENTMONTH"
    OFFOLLOWINGMONTH = "OFFOLLOWINGMONTH"


class InvoiceType(StrEnum):
    """Document type; `/Invoices` holds `ACCPAY` (bills) and `ACCREC` (sales invoices)."""

    ACCPAY = "ACCPAY"
    ACCPAYCREDIT = "ACCPAYCREDIT"
    APOVERPAYMENT = "APOVERPAYMENT"
    APPREPAYMENT = "APPREPAYMENT"
    ACCREC = "ACCREC"
    ACCRECCREDIT = "ACCRECCREDIT"
    AROVERPAYMENT = "AROVERPAYMENT"
    ARPREPAYMENT = "ARPREPAYMENT"


class CreditNoteType(StrEnum):
    """`ACCPAYCREDIT` from a supplier, `ACCRECCREDIT` to a customer."""

    ACCPAYCREDIT = "ACCPAYCREDIT"
    ACCRECCREDIT = "ACCRECCREDIT"


class InvoiceStatus(StrEnum):
    """Status of an invoice or credit note."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    DELETED = "DELETED"
    AUTHORISED = "AUTHORISED"
    PAID = "PAID"
    VOIDED = "VOIDED"


class LineAmountType(StrEnum):
    """Whether line amounts exclude or include tax (exclusive when not given)."""

    EXCLUSIVE = "Exclusive"
    INCLUSIVE = "Inclusive"
    NO_TAX = "NoTax"


class PaymentStatus(StrEnum):
    """Status of a payment or batch payment."""

    AUTHORISED = "AUTHORISED"
    DELETED = "DELETED"


class PaymentType(StrEnum):
    """What a payment pays: an invoice, a credit note refund, an over/prepayment refund."""

    ACCRECPAYMENT = "ACCRECPAYMENT"
    ACCPAYPAYMENT = "ACCPAYPAYMENT"
    ARCREDITPAYMENT = "ARCREDITPAYMENT"
    APCREDITPAYMENT = "APCREDITPAYMENT"
    AROVERPAYMENTPAYMENT = "AROVERPAYMENTPAYMENT"
    ARPREPAYMENTPAYMENT = "ARPREPAYMENTPAYMENT"
    APPREPAYMENTPAYMENT = "APPREPAYMENTPAYMENT"
    APOVERPAYMENTPAYMENT = "APOVERPAYMENTPAYMENT"


class BatchPaymentType(StrEnum):
    """`PAYBATCH` pays bills, `RECBATCH` receives sales invoice payments."""

    PAYBATCH = "PAYBATCH"
    RECBATCH = "RECBATCH"


class OverpaymentType(StrEnum):
    """Direction of an overpayment."""

    RECEIVE_OVERPAYMENT = "RECEIVE-OVERPAYMENT"
    SPEND_OVERPAYMENT = "SPEND-OVERPAYMENT"
    AROVERPAYMENT = "AROVERPAYMENT"


class PrepaymentType(StrEnum):
    """Direction of a prepayment."""

    RECEIVE_PREPAYMENT = "RECEIVE-PREPAYMENT"
    SPEND_PREPAYMENT = "SPEND-PREPAYMENT"
    ARPREPAYMENT = "ARPREPAYMENT"
    APPREPAYMENT = "APPREPAYMENT"


class PrepaymentStatus(StrEnum):
    """Status of an overpayment or prepayment."""

    AUTHORISED = "AUTHORISED"
    PAID = "PAID"
    VOIDED = "VOIDED"


class ManualJournalStatus(StrEnum):
    """Status of a manual journal."""

    DRAFT = "DRAFT"
    POSTED = "POSTED"
    DELETED = "DELETED"
    VOIDED = "VOIDED"
    ARCHIVED = "ARCHIVED"


class AccountClass(StrEnum):
    """The class of an account (read-only in Xero)."""

    ASSET = "ASSET"
    EQUITY = "EQUITY"
    EXPENSE = "EXPENSE"
    LIABILITY = "LIABILITY"
    REVENUE = "REVENUE"


class AccountStatus(StrEnum):
    """Whether an account is in use."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    DELETED = "DELETED"


class TaxRateStatus(StrEnum):
    """Whether a tax rate is in use."""

    ACTIVE = "ACTIVE"
    DELETED = "DELETED"
    ARCHIVED = "ARCHIVED"
    PENDING = "PENDING"


class TrackingStatus(StrEnum):
    """Whether a tracking category or option is in use."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    DELETED = "DELETED"


ACCOUNT_TYPE_CLASS: dict[str, AccountClass] = {
    "BANK": AccountClass.ASSET,
    "CURRENT": AccountClass.ASSET,
    "FIXED": AccountClass.ASSET,
    "INVENTORY": AccountClass.ASSET,
    "NONCURRENT": AccountClass.ASSET,
    "PREPAYMENT": AccountClass.ASSET,
    "CURRLIAB": AccountClass.LIABILITY,
    "LIABILITY": AccountClass.LIABILITY,
    "TERMLIAB": AccountClass.LIABILITY,
    "PAYG": AccountClass.LIABILITY,
    "EQUITY": AccountClass.EQUITY,
    "REVENUE": AccountClass.REVENUE,
    "SALES": AccountClass.REVENUE,
    "OTHERINCOME": AccountClass.REVENUE,
    "EXPENSE": AccountClass.EXPENSE,
    "DIRECTCOSTS": AccountClass.EXPENSE,
    "OVERHEADS": AccountClass.EXPENSE,
    "DEPRECIATN": AccountClass.EXPENSE,
}
"""The class each account `Type` belongs to, for payloads that leave `Class` out."""
