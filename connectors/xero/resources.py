"""Xero's readable resources, declared: the shared read loop does the rest."""

from __future__ import annotations

from connectors.base import Resource
from connectors.paging import PageNumbers
from connectors.xero import models as m
from mappings.customfields import Place

_PAGE = 1000
_PAGES = PageNumbers("page", "pageSize", count_path="pagination.pageCount")
# Offset paging over a key that changes during a read (UpdatedDateUTC) can skip a record that
# another record's update shifted across a page edge; a record's id never changes, so paged
# reads order by it. A record that enters the result set mid-pass is caught by the next pass,
# which starts from this pass's start time.
_ARCHIVED = "ContactStatus=ARCHIVED"
_VOIDED = "Status DELETED or VOIDED"

RESOURCES: tuple[Resource, ...] = (
    Resource(
        name="organisation",
        path="/Organisation",
        collection="Organisations",
        model=m.XeroOrganisation,
        objects=(),
        id_field="OrganisationID",
        description="The organisation: base currency and country (read, not stored).",
    ),
    Resource(
        name="accounts",
        path="/Accounts",
        collection="Accounts",
        model=m.XeroAccount,
        objects=("account",),
        id_field="AccountID",
        cursor="UpdatedDateUTC",
        deletes="Status=ARCHIVED",
        description="Chart of accounts.",
    ),
    Resource(
        name="tax_rates",
        path="/TaxRates",
        collection="TaxRates",
        model=m.XeroTaxRate,
        objects=("tax_rate",),
        id_field="TaxType",
        deletes="Status=DELETED or ARCHIVED",
        description="Tax rates.",
    ),
    Resource(
        name="tracking_categories",
        path="/TrackingCategories",
        collection="TrackingCategories",
        model=m.XeroTrackingCategory,
        objects=("dimension",),
        id_field="TrackingCategoryID",
        params={"includeArchived": "true"},
        deletes="Status=ARCHIVED",
        description="Tracking categories and their options (dimensions).",
    ),
    Resource(
        name="contacts",
        path="/Contacts",
        collection="Contacts",
        model=m.XeroContact,
        objects=("supplier", "customer"),
        id_field="ContactID",
        cursor="UpdatedDateUTC",
        page_size=_PAGE,
        paginator=_PAGES,
        order="ContactID ASC",
        params={"includeArchived": "true"},
        deletes=_ARCHIVED,
        description="Contacts: suppliers and customers.",
    ),
    Resource(
        name="invoices",
        path="/Invoices",
        collection="Invoices",
        model=m.XeroInvoice,
        objects=("invoice",),
        id_field="InvoiceID",
        cursor="UpdatedDateUTC",
        page_size=_PAGE,
        paginator=_PAGES,
        order="InvoiceID ASC",
        deletes=_VOIDED,
        description="Bills (ACCPAY) and sales invoices (ACCREC).",
    ),
    Resource(
        name="credit_notes",
        path="/CreditNotes",
        collection="CreditNotes",
        model=m.XeroCreditNote,
        objects=("invoice",),
        id_field="CreditNoteID",
        cursor="UpdatedDateUTC",
        page_size=_PAGE,
        paginator=_PAGES,
        order="CreditNoteID ASC",
        deletes=_VOIDED,
        description="Credit notes (ACCPAYCREDIT, ACCRECCREDIT).",
    ),
    Resource(
        name="payments",
        path="/Payments",
        collection="Payments",
        model=m.XeroPayment,
        objects=("payment",),
        id_field="PaymentID",
        cursor="UpdatedDateUTC",
        page_size=_PAGE,
        paginator=_PAGES,
        order="PaymentID ASC",
        deletes="Status=DELETED",
        description="Payments against one invoice or credit note.",
    ),
    Resource(
        name="batch_payments",
        path="/BatchPayments",
        collection="BatchPayments",
        model=m.XeroBatchPayment,
        objects=("payment",),
        id_field="BatchPaymentID",
        cursor="UpdatedDateUTC",
        deletes="Status=DELETED",
        description="Several invoices paid together.",
    ),
    Resource(
        name="overpayments",
        path="/Overpayments",
        collection="Overpayments",
        model=m.XeroOverpayment,
        objects=("payment",),
        id_field="OverpaymentID",
        cursor="UpdatedDateUTC",
        page_size=_PAGE,
        paginator=_PAGES,
        order="OverpaymentID ASC",
        deletes="Status=VOIDED",
        description="Overpayments and their allocations.",
    ),
    Resource(
        name="prepayments",
        path="/Prepayments",
        collection="Prepayments",
        model=m.XeroPrepayment,
        objects=("payment",),
        id_field="PrepaymentID",
        cursor="UpdatedDateUTC",
        page_size=_PAGE,
        paginator=_PAGES,
        order="PrepaymentID ASC",
        deletes="Status=VOIDED",
        description="Prepayments and their allocations.",
    ),
    Resource(
        name="manual_journals",
        path="/ManualJournals",
        collection="ManualJournals",
        model=m.XeroManualJournal,
        objects=("journal_entry",),
        id_field="ManualJournalID",
        cursor="UpdatedDateUTC",
        page_size=_PAGE,
        paginator=_PAGES,
        order="ManualJournalID ASC",
        deletes=_VOIDED,
        description="Manual journals.",
    ),
)

CUSTOM_FIELD_PLACES: tuple[Place, ...] = (
    Place(
        name="tracking",
        label="tracking category",
        paths={
            ("invoice", "line"): "LineItems[].Tracking[Name={param}].Option",
            ("journal_entry", "line"): "JournalLines[].Tracking[Name={param}].Option",
        },
        param="category name",
        param_pattern=r"[^\[\]=.]{1,100}",
        example="Department",
        example_value="Research",
        limit=2,
        limit_reason=(
            "Xero allows two active tracking categories per organisation; bind further fields "
            "to a line's account code or to the reference instead."
        ),
        description="A line's option of a tracking category (the option must exist in Xero).",
    ),
    Place(
        name="account_code",
        label="line account code",
        paths={
            ("invoice", "line"): "LineItems[].AccountCode",
            ("journal_entry", "line"): "JournalLines[].AccountCode",
        },
        description="The GL account code of a line (a code of the chart of accounts).",
    ),
    Place(
        name="reference",
        label="reference",
        paths={("invoice", "header"): "Reference", ("payment", "header"): "Reference"},
        example_value="PRJ-42",
        description="The document's free-text reference (bills, invoices, credit notes, payments).",
    ),
)
"""Where Xero keeps tenant custom fields (`hub custom-fields bind --place ...`)."""
