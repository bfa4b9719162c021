"""The collections the Xero sandbox serves, as Xero names and pages them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.sandbox.store import Store
from connectors.xero.wire import format_ms_datetime

__all__ = ["ALIASES", "SPECS", "WRITABLE", "Spec", "XeroStore"]


@dataclass(frozen=True)
class Spec:
    """How Xero exposes one collection."""

    name: str  # our name, e.g. "credit_notes"
    path: str  # Xero's path segment and envelope key, e.g. "CreditNotes"
    id_field: str  # e.g. "CreditNoteID"
    paged: bool
    summary_drops: tuple[str, ...] = ()  # fields left out of unpaged lists
    number_field: str | None = None  # second identifier accepted by GET /{path}/{ident}
    envelope: str | None = None  # envelope key when it differs from `path`
    stamped: bool = True  # the documents carry UpdatedDateUTC
    archived_when: tuple[str, str] | None = None  # (field, value) hidden unless includeArchived

    def is_archived(self, doc: dict[str, Any]) -> bool:
        """True for a document that lists leave out unless `includeArchived=true`."""
        return (
            self.archived_when is not None
            and doc.get(self.archived_when[0]) == (self.archived_when[1])
        )

    def stamp(self, doc: dict[str, Any], updated: datetime) -> None:
        """Xero's `UpdatedDateUTC` (a Microsoft date) on documents that carry one."""
        if self.stamped:
            doc["UpdatedDateUTC"] = format_ms_datetime(updated)

    @property
    def key(self) -> str:
        """The collection's key in response envelopes."""
        return self.envelope or self.path


XeroStore = Store[Spec]
"""The kit's paged in-memory store over Xero's collections."""

# Paged (page + pageSize) per the OpenAPI description: Contacts, Invoices, CreditNotes,
# Payments, Overpayments, Prepayments, ManualJournals. Unpaged lists of Invoices leave out
# LineItems, as Xero does.
SPECS: tuple[Spec, ...] = (
    Spec(
        "contacts",
        "Contacts",
        "ContactID",
        paged=True,
        number_field="ContactNumber",
        archived_when=("ContactStatus", "ARCHIVED"),
    ),
    Spec(
        "invoices",
        "Invoices",
        "InvoiceID",
        paged=True,
        summary_drops=("LineItems",),
        number_field="InvoiceNumber",
    ),
    Spec(
        "credit_notes", "CreditNotes", "CreditNoteID", paged=True, number_field="CreditNoteNumber"
    ),
    Spec("payments", "Payments", "PaymentID", paged=True),
    Spec("batch_payments", "BatchPayments", "BatchPaymentID", paged=False),
    Spec("overpayments", "Overpayments", "OverpaymentID", paged=True),
    Spec("prepayments", "Prepayments", "PrepaymentID", paged=True),
    Spec("manual_journals", "ManualJournals", "ManualJournalID", paged=True),
    Spec("accounts", "Accounts", "AccountID", paged=False, number_field="Code"),
    Spec("tax_rates", "TaxRates", "TaxType", paged=False, stamped=False),
    Spec(
        "tracking_categories",
        "TrackingCategories",
        "TrackingCategoryID",
        paged=False,
        stamped=False,
    ),
    Spec(
        "organisation",
        "Organisation",
        "OrganisationID",
        paged=False,
        envelope="Organisations",
        stamped=False,
    ),
    Spec("currencies", "Currencies", "Code", paged=False, stamped=False),
)

WRITABLE = ("contacts", "invoices", "credit_notes", "payments", "manual_journals")

# Names accepted by /_sandbox/changes and friends: ours, Xero's, lower-case Xero's.
ALIASES: dict[str, str] = {}
for _spec in SPECS:
    ALIASES[_spec.name] = _spec.name
    ALIASES[_spec.path.lower()] = _spec.name
    ALIASES[_spec.name.replace("_", "")] = _spec.name
