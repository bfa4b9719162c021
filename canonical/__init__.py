"""The canonical finance model v1: the hub's public language.

    from canonical import Supplier, Customer, Invoice, Payment, JournalEntry
    from canonical import Account, TaxRate, Dimension, Event

Every model is frozen and refuses unknown fields; money is Decimal (a decimal string in JSON);
`Model.parse(data)` raises `CanonicalValidationError`, whose violations name canonical paths.
"""

from canonical.base import CanonicalModel, Record
from canonical.catalogue import OBJECTS, PathInfo, catalogue, lookup
from canonical.enums import (
    AccountType,
    AddressKind,
    DocumentType,
    EventType,
    InvoiceDirection,
    InvoiceStatus,
    JournalStatus,
    PartyStatus,
    PaymentDirection,
    PaymentMethod,
    PaymentStatus,
    ReferenceStatus,
    TaxMode,
)
from canonical.errors import CanonicalValidationError, Violation
from canonical.events import Event
from canonical.ids import id_for, new_id
from canonical.invoice import Invoice, InvoiceLine
from canonical.journal import JournalEntry, JournalLine
from canonical.money import minor_units, round_money
from canonical.party import Address, BankAccount, Customer, Supplier
from canonical.payment import Allocation, Payment, Remittance
from canonical.reference import Account, Dimension, TaxRate
from canonical.validate import ValidationReport, validate_document

__all__ = [
    "OBJECTS",
    "Account",
    "AccountType",
    "Address",
    "AddressKind",
    "Allocation",
    "BankAccount",
    "CanonicalModel",
    "CanonicalValidationError",
    "Customer",
    "Dimension",
    "DocumentType",
    "Event",
    "EventType",
    "Invoice",
    "InvoiceDirection",
    "InvoiceLine",
    "InvoiceStatus",
    "JournalEntry",
    "JournalLine",
    "JournalStatus",
    "PartyStatus",
    "PathInfo",
    "Payment",
    "PaymentDirection",
    "PaymentMethod",
    "PaymentStatus",
    "Record",
    "ReferenceStatus",
    "Remittance",
    "Supplier",
    "TaxMode",
    "TaxRate",
    "ValidationReport",
    "Violation",
    "catalogue",
    "id_for",
    "lookup",
    "minor_units",
    "new_id",
    "round_money",
    "validate_document",
]
