"""SAP's readable resources, declared: one OData entity set each, with what to expand and how
to read it incrementally. The shared read loop does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from connectors.base import KEY_SCAN, Resource
from connectors.paging import NextLinks
from connectors.sap import models as m
from mappings.customfields import Place

__all__ = ["PAGE", "RESOURCES", "SAP_READS", "SapRead"]

PAGE = 5000
"""Rows per request: the most an SAP service gives in one page (RAP caps at 5,000)."""
_PAGES = NextLinks("d.__next", "$top", "$skip", "d.__count")
"""OData V2 paging: `$top/$skip` with `$inlinecount`, and the server's `__next` when it pages
below `$top` (SAP's RAP services give 100 rows without `$top`)."""


@dataclass(frozen=True)
class SapRead:
    """How one resource is asked for: `$expand`, a fixed `$filter`, the change stamp's kind.

    `stamp` is `date+time` (`LastChangeDate` + `LastChangeTime`), `datetimeoffset`, `date`
    (a date-only stamp: the day of `since` is read again, and the store's content hash makes
    that change nothing) or None (no change stamp: read in full each pass). `touched` adds the
    entities that changed without a stamp but left a new document behind (supplier invoices:
    reversed, parked and then posted, or paid), read by key after the stamped ones; `clearing`
    reads with each page the clearings of its documents' supplier items (whether each is paid,
    which only the journal entry items say). `group` names the
    item fields whose equal values make one record (journal entries and payments are several
    journal entry items each); `keys` the fields of the remote id.
    """

    service: str
    entity_set: str
    keys: tuple[str, ...]
    expand: str = ""
    filter: str = ""
    stamp: str | None = None
    stamp_fields: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    orderby: str = ""
    touched: bool = False
    clearing: bool = False


def _resource(
    name: str,
    read: SapRead,
    model: type[BaseModel],
    objects: tuple[str, ...],
    deletes: str | None,
    description: str,
    deletions: str | None = None,
) -> Resource:
    return Resource(
        name=name,
        path=f"/{read.service}/{read.entity_set}",
        collection=read.entity_set,
        model=model,
        objects=objects,
        id_fields=read.keys,
        cursor="+".join(read.stamp_fields) if read.stamp else None,
        page_size=PAGE,
        paginator=_PAGES,
        records="d.results",
        deletes=deletes,
        description=description,
        deletions=deletions,
    )


SAP_READS: dict[str, SapRead] = {
    "company_codes": SapRead("API_COMPANYCODE_SRV", "A_CompanyCode", ("CompanyCode",)),
    "accounts": SapRead(
        "API_GLACCOUNTINCHARTOFACCOUNTS_SRV",
        "A_GLAccountInChartOfAccounts",
        ("GLAccount",),
        expand="to_Text",
    ),
    "cost_centers": SapRead(
        "API_COSTCENTER_SRV", "A_CostCenter", ("ControllingArea", "CostCenter")
    ),
    "profit_centers": SapRead(
        "API_PROFITCENTER_SRV", "A_ProfitCenter", ("ControllingArea", "ProfitCenter")
    ),
    "business_partners": SapRead(
        "API_BUSINESS_PARTNER",
        "A_BusinessPartner",
        ("BusinessPartner",),
        expand=(
            "to_Supplier/to_SupplierCompany,to_Customer/to_CustomerCompany,"
            "to_BusinessPartnerAddress/to_EmailAddress,to_BusinessPartnerAddress/to_PhoneNumber,"
            "to_BusinessPartnerBank,to_BusinessPartnerTax"
        ),
        stamp="date+time",
        stamp_fields=("LastChangeDate", "LastChangeTime"),
    ),
    "supplier_invoices": SapRead(
        "API_SUPPLIERINVOICE_PROCESS_SRV",
        "A_SupplierInvoice",
        ("SupplierInvoice", "FiscalYear"),
        expand="to_SupplierInvoiceItemGLAcct,to_SupplierInvoiceTax",
        stamp="date",
        stamp_fields=("CreationDate",),
        touched=True,
        clearing=True,
    ),
    "billing_documents": SapRead(
        "API_BILLING_DOCUMENT_SRV",
        "A_BillingDocument",
        ("BillingDocument",),
        expand="to_Item",
        stamp="datetimeoffset",
        stamp_fields=("LastChangeDateTime",),
    ),
    "journal_entries": SapRead(
        "API_JOURNALENTRYITEMBASIC_SRV",
        "A_JournalEntryItemBasic",
        ("CompanyCode", "FiscalYear", "AccountingDocument"),
        filter="AccountingDocumentType eq 'SA'",
        stamp="date",
        stamp_fields=("AccountingDocumentCreationDate",),
        group=("CompanyCode", "FiscalYear", "AccountingDocument"),
    ),
    "payments": SapRead(
        "API_JOURNALENTRYITEMBASIC_SRV",
        "A_JournalEntryItemBasic",
        ("CompanyCode", "ClearingJournalEntryFiscalYear", "ClearingJournalEntry"),
        filter=(
            "ClearingJournalEntry ne '' and "
            "(FinancialAccountType eq 'K' or FinancialAccountType eq 'D')"
        ),
        stamp="date",
        stamp_fields=("ClearingDate",),
        group=("CompanyCode", "ClearingJournalEntryFiscalYear", "ClearingJournalEntry"),
        orderby="CompanyCode,ClearingJournalEntryFiscalYear,ClearingJournalEntry",
    ),
}

_DECLARED: tuple[tuple[Any, ...], ...] = (
    # name, model, objects, how deletions show, description[, deletions]
    (
        "company_codes",
        m.CompanyCode,
        (),
        None,
        "Company codes: currency and chart of accounts (read, not stored).",
    ),
    (
        "accounts",
        m.GLAccount,
        ("account",),
        "AccountIsMarkedForDeletion",
        "G/L accounts of the chart of accounts.",
    ),
    ("cost_centers", m.CostCenter, ("dimension",), None, "Cost centers (dimension cost_center)."),
    (
        "profit_centers",
        m.ProfitCenter,
        ("dimension",),
        None,
        "Profit centers (dimension profit_center).",
    ),
    (
        "business_partners",
        m.BusinessPartner,
        ("supplier", "customer"),
        "IsMarkedForArchiving",
        "Business partners with supplier and customer roles.",
    ),
    (
        "supplier_invoices",
        m.SupplierInvoice,
        ("invoice",),
        "IsReversed (reversal document); parked ones deleted outright: key scan",
        (
            "Supplier invoices (payable) with G/L and tax lines; new ones by creation date, "
            "reversed and posted ones through the documents they leave, deleted parked ones by "
            "a key-only scan."
        ),
        KEY_SCAN,
    ),
    (
        "billing_documents",
        m.BillingDocument,
        ("invoice",),
        "BillingDocumentIsCancelled (S1 document)",
        "Billing documents (receivable invoices and credit memos), read only.",
    ),
    (
        "journal_entries",
        m.JournalItem,
        ("journal_entry",),
        "IsReversed",
        "Manual journal entries (document type SA) from journal entry items.",
    ),
    (
        "payments",
        m.JournalItem,
        ("payment",),
        None,
        "Payments: clearing documents (KZ, DZ) with the invoices they cleared.",
    ),
)
RESOURCES: tuple[Resource, ...] = tuple(
    _resource(name, SAP_READS[name], *rest) for name, *rest in _DECLARED
)


_GL_ITEMS = "to_SupplierInvoiceItemGLAcct"

CUSTOM_FIELD_PLACES: tuple[Place, ...] = (
    Place(
        name="extension_field",
        label="custom (YY1_) field",
        paths={("invoice", "header"): "{param}", ("supplier", "header"): "{param}"},
        param="field name",
        param_pattern=r"YY1_[A-Za-z0-9_]{1,26}",
        example="YY1_LedgerhubRef_MIH",
        example_value="PRJ-42",
        prefixes=("YY1_",),
        description=(
            "A key-user extension field (Custom Fields and Logic app) on the supplier invoice "
            "or business partner; it must be enabled for the API's service."
        ),
    ),
    Place(
        name="cost_center",
        label="cost center",
        paths={("invoice", "line"): f"{_GL_ITEMS}[].CostCenter"},
        example_value="10101101",
        description="The coding block's cost center of a G/L item (a cost center of the CO area).",
    ),
    Place(
        name="profit_center",
        label="profit center",
        paths={("invoice", "line"): f"{_GL_ITEMS}[].ProfitCenter"},
        example_value="YB101",
        description="The coding block's profit center of a G/L item.",
    ),
)
"""Where SAP S/4HANA keeps tenant custom fields (`hub custom-fields bind --place ...`)."""
