"""Every enumeration of the canonical model, with exactly the values of the v1 contract."""

from __future__ import annotations

from enum import StrEnum


class PartyStatus(StrEnum):
    """Whether a supplier or customer is in use."""

    ACTIVE = "active"
    ARCHIVED = "archived"


class ReferenceStatus(StrEnum):
    """Whether an account, tax rate or dimension value is in use."""

    ACTIVE = "active"
    ARCHIVED = "archived"


class AddressKind(StrEnum):
    """What an address is used for."""

    BILLING = "billing"
    REMIT_TO = "remit_to"
    SHIPPING = "shipping"
    REGISTERED = "registered"


class InvoiceDirection(StrEnum):
    """`payable`: we owe a supplier (a bill); `receivable`: a customer owes us."""

    PAYABLE = "payable"
    RECEIVABLE = "receivable"


class DocumentType(StrEnum):
    """An invoice or a credit note against one."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceStatus(StrEnum):
    """Where an invoice is in its life."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    AUTHORISED = "authorised"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOIDED = "voided"


class TaxMode(StrEnum):
    """How line amounts relate to tax."""

    EXCLUSIVE = "exclusive"
    INCLUSIVE = "inclusive"
    NO_TAX = "no_tax"


class PaymentDirection(StrEnum):
    """`outbound`: we pay a supplier; `inbound`: a customer pays us."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class PaymentMethod(StrEnum):
    """The rail a payment travels on."""

    ACH = "ach"
    WIRE = "wire"
    SEPA_CREDIT_TRANSFER = "sepa_credit_transfer"
    INSTANT = "instant"
    CARD = "card"
    CHECK = "check"
    CASH = "cash"
    OTHER = "other"


class PaymentStatus(StrEnum):
    """Where a payment is; only `settled` is confirmed by the bank."""

    PENDING = "pending"
    SUBMITTED = "submitted"
    SETTLED = "settled"
    REJECTED = "rejected"
    RETURNED = "returned"
    VOIDED = "voided"

    @property
    def is_bank_confirmed(self) -> bool:
        """True only for a status the bank confirmed; `submitted` is not `settled`."""
        return self is PaymentStatus.SETTLED


class JournalStatus(StrEnum):
    """Whether a journal entry is posted."""

    DRAFT = "draft"
    POSTED = "posted"
    VOIDED = "voided"


class AccountType(StrEnum):
    """The class of a general-ledger account."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


class EventType(StrEnum):
    """Every event type the hub emits."""

    SUPPLIER_CREATED = "supplier.created"
    SUPPLIER_UPDATED = "supplier.updated"
    SUPPLIER_DELETED = "supplier.deleted"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMER_UPDATED = "customer.updated"
    CUSTOMER_DELETED = "customer.deleted"
    INVOICE_CREATED = "invoice.created"
    INVOICE_UPDATED = "invoice.updated"
    INVOICE_DELETED = "invoice.deleted"
    PAYMENT_CREATED = "payment.created"
    PAYMENT_UPDATED = "payment.updated"
    PAYMENT_DELETED = "payment.deleted"
    JOURNAL_ENTRY_CREATED = "journal_entry.created"
    JOURNAL_ENTRY_UPDATED = "journal_entry.updated"
    JOURNAL_ENTRY_DELETED = "journal_entry.deleted"
    SYNC_COMPLETED = "sync.completed"
    SYNC_FAILED = "sync.failed"
    WRITE_SUCCEEDED = "write.succeeded"
    WRITE_FAILED = "write.failed"
    EXCEPTION_OPENED = "exception.opened"
    EXCEPTION_RESOLVED = "exception.resolved"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
