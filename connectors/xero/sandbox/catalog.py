"""The collections the Xero sandbox serves, as Xero names and pages them."""

from __future__ import annotations

from connectors.xero.sandbox.store import Spec

__all__ = ["ALIASES", "SPECS", "WRITABLE"]

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
