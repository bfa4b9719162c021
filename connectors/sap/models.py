# ruff: noqa: N815, RUF012 - SAP names its navigations to_X; pydantic copies list defaults
"""Pydantic models of the SAP payloads the adapter reads, with SAP's own field names.

Only the fields the translation uses are declared; everything else is kept as extra data (the
`YY1_` extension fields among it). Navigations are read when expanded and empty otherwise.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import BeforeValidator

from connectors.sap.wire import (
    ODataDate,
    ODataDateTime,
    ODataDecimal,
    ODataTime,
    SapModel,
    to_many,
    to_one,
)

__all__ = [
    "Address",
    "Bank",
    "BillingDocument",
    "BillingItem",
    "BusinessPartner",
    "CompanyCode",
    "CostCenter",
    "CustomerRole",
    "GLAccount",
    "JournalItem",
    "ProfitCenter",
    "SupplierInvoice",
    "SupplierRole",
]

Text = str | None
M = TypeVar("M", bound=SapModel)
Many = Annotated[list[M], BeforeValidator(to_many)]
One = Annotated[M | None, BeforeValidator(to_one)]


class Email(SapModel):
    """`A_AddressEmailAddress`."""

    EmailAddress: Text = None
    IsDefaultEmailAddress: bool | None = None


class Phone(SapModel):
    """`A_AddressPhoneNumber`."""

    PhoneNumber: Text = None
    InternationalPhoneNumber: Text = None
    IsDefaultPhoneNumber: bool | None = None


class Address(SapModel):
    """`A_BusinessPartnerAddress` with its e-mail addresses and phone numbers."""

    StreetName: Text = None
    HouseNumber: Text = None
    CityName: Text = None
    PostalCode: Text = None
    Region: Text = None
    Country: Text = None
    to_EmailAddress: Many[Email] = []
    to_PhoneNumber: Many[Phone] = []


class Bank(SapModel):
    """`A_BusinessPartnerBank`."""

    BankCountryKey: Text = None
    BankNumber: Text = None
    SWIFTCode: Text = None
    BankAccountHolderName: Text = None
    IBAN: Text = None
    BankAccount: Text = None


class TaxNumber(SapModel):
    """`A_BusinessPartnerTaxNumber`."""

    BPTaxType: Text = None
    BPTaxNumber: Text = None


class SupplierCompany(SapModel):
    """`A_SupplierCompany`."""

    CompanyCode: Text = None
    PaymentTerms: Text = None
    Currency: Text = None


class SupplierRole(SapModel):
    """`A_Supplier` with its company code data."""

    Supplier: Text = None
    VATRegistration: Text = None
    to_SupplierCompany: Many[SupplierCompany] = []


class CustomerCompany(SapModel):
    """`A_CustomerCompany`."""

    CompanyCode: Text = None
    PaymentTerms: Text = None


class CustomerRole(SapModel):
    """`A_Customer` with its company code data."""

    Customer: Text = None
    VATRegistration: Text = None
    to_CustomerCompany: Many[CustomerCompany] = []


class BusinessPartner(SapModel):
    """`A_BusinessPartner` with its roles, addresses, bank details and tax numbers."""

    BusinessPartner: str
    Customer: Text = None
    Supplier: Text = None
    BusinessPartnerCategory: Text = None
    BusinessPartnerFullName: Text = None
    BusinessPartnerName: Text = None
    OrganizationBPName1: Text = None
    OrganizationBPName2: Text = None
    LastChangeDate: ODataDateTime = None
    LastChangeTime: ODataTime = None
    IsMarkedForArchiving: bool | None = None
    to_Supplier: One[SupplierRole] = None
    to_Customer: One[CustomerRole] = None
    to_BusinessPartnerAddress: Many[Address] = []
    to_BusinessPartnerBank: Many[Bank] = []
    to_BusinessPartnerTax: Many[TaxNumber] = []


class GLLine(SapModel):
    """`A_SupplierInvoiceItemGLAcct`."""

    SupplierInvoiceItem: Text = None
    GLAccount: Text = None
    SupplierInvoiceItemAmount: ODataDecimal = None
    TaxCode: Text = None
    DebitCreditCode: Text = None
    SupplierInvoiceItemText: Text = None
    CostCenter: Text = None
    ProfitCenter: Text = None
    Quantity: ODataDecimal = None


class InvoiceTax(SapModel):
    """`A_SupplierInvoiceTax`."""

    TaxCode: Text = None
    TaxAmount: ODataDecimal = None


class Clearing(SapModel):
    """The clearing of a supplier invoice's supplier item (a journal entry item): its payment."""

    ClearingJournalEntry: Text = None
    ClearingJournalEntryFiscalYear: Text = None
    ClearingDate: ODataDate = None


class SupplierInvoice(SapModel):
    """`A_SupplierInvoice` with its G/L account lines and tax lines, and `to_Clearing`: the
    clearing of its supplier item, read from the journal entry items (None: open)."""

    SupplierInvoice: str
    FiscalYear: str
    CompanyCode: Text = None
    DocumentDate: ODataDate = None
    PostingDate: ODataDate = None
    CreationDate: ODataDateTime = None
    SupplierInvoiceIDByInvcgParty: Text = None
    InvoicingParty: Text = None
    DocumentCurrency: Text = None
    InvoiceGrossAmount: ODataDecimal = None
    DocumentHeaderText: Text = None
    DueCalculationBaseDate: ODataDate = None
    NetPaymentDays: ODataDecimal = None
    SupplierInvoiceStatus: Text = None
    SupplierInvoiceIsCreditMemo: Text = None
    IsReversal: bool | None = None
    IsReversed: bool | None = None
    ReverseDocument: Text = None
    to_SupplierInvoiceItemGLAcct: Many[GLLine] = []
    to_SupplierInvoiceTax: Many[InvoiceTax] = []
    to_Clearing: One[Clearing] = None


class BillingItem(SapModel):
    """`A_BillingDocumentItem`."""

    Material: Text = None
    BillingDocumentItemText: Text = None
    BillingQuantity: ODataDecimal = None
    NetAmount: ODataDecimal = None
    TaxAmount: ODataDecimal = None
    TaxCode: Text = None
    GLAccount: Text = None
    ProfitCenter: Text = None
    CostCenter: Text = None


class BillingDocument(SapModel):
    """`A_BillingDocument` with its items."""

    BillingDocument: str
    BillingDocumentType: Text = None
    BillingDocumentDate: ODataDate = None
    LastChangeDateTime: ODataDateTime = None
    BillingDocumentIsCancelled: bool | None = None
    CancelledBillingDocument: Text = None
    TotalNetAmount: ODataDecimal = None
    TaxAmount: ODataDecimal = None
    TotalGrossAmount: ODataDecimal = None
    TransactionCurrency: Text = None
    CustomerPaymentTerms: Text = None
    PaymentReference: Text = None
    CompanyCode: Text = None
    FiscalYear: Text = None
    AccountingDocument: Text = None
    SoldToParty: Text = None
    PurchaseOrderByCustomer: Text = None
    InvoiceClearingStatus: Text = None
    to_Item: Many[BillingItem] = []


class JournalItem(SapModel):
    """`A_JournalEntryItemBasic`: one line of an accounting document."""

    CompanyCode: str
    FiscalYear: str
    AccountingDocument: str
    AccountingDocumentType: Text = None
    PostingDate: ODataDate = None
    AccountingDocumentCreationDate: ODataDateTime = None
    AccountingDocumentHeaderText: Text = None
    DocumentItemText: Text = None
    GLAccount: Text = None
    FinancialAccountType: Text = None
    Supplier: Text = None
    Customer: Text = None
    DebitCreditCode: Text = None
    AmountInTransactionCurrency: ODataDecimal = None
    TransactionCurrency: Text = None
    TaxCode: Text = None
    CostCenter: Text = None
    ProfitCenter: Text = None
    ReferenceDocumentType: Text = None
    OriginalReferenceDocument: Text = None
    ClearingJournalEntry: Text = None
    ClearingDate: ODataDate = None
    IsReversal: bool | None = None
    IsReversed: bool | None = None
    DocumentReferenceID: Text = None


class GLAccountText(SapModel):
    """`A_GLAccountText`."""

    Language: Text = None
    GLAccountName: Text = None
    GLAccountLongName: Text = None


class GLAccount(SapModel):
    """`A_GLAccountInChartOfAccounts` with its texts."""

    ChartOfAccounts: str
    GLAccount: str
    GLAccountType: Text = None
    GLAccountGroup: Text = None
    IsBalanceSheetAccount: bool | None = None
    AccountIsBlockedForPosting: bool | None = None
    AccountIsMarkedForDeletion: bool | None = None
    to_Text: Many[GLAccountText] = []


class CompanyCode(SapModel):
    """`A_CompanyCode`."""

    CompanyCode: str
    Country: Text = None
    Currency: Text = None
    ChartOfAccounts: Text = None


class CostCenter(SapModel):
    """`A_CostCenter`."""

    ControllingArea: str
    CostCenter: str
    CostCenterName: Text = None
    CostCenterDescription: Text = None
    IsBlkdForPrimaryCostsPosting: bool | None = None


class ProfitCenter(SapModel):
    """`A_ProfitCenter`."""

    ControllingArea: str
    ProfitCenter: str
    ProfitCenterName: Text = None
    ProfitCenterLongName: Text = None
    ProfitCenterIsBlocked: Text = None
