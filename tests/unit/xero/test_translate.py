"""Xero payloads to canonical records: mapping rules, statuses, deletes, amounts and errors."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from canonical import (
    Account,
    Customer,
    Dimension,
    Invoice,
    JournalEntry,
    Payment,
    Supplier,
    TaxRate,
)
from connectors.errors import MappingError
from connectors.xero.models import XeroContact
from connectors.xero.translate import (
    MODELS,
    TO_CANONICAL,
    TranslateContext,
    invoice_to_canonical,
    snake_case,
)
from tests.unit.xero.conftest import item, items, new_context, to_canonical

C_SUP = "3f1a6c2e-5b7d-4e8a-9c10-2b3d4e5f6a71"
C_BOTH = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a803"
INV_BILL = "a1b2c3d4-0001-4000-8000-000000000001"
BATCH = "b0000000-0000-4000-8000-000000000001"


def one(records: list[Any]) -> Any:
    assert len(records) == 1
    return records[0]


# --- registry --------------------------------------------------------------------------------


def test_registry_covers_every_read_collection_with_its_model() -> None:
    expected = {
        "Contacts",
        "Invoices",
        "CreditNotes",
        "Payments",
        "BatchPayments",
        "Overpayments",
        "Prepayments",
        "ManualJournals",
        "Accounts",
        "TaxRates",
        "TrackingCategories",
    }
    assert set(TO_CANONICAL) == expected == set(MODELS)


def test_registry_refuses_the_wrong_model(ctx: TranslateContext) -> None:
    with pytest.raises(TypeError, match="expected a XeroInvoice"):
        TO_CANONICAL["Invoices"](XeroContact(contact_id="x"), ctx, None)


# --- contacts --------------------------------------------------------------------------------


def test_supplier_contact_maps_every_field(ctx: TranslateContext) -> None:
    payload = item("Contacts", ContactID=C_SUP)
    supplier = one(to_canonical("Contacts", payload, ctx))
    assert isinstance(supplier, Supplier)
    assert supplier.id == ctx.ids.hub_id("supplier", C_SUP)
    assert supplier.connection_id == "con_test"
    assert supplier.remote_id == C_SUP
    assert supplier.remote_updated_at == dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
    assert supplier.remote_data == payload
    assert supplier.remote_deleted is False
    assert (supplier.name, supplier.status) == ("Kauri Timber Supplies Ltd", "active")
    assert supplier.tax_number == "49-091-850"
    assert supplier.email == "accounts@kauri-timber.example"
    assert supplier.phone == "64 9 3074455"  # the DEFAULT phone, not the first one listed
    assert supplier.currency == "NZD"
    assert supplier.payment_terms_days == 20  # Bills terms for a supplier, not Sales
    assert supplier.default_account_code == "310"
    [address] = supplier.addresses  # the empty STREET address is left out
    assert address.kind == "billing"
    assert address.line1 == "PO Box 4120"
    assert address.line2 == "Shortland Street, Level 2"
    assert (address.city, address.postal_code, address.country) == ("Auckland", "1140", "NZ")
    [bank] = supplier.bank_accounts
    assert bank.iban == "GB82WEST12345698765432"
    assert bank.account_name == "Kauri Timber"


def test_contact_flagged_both_becomes_supplier_and_customer(ctx: TranslateContext) -> None:
    records = to_canonical("Contacts", item("Contacts", ContactID=C_BOTH), ctx)
    supplier, customer = records
    assert isinstance(supplier, Supplier)
    assert isinstance(customer, Customer)
    assert supplier.remote_id == customer.remote_id == C_BOTH
    assert (supplier.payment_terms_days, customer.payment_terms_days) == (30, 14)
    assert (supplier.default_account_code, customer.default_account_code) == ("425", "260")
    assert supplier.bank_accounts[0].account_number == "06-0999-0123456-00"


def test_unflagged_contact_becomes_both_by_default(ctx: TranslateContext) -> None:
    payload = item("Contacts", Name="Pohutukawa Design Studio")
    kinds = [type(r).__name__ for r in to_canonical("Contacts", payload, ctx)]
    assert kinds == ["Supplier", "Customer"]


@pytest.mark.parametrize(
    ("choice", "kinds"),
    [("customer", ["Customer"]), ("supplier", ["Supplier"]), ("skip", [])],
)
def test_unflagged_contact_follows_the_context_choice(choice: Any, kinds: list[str]) -> None:
    payload = item("Contacts", Name="Pohutukawa Design Studio")
    records = to_canonical("Contacts", payload, new_context(unflagged_contacts=choice))
    assert [type(r).__name__ for r in records] == kinds


@pytest.mark.parametrize("status", ["ARCHIVED", "GDPRREQUEST"])
def test_archived_and_gdpr_contacts_are_remote_deleted(ctx: TranslateContext, status: str) -> None:
    payload = {**item("Contacts", ContactID=C_SUP), "ContactStatus": status}
    supplier = one(to_canonical("Contacts", payload, ctx))
    assert supplier.remote_deleted is True
    assert supplier.status == "archived"


def test_street_address_is_shipping_and_month_terms_have_no_day_count(
    ctx: TranslateContext,
) -> None:
    customer = one(to_canonical("Contacts", item("Contacts", Name="Tui Cafe Collective"), ctx))
    assert [a.kind for a in customer.addresses] == ["shipping"]
    assert customer.payment_terms_days is None  # OFFOLLOWINGMONTH is not a number of days
    assert customer.email is None  # Xero's empty string
    assert customer.website == "https://tui-cafe.example"


def test_unknown_country_text_is_left_out(ctx: TranslateContext) -> None:
    payload = copy.deepcopy(item("Contacts", ContactID=C_SUP))
    payload["Addresses"][0]["Country"] = "Middle Earth"
    supplier = one(to_canonical("Contacts", payload, ctx))
    assert supplier.addresses[0].country is None
    assert supplier.addresses[0].city == "Auckland"


def test_invalid_email_is_a_mapping_error_naming_both_fields(ctx: TranslateContext) -> None:
    payload = {**item("Contacts", ContactID=C_SUP), "EmailAddress": "accounts at kauri"}
    with pytest.raises(MappingError) as caught:
        to_canonical("Contacts", payload, ctx)
    assert "EmailAddress -> supplier.email" in str(caught.value)
    assert C_SUP in str(caught.value)
    assert caught.value.category == "mapping"


def test_contact_without_name_is_a_mapping_error(ctx: TranslateContext) -> None:
    with pytest.raises(MappingError, match=r"Name -> supplier\.name"):
        to_canonical("Contacts", {"ContactID": "c-1", "IsSupplier": True, "Name": " "}, ctx)


# --- invoices --------------------------------------------------------------------------------


def test_bill_maps_header_lines_tracking_and_totals(ctx: TranslateContext) -> None:
    payload = item("Invoices", InvoiceID=INV_BILL)
    bill = one(to_canonical("Invoices", payload, ctx))
    assert isinstance(bill, Invoice)
    assert bill.id == ctx.ids.hub_id("invoice", INV_BILL)
    assert (bill.direction, bill.document_type) == ("payable", "invoice")
    assert bill.party_id == ctx.ids.hub_id("supplier", C_SUP)
    assert (bill.number, bill.reference) == ("KT-20931", "PO-7781")
    assert (bill.issue_date, bill.due_date) == (dt.date(2026, 1, 5), dt.date(2026, 1, 25))
    assert (bill.currency, bill.exchange_rate) == ("NZD", Decimal("1.000000"))
    assert bill.tax_mode == "exclusive"
    first = bill.lines[0]
    assert first.line_number == 1
    assert (first.quantity, first.unit_price) == (Decimal("40.0000"), Decimal("18.7500"))
    assert (first.net_amount, first.tax_amount) == (Decimal("750.00"), Decimal("112.50"))
    assert (first.tax_code, first.account_code) == ("INPUT2", "310")
    assert first.dimensions == {"location": "North", "cost_center": "Operations"}
    assert bill.lines[1].dimensions == {"location": "North"}
    assert (bill.subtotal, bill.tax_total, bill.total) == (
        Decimal("835.00"),
        Decimal("125.25"),
        Decimal("960.25"),
    )
    assert (bill.amount_paid, bill.amount_due) == (Decimal("500.00"), Decimal("460.25"))
    assert bill.status == "partially_paid"


def test_tracking_category_without_a_configured_kind_is_snake_cased() -> None:
    ctx = new_context(tracking_kinds={})
    bill = one(to_canonical("Invoices", item("Invoices", InvoiceID=INV_BILL), ctx))
    assert bill.lines[0].dimensions == {"region": "North", "cost_centre": "Operations"}
    assert snake_case(" Sales / Channel ") == "sales_channel"


def test_tracking_kind_lookup_ignores_case() -> None:
    ctx = new_context(tracking_kinds={"REGION": "location"})
    assert ctx.kind_of("Region") == "location"


@pytest.mark.parametrize(
    ("number", "status", "deleted"),
    [
        ("INV-0043", "draft", False),
        ("INV-0044", "submitted", False),
        ("INV-0045", "authorised", False),
        ("INV-0046", "partially_paid", False),  # AUTHORISED with a credit note applied
        ("KT-20931", "partially_paid", False),  # AUTHORISED with a payment
        ("INV-0042", "paid", False),
        ("KT-20877", "voided", True),
        ("INV-0039", "voided", True),  # DELETED
    ],
)
def test_every_invoice_status_maps(
    ctx: TranslateContext, number: str, status: str, deleted: bool
) -> None:
    invoice = one(to_canonical("Invoices", item("Invoices", InvoiceNumber=number), ctx))
    assert (invoice.status, invoice.remote_deleted) == (status, deleted)


def test_authorised_with_nothing_left_due_reads_as_paid(ctx: TranslateContext) -> None:
    payload = {**item("Invoices", InvoiceNumber="HF-5521"), "Status": "AUTHORISED"}
    assert one(to_canonical("Invoices", payload, ctx)).status == "paid"


def test_credited_amount_counts_as_paid_so_amount_due_matches_xero(
    ctx: TranslateContext,
) -> None:
    invoice = one(to_canonical("Invoices", item("Invoices", InvoiceNumber="INV-0042"), ctx))
    # AmountPaid 352.50 + AmountCredited 50.00 = Total 402.50; AmountDue 0.
    assert invoice.amount_paid == Decimal("402.50")
    assert invoice.amount_due == Decimal("0.00")


def test_inclusive_invoice_subtotal_is_the_sum_of_gross_lines(ctx: TranslateContext) -> None:
    invoice = one(to_canonical("Invoices", item("Invoices", InvoiceNumber="INV-0042"), ctx))
    assert invoice.tax_mode == "inclusive"
    assert invoice.subtotal == Decimal("402.50") == invoice.total  # Xero SubTotal 350 + tax 52.50
    assert invoice.tax_total == Decimal("52.50")


def test_no_tax_invoice_keeps_a_description_only_line_and_foreign_currency(
    ctx: TranslateContext,
) -> None:
    invoice = one(to_canonical("Invoices", item("Invoices", InvoiceNumber="INV-0043"), ctx))
    assert invoice.tax_mode == "no_tax"
    assert (invoice.currency, invoice.exchange_rate) == ("AUD", Decimal("0.912345"))
    assert invoice.lines[1].net_amount == 0
    assert invoice.lines[1].description == "Terms: storage billed monthly"
    assert invoice.lines[0].unit_price == Decimal("14.3333")  # 4 places kept exactly


def test_voided_invoice_due_is_derived_because_xero_zeroes_it(ctx: TranslateContext) -> None:
    invoice = one(to_canonical("Invoices", item("Invoices", InvoiceNumber="KT-20877"), ctx))
    assert (invoice.total, invoice.amount_paid, invoice.amount_due) == (
        Decimal("368.00"),
        Decimal("0.00"),
        Decimal("368.00"),
    )


def test_live_invoice_with_inconsistent_amount_due_is_refused(ctx: TranslateContext) -> None:
    payload = {**item("Invoices", InvoiceID=INV_BILL), "AmountDue": Decimal("400.00")}
    with pytest.raises(MappingError) as caught:
        to_canonical("Invoices", payload, ctx)
    message = str(caught.value)
    assert "AmountDue -> invoice.amount_due" in message
    assert "400.00 ≠ Total 960.25 − AmountPaid 500.00 − AmountCredited 0.00" in message


def test_line_amounts_not_adding_up_name_the_xero_and_canonical_fields(
    ctx: TranslateContext,
) -> None:
    payload = copy.deepcopy(item("Invoices", InvoiceID=INV_BILL))
    payload["LineItems"][1]["LineAmount"] = Decimal("86.00")
    with pytest.raises(MappingError) as caught:
        to_canonical("Invoices", payload, ctx)
    assert "SubTotal -> invoice.subtotal" in str(caught.value)


def test_due_before_issue_is_a_mapping_error(ctx: TranslateContext) -> None:
    payload = {**item("Invoices", InvoiceID=INV_BILL), "DueDate": "/Date(1767484800000+0000)/"}
    with pytest.raises(MappingError, match=r"DueDate -> invoice\.due_date"):
        to_canonical("Invoices", payload, ctx)


def test_line_without_line_amount_but_with_quantity_is_a_mapping_error(
    ctx: TranslateContext,
) -> None:
    payload = copy.deepcopy(item("Invoices", InvoiceID=INV_BILL))
    del payload["LineItems"][1]["LineAmount"]
    with pytest.raises(MappingError, match=r"LineItems\[1\]\.LineAmount -> invoice\.lines\[1\]"):
        to_canonical("Invoices", payload, ctx)


def test_credit_type_on_the_invoices_endpoint_is_refused(ctx: TranslateContext) -> None:
    payload = {**item("Invoices", InvoiceID=INV_BILL), "Type": "ACCPAYCREDIT"}
    with pytest.raises(MappingError, match=r"Type -> invoice\.direction"):
        invoice_to_canonical(MODELS["Invoices"].model_validate(payload), ctx)  # type: ignore[arg-type]


def test_remote_data_is_left_out_when_no_raw_payload_is_given(ctx: TranslateContext) -> None:
    model = MODELS["Invoices"].model_validate(item("Invoices", InvoiceID=INV_BILL))
    assert one(TO_CANONICAL["Invoices"](model, ctx, None)).remote_data is None


# --- credit notes ----------------------------------------------------------------------------


def test_credit_note_becomes_an_invoice_with_document_type_credit_note(
    ctx: TranslateContext,
) -> None:
    note = one(to_canonical("CreditNotes", item("CreditNotes", CreditNoteNumber="KT-CR-118"), ctx))
    assert isinstance(note, Invoice)
    assert (note.direction, note.document_type, note.number) == (
        "payable",
        "credit_note",
        "KT-CR-118",
    )
    assert note.party_id == ctx.ids.hub_id("supplier", C_SUP)
    # 50.00 of 86.25 allocated: used part is "paid", the remaining credit is "due".
    assert (note.total, note.amount_paid, note.amount_due) == (
        Decimal("86.25"),
        Decimal("50.00"),
        Decimal("36.25"),
    )
    assert note.status == "partially_paid"
    assert note.lines[0].dimensions == {"location": "North"}


def test_fully_used_and_voided_credit_notes(ctx: TranslateContext) -> None:
    paid = one(to_canonical("CreditNotes", item("CreditNotes", CreditNoteNumber="CN-0007"), ctx))
    assert (paid.direction, paid.status, paid.amount_due) == ("receivable", "paid", 0)
    assert paid.tax_mode == "inclusive"
    void = one(to_canonical("CreditNotes", item("CreditNotes", CreditNoteNumber="CN-0008"), ctx))
    assert (void.status, void.remote_deleted) == ("voided", True)
    assert (void.amount_paid, void.amount_due) == (0, Decimal("115.00"))


def test_remaining_credit_above_total_is_a_mapping_error(ctx: TranslateContext) -> None:
    payload = {**item("CreditNotes", CreditNoteNumber="KT-CR-118"), "RemainingCredit": 100}
    with pytest.raises(MappingError, match=r"Total-RemainingCredit -> invoice\.amount_paid"):
        to_canonical("CreditNotes", payload, ctx)


# --- payments --------------------------------------------------------------------------------


def test_bill_payment_is_outbound_with_one_allocation(ctx: TranslateContext) -> None:
    payment = one(to_canonical("Payments", items("Payments")[0], ctx))
    assert isinstance(payment, Payment)
    assert payment.remote_id == "e0000000-0000-4000-8000-000000000001"
    assert (payment.direction, payment.status) == ("outbound", "settled")
    assert payment.party_id == ctx.ids.hub_id("supplier", C_SUP)
    assert (payment.amount, payment.currency) == (Decimal("500.00"), "NZD")
    assert payment.payment_date == dt.date(2026, 1, 10)
    assert (payment.bank_account_code, payment.bank_reference) == ("090", "Part payment")
    [allocation] = payment.allocations
    assert allocation.invoice_id == ctx.ids.hub_id("invoice", INV_BILL)
    assert (allocation.invoice_number, allocation.amount) == ("KT-20931", Decimal("500.00"))
    assert payment.unallocated_amount == 0


def test_sales_receipt_is_inbound_and_refund_of_credit_note_is_outbound(
    ctx: TranslateContext,
) -> None:
    receipt = one(to_canonical("Payments", items("Payments")[1], ctx))
    assert (receipt.direction, receipt.bank_reference) == ("inbound", None)
    refund = one(to_canonical("Payments", items("Payments")[2], ctx))
    assert refund.direction == "outbound"
    assert refund.party_id == ctx.ids.hub_id("customer", C_BOTH)
    assert refund.allocations[0].invoice_id == ctx.ids.hub_id(
        "invoice", "c0000000-0000-4000-8000-000000000004"
    )


def test_deleted_payment_is_voided_and_remote_deleted(ctx: TranslateContext) -> None:
    payment = one(to_canonical("Payments", items("Payments")[3], ctx))
    assert (payment.status, payment.remote_deleted) == ("voided", True)


def test_payment_type_is_inferred_from_the_paid_document_when_missing(
    ctx: TranslateContext,
) -> None:
    payload = {k: v for k, v in items("Payments")[0].items() if k != "PaymentType"}
    assert one(to_canonical("Payments", payload, ctx)).direction == "outbound"
    bare = {k: v for k, v in payload.items() if k != "Invoice"}
    with pytest.raises(MappingError, match=r"PaymentType -> payment\.direction"):
        to_canonical("Payments", bare, ctx)


def test_batch_payment_is_one_payment_with_an_allocation_per_invoice(
    ctx: TranslateContext,
) -> None:
    batch = one(to_canonical("BatchPayments", item("BatchPayments", BatchPaymentID=BATCH), ctx))
    assert batch.id == ctx.ids.hub_id("payment", BATCH)
    assert (batch.direction, batch.amount, batch.currency) == (
        "outbound",
        Decimal("655.50"),
        "NZD",
    )
    assert batch.bank_reference == "LEDGERHUB JAN2"  # Details: the text the bank sees
    assert [(a.invoice_number, a.amount) for a in batch.allocations] == [
        ("HF-5521", Decimal("327.75")),
        ("KT-21002", Decimal("327.75")),
    ]
    assert batch.party_id is None  # two suppliers' bills in one batch


def test_batch_payments_are_counted_once_not_again_as_payments(ctx: TranslateContext) -> None:
    from_payments = [p for x in items("Payments") for p in to_canonical("Payments", x, ctx)]
    from_batches = [
        p for x in items("BatchPayments") for p in to_canonical("BatchPayments", x, ctx)
    ]
    batch_children = [x["PaymentID"] for x in items("Payments") if x.get("BatchPaymentID")]
    assert len(batch_children) == 2
    assert not {p.remote_id for p in from_payments} & set(batch_children)
    # Each Xero payment's money appears exactly once among the canonical payments.
    payments = [p for p in from_payments + from_batches if isinstance(p, Payment)]
    paid_to_hf_5521 = [
        a.amount for p in payments for a in p.allocations if a.invoice_number == "HF-5521"
    ]
    assert paid_to_hf_5521 == [Decimal("327.75")]


def test_deleted_batch_with_one_customer_keeps_the_party(ctx: TranslateContext) -> None:
    payload = item("BatchPayments", Type="RECBATCH")
    batch = one(to_canonical("BatchPayments", payload, ctx))
    assert (batch.direction, batch.status, batch.remote_deleted) == ("inbound", "voided", True)
    assert batch.party_id == ctx.ids.hub_id("customer", C_BOTH)


def test_batch_allocations_above_total_are_a_mapping_error(ctx: TranslateContext) -> None:
    payload = {**item("BatchPayments", BatchPaymentID=BATCH), "TotalAmount": Decimal("600.00")}
    with pytest.raises(MappingError, match=r"Payments\|Allocations -> payment\.allocations"):
        to_canonical("BatchPayments", payload, ctx)


def test_overpayment_allocations_and_unallocated_rest(ctx: TranslateContext) -> None:
    over = one(to_canonical("Overpayments", items("Overpayments")[0], ctx))
    assert (over.direction, over.amount, over.status) == ("inbound", Decimal("300.00"), "settled")
    assert over.party_id == ctx.ids.hub_id("customer", C_BOTH)
    [allocation] = over.allocations
    assert (allocation.invoice_number, allocation.amount) == ("INV-0046", Decimal("200.00"))
    assert over.unallocated_amount == Decimal("100.00")  # Xero's RemainingCredit
    voided = one(to_canonical("Overpayments", items("Overpayments")[1], ctx))
    assert (voided.direction, voided.status, voided.remote_deleted) == ("outbound", "voided", True)
    assert voided.party_id == ctx.ids.hub_id("supplier", C_SUP)


def test_prepayments_map_direction_and_allocations(ctx: TranslateContext) -> None:
    spend = one(to_canonical("Prepayments", items("Prepayments")[0], ctx))
    assert (spend.direction, spend.amount, spend.unallocated_amount) == (
        "outbound",
        Decimal("230.00"),
        0,
    )
    assert spend.allocations[0].invoice_id == ctx.ids.hub_id("invoice", INV_BILL)
    receive = one(to_canonical("Prepayments", items("Prepayments")[1], ctx))
    assert (receive.direction, receive.allocations) == ("inbound", [])


def test_deleted_allocations_are_ignored(ctx: TranslateContext) -> None:
    payload = copy.deepcopy(items("Overpayments")[0])
    payload["Allocations"][0]["IsDeleted"] = True
    assert one(to_canonical("Overpayments", payload, ctx)).allocations == []


# --- manual journals -------------------------------------------------------------------------


def test_manual_journal_signs_become_debits_and_credits(ctx: TranslateContext) -> None:
    entry = one(to_canonical("ManualJournals", items("ManualJournals")[0], ctx))
    assert isinstance(entry, JournalEntry)
    assert (entry.status, entry.currency, entry.memo) == (
        "posted",
        "NZD",
        "Reclassify timber used for shop fit-out",
    )
    assert entry.posting_date == dt.date(2026, 1, 20)
    assert [(x.account_code, x.debit, x.credit) for x in entry.lines] == [
        ("710", Decimal("1250.00"), 0),
        ("310", 0, Decimal("1000.00")),
        ("425", 0, Decimal("250.00")),
    ]  # the blank fourth line is left out
    assert entry.lines[0].dimensions == {"location": "North"}
    assert entry.lines[1].dimensions == {"cost_center": "Operations"}


def test_voided_and_draft_journals(ctx: TranslateContext) -> None:
    voided = one(to_canonical("ManualJournals", items("ManualJournals")[1], ctx))
    assert (voided.status, voided.remote_deleted) == ("voided", True)
    draft = one(to_canonical("ManualJournals", items("ManualJournals")[2], ctx))
    assert draft.status == "draft"
    # Exclusive lines carry their tax: 100 + 15 debit, -(100 + 15) credit.
    assert [(x.debit, x.credit, x.tax_code) for x in draft.lines] == [
        (Decimal("115.00"), 0, "INPUT2"),
        (0, Decimal("115.00"), "OUTPUT2"),
    ]


@pytest.mark.parametrize(("status", "expected"), [("DELETED", "voided"), ("ARCHIVED", "posted")])
def test_deleted_and_archived_journal_statuses(
    ctx: TranslateContext, status: str, expected: str
) -> None:
    payload = {**items("ManualJournals")[0], "Status": status}
    entry = one(to_canonical("ManualJournals", payload, ctx))
    assert (entry.status, entry.remote_deleted) == (expected, status == "DELETED")


def test_unbalanced_journal_is_a_mapping_error(ctx: TranslateContext) -> None:
    payload = copy.deepcopy(items("ManualJournals")[0])
    payload["JournalLines"][2]["LineAmount"] = Decimal("-249.99")
    with pytest.raises(MappingError, match=r"JournalLines -> journal_entry\.lines: debits"):
        to_canonical("ManualJournals", payload, ctx)


def test_journal_line_without_account_is_a_mapping_error(ctx: TranslateContext) -> None:
    payload = copy.deepcopy(items("ManualJournals")[0])
    del payload["JournalLines"][1]["AccountCode"]
    with pytest.raises(MappingError, match=r"JournalLines\[1\]\.AccountCode"):
        to_canonical("ManualJournals", payload, ctx)


# --- reference data --------------------------------------------------------------------------


def test_accounts_map_class_status_and_currency(ctx: TranslateContext) -> None:
    accounts = [one(to_canonical("Accounts", x, ctx)) for x in items("Accounts")]
    assert all(isinstance(a, Account) for a in accounts)
    assert [(a.code, a.type, a.status, a.remote_deleted) for a in accounts] == [
        ("090", "asset", "active", False),
        ("200", "revenue", "active", False),
        ("310", "expense", "active", False),
        ("800", "liability", "active", False),
        ("970", "equity", "archived", False),
        ("477", "expense", "archived", True),  # no Class: OVERHEADS is an expense
    ]
    assert accounts[0].currency == "NZD"


def test_account_without_code_is_a_mapping_error(ctx: TranslateContext) -> None:
    payload = {k: v for k, v in items("Accounts")[0].items() if k != "Code"}
    with pytest.raises(MappingError, match=r"Code -> account\.code"):
        to_canonical("Accounts", payload, ctx)


def test_tax_rates_use_effective_rate_and_status(ctx: TranslateContext) -> None:
    rates = [one(to_canonical("TaxRates", x, ctx)) for x in items("TaxRates")]
    assert all(isinstance(r, TaxRate) for r in rates)
    assert [(r.code, r.rate_percent, r.status, r.remote_deleted) for r in rates] == [
        ("INPUT2", Decimal("15.0000"), "active", False),
        ("NONE", Decimal("0.0000"), "active", False),
        ("TAX002", Decimal("14.9750"), "archived", False),
        ("TAX003", Decimal("12.5000"), "archived", True),
    ]
    assert rates[0].id == ctx.ids.hub_id("tax_rate", "INPUT2")


def test_tracking_categories_become_one_dimension_per_option(ctx: TranslateContext) -> None:
    records = [
        d
        for x in items("TrackingCategories")
        for d in to_canonical("TrackingCategories", x, ctx)
        if isinstance(d, Dimension)
    ]
    assert len(records) == 5
    assert [(d.kind, d.code, d.status, d.remote_deleted) for d in records] == [
        ("location", "North", "active", False),
        ("location", "South", "archived", False),
        ("cost_center", "Operations", "active", False),
        ("cost_center", "Legacy", "archived", True),
        ("sales_channel", "Online", "archived", False),  # archived category: all its options
    ]
    assert records[0].remote_id == "161ad543-97ab-4436-8213-e0d794e1ea02"
    assert records[0].id == ctx.ids.hub_id("dimension", records[0].remote_id or "")


def test_refund_of_an_overpayment_is_an_unallocated_outbound_payment(
    ctx: TranslateContext,
) -> None:
    payload = {
        "PaymentID": "e0000000-0000-4000-8000-000000000009",
        "PaymentType": "AROVERPAYMENTPAYMENT",
        "Status": "AUTHORISED",
        "Date": "/Date(1768435200000+0000)/",
        "Amount": Decimal("100.00"),
        "Account": {"Code": "090"},
        "Overpayment": {
            "OverpaymentID": "0f000000-0000-4000-8000-000000000001",
            "CurrencyCode": "AUD",
            "Contact": {"ContactID": C_BOTH},
        },
    }
    refund = one(to_canonical("Payments", payload, ctx))
    assert (refund.direction, refund.currency, refund.allocations) == ("outbound", "AUD", [])
    assert refund.party_id == ctx.ids.hub_id("customer", C_BOTH)
    assert refund.unallocated_amount == Decimal("100.00")


@pytest.mark.parametrize(
    ("status", "remaining", "expected", "deleted"),
    [
        ("DRAFT", "86.25", "draft", False),
        ("SUBMITTED", "86.25", "submitted", False),
        ("AUTHORISED", "86.25", "authorised", False),
        ("AUTHORISED", "36.25", "partially_paid", False),
        ("AUTHORISED", "0.00", "paid", False),
        ("PAID", "0.00", "paid", False),
        ("VOIDED", "0.00", "voided", True),
        ("DELETED", "86.25", "voided", True),
    ],
)
def test_every_credit_note_status_maps(
    ctx: TranslateContext, status: str, remaining: str, expected: str, deleted: bool
) -> None:
    payload = {
        **item("CreditNotes", CreditNoteNumber="KT-CR-118"),
        "Status": status,
        "RemainingCredit": Decimal(remaining),
    }
    if deleted:
        payload["Allocations"] = []
    note = one(to_canonical("CreditNotes", payload, ctx))
    assert (note.status, note.remote_deleted) == (expected, deleted)


def test_pending_tax_rate_is_active(ctx: TranslateContext) -> None:
    payload = {**items("TaxRates")[0], "Status": "PENDING"}
    rate = one(to_canonical("TaxRates", payload, ctx))
    assert (rate.status, rate.remote_deleted) == ("active", False)


def test_tax_rate_without_effective_rate_sums_its_components(ctx: TranslateContext) -> None:
    payload = {
        k: v
        for k, v in items("TaxRates")[2].items()
        if k not in ("EffectiveRate", "DisplayTaxRate")
    }
    assert one(to_canonical("TaxRates", payload, ctx)).rate_percent == Decimal("14.9750")


def test_bank_account_named_by_id_only_gets_its_code_from_the_context() -> None:
    payload = {
        **item("BatchPayments", BatchPaymentID=BATCH),
        "Account": {"AccountID": "ac000000-0000-4000-8000-000000000090"},
    }
    assert one(to_canonical("BatchPayments", payload, new_context())).bank_account_code is None
    ctx = new_context(account_codes={"ac000000-0000-4000-8000-000000000090": "090"})
    assert one(to_canonical("BatchPayments", payload, ctx)).bank_account_code == "090"
    single = {
        **items("Payments")[0],
        "Account": {"AccountID": "ac000000-0000-4000-8000-000000000090"},
    }
    assert one(to_canonical("Payments", single, ctx)).bank_account_code == "090"
