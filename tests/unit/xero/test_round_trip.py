"""Round trip: Xero -> canonical -> Xero body -> (Xero's answer) -> canonical gives the same record.

Xero answers a write with the document as stored: what was sent, plus the fields only Xero sets
(totals, `AmountPaid`, `PaymentType`, `UpdatedDateUTC`, the flags of a contact) and the documents
that references by id stand for. `xero_answer` plays that part with exactly those fields, taken
from the original payload, so anything the write body loses shows up as a difference.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from canonical import Record
from connectors.ids import StableIds
from connectors.xero.models import dumps_xero
from connectors.xero.translate import FROM_CANONICAL, TranslateContext
from tests.unit.xero.conftest import items, new_context, to_canonical

SERVER_FIELDS: dict[str, tuple[str, ...]] = {
    "Contacts": ("UpdatedDateUTC", "IsSupplier", "IsCustomer", "Website"),
    "Invoices": (
        "UpdatedDateUTC",
        "SubTotal",
        "TotalTax",
        "Total",
        "AmountDue",
        "AmountPaid",
        "AmountCredited",
    ),
    "CreditNotes": (
        "UpdatedDateUTC",
        "SubTotal",
        "TotalTax",
        "Total",
        "RemainingCredit",
        "Allocations",
        "Payments",
    ),
    "Payments": ("UpdatedDateUTC", "PaymentType"),
    "BatchPayments": ("UpdatedDateUTC", "Type", "Status", "TotalAmount"),
    "ManualJournals": ("UpdatedDateUTC",),
}
"""Fields Xero sets itself (read-only in its OpenAPI description, or made by other calls)."""

BOOKKEEPING = {"remote_data", "created_at", "updated_at", "version"}


def comparable(record: Record) -> dict[str, Any]:
    """The record as JSON data without the hub's bookkeeping and the raw payload."""
    return {k: v for k, v in record.to_json_dict().items() if k not in BOOKKEEPING}


def _doc_id(doc: dict[str, Any]) -> str:
    return str(doc.get("InvoiceID") or doc.get("CreditNoteID"))


def _expanded(sent: dict[str, Any], original: dict[str, Any], key: str) -> dict[str, Any]:
    """The document Xero returns for a reference `sent` by id (the id must be the original's)."""
    assert _doc_id(sent) == _doc_id(original), "the write referenced another document"
    if key == "CreditNote":
        return {
            "CreditNoteID": _doc_id(original),
            "CreditNoteNumber": original.get("CreditNoteNumber") or original.get("InvoiceNumber"),
            "Type": original["Type"],
            "Contact": original.get("Contact"),
            "CurrencyCode": original.get("CurrencyCode"),
        }
    return dict(original)


def xero_answer(collection: str, body: Any, original: dict[str, Any]) -> dict[str, Any]:
    """What Xero stores and returns for a write body, as a JSON payload."""
    answer: dict[str, Any] = json.loads(dumps_xero(body), parse_float=Decimal)
    for name in SERVER_FIELDS[collection]:
        if name in original:
            answer[name] = original[name]
    if collection == "Payments":
        source = original.get("Invoice") or original.get("CreditNote")
        for key in ("Invoice", "CreditNote"):
            if key in answer:
                assert source is not None
                answer[key] = _expanded(answer[key], source, key)
    if collection == "BatchPayments":
        for sent, stored in zip(answer["Payments"], original["Payments"], strict=True):
            sent["Invoice"] = _expanded(sent["Invoice"], stored["Invoice"], "Invoice")
    return answer


def round_trip(collection: str, payload: dict[str, Any], ctx: TranslateContext) -> None:
    """Assert Xero -> canonical -> Xero -> canonical keeps every canonical record."""
    first = to_canonical(collection, payload, ctx)
    assert first, "nothing to round-trip"
    for record in first:
        body = FROM_CANONICAL[record.OBJECT](record, ctx)
        again = to_canonical(collection, xero_answer(collection, body, payload), ctx)
        same_kind = [r for r in again if r.id == record.id]
        assert len(same_kind) == 1
        assert comparable(same_kind[0]) == comparable(record)


def _cases(collection: str) -> list[Any]:
    selected = [p for p in items(collection) if not p.get("BatchPaymentID")]
    return [pytest.param(collection, p, id=f"{collection}-{i}") for i, p in enumerate(selected)]


@pytest.mark.parametrize(
    ("collection", "payload"),
    [
        *_cases("Contacts"),
        *_cases("Invoices"),
        *_cases("CreditNotes"),
        *_cases("Payments"),
        *_cases("BatchPayments"),
        *_cases("ManualJournals"),
    ],
)
def test_fixture_round_trips(collection: str, payload: dict[str, Any]) -> None:
    round_trip(collection, payload, new_context())


def test_round_trip_detects_a_lost_field() -> None:
    """The harness is not vacuous: a body that drops a field makes the round trip fail."""
    ctx = new_context()
    payload = items("Invoices")[0]
    [record] = to_canonical("Invoices", payload, ctx)
    body = FROM_CANONICAL["invoice"](record, ctx).model_copy(update={"reference": None})
    [again] = to_canonical("Invoices", xero_answer("Invoices", body, payload), ctx)
    assert comparable(again) != comparable(record)


# --- generated payloads ----------------------------------------------------------------------

CONTACT = "6d5c4b3a-2910-4f8e-8d7c-6b5a49382716"
TRACKING = [("Region", ["North", "South"]), ("Cost Centre", ["Operations", "Sales"])]
cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c).scaleb(-2))
four_places = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c).scaleb(-4))
days = st.integers(min_value=0, max_value=4000).map(
    lambda d: dt.date(2020, 1, 1) + dt.timedelta(days=d)
)


@st.composite
def tracking(draw: st.DrawFn) -> list[dict[str, str]]:
    chosen = draw(st.lists(st.sampled_from(TRACKING), unique_by=lambda t: t[0], max_size=2))
    return [{"Name": name, "Option": draw(st.sampled_from(options))} for name, options in chosen]


@st.composite
def xero_invoices(draw: st.DrawFn) -> dict[str, Any]:
    """A consistent Xero invoice: totals from lines, paid and due from the status."""
    mode = draw(st.sampled_from(["Exclusive", "Inclusive", "NoTax"]))
    lines = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        amount = draw(cents)
        tax = Decimal("0.00") if mode == "NoTax" else (amount * Decimal("0.15")).quantize(amount)
        line: dict[str, Any] = {
            "Description": draw(st.text(min_size=1, max_size=20).filter(str.strip)),
            "Quantity": draw(four_places),
            "UnitAmount": draw(four_places),
            "LineAmount": amount,
            "TaxAmount": tax,
            "TaxType": "NONE" if mode == "NoTax" else "OUTPUT2",
            "AccountCode": draw(st.sampled_from(["200", "260", "310"])),
            "Tracking": draw(tracking()),
        }
        lines.append(line)
    line_sum = sum((x["LineAmount"] for x in lines), Decimal("0.00"))
    tax_sum = sum((x["TaxAmount"] for x in lines), Decimal("0.00"))
    total = line_sum if mode == "Inclusive" else line_sum + tax_sum
    status = draw(
        st.sampled_from(["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"])
    )
    settled = {"PAID": total, "AUTHORISED": draw(st.integers(0, 100)) * total / 100}.get(
        status, Decimal(0)
    )
    settled = settled.quantize(Decimal("0.01"))
    share = draw(st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(1)]))
    credited = (settled * share).quantize(settled)
    issued = draw(days)
    return {
        "InvoiceID": f"a0000000-0000-4000-8000-{draw(st.integers(0, 10**12)):012d}",
        "Type": draw(st.sampled_from(["ACCPAY", "ACCREC"])),
        "InvoiceNumber": draw(st.from_regex(r"[A-Z]{2,3}-[0-9]{3,6}", fullmatch=True)),
        "Reference": draw(st.none() | st.text(min_size=1, max_size=12).filter(str.strip)),
        "Contact": {"ContactID": CONTACT, "Name": "Generated Ltd"},
        "Date": f"/Date({(issued - dt.date(1970, 1, 1)).days * 86400000}+0000)/",
        "DueDate": (issued + dt.timedelta(days=draw(st.integers(0, 90)))).isoformat(),
        "Status": status,
        "LineAmountTypes": mode,
        "LineItems": lines,
        "SubTotal": line_sum - tax_sum if mode == "Inclusive" else line_sum,
        "TotalTax": tax_sum,
        "Total": total,
        "CurrencyCode": draw(st.sampled_from(["NZD", "AUD", "USD"])),
        "CurrencyRate": draw(st.integers(1, 10**6).map(lambda r: Decimal(r).scaleb(-6))),
        "AmountPaid": settled - credited,
        "AmountCredited": credited,
        "AmountDue": Decimal("0.00") if status in ("VOIDED", "DELETED") else total - settled,
        "UpdatedDateUTC": f"/Date({draw(st.integers(0, 2 * 10**12))}+0000)/",
    }


@settings(max_examples=150, deadline=None)
@given(xero_invoices())
def test_generated_invoices_round_trip(payload: dict[str, Any]) -> None:
    round_trip("Invoices", payload, new_context(ids=StableIds("con_prop")))


@st.composite
def xero_journals(draw: st.DrawFn) -> dict[str, Any]:
    """A balanced Xero manual journal: debits and a split of the same total as credits."""
    debits = draw(st.lists(cents.filter(bool), min_size=1, max_size=3))
    total = sum(debits, Decimal("0.00"))
    whole = int(total * 100)
    cuts = (
        sorted(draw(st.lists(st.integers(1, whole - 1), max_size=2, unique=True)))
        if whole > 1
        else []
    )
    bounds = [0, *cuts, whole]
    credits = [Decimal(b - a).scaleb(-2) for a, b in itertools.pairwise(bounds)]
    lines = [
        {
            "LineAmount": amount,
            "AccountCode": draw(st.sampled_from(["429", "800", "710", "090"])),
            "Description": draw(st.none() | st.text(min_size=1, max_size=15).filter(str.strip)),
            "Tracking": draw(tracking()),
        }
        for amount in [*debits, *(-c for c in credits)]
    ]
    return {
        "ManualJournalID": f"11000000-0000-4000-8000-{draw(st.integers(0, 10**12)):012d}",
        "Narration": draw(st.text(min_size=1, max_size=30).filter(str.strip)),
        "Date": draw(days).isoformat(),
        "Status": draw(st.sampled_from(["DRAFT", "POSTED", "VOIDED", "DELETED", "ARCHIVED"])),
        "LineAmountTypes": "NoTax",
        "JournalLines": draw(st.permutations(lines)),
        "UpdatedDateUTC": f"/Date({draw(st.integers(0, 2 * 10**12))}+0000)/",
    }


@settings(max_examples=100, deadline=None)
@given(xero_journals())
def test_generated_journals_round_trip(payload: dict[str, Any]) -> None:
    round_trip("ManualJournals", payload, new_context(ids=StableIds("con_prop")))
