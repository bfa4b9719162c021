"""Canonical records to Xero write bodies, and the MappingErrors a write can meet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from canonical import Customer, Invoice, JournalEntry, Payment, Supplier
from connectors.errors import MappingError
from connectors.ids import StableIds
from connectors.xero.models import (
    XeroBatchPayment,
    XeroContact,
    XeroCreditNote,
    XeroInvoice,
    XeroManualJournal,
    XeroPayment,
    dumps_xero,
)
from connectors.xero.translate import (
    FROM_CANONICAL,
    TranslateContext,
    payment_to_xero_payments,
)
from tests.unit.xero.conftest import new_context

SUP_XERO = "3f1a6c2e-5b7d-4e8a-9c10-2b3d4e5f6a71"
CUS_XERO = "8c2d4e6f-1a3b-4c5d-8e9f-0a1b2c3d4e52"
BILL_XERO = "a1b2c3d4-0001-4000-8000-000000000001"
SALE_XERO = "a1b2c3d4-0007-4000-8000-000000000007"
NOTE_XERO = "c0000000-0000-4000-8000-000000000001"


@pytest.fixture
def ctx() -> TranslateContext:
    """A context whose id bindings know one supplier, one customer, two invoices, a credit note."""
    context = new_context()
    for kind, remote in [
        ("supplier", SUP_XERO),
        ("customer", CUS_XERO),
        ("invoice", BILL_XERO),
        ("invoice", SALE_XERO),
        ("invoice", NOTE_XERO),
    ]:
        context.ids.hub_id(kind, remote)
    return context


def hub(ctx: TranslateContext, kind: str, remote: str) -> str:
    return ctx.ids.hub_id(kind, remote)


def bill(ctx: TranslateContext, **kw: Any) -> Invoice:
    data: dict[str, Any] = {
        "direction": "payable",
        "number": "KT-30001",
        "reference": "PO-9001",
        "party_id": hub(ctx, "supplier", SUP_XERO),
        "issue_date": "2026-02-02",
        "due_date": "2026-02-22",
        "currency": "NZD",
        "status": "authorised",
        "tax_mode": "exclusive",
        "lines": [
            {
                "description": "Kiln-dried pine",
                "quantity": "12",
                "unit_price": "25.50",
                "net_amount": "306.00",
                "tax_code": "INPUT2",
                "tax_amount": "45.90",
                "account_code": "310",
                "dimensions": {"location": "North", "cost_center": "Operations"},
            }
        ],
    }
    data.update(kw)
    return Invoice.parse(data)


# --- contacts --------------------------------------------------------------------------------


def test_supplier_becomes_a_contact_body_with_bills_terms(ctx: TranslateContext) -> None:
    supplier = Supplier.parse(
        {
            "name": "Rata Joinery",
            "email": "hello@rata-joinery.example",
            "phone": "+64 4 555 0199",
            "currency": "NZD",
            "tax_number": "49-091-850",
            "payment_terms_days": 20,
            "default_account_code": "310",
            "addresses": [
                {"kind": "remit_to", "line1": "PO Box 77", "city": "Nelson", "country": "NZ"}
            ],
            "bank_accounts": [{"iban": "DE89370400440532013000", "account_name": "Rata Joinery"}],
        }
    )
    body = FROM_CANONICAL["supplier"](supplier, ctx)
    assert isinstance(body, XeroContact)
    assert body.to_xero() == {
        "Name": "Rata Joinery",
        "ContactStatus": "ACTIVE",
        "EmailAddress": "hello@rata-joinery.example",
        "TaxNumber": "49-091-850",
        "BankAccountDetails": "DE89370400440532013000",
        "Addresses": [
            {"AddressType": "POBOX", "AddressLine1": "PO Box 77", "City": "Nelson", "Country": "NZ"}
        ],
        "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "+64 4 555 0199"}],
        "DefaultCurrency": "NZD",
        "PurchasesDefaultAccountCode": "310",
        "PaymentTerms": {"Bills": {"Day": 20, "Type": "DAYSAFTERBILLDATE"}},
        "BatchPayments": {
            "BankAccountNumber": "DE89370400440532013000",
            "BankAccountName": "Rata Joinery",
        },
    }


def test_known_archived_customer_updates_its_contact(ctx: TranslateContext) -> None:
    customer = Customer.parse(
        {
            "id": hub(ctx, "customer", CUS_XERO),
            "name": "Tui Cafe Collective",
            "status": "archived",
            "payment_terms_days": 7,
            "default_account_code": "200",
        }
    )
    body = FROM_CANONICAL["customer"](customer, ctx).to_xero()
    assert body["ContactID"] == CUS_XERO  # found through the id binding
    assert body["ContactStatus"] == "ARCHIVED"
    assert body["PaymentTerms"] == {"Sales": {"Day": 7, "Type": "DAYSAFTERBILLDATE"}}
    assert body["SalesDefaultAccountCode"] == "200"
    assert "IsCustomer" not in body  # read-only in Xero
    assert "Website" not in body


def test_two_addresses_of_one_xero_type_are_a_mapping_error(ctx: TranslateContext) -> None:
    supplier = Supplier.parse(
        {
            "name": "Rata Joinery",
            "addresses": [{"kind": "billing", "city": "Nelson"}, {"kind": "remit_to", "city": "X"}],
        }
    )
    with pytest.raises(MappingError, match=r"supplier\.addresses\[1\]\.kind"):
        FROM_CANONICAL["supplier"](supplier, ctx)


# --- invoices --------------------------------------------------------------------------------


def test_bill_becomes_an_accpay_invoice_body(ctx: TranslateContext) -> None:
    body = FROM_CANONICAL["invoice"](bill(ctx), ctx)
    assert isinstance(body, XeroInvoice)
    assert body.to_xero() == {
        "Type": "ACCPAY",
        "Contact": {"ContactID": SUP_XERO},
        "LineItems": [
            {
                "Description": "Kiln-dried pine",
                "Quantity": Decimal("12"),
                "UnitAmount": Decimal("25.50"),
                "AccountCode": "310",
                "TaxType": "INPUT2",
                "TaxAmount": Decimal("45.90"),
                "LineAmount": Decimal("306.00"),
                "Tracking": [
                    {"Name": "Region", "Option": "North"},
                    {"Name": "Cost Centre", "Option": "Operations"},
                ],
            }
        ],
        "Date": "/Date(1769990400000+0000)/",
        "DueDate": "/Date(1771718400000+0000)/",
        "LineAmountTypes": "Exclusive",
        "InvoiceNumber": "KT-30001",
        "Reference": "PO-9001",
        "CurrencyCode": "NZD",
        "Status": "AUTHORISED",
    }
    assert '"LineAmount":306.00' in dumps_xero(body)


@pytest.mark.parametrize(
    ("status", "xero"),
    [
        ("draft", "DRAFT"),
        ("submitted", "SUBMITTED"),
        ("authorised", "AUTHORISED"),
        ("partially_paid", "AUTHORISED"),
        ("paid", "AUTHORISED"),
        ("voided", "VOIDED"),
    ],
)
def test_invoice_statuses_written(ctx: TranslateContext, status: str, xero: str) -> None:
    paid = {"partially_paid": "10.00", "paid": "351.90"}.get(status, "0")
    body = FROM_CANONICAL["invoice"](bill(ctx, status=status, amount_paid=paid), ctx)
    assert body.to_xero()["Status"] == xero


def test_credit_note_becomes_a_credit_note_body(ctx: TranslateContext) -> None:
    note = bill(
        ctx,
        document_type="credit_note",
        direction="receivable",
        party_id=hub(ctx, "customer", CUS_XERO),
        id=hub(ctx, "invoice", NOTE_XERO),
    )
    body = FROM_CANONICAL["invoice"](note, ctx)
    assert isinstance(body, XeroCreditNote)
    data = body.to_xero()
    assert (data["Type"], data["CreditNoteID"], data["CreditNoteNumber"]) == (
        "ACCRECCREDIT",
        NOTE_XERO,
        "KT-30001",
    )
    assert data["Contact"] == {"ContactID": CUS_XERO}


def test_invoice_for_a_party_not_in_xero_is_a_mapping_error(ctx: TranslateContext) -> None:
    stranger = StableIds("other").hub_id("supplier", "nobody")
    invoice = bill(ctx, party_id=stranger)
    with pytest.raises(MappingError) as caught:
        FROM_CANONICAL["invoice"](invoice, ctx)
    assert "Contact.ContactID -> invoice.party_id" in str(caught.value)
    assert "write the supplier first" in str(caught.value)
    assert f"(hub record {invoice.id})" in str(caught.value)
    detail = f"Contact.ContactID -> invoice.party_id: {stranger} is not in Xero yet: "
    assert caught.value.details == (detail + "write the supplier first",)


def test_invoice_without_party_is_a_mapping_error(ctx: TranslateContext) -> None:
    with pytest.raises(MappingError, match=r"Contact\.ContactID -> invoice\.party_id: is required"):
        FROM_CANONICAL["invoice"](bill(ctx, party_id=None), ctx)


def test_unknown_dimension_kind_is_a_mapping_error_when_categories_are_known(
    ctx: TranslateContext,
) -> None:
    invoice = bill(ctx)
    line = invoice.lines[0].model_copy(update={"dimensions": {"project": "Fit-out"}})
    with pytest.raises(MappingError, match=r"invoice\.lines\[0\]\.dimensions\.project"):
        FROM_CANONICAL["invoice"](invoice.model_copy(update={"lines": [line]}), ctx)


def test_dimension_kind_guesses_category_when_the_organisation_is_unknown() -> None:
    context = new_context(tracking_kinds={})
    context.ids.hub_id("supplier", SUP_XERO)
    body = FROM_CANONICAL["invoice"](bill(context), context).to_xero()
    assert body["LineItems"][0]["Tracking"] == [
        {"Name": "Location", "Option": "North"},
        {"Name": "Cost Center", "Option": "Operations"},
    ]


def test_dimension_kind_found_through_listed_categories() -> None:
    context = new_context(tracking_kinds={}, tracking_categories=("Region",))
    context.ids.hub_id("supplier", SUP_XERO)
    invoice = bill(context)
    line = invoice.lines[0].model_copy(update={"dimensions": {"region": "North"}})
    body = FROM_CANONICAL["invoice"](invoice.model_copy(update={"lines": [line]}), context)
    assert body.to_xero()["LineItems"][0]["Tracking"] == [{"Name": "Region", "Option": "North"}]


# --- payments --------------------------------------------------------------------------------


def payment(ctx: TranslateContext, allocations: list[tuple[str, str]], **kw: Any) -> Payment:
    data: dict[str, Any] = {
        "direction": "outbound",
        "party_id": hub(ctx, "supplier", SUP_XERO),
        "payment_date": "2026-02-10",
        "amount": str(sum(Decimal(a) for _, a in allocations)),
        "currency": "NZD",
        "bank_account_code": "090",
        "bank_reference": "Feb run",
        "status": "settled",
        "allocations": [
            {"invoice_id": hub(ctx, "invoice", remote), "amount": amount}
            for remote, amount in allocations
        ],
    }
    data.update(kw)
    return Payment.parse(data)


def test_payment_with_one_allocation_is_one_xero_payment(ctx: TranslateContext) -> None:
    body = FROM_CANONICAL["payment"](payment(ctx, [(BILL_XERO, "120.00")]), ctx)
    assert isinstance(body, XeroPayment)
    assert body.to_xero() == {
        "Invoice": {"InvoiceID": BILL_XERO},
        "Account": {"Code": "090"},
        "Date": "/Date(1770681600000+0000)/",
        "Amount": Decimal("120.00"),
        "Reference": "Feb run",
    }


def test_payment_with_several_allocations_is_a_batch_or_one_payment_each(
    ctx: TranslateContext,
) -> None:
    record = payment(ctx, [(BILL_XERO, "120.00"), (SALE_XERO, "30.00")])
    body = FROM_CANONICAL["payment"](record, ctx)
    assert isinstance(body, XeroBatchPayment)
    assert body.to_xero() == {
        "Account": {"Code": "090"},
        "Reference": "Feb run",
        "Date": "/Date(1770681600000+0000)/",
        "Payments": [
            {"Invoice": {"InvoiceID": BILL_XERO}, "Amount": Decimal("120.00")},
            {"Invoice": {"InvoiceID": SALE_XERO}, "Amount": Decimal("30.00")},
        ],
    }
    each = payment_to_xero_payments(record, ctx)
    assert [(p.invoice.invoice_id if p.invoice else None, p.amount) for p in each] == [
        (BILL_XERO, Decimal("120.00")),
        (SALE_XERO, Decimal("30.00")),
    ]
    assert all(p.payment_id is None and p.account and p.account.code == "090" for p in each)


def test_refund_to_a_customer_pays_the_credit_note(ctx: TranslateContext) -> None:
    refund = payment(ctx, [(NOTE_XERO, "20.00")], party_id=hub(ctx, "customer", CUS_XERO))
    body = FROM_CANONICAL["payment"](refund, ctx).to_xero()
    assert body["CreditNote"] == {"CreditNoteID": NOTE_XERO}
    assert "Invoice" not in body


def test_voided_payment_is_written_as_deleted(ctx: TranslateContext) -> None:
    record = payment(ctx, [(BILL_XERO, "120.00")], status="voided")
    assert FROM_CANONICAL["payment"](record, ctx).to_xero()["Status"] == "DELETED"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"allocations": []}, r"Invoice\.InvoiceID -> payment\.allocations: .*no allocation"),
        ({"amount": "150.00"}, r"Amount -> payment\.unallocated_amount: 30\.00 is not allocated"),
        ({"bank_account_code": None}, r"Account\.Code -> payment\.bank_account_code"),
    ],
)
def test_payments_xero_cannot_take_are_mapping_errors(
    ctx: TranslateContext, change: dict[str, Any], match: str
) -> None:
    base = payment(ctx, [(BILL_XERO, "120.00")]).model_dump(exclude={"unallocated_amount"})
    base.update(change)
    with pytest.raises(MappingError, match=match):
        FROM_CANONICAL["payment"](Payment.parse(base), ctx)


def test_payment_of_an_invoice_not_in_xero_is_a_mapping_error(ctx: TranslateContext) -> None:
    stranger = StableIds("other").hub_id("invoice", "nowhere")
    record = payment(ctx, [(BILL_XERO, "120.00")])
    allocation = record.allocations[0].model_copy(update={"invoice_id": stranger})
    with pytest.raises(MappingError, match=r"payment\.allocations\[0\]\.invoice_id"):
        FROM_CANONICAL["payment"](record.model_copy(update={"allocations": [allocation]}), ctx)


def test_batch_of_refunds_is_a_mapping_error(ctx: TranslateContext) -> None:
    refund = payment(
        ctx,
        [(NOTE_XERO, "20.00"), (SALE_XERO, "5.00")],
        party_id=hub(ctx, "customer", CUS_XERO),
    )
    with pytest.raises(MappingError, match="not credit-note refunds"):
        FROM_CANONICAL["payment"](refund, ctx)


# --- journals --------------------------------------------------------------------------------


def journal(**kw: Any) -> JournalEntry:
    data: dict[str, Any] = {
        "posting_date": "2026-02-28",
        "currency": "NZD",
        "memo": "Month-end accrual",
        "status": "posted",
        "lines": [
            {"account_code": "429", "debit": "410.00", "dimensions": {"location": "North"}},
            {"account_code": "800", "credit": "410.00", "description": "Accrued"},
        ],
    }
    data.update(kw)
    return JournalEntry.parse(data)


def test_journal_debits_positive_credits_negative(ctx: TranslateContext) -> None:
    body = FROM_CANONICAL["journal_entry"](journal(), ctx)
    assert isinstance(body, XeroManualJournal)
    assert body.to_xero() == {
        "Narration": "Month-end accrual",
        "JournalLines": [
            {
                "LineAmount": Decimal("410.00"),
                "AccountCode": "429",
                "Tracking": [{"Name": "Region", "Option": "North"}],
            },
            {"LineAmount": Decimal("-410.00"), "AccountCode": "800", "Description": "Accrued"},
        ],
        "Date": "/Date(1772236800000+0000)/",
        "LineAmountTypes": "NoTax",
        "Status": "POSTED",
    }


def test_journal_with_tax_codes_is_written_tax_inclusive(ctx: TranslateContext) -> None:
    entry = journal(
        lines=[
            {"account_code": "420", "debit": "115.00", "tax_code": "INPUT2"},
            {"account_code": "260", "credit": "115.00", "tax_code": "OUTPUT2"},
        ]
    )
    assert FROM_CANONICAL["journal_entry"](entry, ctx).to_xero()["LineAmountTypes"] == "Inclusive"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"memo": None}, r"Narration -> journal_entry\.memo"),
        ({"currency": "AUD"}, r"journal_entry\.currency: .*base currency NZD, not AUD"),
    ],
)
def test_journals_xero_cannot_take_are_mapping_errors(
    ctx: TranslateContext, change: dict[str, Any], match: str
) -> None:
    with pytest.raises(MappingError, match=match):
        FROM_CANONICAL["journal_entry"](journal(**change), ctx)


def test_journal_line_with_a_party_is_a_mapping_error(ctx: TranslateContext) -> None:
    entry = journal(
        lines=[
            {"account_code": "429", "debit": "5.00", "party_id": hub(ctx, "supplier", SUP_XERO)},
            {"account_code": "800", "credit": "5.00"},
        ]
    )
    with pytest.raises(MappingError, match=r"JournalLines\[0\] -> journal_entry\.lines\[0\]"):
        FROM_CANONICAL["journal_entry"](entry, ctx)


def test_writers_refuse_the_wrong_record_type(ctx: TranslateContext) -> None:
    with pytest.raises(TypeError, match="expected a JournalEntry"):
        FROM_CANONICAL["journal_entry"](bill(ctx), ctx)
    assert dt.date(2026, 2, 28) == journal().posting_date
