"""The OData V2 services the SAP sandbox serves, declared from the entity shapes the adapter uses.

Names and types follow SAP's published API shapes (API Business Hub); only the properties the
adapter and common clients use are declared, plus one `YY1_` key-user extension field per
extensible entity. Every service lives under `/sap/opu/odata/sap/<NAME>/`.
"""

from __future__ import annotations

from connectors.sap.sandbox.edm import EntitySet, FunctionImport, Service, navs, props

__all__ = ["SERVICES", "SERVICE_BY_NAME"]

BUSINESS_PARTNER = Service(
    "API_BUSINESS_PARTNER",
    (
        EntitySet(
            "A_BusinessPartner",
            ("BusinessPartner",),
            props(
                "BusinessPartner:S10 Customer:S10 Supplier:S10 BusinessPartnerCategory:S1 "
                "BusinessPartnerFullName:S81 BusinessPartnerGrouping:S4 BusinessPartnerName:S81 "
                "BusinessPartnerUUID:G CorrespondenceLanguage:S2 CreationDate:DT! "
                "CreationTime:T! FirstName:S40 Language:S2 LastChangeDate:DT! LastChangeTime:T! "
                "LastName:S40 OrganizationBPName1:S40 OrganizationBPName2:S40 SearchTerm1:S20 "
                "BusinessPartnerIsBlocked:B IsMarkedForArchiving:B YY1_LedgerhubRef_bus:S20 "
            ),
            navs(
                "to_BusinessPartnerAddress>A_BusinessPartnerAddress*(BusinessPartner) "
                "to_BusinessPartnerBank>A_BusinessPartnerBank*(BusinessPartner) "
                "to_BusinessPartnerRole>A_BusinessPartnerRole*(BusinessPartner) "
                "to_BusinessPartnerTax>A_BusinessPartnerTaxNumber*(BusinessPartner) "
                "to_Customer>A_Customer(Customer) to_Supplier>A_Supplier(Supplier) "
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerAddress",
            ("BusinessPartner", "AddressID"),
            props(
                "BusinessPartner:S10 AddressID:S10 ValidityStartDate:DTO ValidityEndDate:DTO "
                "CityName:S40 Country:S3 HouseNumber:S10 PostalCode:S10 Region:S3 "
                "StreetName:S60 Language:S2 "
            ),
            navs(
                "to_EmailAddress>A_AddressEmailAddress*(AddressID) "
                "to_PhoneNumber>A_AddressPhoneNumber*(AddressID) "
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_AddressEmailAddress",
            ("AddressID", "Person", "OrdinalNumber"),
            props(
                "AddressID:S10 Person:S10 OrdinalNumber:S3 IsDefaultEmailAddress:B "
                "EmailAddress:S241 "
            ),
            creatable=True,
        ),
        EntitySet(
            "A_AddressPhoneNumber",
            ("AddressID", "Person", "OrdinalNumber"),
            props(
                "AddressID:S10 Person:S10 OrdinalNumber:S3 DestinationLocationCountry:S3 "
                "IsDefaultPhoneNumber:B PhoneNumber:S30 InternationalPhoneNumber:S30 "
            ),
            creatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerBank",
            ("BusinessPartner", "BankIdentification"),
            props(
                "BusinessPartner:S10 BankIdentification:S4 BankCountryKey:S3 BankName:S60 "
                "BankNumber:S15 SWIFTCode:S11 BankAccountHolderName:S60 BankAccountName:S40 "
                "IBAN:S34 BankAccount:S18 "
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerRole",
            ("BusinessPartner", "BusinessPartnerRole"),
            props("BusinessPartner:S10 BusinessPartnerRole:S6 ValidFrom:DTO ValidTo:DTO "),
            creatable=True,
        ),
        EntitySet(
            "A_BusinessPartnerTaxNumber",
            ("BusinessPartner", "BPTaxType"),
            props("BusinessPartner:S10 BPTaxType:S4 BPTaxNumber:S20 BPTaxLongNumber:S60 "),
            creatable=True,
        ),
        EntitySet(
            "A_Supplier",
            ("Supplier",),
            props(
                "Supplier:S10 Customer:S10 CreationDate:DT! PaymentIsBlockedForSupplier:B "
                "PostingIsBlocked:B PurchasingIsBlocked:B SupplierAccountGroup:S4 "
                "SupplierFullName:S220 SupplierName:S80 VATRegistration:S20 DeletionIndicator:B "
            ),
            navs("to_SupplierCompany>A_SupplierCompany*(Supplier) "),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_SupplierCompany",
            ("Supplier", "CompanyCode"),
            props(
                "Supplier:S10 CompanyCode:S4 PaymentBlockingReason:S1 "
                "SupplierIsBlockedForPosting:B PaymentMethodsList:S10 PaymentTerms:S4 "
                "ReconciliationAccount:S10 Currency:S5 DeletionIndicator:B "
            ),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_Customer",
            ("Customer",),
            props(
                "Customer:S10 Supplier:S10 CreationDate:DT! CustomerAccountGroup:S4 "
                "CustomerFullName:S220 CustomerName:S80 OrderIsBlockedForCustomer:S2 "
                "PostingIsBlocked:B VATRegistration:S20 DeletionIndicator:B "
            ),
            navs("to_CustomerCompany>A_CustomerCompany*(Customer) "),
            creatable=True,
            updatable=True,
        ),
        EntitySet(
            "A_CustomerCompany",
            ("Customer", "CompanyCode"),
            props(
                "Customer:S10 CompanyCode:S4 PaymentBlockingReason:S1 PaymentTerms:S4 "
                "ReconciliationAccount:S10 DeletionIndicator:B "
            ),
            creatable=True,
            updatable=True,
        ),
    ),
)

SUPPLIER_INVOICE = Service(
    "API_SUPPLIERINVOICE_PROCESS_SRV",
    (
        EntitySet(
            "A_SupplierInvoice",
            ("SupplierInvoice", "FiscalYear"),
            props(
                "SupplierInvoice:S10! FiscalYear:S4! CompanyCode:S4 DocumentDate:DT "
                "PostingDate:DT CreationDate:DT! SupplierInvoiceIDByInvcgParty:S16 "
                "InvoicingParty:S10 DocumentCurrency:S5 InvoiceGrossAmount:D "
                "DocumentHeaderText:S25 PaymentTerms:S4 DueCalculationBaseDate:DT "
                "NetPaymentDays:D3.0 PaymentBlockingReason:S1 AccountingDocumentType:S2 "
                "SupplierInvoiceStatus:S1! TaxIsCalculatedAutomatically:B "
                "SupplierInvoiceIsCreditMemo:S1 SupplierInvoiceOrigin:S1 ReverseDocument:S10! "
                "ReverseDocumentFiscalYear:S4! IsReversal:B! IsReversed:B! "
                "YY1_LedgerhubRef_MIH:S20 "
            ),
            navs(
                "to_SupplierInvoiceItemGLAcct>A_SupplierInvoiceItemGLAcct*"
                "(SupplierInvoice,FiscalYear) "
                "to_SupplierInvoiceTax>A_SupplierInvoiceTax*(SupplierInvoice,FiscalYear) "
            ),
            creatable=True,
        ),
        EntitySet(
            "A_SupplierInvoiceItemGLAcct",
            ("SupplierInvoice", "FiscalYear", "SupplierInvoiceItem"),
            props(
                "SupplierInvoice:S10! FiscalYear:S4! SupplierInvoiceItem:S4 CompanyCode:S4 "
                "CostCenter:S10 ProfitCenter:S10 GLAccount:S10 DocumentCurrency:S5 "
                "SupplierInvoiceItemAmount:D TaxCode:S2 DebitCreditCode:S1 "
                "SupplierInvoiceItemText:S50 Quantity:D13.3 QuantityUnit:S3 "
            ),
            creatable=True,
        ),
        EntitySet(
            "A_SupplierInvoiceTax",
            ("SupplierInvoice", "FiscalYear", "TaxCode", "SupplierInvoiceTaxCounter"),
            props(
                "SupplierInvoice:S10! FiscalYear:S4! TaxCode:S2 SupplierInvoiceTaxCounter:S6 "
                "DocumentCurrency:S5 TaxAmount:D TaxBaseAmountInTransCrcy:D16.3 TaxCountry:S3 "
            ),
            creatable=True,
        ),
    ),
    (
        FunctionImport(
            "Post",
            "POST",
            props("SupplierInvoice:S10 FiscalYear:S4"),
            "PostInvoiceExportParameters",
            props("Success:B~"),
        ),
        FunctionImport(
            "Cancel",
            "POST",
            props("PostingDate:DT ReversalReason:S2 FiscalYear:S4 SupplierInvoice:S10"),
            "CancelInvoiceExportParameters",
            props("ReverseDocument:S10 FiscalYear:S4 Success:B~"),
        ),
    ),
)

BILLING_DOCUMENT = Service(
    "API_BILLING_DOCUMENT_SRV",
    (
        EntitySet(
            "A_BillingDocument",
            ("BillingDocument",),
            props(
                "BillingDocument:S10 SDDocumentCategory:S4 BillingDocumentCategory:S1 "
                "BillingDocumentType:S4 CreationDate:DT LastChangeDate:DT "
                "LastChangeDateTime:DTO SalesOrganization:S4 BillingDocumentDate:DT "
                "BillingDocumentIsCancelled:B CancelledBillingDocument:S10 TotalNetAmount:D16.3 "
                "TransactionCurrency:S5 TaxAmount:D TotalGrossAmount:D17.3 "
                "CustomerPaymentTerms:S4 PaymentReference:S30 CompanyCode:S4 FiscalYear:S4 "
                "AccountingDocument:S10 DocumentReferenceID:S16 SoldToParty:S10 PayerParty:S10 "
                "PurchaseOrderByCustomer:S35 OverallBillingStatus:S1 AccountingPostingStatus:S1 "
                "InvoiceClearingStatus:S1 YY1_LedgerhubRef_BDH:S20 "
            ),
            navs("to_Item>A_BillingDocumentItem*(BillingDocument) "),
        ),
        EntitySet(
            "A_BillingDocumentItem",
            ("BillingDocument", "BillingDocumentItem"),
            props(
                "BillingDocument:S10 BillingDocumentItem:S6 Material:S40 "
                "BillingDocumentItemText:S40 BillingQuantity:D13.3 BillingQuantityUnit:S3 "
                "NetAmount:D16.3 TransactionCurrency:S5 GrossAmount:D16.3 TaxAmount:D "
                "ProfitCenter:S10 CostCenter:S10 TaxCode:S2 GLAccount:S10 "
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
            props(
                "CompanyCode:S4 FiscalYear:S4 AccountingDocument:S10 LedgerGLLineItem:S6 "
                "Ledger:S2 AccountingDocumentType:S2 AccountingDocumentItem:S3 PostingDate:DT "
                "DocumentDate:DT AccountingDocumentCreationDate:DT "
                "AccountingDocumentHeaderText:S25 DocumentItemText:S50 GLAccount:S10 "
                "FinancialAccountType:S1 Supplier:S10 Customer:S10 DebitCreditCode:S1 "
                "AmountInTransactionCurrency:D23.3 TransactionCurrency:S5 "
                "AmountInCompanyCodeCurrency:D23.3 CompanyCodeCurrency:S5 TaxCode:S2 "
                "CostCenter:S10 ProfitCenter:S10 ReferenceDocumentType:S5 "
                "OriginalReferenceDocument:S20 ClearingJournalEntry:S10 ClearingDate:DT "
                "ClearingJournalEntryFiscalYear:S4 IsReversal:B IsReversed:B "
                "ReversalReferenceDocument:S20 DocumentReferenceID:S16 "
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
            props(
                "ChartOfAccounts:S4 GLAccount:S10 GLAccountType:S1 GLAccountGroup:S4 "
                "IsBalanceSheetAccount:B AccountIsBlockedForPosting:B "
                "AccountIsMarkedForDeletion:B CreationDate:DT "
            ),
            navs("to_Text>A_GLAccountText*(ChartOfAccounts,GLAccount) "),
        ),
        EntitySet(
            "A_GLAccountText",
            ("ChartOfAccounts", "GLAccount", "Language"),
            props(
                "ChartOfAccounts:S4 GLAccount:S10 Language:S2 GLAccountName:S20 "
                "GLAccountLongName:S50 "
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
            props(
                "CompanyCode:S4 CompanyCodeName:S25 CityName:S25 Country:S3 Currency:S5 "
                "Language:S2 ChartOfAccounts:S4 FiscalYearVariant:S2 VATRegistration:S20 "
            ),
        ),
    ),
)

COST_CENTER = Service(
    "API_COSTCENTER_SRV",
    (
        EntitySet(
            "A_CostCenter",
            ("ControllingArea", "CostCenter", "ValidityEndDate"),
            props(
                "ControllingArea:S4 CostCenter:S10 ValidityEndDate:DT ValidityStartDate:DT "
                "CompanyCode:S4 CostCenterName:S20 CostCenterDescription:S40 "
                "CostCenterCategory:S1 ProfitCenter:S10 IsBlkdForPrimaryCostsPosting:B "
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
            props(
                "ControllingArea:S4 ProfitCenter:S10 ValidityEndDate:DT ValidityStartDate:DT "
                "ProfitCenterName:S20 ProfitCenterLongName:S40 CompanyCode:S4 "
                "ProfitCtrResponsiblePersonName:S20 ProfitCenterIsBlocked:S1 "
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
