"""The OData V2 services the SAP sandbox serves, declared from the entity shapes the adapter uses.

Names and types follow SAP's published API shapes (API Business Hub); only the properties the
adapter and common clients use are declared, plus one `YY1_` key-user extension field per
extensible entity. Every service lives under `/sap/opu/odata/sap/<NAME>/`.
"""

from __future__ import annotations

from connectors.sap.sandbox.edm import (
    EntitySet,
    FunctionImport,
    Nav,
    Service,
    b,
    d,
    dt,
    dto,
    g,
    s,
    tm,
)

__all__ = ["SERVICES", "SERVICE_BY_NAME"]

_BP = "BusinessPartner"

BUSINESS_PARTNER = Service(
    "API_BUSINESS_PARTNER",
    (
        EntitySet(
            "A_BusinessPartner",
            (_BP,),
            (
                s(_BP, 10),
                s("Customer", 10),
                s("Supplier", 10),
                s("BusinessPartnerCategory", 1),
                s("BusinessPartnerFullName", 81),
                s("BusinessPartnerGrouping", 4),
                s("BusinessPartnerName", 81),
                g("BusinessPartnerUUID"),
                s("CorrespondenceLanguage", 2),
                dt("CreationDate", creatable=False),
                tm("CreationTime", creatable=False),
                s("FirstName", 40),
                s("Language", 2),
                dt("LastChangeDate", creatable=False),
                tm("LastChangeTime", creatable=False),
                s("LastName", 40),
                s("OrganizationBPName1", 40),
                s("OrganizationBPName2", 40),
                s("SearchTerm1", 20),
                b("BusinessPartnerIsBlocked"),
                b("IsMarkedForArchiving"),
                s("YY1_LedgerhubRef_bus", 20),
            ),
            (
                Nav("to_BusinessPartnerAddress", "A_BusinessPartnerAddress", ((_BP, _BP),), True),
                Nav("to_BusinessPartnerBank", "A_BusinessPartnerBank", ((_BP, _BP),), True),
                Nav("to_BusinessPartnerRole", "A_BusinessPartnerRole", ((_BP, _BP),), True),
                Nav("to_BusinessPartnerTax", "A_BusinessPartnerTaxNumber", ((_BP, _BP),), True),
                Nav("to_Customer", "A_Customer", (("Customer", "Customer"),), False),
                Nav("to_Supplier", "A_Supplier", (("Supplier", "Supplier"),), False),
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerAddress",
            (_BP, "AddressID"),
            (
                s(_BP, 10),
                s("AddressID", 10),
                dto("ValidityStartDate"),
                dto("ValidityEndDate"),
                s("CityName", 40),
                s("Country", 3),
                s("HouseNumber", 10),
                s("PostalCode", 10),
                s("Region", 3),
                s("StreetName", 60),
                s("Language", 2),
            ),
            (
                Nav(
                    "to_EmailAddress", "A_AddressEmailAddress", (("AddressID", "AddressID"),), True
                ),
                Nav("to_PhoneNumber", "A_AddressPhoneNumber", (("AddressID", "AddressID"),), True),
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_AddressEmailAddress",
            ("AddressID", "Person", "OrdinalNumber"),
            (
                s("AddressID", 10),
                s("Person", 10),
                s("OrdinalNumber", 3),
                b("IsDefaultEmailAddress"),
                s("EmailAddress", 241),
            ),
            creatable=True,
        ),
        EntitySet(
            "A_AddressPhoneNumber",
            ("AddressID", "Person", "OrdinalNumber"),
            (
                s("AddressID", 10),
                s("Person", 10),
                s("OrdinalNumber", 3),
                s("DestinationLocationCountry", 3),
                b("IsDefaultPhoneNumber"),
                s("PhoneNumber", 30),
                s("InternationalPhoneNumber", 30),
            ),
            creatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerBank",
            (_BP, "BankIdentification"),
            (
                s(_BP, 10),
                s("BankIdentification", 4),
                s("BankCountryKey", 3),
                s("BankName", 60),
                s("BankNumber", 15),
                s("SWIFTCode", 11),
                s("BankAccountHolderName", 60),
                s("BankAccountName", 40),
                s("IBAN", 34),
                s("BankAccount", 18),
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerRole",
            (_BP, "BusinessPartnerRole"),
            (
                s(_BP, 10),
                s("BusinessPartnerRole", 6),
                dto("ValidFrom"),
                dto("ValidTo"),
            ),
            creatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerTaxNumber",
            (_BP, "BPTaxType"),
            (s(_BP, 10), s("BPTaxType", 4), s("BPTaxNumber", 20), s("BPTaxLongNumber", 60)),
            creatable=True,
        ),
        EntitySet(
            "A_Supplier",
            ("Supplier",),
            (
                s("Supplier", 10),
                s("Customer", 10),
                dt("CreationDate", creatable=False),
                b("PaymentIsBlockedForSupplier"),
                b("PostingIsBlocked"),
                b("PurchasingIsBlocked"),
                s("SupplierAccountGroup", 4),
                s("SupplierFullName", 220),
                s("SupplierName", 80),
                s("VATRegistration", 20),
                b("DeletionIndicator"),
            ),
            (Nav("to_SupplierCompany", "A_SupplierCompany", (("Supplier", "Supplier"),), True),),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_SupplierCompany",
            ("Supplier", "CompanyCode"),
            (
                s("Supplier", 10),
                s("CompanyCode", 4),
                s("PaymentBlockingReason", 1),
                b("SupplierIsBlockedForPosting"),
                s("PaymentMethodsList", 10),
                s("PaymentTerms", 4),
                s("ReconciliationAccount", 10),
                s("Currency", 5),
                b("DeletionIndicator"),
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_Customer",
            ("Customer",),
            (
                s("Customer", 10),
                s("Supplier", 10),
                dt("CreationDate", creatable=False),
                s("CustomerAccountGroup", 4),
                s("CustomerFullName", 220),
                s("CustomerName", 80),
                s("OrderIsBlockedForCustomer", 2),
                b("PostingIsBlocked"),
                s("VATRegistration", 20),
                b("DeletionIndicator"),
            ),
            (Nav("to_CustomerCompany", "A_CustomerCompany", (("Customer", "Customer"),), True),),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_CustomerCompany",
            ("Customer", "CompanyCode"),
            (
                s("Customer", 10),
                s("CompanyCode", 4),
                s("PaymentBlockingReason", 1),
                s("PaymentTerms", 4),
                s("ReconciliationAccount", 10),
                b("DeletionIndicator"),
            ),
            creatable=True,
            updatable=True,
        ),
    ),
)

_SI = (("SupplierInvoice", "SupplierInvoice"), ("FiscalYear", "FiscalYear"))
_SI_KEYS = (s("SupplierInvoice", 10, creatable=False), s("FiscalYear", 4, creatable=False))

SUPPLIER_INVOICE = Service(
    "API_SUPPLIERINVOICE_PROCESS_SRV",
    (
        EntitySet(
            "A_SupplierInvoice",
            ("SupplierInvoice", "FiscalYear"),
            (
                *_SI_KEYS,
                s("CompanyCode", 4),
                dt("DocumentDate"),
                dt("PostingDate"),
                dt("CreationDate", creatable=False),
                s("SupplierInvoiceIDByInvcgParty", 16),
                s("InvoicingParty", 10),
                s("DocumentCurrency", 5),
                d("InvoiceGrossAmount"),
                s("DocumentHeaderText", 25),
                s("PaymentTerms", 4),
                dt("DueCalculationBaseDate"),
                d("NetPaymentDays", 3, 0),
                s("PaymentBlockingReason", 1),
                s("AccountingDocumentType", 2),
                s("SupplierInvoiceStatus", 1, creatable=False),
                b("TaxIsCalculatedAutomatically"),
                s("SupplierInvoiceIsCreditMemo", 1),
                s("SupplierInvoiceOrigin", 1),
                s("ReverseDocument", 10, creatable=False),
                s("ReverseDocumentFiscalYear", 4, creatable=False),
                b("IsReversal", creatable=False),
                b("IsReversed", creatable=False),
                s("YY1_LedgerhubRef_MIH", 20),
            ),
            (
                Nav("to_SupplierInvoiceItemGLAcct", "A_SupplierInvoiceItemGLAcct", _SI, True),
                Nav("to_SupplierInvoiceTax", "A_SupplierInvoiceTax", _SI, True),
            ),
            creatable=True,
        ),
        EntitySet(
            "A_SupplierInvoiceItemGLAcct",
            ("SupplierInvoice", "FiscalYear", "SupplierInvoiceItem"),
            (
                *_SI_KEYS,
                s("SupplierInvoiceItem", 4),
                s("CompanyCode", 4),
                s("CostCenter", 10),
                s("ProfitCenter", 10),
                s("GLAccount", 10),
                s("DocumentCurrency", 5),
                d("SupplierInvoiceItemAmount"),
                s("TaxCode", 2),
                s("DebitCreditCode", 1),
                s("SupplierInvoiceItemText", 50),
                d("Quantity", 13, 3),
                s("QuantityUnit", 3),
            ),
            creatable=True,
        ),
        EntitySet(
            "A_SupplierInvoiceTax",
            ("SupplierInvoice", "FiscalYear", "TaxCode", "SupplierInvoiceTaxCounter"),
            (
                *_SI_KEYS,
                s("TaxCode", 2),
                s("SupplierInvoiceTaxCounter", 6),
                s("DocumentCurrency", 5),
                d("TaxAmount"),
                d("TaxBaseAmountInTransCrcy", 16, 3),
                s("TaxCountry", 3),
            ),
            creatable=True,
        ),
    ),
    (
        FunctionImport(
            "Post",
            "POST",
            (s("SupplierInvoice", 10), s("FiscalYear", 4)),
            "PostInvoiceExportParameters",
            (b("Success", nullable=False),),
        ),
        FunctionImport(
            "Cancel",
            "POST",
            (
                dt("PostingDate"),
                s("ReversalReason", 2),
                s("FiscalYear", 4),
                s("SupplierInvoice", 10),
            ),
            "CancelInvoiceExportParameters",
            (s("ReverseDocument", 10), s("FiscalYear", 4), b("Success", nullable=False)),
        ),
    ),
)

_BD = (("BillingDocument", "BillingDocument"),)

BILLING_DOCUMENT = Service(
    "API_BILLING_DOCUMENT_SRV",
    (
        EntitySet(
            "A_BillingDocument",
            ("BillingDocument",),
            (
                s("BillingDocument", 10),
                s("SDDocumentCategory", 4),
                s("BillingDocumentCategory", 1),
                s("BillingDocumentType", 4),
                dt("CreationDate"),
                dt("LastChangeDate"),
                dto("LastChangeDateTime"),
                s("SalesOrganization", 4),
                dt("BillingDocumentDate"),
                b("BillingDocumentIsCancelled"),
                s("CancelledBillingDocument", 10),
                d("TotalNetAmount", 16, 3),
                s("TransactionCurrency", 5),
                d("TaxAmount"),
                d("TotalGrossAmount", 17, 3),
                s("CustomerPaymentTerms", 4),
                s("PaymentReference", 30),
                s("CompanyCode", 4),
                s("FiscalYear", 4),
                s("AccountingDocument", 10),
                s("DocumentReferenceID", 16),
                s("SoldToParty", 10),
                s("PayerParty", 10),
                s("PurchaseOrderByCustomer", 35),
                s("OverallBillingStatus", 1),
                s("AccountingPostingStatus", 1),
                s("InvoiceClearingStatus", 1),
                s("YY1_LedgerhubRef_BDH", 20),
            ),
            (Nav("to_Item", "A_BillingDocumentItem", _BD, True),),
        ),
        EntitySet(
            "A_BillingDocumentItem",
            ("BillingDocument", "BillingDocumentItem"),
            (
                s("BillingDocument", 10),
                s("BillingDocumentItem", 6),
                s("Material", 40),
                s("BillingDocumentItemText", 40),
                d("BillingQuantity", 13, 3),
                s("BillingQuantityUnit", 3),
                d("NetAmount", 16, 3),
                s("TransactionCurrency", 5),
                d("GrossAmount", 16, 3),
                d("TaxAmount"),
                s("ProfitCenter", 10),
                s("CostCenter", 10),
                s("TaxCode", 2),
                s("GLAccount", 10),
            ),
        ),
    ),
)

JOURNAL_ENTRY_ITEM = Service(
    "API_JOURNALENTRYITEMBASIC_SRV",
    (
        EntitySet(
            "A_JournalEntryItemBasic",
            ("CompanyCode", "FiscalYear", "AccountingDocument", "LedgerGLLineItem", "Ledger"),
            (
                s("CompanyCode", 4),
                s("FiscalYear", 4),
                s("AccountingDocument", 10),
                s("LedgerGLLineItem", 6),
                s("Ledger", 2),
                s("AccountingDocumentType", 2),
                s("AccountingDocumentItem", 3),
                dt("PostingDate"),
                dt("DocumentDate"),
                dt("AccountingDocumentCreationDate"),
                s("AccountingDocumentHeaderText", 25),
                s("DocumentItemText", 50),
                s("GLAccount", 10),
                s("FinancialAccountType", 1),
                s("Supplier", 10),
                s("Customer", 10),
                s("DebitCreditCode", 1),
                d("AmountInTransactionCurrency", 23, 3),
                s("TransactionCurrency", 5),
                d("AmountInCompanyCodeCurrency", 23, 3),
                s("CompanyCodeCurrency", 5),
                s("TaxCode", 2),
                s("CostCenter", 10),
                s("ProfitCenter", 10),
                s("ReferenceDocumentType", 5),
                s("OriginalReferenceDocument", 20),
                s("ClearingJournalEntry", 10),
                dt("ClearingDate"),
                s("ClearingJournalEntryFiscalYear", 4),
                b("IsReversal"),
                b("IsReversed"),
                s("ReversalReferenceDocument", 20),
                s("DocumentReferenceID", 16),
            ),
        ),
    ),
)

GL_ACCOUNT = Service(
    "API_GLACCOUNTINCHARTOFACCOUNTS_SRV",
    (
        EntitySet(
            "A_GLAccountInChartOfAccounts",
            ("ChartOfAccounts", "GLAccount"),
            (
                s("ChartOfAccounts", 4),
                s("GLAccount", 10),
                s("GLAccountType", 1),
                s("GLAccountGroup", 4),
                b("IsBalanceSheetAccount"),
                b("AccountIsBlockedForPosting"),
                b("AccountIsMarkedForDeletion"),
                dt("CreationDate"),
            ),
            (
                Nav(
                    "to_Text",
                    "A_GLAccountText",
                    (("ChartOfAccounts", "ChartOfAccounts"), ("GLAccount", "GLAccount")),
                    True,
                ),
            ),
        ),
        EntitySet(
            "A_GLAccountText",
            ("ChartOfAccounts", "GLAccount", "Language"),
            (
                s("ChartOfAccounts", 4),
                s("GLAccount", 10),
                s("Language", 2),
                s("GLAccountName", 20),
                s("GLAccountLongName", 50),
            ),
        ),
    ),
)

COMPANY_CODE = Service(
    "API_COMPANYCODE_SRV",
    (
        EntitySet(
            "A_CompanyCode",
            ("CompanyCode",),
            (
                s("CompanyCode", 4),
                s("CompanyCodeName", 25),
                s("CityName", 25),
                s("Country", 3),
                s("Currency", 5),
                s("Language", 2),
                s("ChartOfAccounts", 4),
                s("FiscalYearVariant", 2),
                s("VATRegistration", 20),
            ),
        ),
    ),
)

_VALIDITY = (dt("ValidityEndDate"), dt("ValidityStartDate"))

COST_CENTER = Service(
    "API_COSTCENTER_SRV",
    (
        EntitySet(
            "A_CostCenter",
            ("ControllingArea", "CostCenter", "ValidityEndDate"),
            (
                s("ControllingArea", 4),
                s("CostCenter", 10),
                *_VALIDITY,
                s("CompanyCode", 4),
                s("CostCenterName", 20),
                s("CostCenterDescription", 40),
                s("CostCenterCategory", 1),
                s("ProfitCenter", 10),
                b("IsBlkdForPrimaryCostsPosting"),
            ),
        ),
    ),
)

PROFIT_CENTER = Service(
    "API_PROFITCENTER_SRV",
    (
        EntitySet(
            "A_ProfitCenter",
            ("ControllingArea", "ProfitCenter", "ValidityEndDate"),
            (
                s("ControllingArea", 4),
                s("ProfitCenter", 10),
                *_VALIDITY,
                s("ProfitCenterName", 20),
                s("ProfitCenterLongName", 40),
                s("CompanyCode", 4),
                s("ProfitCtrResponsiblePersonName", 20),
                s("ProfitCenterIsBlocked", 1),
            ),
        ),
    ),
)

SERVICES: tuple[Service, ...] = (
    BUSINESS_PARTNER,
    SUPPLIER_INVOICE,
    BILLING_DOCUMENT,
    JOURNAL_ENTRY_ITEM,
    GL_ACCOUNT,
    COMPANY_CODE,
    COST_CENTER,
    PROFIT_CENTER,
)
SERVICE_BY_NAME = {svc.name: svc for svc in SERVICES}
