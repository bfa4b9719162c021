"""The seeded organisation: fictional, deterministic for a seed, sized by `records`.

`records` = invoices + bills (about half each). Around them: contacts max(10, N//4) (suppliers,
customers, both, a few archived), about N//2 payments on authorised documents (some fully paid,
some partly), N//10 credit notes and manual journals, a few batch payments, overpayments and
prepayments, a few DELETED/VOIDED documents, and a little foreign currency. All dates lie before
`BASE_DATE`, so snapshots of the seeded data never change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.sandbox.seeding import BASE_DATE, Fake
from connectors.xero.sandbox.catalog import SPECS, XeroStore
from connectors.xero.sandbox.config import XeroSandboxConfig
from connectors.xero.sandbox.factory import DocumentFactory
from connectors.xero.sandbox.shapes import (
    ACCOUNT_CLASS,
    ACCOUNTS,
    BASE_CURRENCY,
    CURRENCIES,
    TAX_RATES,
    TRACKING,
    apply_payment,
)
from connectors.xero.wire import format_ms_datetime as ms_date

__all__ = ["seed_store"]

Doc = dict[str, Any]
START = BASE_DATE - timedelta(days=400)
LAST_DAY = (BASE_DATE - timedelta(days=2)).date()


def _stamp(fake: Fake, day: date, max_days: int = 5) -> datetime:
    """A last-modified moment on or after `day`, before BASE_DATE, with ms precision."""
    begin = datetime(day.year, day.month, day.day, tzinfo=BASE_DATE.tzinfo)
    end = min(begin + timedelta(days=max_days), BASE_DATE - timedelta(hours=1))
    return fake.moment_between(begin, max(begin, end))


def seed_reference(store: XeroStore, config: XeroSandboxConfig, fake: Fake) -> None:
    """Organisation, currencies, tax rates, accounts and tracking categories."""
    stamp = START - timedelta(days=30)
    store["organisation"].put(
        {
            "OrganisationID": fake.uuid(),
            "APIKey": "",
            "Name": config.organisation_name,
            "LegalName": config.organisation_name.replace(" (GB)", " Ltd"),
            "PaysTax": True,
            "Version": "UK",
            "OrganisationType": "COMPANY",
            "BaseCurrency": BASE_CURRENCY,
            "CountryCode": "GB",
            "IsDemoCompany": False,
            "OrganisationStatus": "ACTIVE",
            "RegistrationNumber": "00000000",
            "TaxNumber": "GB000000000",
            "FinancialYearEndDay": 31,
            "FinancialYearEndMonth": 3,
            "SalesTaxBasis": "ACCRUALS",
            "SalesTaxPeriod": "QUARTERLY1",
            "DefaultSalesTax": "Tax Exclusive",
            "DefaultPurchasesTax": "Tax Exclusive",
            "CreatedDateUTC": ms_date(stamp),
            "Timezone": "GMTSTANDARDTIME",
            "OrganisationEntityType": "COMPANY",
            "ShortCode": "!LHUB1",
            "Class": "STANDARD",
            "Edition": "BUSINESS",
            "LineOfBusiness": "Professional services",
            "Addresses": [],
            "Phones": [],
            "ExternalLinks": [],
            "PaymentTerms": {},
        },
        stamp,
    )
    for code, description in CURRENCIES:
        store["currencies"].put({"Code": code, "Description": description}, stamp)
    for tax_type, name, rate, report, revenue, expenses in TAX_RATES:
        store["tax_rates"].put(
            {
                "Name": name,
                "TaxType": tax_type,
                "ReportTaxType": report,
                "CanApplyToAssets": True,
                "CanApplyToEquity": True,
                "CanApplyToExpenses": expenses,
                "CanApplyToLiabilities": True,
                "CanApplyToRevenue": revenue,
                "DisplayTaxRate": rate,
                "EffectiveRate": rate,
                "Status": "ACTIVE",
                "TaxComponents": [
                    {"Name": "VAT", "Rate": rate, "IsCompound": False, "IsNonRecoverable": False}
                ],
            },
            stamp,
        )
    for code, name, kind, tax, bank_number, currency, system in ACCOUNTS:
        account: Doc = {
            "AccountID": fake.uuid(),
            "Code": code,
            "Name": name,
            "Status": "ACTIVE",
            "Type": kind,
            "TaxType": tax,
            "Class": ACCOUNT_CLASS[kind],
            "EnablePaymentsToAccount": False,
            "ShowInExpenseClaims": kind in ("OVERHEADS", "EXPENSE"),
            "ReportingCode": ACCOUNT_CLASS[kind][:3],
            "ReportingCodeName": ACCOUNT_CLASS[kind].title(),
            "HasAttachments": False,
            "AddToWatchlist": False,
        }
        if kind == "BANK":
            account.update(
                BankAccountNumber=bank_number,
                BankAccountType="BANK",
                CurrencyCode=currency or BASE_CURRENCY,
            )
        if system:
            account["SystemAccount"] = system
        store["accounts"].put(account, stamp)
    for name, options in TRACKING:
        category_id = fake.uuid()
        store["tracking_categories"].put(
            {
                "TrackingCategoryID": category_id,
                "Name": name,
                "Status": "ACTIVE",
                "Options": [
                    {
                        "TrackingOptionID": fake.uuid(),
                        "Name": option,
                        "Status": "ACTIVE",
                        "TrackingCategoryID": category_id,
                    }
                    for option in options
                ],
            },
            stamp,
        )


def seed_store(config: XeroSandboxConfig) -> XeroStore:
    """A new store holding the seeded organisation for `config.seed` and `config.records`."""
    store = XeroStore(SPECS)
    seed, n = config.seed, config.records
    seed_reference(store, config, Fake(seed, "reference"))
    factory = DocumentFactory(store)
    contacts = _seed_contacts(store, factory, Fake(seed, "contacts"), max(10, n // 4))
    suppliers = [c for c in contacts if c["_role"] in ("supplier", "both")]
    customers = [c for c in contacts if c["_role"] in ("customer", "both")]
    for contact in contacts:
        del contact["_role"]
    # Batch payments pay two bills each; those bills count towards `records`.
    batches = min(max(2, n // 100), n // 10)
    invoices = Fake(seed, "invoices")
    payable = _seed_invoices(store, factory, invoices, n - 2 * batches, suppliers, customers)
    _seed_payments(store, factory, Fake(seed, "payments"), payable, n // 2)
    _seed_batches(store, factory, Fake(seed, "batches"), suppliers, batches)
    _seed_credit_notes(store, factory, Fake(seed, "credit"), n // 10, suppliers, customers)
    _seed_prepaid(store, factory, Fake(seed, "prepaid"), max(2, n // 100), suppliers, customers)
    _seed_journals(store, factory, Fake(seed, "journals"), n // 10)
    return store


def _seed_contacts(store: XeroStore, factory: DocumentFactory, fake: Fake, count: int) -> list[Doc]:
    contacts = []
    for index in range(count):
        role = "supplier" if index % 20 < 9 else "customer" if index % 20 < 17 else "both"
        doc = factory.new_contact(fake, role=role, archived=index % 23 == 7)
        doc["_role"] = role
        contacts.append(doc)
        store["contacts"].put(doc, fake.moment_between(START - timedelta(days=20), START))
    return contacts


def _seed_invoices(
    store: XeroStore,
    factory: DocumentFactory,
    fake: Fake,
    count: int,
    suppliers: list[Doc],
    customers: list[Doc],
) -> list[Doc]:
    """Invoices and bills; returns the authorised ones that can take payments."""
    payable = []
    for index in range(count):
        kind = "ACCPAY" if index % 2 == 0 else "ACCREC"
        contact = fake.choice(suppliers if kind == "ACCPAY" else customers)
        roll = fake.rng.random()
        status = (
            "DRAFT"
            if roll < 0.08
            else "SUBMITTED"
            if roll < 0.12
            else "DELETED"
            if roll < 0.145
            else "VOIDED"
            if roll < 0.17
            else "AUTHORISED"
        )
        day = fake.day_between(START.date(), LAST_DAY - timedelta(days=5))
        doc = factory.new_invoice(fake, kind, contact, day, status)
        store["invoices"].put(doc, _stamp(fake, day))
        if status == "AUTHORISED":
            payable.append(doc)
    return payable


def _seed_payments(
    store: XeroStore, factory: DocumentFactory, fake: Fake, payable: list[Doc], count: int
) -> None:
    invoices = store["invoices"]
    made = 0
    for invoice in payable:
        if made >= count:
            break
        roll = fake.rng.random()
        if roll < 0.35:
            continue  # stays unpaid
        day = date.fromisoformat(invoice["DateString"][:10])
        parts = 2 if roll > 0.85 else 1
        full = roll > 0.5
        for part in range(parts):
            due = invoice["AmountDue"]
            amount = due if full and part == parts - 1 else (due / 2).quantize(Decimal("0.01"))
            if amount <= 0:
                break
            pay_day = min(day + timedelta(days=fake.integer(1, 40)), LAST_DAY)
            status = "DELETED" if fake.chance(0.02) else "AUTHORISED"
            payment = factory.new_payment(fake, invoice, amount, pay_day, status=status)
            moment = _stamp(fake, pay_day, 1)
            store["payments"].put(payment, moment)
            if status == "AUTHORISED":
                apply_payment(invoice, payment)
                record = invoices.get(invoice["InvoiceID"])
                assert record is not None
                invoices.touch(record, max(record.updated, moment))
            made += 1


def _seed_batches(
    store: XeroStore, factory: DocumentFactory, fake: Fake, suppliers: list[Doc], count: int
) -> None:
    invoices = store["invoices"]
    # Xero batches only bills in the organisation's base currency.
    local = [s for s in suppliers if s.get("DefaultCurrency", BASE_CURRENCY) == BASE_CURRENCY]
    for _ in range(count):
        day = fake.day_between(START.date(), LAST_DAY - timedelta(days=30))
        bills = []
        for _ in range(2):
            bill = factory.new_invoice(fake, "ACCPAY", fake.choice(local), day, "AUTHORISED")
            invoices.put(bill, _stamp(fake, day))
            bills.append(bill)
        pay_day = day + timedelta(days=fake.integer(5, 25))
        moment = _stamp(fake, pay_day, 1)
        batch = factory.new_batch(fake, bills, pay_day)
        for bill, payment in zip(bills, batch.pop("_payments"), strict=True):
            store["payments"].put(payment, moment)
            apply_payment(bill, payment)
            record = invoices.get(bill["InvoiceID"])
            assert record is not None
            invoices.touch(record, moment)
        store["batch_payments"].put(batch, moment)


def _seed_credit_notes(
    store: XeroStore,
    factory: DocumentFactory,
    fake: Fake,
    count: int,
    suppliers: list[Doc],
    customers: list[Doc],
) -> None:
    for index in range(count):
        kind = "ACCPAYCREDIT" if index % 2 == 0 else "ACCRECCREDIT"
        contact = fake.choice(suppliers if kind == "ACCPAYCREDIT" else customers)
        roll = fake.rng.random()
        status = "DRAFT" if roll < 0.1 else "VOIDED" if roll < 0.15 else "AUTHORISED"
        day = fake.day_between(START.date(), LAST_DAY)
        doc = factory.new_credit_note(fake, kind, contact, day, status)
        store["credit_notes"].put(doc, _stamp(fake, day))


def _seed_prepaid(
    store: XeroStore,
    factory: DocumentFactory,
    fake: Fake,
    count: int,
    suppliers: list[Doc],
    customers: list[Doc],
) -> None:
    for index in range(count):
        receive = index % 2 == 1
        contact = fake.choice(customers if receive else suppliers)
        day = fake.day_between(START.date(), LAST_DAY)
        over = factory.new_prepaid(fake, "overpayments", receive, contact, day)
        store["overpayments"].put(over, _stamp(fake, day))
        day = fake.day_between(START.date(), LAST_DAY)
        pre = factory.new_prepaid(fake, "prepayments", receive, contact, day)
        store["prepayments"].put(pre, _stamp(fake, day))


def _seed_journals(store: XeroStore, factory: DocumentFactory, fake: Fake, count: int) -> None:
    for _ in range(count):
        roll = fake.rng.random()
        status = "DRAFT" if roll < 0.08 else "VOIDED" if roll < 0.12 else "POSTED"
        day = fake.day_between(START.date(), LAST_DAY)
        store["manual_journals"].put(factory.new_journal(fake, day, status), _stamp(fake, day))
