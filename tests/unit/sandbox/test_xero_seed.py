"""The Xero sandbox's seeded data: deterministic, consistent, in the past, sized by records."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from connectors.sandbox import BASE_DATE, IdempotencyCache, StoredResponse, dumps, loads
from connectors.xero.sandbox import XeroSandboxConfig
from connectors.xero.sandbox.seed import seed_store


def snapshot(seed: int, records: int) -> dict[str, list[bytes]]:
    store = seed_store(XeroSandboxConfig(seed=seed, records=records))
    return {
        name: [r.encoded() for r in c.records.values()] for name, c in store.collections.items()
    }


def test_same_seed_gives_byte_identical_data_and_another_seed_does_not():
    assert snapshot(5, 120) == snapshot(5, 120)
    assert snapshot(5, 120)["invoices"] != snapshot(6, 120)["invoices"]


def test_sizes_follow_records():
    store = seed_store(XeroSandboxConfig(seed=1, records=400))
    sizes = {name: len(c.records) for name, c in store.collections.items()}
    assert sizes["invoices"] == 400
    assert sizes["contacts"] == 100
    assert 180 <= sizes["payments"] <= 220
    assert sizes["credit_notes"] == 40
    assert sizes["manual_journals"] == 40
    assert sizes["batch_payments"] >= 2
    assert sizes["overpayments"] >= 2
    assert sizes["prepayments"] >= 2
    assert 20 <= sizes["accounts"] <= 30
    assert sizes["tracking_categories"] == 2
    small = seed_store(XeroSandboxConfig(seed=1, records=0))
    assert len(small["contacts"].records) == 10
    assert len(small["invoices"].records) == 0


def test_documents_are_consistent_and_dated_before_the_base_date():
    store = seed_store(XeroSandboxConfig(seed=3, records=600))
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for payment in store["payments"].records.values():
        if payment.doc["Status"] == "AUTHORISED":
            paid[payment.doc["Invoice"]["InvoiceID"]] += payment.doc["Amount"]
    statuses = set()
    for record in store["invoices"].records.values():
        doc = record.doc
        statuses.add(doc["Status"])
        assert record.updated < BASE_DATE
        assert doc["Total"] == doc["SubTotal"] + doc["TotalTax"]
        assert doc["AmountPaid"] == paid.get(doc["InvoiceID"], Decimal("0.00"))
        if doc["Status"] == "PAID":
            assert doc["AmountDue"] == 0
        if doc["Status"] == "AUTHORISED":
            assert doc["AmountDue"] == doc["Total"] - doc["AmountPaid"] > 0
    assert {"DRAFT", "AUTHORISED", "PAID", "VOIDED", "DELETED"} <= statuses
    partly = [
        r
        for r in store["invoices"].records.values()
        if r.doc["Status"] == "AUTHORISED" and r.doc["AmountPaid"] > 0
    ]
    assert partly
    for journal in store["manual_journals"].records.values():
        assert sum(line["LineAmount"] for line in journal.doc["JournalLines"]) == 0
    contacts = [r.doc for r in store["contacts"].records.values()]
    assert any(c["ContactStatus"] == "ARCHIVED" for c in contacts)
    assert any(c["IsSupplier"] and c["IsCustomer"] for c in contacts)
    currencies = {r.doc["CurrencyCode"] for r in store["invoices"].records.values()}
    assert currencies >= {"GBP", "EUR"}


def test_amounts_round_trip_as_exact_decimals():
    doc = {"Amount": Decimal("0.10"), "Rate": Decimal("1.000000"), "Big": Decimal("1234567.89")}
    text = dumps(doc)
    assert text == '{"Amount":0.10,"Rate":1.000000,"Big":1234567.89}'
    assert loads(text) == doc


def test_idempotency_cache_keeps_the_first_response_per_tenant_and_key():
    cache = IdempotencyCache()
    first = cache.put("t", "k", StoredResponse(200, b"first", "application/json"))
    again = cache.put("t", "k", StoredResponse(400, b"second", "application/json"))
    assert again == first
    assert cache.get("t", "k") == first
    assert cache.get("other", "k") is None
    cache.clear()
    assert len(cache) == 0
