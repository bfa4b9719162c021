"""Seeded, fictional data for the SAP sandbox: same seed and size, same records.

For `records = N`: N/2 supplier invoices (G/L lines and tax, a few parked, a few reversed with
their reversal documents) and N/2 billing documents (a few credit memos and cancellations);
max(10, N/4) business partners, as suppliers, customers or both, with addresses, e-mail,
phone, bank details and VAT numbers (about 1 in 23 marked for archiving); journal entries for
every posted document, payments clearing about half of them, and N/10 manual journal entries;
two company codes, a chart of accounts, cost centers and profit centers. Every change stamp
lies before 2026-01-01.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from schwifty import IBAN
from stdnum.gb import vat as gb_vat

from connectors.sandbox.seeding import BASE_DATE, Fake
from connectors.sap.sandbox.config import SapSandboxConfig
from connectors.sap.sandbox.store import Row, Store

__all__ = [
    "BP",
    "COMPANY_CODES",
    "EXPENSE_ACCOUNTS",
    "GL_ACCOUNTS",
    "TAX_CODES",
    "seed_store",
]

BP, SI, BD, JE, GL, CC, KS, PC = (
    "API_BUSINESS_PARTNER",
    "API_SUPPLIERINVOICE_PROCESS_SRV",
    "API_BILLING_DOCUMENT_SRV",
    "API_JOURNALENTRYITEMBASIC_SRV",
    "API_GLACCOUNTINCHARTOFACCOUNTS_SRV",
    "API_COMPANYCODE_SRV",
    "API_COSTCENTER_SRV",
    "API_PROFITCENTER_SRV",
)
CHART = "YCOA"
CONTROLLING_AREA = "A000"
# company code -> (name, city, country, currency)
COMPANY_CODES = {
    "1010": ("Ledgerhub Demo GB", "Northvale", "GB", "GBP"),
    "1710": ("Ledgerhub Demo US", "Eastbrook", "US", "USD"),
}
# account -> (type, name, balance sheet)
GL_ACCOUNTS: dict[str, tuple[str, str, bool]] = {
    "11001000": ("C", "Bank Main GBP", True),
    "11002000": ("C", "Bank USD", True),
    "12100000": ("X", "Receivables Domestic", True),
    "15400000": ("X", "Input Tax", True),
    "21100000": ("X", "Payables Domestic", True),
    "22000000": ("X", "Output Tax", True),
    "31000000": ("X", "Retained Earnings", True),
    "33000000": ("X", "Accrued Expenses", True),
    "41000000": ("P", "Revenue Goods", False),
    "41000100": ("P", "Revenue Services", False),
    "61000000": ("P", "Office Supplies", False),
    "61001000": ("P", "Consulting Fees", False),
    "61002000": ("P", "Travel Expenses", False),
    "61003000": ("P", "Maintenance", False),
    "63003000": ("P", "Rent", False),
    "65004000": ("P", "IT Services", False),
    "67000000": ("P", "Freight", False),
}
EXPENSE_ACCOUNTS = (
    "61000000",
    "61001000",
    "61002000",
    "61003000",
    "63003000",
    "65004000",
    "67000000",
)
REVENUE_ACCOUNTS = ("41000000", "41000100")
# tax code -> (rate percent, direction)
TAX_CODES: dict[str, tuple[Decimal, str]] = {
    "V1": (Decimal(20), "input"),
    "V0": (Decimal(0), "input"),
    "A1": (Decimal(20), "output"),
    "A0": (Decimal(0), "output"),
}
COST_CENTERS = {
    "10101101": "Administration",
    "10101201": "Sales",
    "10101301": "Production",
    "10101401": "IT",
}
PROFIT_CENTERS = {"YB101": "Central", "YB102": "North", "YB103": "South"}
_FOREVER = datetime(9999, 12, 31, tzinfo=UTC)
_START = date(2025, 1, 1)
_END = date(2025, 12, 20)


def midnight(day: date) -> datetime:
    """An Edm.DateTime date: midnight UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def stamp(moment: datetime) -> tuple[datetime, time]:
    """(date at midnight, time of day) as SAP keeps LastChangeDate + LastChangeTime."""
    return midnight(moment.date()), moment.time().replace(microsecond=0)


def valid_vat(fake: Fake) -> str:
    """A GB VAT number with a valid check (fictional)."""
    while True:
        candidate = f"GB{fake.integer(100_000_000, 999_999_999)}"
        if gb_vat.is_valid(candidate):
            return candidate


def iban_for(fake: Fake) -> str:
    """A GB IBAN with valid check digits at the fictional bank LHUB."""
    sort = f"{fake.integer(200000, 209999)}"
    account = f"{fake.integer(10_000_000, 99_999_999)}"
    return str(IBAN.generate("GB", bank_code=f"LHUB{sort}", account_code=account))


def _reference(store: Store) -> None:
    for code, (name, city, country, currency) in COMPANY_CODES.items():
        store.table(CC, "A_CompanyCode").put(
            {
                "CompanyCode": code,
                "CompanyCodeName": name,
                "CityName": city,
                "Country": country,
                "Currency": currency,
                "Language": "EN",
                "ChartOfAccounts": CHART,
                "FiscalYearVariant": "K4",
            }
        )
    for account, (kind, name, balance) in GL_ACCOUNTS.items():
        store.table(GL, "A_GLAccountInChartOfAccounts").put(
            {
                "ChartOfAccounts": CHART,
                "GLAccount": account,
                "GLAccountType": kind,
                "GLAccountGroup": "BSHT" if balance else "PL",
                "IsBalanceSheetAccount": balance,
                "AccountIsBlockedForPosting": account == "33000000",
                "AccountIsMarkedForDeletion": False,
                "CreationDate": midnight(date(2024, 1, 2)),
            }
        )
        store.table(GL, "A_GLAccountText").put(
            {
                "ChartOfAccounts": CHART,
                "GLAccount": account,
                "Language": "EN",
                "GLAccountName": name[:20],
                "GLAccountLongName": name,
            }
        )
    start = midnight(date(2024, 1, 1))
    for number, name in COST_CENTERS.items():
        store.table(KS, "A_CostCenter").put(
            {
                "ControllingArea": CONTROLLING_AREA,
                "CostCenter": number,
                "ValidityEndDate": _FOREVER,
                "ValidityStartDate": start,
                "CompanyCode": "1010",
                "CostCenterName": name,
                "CostCenterDescription": f"{name} cost center",
                "CostCenterCategory": "H",
                "ProfitCenter": "YB101",
                "IsBlkdForPrimaryCostsPosting": False,
            }
        )
    for number, name in PROFIT_CENTERS.items():
        store.table(PC, "A_ProfitCenter").put(
            {
                "ControllingArea": CONTROLLING_AREA,
                "ProfitCenter": number,
                "ValidityEndDate": _FOREVER,
                "ValidityStartDate": start,
                "ProfitCenterName": name,
                "ProfitCenterLongName": f"{name} profit center",
                "CompanyCode": "1010",
                "ProfitCtrResponsiblePersonName": "Controller",
                "ProfitCenterIsBlocked": "",
            }
        )


def _partners(store: Store, config: SapSandboxConfig) -> tuple[list[str], list[str]]:
    fake = Fake(config.seed, "sap-partners")
    count = max(10, config.records // 4)
    suppliers: list[str] = []
    customers: list[str] = []
    taken: set[str] = set()
    for index in range(count):
        number = str(10100001 + index)
        roll = index % 20
        is_supplier = roll < 12 or index < 3
        is_customer = roll >= 9 or index in (3, 4, 5)
        person = fake.chance(1 / 6)
        first, last = fake.person()
        name = f"{first} {last}" if person else Fake.unique(fake.company(), taken)
        created = fake.moment_between(
            datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
        )
        changed = fake.moment_between(created, BASE_DATE - timedelta(days=1))
        change_date, change_time = stamp(changed)
        create_date, create_time = stamp(created)
        row: Row = {
            "BusinessPartner": number,
            "Customer": number if is_customer else "",
            "Supplier": number if is_supplier else "",
            "BusinessPartnerCategory": "1" if person else "2",
            "BusinessPartnerFullName": name,
            "BusinessPartnerGrouping": "BP02",
            "BusinessPartnerName": name,
            "BusinessPartnerUUID": fake.uuid(),
            "CorrespondenceLanguage": "EN",
            "CreationDate": create_date,
            "CreationTime": create_time,
            "FirstName": first if person else "",
            "Language": "EN",
            "LastChangeDate": change_date,
            "LastChangeTime": change_time,
            "LastName": last if person else "",
            "OrganizationBPName1": "" if person else name[:40],
            "OrganizationBPName2": "",
            "SearchTerm1": name.upper()[:20],
            "BusinessPartnerIsBlocked": False,
            "IsMarkedForArchiving": index % 23 == 22,
            "YY1_LedgerhubRef_bus": f"LH-{index:05d}" if index % 5 == 0 else "",
        }
        store.table(BP, "A_BusinessPartner").put(row)
        address_id = str(30000 + index)
        store.table(BP, "A_BusinessPartnerAddress").put(
            {
                "BusinessPartner": number,
                "AddressID": address_id,
                "ValidityStartDate": created,
                "ValidityEndDate": _FOREVER,
                "CityName": fake.city(),
                "Country": "US" if index % 13 == 7 else "GB",
                "HouseNumber": str(fake.integer(1, 240)),
                "PostalCode": fake.postcode(),
                "Region": "",
                "StreetName": fake.street().split(" ", 1)[1],
                "Language": "EN",
            }
        )
        store.table(BP, "A_AddressEmailAddress").put(
            {
                "AddressID": address_id,
                "Person": "",
                "OrdinalNumber": "1",
                "IsDefaultEmailAddress": True,
                "EmailAddress": fake.email(name),
            }
        )
        area, local = fake.phone()
        store.table(BP, "A_AddressPhoneNumber").put(
            {
                "AddressID": address_id,
                "Person": "",
                "OrdinalNumber": "1",
                "DestinationLocationCountry": "GB",
                "IsDefaultPhoneNumber": True,
                "PhoneNumber": f"{area} {local}",
                "InternationalPhoneNumber": f"+44 {area[1:]} {local}",
            }
        )
        vat = valid_vat(fake) if not person else ""
        if vat:
            store.table(BP, "A_BusinessPartnerTaxNumber").put(
                {
                    "BusinessPartner": number,
                    "BPTaxType": "GB0",
                    "BPTaxNumber": vat,
                    "BPTaxLongNumber": "",
                }
            )
        roles = (["FLVN00", "FLVN01"] if is_supplier else []) + (
            ["FLCU00", "FLCU01"] if is_customer else []
        )
        for role in roles:
            store.table(BP, "A_BusinessPartnerRole").put(
                {
                    "BusinessPartner": number,
                    "BusinessPartnerRole": role,
                    "ValidFrom": created,
                    "ValidTo": _FOREVER,
                }
            )
        blocked = index % 23 == 22
        if is_supplier:
            suppliers.append(number)
            store.table(BP, "A_BusinessPartnerBank").put(
                {
                    "BusinessPartner": number,
                    "BankIdentification": "0001",
                    "BankCountryKey": "GB",
                    "BankName": "Ledgerhub Test Bank",
                    "BankNumber": "",
                    "SWIFTCode": "",
                    "BankAccountHolderName": name[:60],
                    "BankAccountName": "Main",
                    "IBAN": iban_for(fake),
                    "BankAccount": "",
                }
            )
            store.table(BP, "A_Supplier").put(
                {
                    "Supplier": number,
                    "Customer": number if is_customer else "",
                    "CreationDate": create_date,
                    "PaymentIsBlockedForSupplier": False,
                    "PostingIsBlocked": blocked,
                    "PurchasingIsBlocked": False,
                    "SupplierAccountGroup": "SUPL",
                    "SupplierFullName": name,
                    "SupplierName": name[:80],
                    "VATRegistration": vat,
                    "DeletionIndicator": blocked,
                }
            )
            store.table(BP, "A_SupplierCompany").put(
                {
                    "Supplier": number,
                    "CompanyCode": "1010",
                    "PaymentBlockingReason": "",
                    "SupplierIsBlockedForPosting": blocked,
                    "PaymentMethodsList": "T",
                    "PaymentTerms": fake.choice(("0001", "0002", "NT30")),
                    "ReconciliationAccount": "21100000",
                    "Currency": "GBP",
                    "DeletionIndicator": blocked,
                }
            )
        if is_customer:
            customers.append(number)
            store.table(BP, "A_Customer").put(
                {
                    "Customer": number,
                    "Supplier": number if is_supplier else "",
                    "CreationDate": create_date,
                    "CustomerAccountGroup": "CUST",
                    "CustomerFullName": name,
                    "CustomerName": name[:80],
                    "OrderIsBlockedForCustomer": "",
                    "PostingIsBlocked": blocked,
                    "VATRegistration": vat,
                    "DeletionIndicator": blocked,
                }
            )
            store.table(BP, "A_CustomerCompany").put(
                {
                    "Customer": number,
                    "CompanyCode": "1010",
                    "PaymentBlockingReason": "",
                    "PaymentTerms": "NT30",
                    "ReconciliationAccount": "12100000",
                    "DeletionIndicator": blocked,
                }
            )
    return suppliers, customers


def seed_store(store: Store, config: SapSandboxConfig) -> dict[str, int]:
    """Fill an empty store; returns the number ranges' last numbers."""
    from connectors.sap.sandbox.seed_documents import seed_documents

    _reference(store)
    suppliers, customers = _partners(store, config)
    counters: dict[str, Any] = {
        "business_partner": 10100000 + max(10, config.records // 4),
        "address": 30000 + max(10, config.records // 4),
    }
    counters.update(seed_documents(store, config, suppliers, customers))
    return counters
