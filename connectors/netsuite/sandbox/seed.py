"""Seeded fictional data for the NetSuite sandbox: reference lists, entities and documents.

`--records N` seeds N documents: vendor bills, invoices, vendor and customer payments applied to
them, journal entries, vendor credits and credit memos; max(10, N/20) vendors and as many
customers. Every seeded `lastModifiedDate` lies in 2025 (UTC), so golden snapshots stay stable.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.sandbox.seeding import Fake

__all__ = ["Seeded", "seed"]

Record = dict[str, Any]
Seeded = dict[str, dict[int, Record]]

_START = datetime(2025, 1, 1, tzinfo=UTC)
_END = datetime(2025, 12, 31, 12, tzinfo=UTC)
_COUNTRIES = ("US", "US", "US", "US", "CA", "GB", "DE")
_STATES = ("CA", "NY", "TX", "WA", "IL", "OR")

_ACCOUNTS = (
    # id, number, name, type, currency
    (1, "1000", "Operating Bank", "Bank", 1),
    (2, "1010", "Payroll Bank", "Bank", 1),
    (3, "1020", "EUR Bank", "Bank", 3),
    (4, "1200", "Accounts Receivable", "AcctRec", 1),
    (5, "1400", "Prepaid Expenses", "OthCurrAsset", 1),
    (6, "1500", "Equipment", "FixedAsset", 1),
    (7, "2000", "Accounts Payable", "AcctPay", 1),
    (8, "2100", "Accrued Liabilities", "OthCurrLiab", 1),
    (9, "2300", "Credit Card", "CredCard", 1),
    (10, "3000", "Retained Earnings", "Equity", 1),
    (11, "4000", "Product Revenue", "Income", 1),
    (12, "4100", "Service Revenue", "Income", 1),
    (13, "5000", "Cost of Goods Sold", "COGS", 1),
    (14, "6000", "Office Supplies", "Expense", 1),
    (15, "6100", "Travel", "Expense", 1),
    (16, "6200", "Software Subscriptions", "Expense", 1),
    (17, "6300", "Professional Fees", "Expense", 1),
    (18, "6400", "Rent", "Expense", 1),
    (19, "6500", "Utilities", "Expense", 1),
    (20, "7000", "Interest Income", "OthIncome", 1),
)
EXPENSE_ACCOUNTS = (14, 15, 16, 17, 18, 19)
REVENUE_ACCOUNTS = (11, 12)
BANK_ACCOUNTS = (1, 2)
AP_ACCOUNT, AR_ACCOUNT = 7, 4
_CURRENCIES = (
    (1, "USD", "US Dollar", Decimal(1)),
    (2, "CAD", "Canadian Dollar", Decimal("0.73")),
    (3, "EUR", "Euro", Decimal("1.08")),
    (4, "GBP", "British Pound", Decimal("1.27")),
)
_DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Operations", "Finance")
_CLASSES = ("Hardware", "Services", "Subscriptions")
_LOCATIONS = ("San Francisco", "Austin", "Toronto")
_ITEMS = (
    ("Widget", Decimal("25.00")),
    ("Gadget", Decimal("120.00")),
    ("Support Hour", Decimal(95)),
)
_MODIFIED = datetime(2025, 1, 1, tzinfo=UTC)


def _ref_lists() -> Seeded:
    data: Seeded = {}
    base = {"lastModifiedDate": _MODIFIED, "isInactive": False}
    data["subsidiary"] = {
        1: {
            **base,
            "id": 1,
            "name": "Ledgerhub Demo Inc.",
            "currency": 1,
            "country": "US",
            "externalId": None,
        }
    }
    data["currency"] = {
        cid: {
            **base,
            "id": cid,
            "symbol": sym,
            "name": name,
            "exchangeRate": rate,
            "isBaseCurrency": cid == 1,
            "externalId": None,
        }
        for cid, sym, name, rate in _CURRENCIES
    }
    data["account"] = {
        aid: {
            **base,
            "id": aid,
            "acctNumber": num,
            "acctName": name,
            "acctType": kind,
            "currency": cur,
            "externalId": None,
        }
        for aid, num, name, kind, cur in _ACCOUNTS
    }
    for table, names in (
        ("department", _DEPARTMENTS),
        ("classification", _CLASSES),
        ("location", _LOCATIONS),
    ):
        data[table] = {
            i: {**base, "id": i, "name": name, "externalId": None}
            for i, name in enumerate(names, start=1)
        }
    data["inventoryItem"] = {
        i: {
            **base,
            "id": i,
            "itemId": name,
            "displayName": name,
            "basePrice": price,
            "incomeAccount": 11,
            "expenseAccount": 13,
            "externalId": None,
        }
        for i, (name, price) in enumerate(_ITEMS, start=1)
    }
    return data


def _entity(fake: Fake, eid: int, kind: str, taken: set[str]) -> Record:
    name = Fake.unique(fake.company(), taken)
    country = fake.choice(_COUNTRIES)
    currency = {"CA": 2, "GB": 4, "DE": 3}.get(country, 1)
    created = fake.moment_between(_START - timedelta(days=400), _START)
    record: Record = {
        "id": eid,
        "externalId": None,
        "entityId": f"{'V' if kind == 'vendor' else 'C'}{eid:05d}",
        "companyName": name,
        "email": fake.email(name),
        "phone": " ".join(fake.phone()),
        "currency": currency,
        "subsidiary": 1,
        "isInactive": fake.chance(0.04),
        "terms": fake.choice((None, 15, 30, 30, 45, 60)),
        "dateCreated": created,
        "lastModifiedDate": fake.moment_between(_START, _END),
        "addressBook": [
            {
                "defaultBilling": True,
                "defaultShipping": kind == "customer",
                "addr1": fake.street(),
                "addr2": None,
                "city": fake.city(),
                "state": fake.choice(_STATES) if country == "US" else None,
                "zip": fake.postcode(),
                "country": country,
            }
        ],
    }
    if kind == "vendor":
        # US vendors carry an EIN (a valid campus prefix); others none.
        prefix = fake.choice(("12", "20", "35", "46", "52", "61", "84", "95"))
        ein = f"{prefix}-{fake.integer(1000000, 9999999)}"
        record["taxIdNum"] = ein if country == "US" else None
        record["expenseAccount"] = fake.choice(EXPENSE_ACCOUNTS)
        record["custentity_vendor_tier"] = fake.choice(("gold", "silver", "bronze", None))
        if country == "US" and fake.chance(0.5):
            record["bankDetails"] = {
                "accountNumber": str(fake.integer(10**9, 10**10 - 1)),
                "routingNumber": fake.choice(("021000021", "026009593", "121000358")),
                "bankName": "First Fictional Bank",
            }
    else:
        record["custentity_segment"] = fake.choice(("enterprise", "midmarket", "smb", None))
    return record


def _lines(fake: Fake, kind: str, count: int) -> list[Record]:
    lines: list[Record] = []
    for n in range(1, count + 1):
        line: Record = {
            "line": n,
            "memo": fake.words(),
            "department": fake.choice((None, 1, 2, 3, 4, 5)),
            "class": fake.choice((None, 1, 2, 3)),
            "location": fake.choice((None, 1, 2, 3)),
            "custcol_cost_center": fake.choice((None, "CC-100", "CC-200", "CC-300")),
        }
        if kind == "expense":
            line["account"] = fake.choice(EXPENSE_ACCOUNTS)
            line["amount"] = fake.money(20, 2500)
        else:
            item = fake.integer(1, len(_ITEMS))
            quantity = Decimal(fake.integer(1, 12))
            rate = _ITEMS[item - 1][1]
            line |= {"item": item, "quantity": quantity, "rate": rate, "amount": quantity * rate}
        lines.append(line)
    return lines


def _document(fake: Fake, tid: int, kind: str, entity: Record, number: int) -> Record:
    issued = fake.day_between(date(2024, 11, 1), date(2025, 11, 30))
    terms = entity.get("terms") or 30
    created = datetime(issued.year, issued.month, issued.day, 17, tzinfo=UTC)
    record: Record = {
        "id": tid,
        "externalId": None,
        "entity": entity["id"],
        "tranDate": issued,
        "dueDate": issued + timedelta(days=terms),
        "currency": entity["currency"],
        "exchangeRate": {1: Decimal(1), 2: Decimal("0.73"), 3: Decimal("1.08"), 4: Decimal("1.27")}[
            entity["currency"]
        ],
        "memo": fake.words(),
        "subsidiary": 1,
        "voided": False,
        "approved": not fake.chance(0.04),
        "createdDate": created,
        "lastModifiedDate": max(created, fake.moment_between(_START, _END)),
        "custbody_project_code": fake.choice((None, "PRJ-1", "PRJ-2", "PRJ-7")),
    }
    if kind in ("vendorBill", "vendorCredit"):
        prefix = "BILL" if kind == "vendorBill" else "VC"
        record["tranId"] = f"{prefix}-{number:06d}"
        record["otherRefNum"] = f"SUP-{fake.integer(10000, 99999)}"
        record["expense"] = _lines(fake, "expense", fake.integer(1, 3))
        record["item"] = _lines(fake, "item", 1) if fake.chance(0.2) else []
    else:
        record["tranId"] = f"{'INV' if kind == 'invoice' else 'CM'}{number:06d}"
        record["otherRefNum"] = f"PO-{fake.integer(1000, 9999)}" if fake.chance(0.5) else None
        record["item"] = _lines(fake, "item", fake.integer(1, 3))
    return record


def _journal(fake: Fake, tid: int, number: int) -> Record:
    posted = fake.day_between(date(2024, 11, 1), date(2025, 11, 30))
    amount = fake.money(100, 9000)
    split = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
    debit_account, credit_account = fake.choice(EXPENSE_ACCOUNTS), fake.choice((8, 5, 1))
    lines: list[Record] = [
        {"line": 1, "account": debit_account, "debit": split, "credit": None},
        {
            "line": 2,
            "account": fake.choice(EXPENSE_ACCOUNTS),
            "debit": amount - split,
            "credit": None,
        },
        {"line": 3, "account": credit_account, "debit": None, "credit": amount},
    ]
    for line in lines:
        line |= {
            "memo": fake.words(),
            "entity": None,
            "department": fake.choice((None, 1, 2)),
            "class": None,
            "location": None,
            "custcol_cost_center": None,
        }
    created = datetime(posted.year, posted.month, posted.day, 18, tzinfo=UTC)
    return {
        "id": tid,
        "externalId": None,
        "tranId": f"JE{number:05d}",
        "tranDate": posted,
        "currency": 1,
        "exchangeRate": Decimal(1),
        "memo": fake.words(),
        "subsidiary": 1,
        "voided": False,
        "approved": not fake.chance(0.05),
        "createdDate": created,
        "lastModifiedDate": max(created, fake.moment_between(_START, _END)),
        "custbody_project_code": None,
        "line": lines,
    }


def _payment(fake: Fake, tid: int, kind: str, doc: Record, amount: Decimal, number: int) -> Record:
    paid = doc["tranDate"] + timedelta(days=fake.integer(1, 40))
    created = datetime(paid.year, paid.month, paid.day, 19, tzinfo=UTC)
    return {
        "id": tid,
        "externalId": None,
        "tranId": f"{'VP' if kind == 'vendorPayment' else 'CP'}{number:06d}",
        "entity": doc["entity"],
        "tranDate": paid,
        "currency": doc["currency"],
        "exchangeRate": doc["exchangeRate"],
        "memo": f"Payment for {doc['tranId']}",
        "subsidiary": 1,
        "voided": False,
        "approved": True,
        "account": fake.choice(BANK_ACCOUNTS),
        "createdDate": created,
        "lastModifiedDate": max(created, doc["lastModifiedDate"]),
        "custbody_project_code": None,
        "apply": [{"doc": doc["id"], "apply": True, "amount": amount, "line": 0}],
    }


CUSTOM_FIELDS = (
    # script id, field type (the `customfield` table's), label
    ("custentity_vendor_tier", "ENTITY", "Vendor Tier"),
    ("custentity_segment", "ENTITY", "Customer Segment"),
    ("custbody_project_code", "BODY", "Project Code"),
    ("custcol_cost_center", "COLUMN", "Cost Center"),
)


def seed(seed_value: int, records: int) -> Seeded:
    """The seeded data: {record type: {internal id: record}}."""
    data = _ref_lists()
    fake = Fake(seed_value, "netsuite-entities")
    taken: set[str] = set()
    n_entities = max(10, records // 20)
    data["vendor"], data["customer"] = {}, {}
    next_entity = 100
    for kind in ("vendor", "customer"):
        for _ in range(n_entities):
            data[kind][next_entity] = _entity(fake, next_entity, kind, taken)
            next_entity += 1
    vendors, customers = list(data["vendor"].values()), list(data["customer"].values())
    for name in (
        "vendorBill",
        "vendorCredit",
        "invoice",
        "creditMemo",
        "vendorPayment",
        "customerPayment",
        "journalEntry",
    ):
        data[name] = {}
    docs = Fake(seed_value, "netsuite-documents")
    pays = Fake(seed_value, "netsuite-payments")
    tid = 1000
    counters: dict[str, int] = {}
    recent: dict[str, list[int]] = {"vendorBill": [], "invoice": []}
    for n in range(records):
        roll = n % 20
        kind = (
            "vendorBill"
            if roll < 6
            else "invoice"
            if roll < 12
            else "vendorPayment"
            if roll < 14
            else "customerPayment"
            if roll < 16
            else "journalEntry"
            if roll < 18
            else "vendorCredit"
            if roll < 19
            else "creditMemo"
        )
        counters[kind] = counters.get(kind, 0) + 1
        tid += 1
        if kind == "journalEntry":
            data[kind][tid] = _journal(docs, tid, counters[kind])
        elif kind in ("vendorPayment", "customerPayment"):
            target = "vendorBill" if kind == "vendorPayment" else "invoice"
            open_docs = data[target]
            if not recent[target]:
                data[kind][tid] = _journal(docs, tid, counters[kind])
                data["journalEntry"][tid] = data[kind].pop(tid)
                continue
            doc = open_docs[pays.choice(recent[target][-50:])]
            total = sum(
                (line["amount"] for s in ("expense", "item") for line in doc.get(s, [])), Decimal(0)
            )
            already = doc.setdefault("_paid", Decimal(0))
            left = total - already
            if left <= 0:
                counters[kind] -= 1
                tid -= 1
                continue
            amount = left if pays.chance(0.6) else (left / 2).quantize(Decimal("0.01"))
            doc["_paid"] = already + amount
            data[kind][tid] = _payment(pays, tid, kind, doc, amount, counters[kind])
        else:
            party = docs.choice(vendors if kind.startswith("vendor") else customers)
            data[kind][tid] = _document(docs, tid, kind, party, counters[kind])
            if kind in recent:
                recent[kind].append(tid)
    for kind in ("vendorBill", "invoice"):
        for doc in data[kind].values():
            doc.pop("_paid", None)
    # NetSuite keeps timestamps to the second.
    for by_id in data.values():
        for record in by_id.values():
            for key in ("lastModifiedDate", "createdDate", "dateCreated"):
                if isinstance(record.get(key), datetime):
                    record[key] = record[key].replace(microsecond=0)
    return data
