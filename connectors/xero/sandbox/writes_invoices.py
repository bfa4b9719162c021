"""Validation and storage of invoices (ACCPAY bills, ACCREC invoices) and credit notes."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal
from typing import Any

from connectors.xero.sandbox.shapes import (
    BASE_CURRENCY,
    ZERO,
    contact_ref,
    date_fields,
    price_lines,
    q2,
)
from connectors.xero.sandbox.state import XeroSandboxState
from connectors.xero.sandbox.writes_base import (
    Doc,
    Invalid,
    WriteBatch,
    day_of,
    decimal_of,
    existing,
    new_id,
    save,
)
from connectors.xero.sandbox.writes_contacts import resolve_contact

__all__ = ["write_invoice"]

_INVOICE_TYPES = {
    "invoices": ("ACCPAY", "ACCREC"),
    "credit_notes": ("ACCPAYCREDIT", "ACCRECCREDIT"),
}
_LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


# -- invoices and credit notes -----------------------------------------------------------
def _lines(state: XeroSandboxState, lines: Any, line_amount_types: str) -> list[Doc]:
    if not isinstance(lines, list):
        raise Invalid("LineItems must be a list")
    accounts = state.factory.accounts
    categories = {c["Name"].lower(): c for c in state.factory.tracking}
    errors, result = [], []
    for given in lines:
        line = dict(given)
        code = str(line.get("AccountCode") or "")
        account = accounts.get(code)
        if code and (account is None or account["Type"] == "BANK" or account.get("SystemAccount")):
            errors.append(f"Account code '{code}' is not a valid code for this document.")
        tax_type = str(line.get("TaxType") or (account or {}).get("TaxType") or "NONE")
        if line_amount_types == "NoTax":
            tax_type = "NONE"
        if tax_type not in state.factory.rates:
            errors.append(
                f"The TaxType code '{tax_type}' does not exist or cannot be used for this "
                "type of transaction."
            )
        line["TaxType"] = tax_type
        for tracking in line.get("Tracking") or []:
            category = categories.get(str(tracking.get("Name", "")).lower())
            option = next(
                (
                    o
                    for o in (category or {}).get("Options", [])
                    if o["Name"].lower() == str(tracking.get("Option", "")).lower()
                ),
                None,
            )
            if category is None or option is None:
                errors.append(
                    f"Tracking option '{tracking.get('Option')}' of category "
                    f"'{tracking.get('Name')}' does not exist."
                )
                continue
            tracking.update(
                Name=category["Name"],
                Option=option["Name"],
                TrackingCategoryID=category["TrackingCategoryID"],
                TrackingOptionID=option["TrackingOptionID"],
            )
        line.setdefault("Tracking", [])
        line.setdefault("LineItemID", new_id())
        if "Quantity" in line:
            line["Quantity"] = decimal_of(line["Quantity"], "Quantity")
        if line.get("UnitAmount") is None and line.get("LineAmount") is None:
            line["UnitAmount"] = ZERO
        result.append(line)
    if errors:
        raise Invalid(*errors)
    return result


def write_invoice(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    """Create or update an invoice or credit note: contact, lines, totals, status rules."""
    types = _INVOICE_TYPES[name]
    id_field = state.store[name].spec.id_field
    number_field = "InvoiceNumber" if name == "invoices" else "CreditNoteNumber"
    record = existing(state, name, element)
    if record is not None:
        doc = copy.deepcopy(record.doc)
        status = doc["Status"]
        wanted = element.get("Status", status)
        what = "Invoice" if name == "invoices" else "Credit note"
        if status in ("VOIDED", "DELETED") or (status == "PAID" and wanted != "PAID"):
            raise Invalid(
                "This document cannot be edited as it has a payment or credit note allocated to it."
                if status == "PAID"
                else f"{what} not of valid status for modification"
            )
        if wanted == "DELETED" and status not in ("DRAFT", "SUBMITTED"):
            raise Invalid("Only DRAFT and SUBMITTED documents can be deleted; void AUTHORISED ones")
        if wanted == "VOIDED" and (status not in ("AUTHORISED",) or doc.get("Payments")):
            raise Invalid(
                "This document cannot be edited as it has a payment or credit note allocated to it."
            )
    else:
        doc = {
            id_field: new_id(),
            "Status": "DRAFT",
            "LineAmountTypes": "Exclusive",
            "CurrencyCode": BASE_CURRENCY,
            "CurrencyRate": Decimal("1.000000"),
            "LineItems": [],
            "Reference": "",
            "HasAttachments": False,
            "HasErrors": False,
        }
        if name == "invoices":
            doc.update(
                Payments=[],
                CreditNotes=[],
                Prepayments=[],
                Overpayments=[],
                AmountPaid=ZERO,
                AmountCredited=ZERO,
                IsDiscounted=False,
            )
        else:
            doc.update(Allocations=[], Payments=[])
        wanted = str(element.get("Status") or "DRAFT")
        if wanted not in ("DRAFT", "SUBMITTED", "AUTHORISED"):
            raise Invalid(
                f"{'Invoice' if name == 'invoices' else 'Credit note'} not of valid status "
                "for creation"
            )
    kind = str(element.get("Type") or doc.get("Type") or "")
    if not kind:
        raise Invalid(
            f"{'Invoice' if name == 'invoices' else 'Credit Note'} Type must be specified"
        )
    if kind not in types:
        raise Invalid(f"Type '{kind}' is not valid; use {' or '.join(types)}")
    errors: list[str] = []
    try:
        contact = resolve_contact(state, element.get("Contact", doc.get("Contact")), dry_run=True)
    except Invalid as exc:
        errors += exc.messages
        contact = None
    lat = str(element.get("LineAmountTypes") or doc["LineAmountTypes"])
    if lat not in _LINE_AMOUNT_TYPES:
        errors.append(f"LineAmountTypes '{lat}' is not valid")
        lat = "Exclusive"
    currency = str(element.get("CurrencyCode") or doc["CurrencyCode"])
    if currency not in {r.id for r in state.store["currencies"].records.values()}:
        errors.append(f"The currency code '{currency}' is not enabled for this organisation")
    try:
        lines = _lines(state, element.get("LineItems", doc["LineItems"]), lat)
    except Invalid as exc:
        errors += exc.messages
        lines = []
    if wanted == "AUTHORISED" and not lines and not errors:
        errors.append("A document must have at least one line item to be authorised")
    number = element.get(number_field, doc.get(number_field))
    if kind in ("ACCREC", "ACCRECCREDIT") and number:
        taken = any(
            r.doc.get(number_field) == number
            and r.id != doc[id_field]
            and r.doc.get("Type") == kind
            for r in state.store[name].records.values()
        )
        if taken or number in batch.numbers:
            errors.append(
                "Invoice # must be unique."
                if name == "invoices"
                else "Credit Note # must be unique."
            )
    if errors:
        raise Invalid(*errors)
    assert contact is not None
    contact = resolve_contact(state, element.get("Contact", doc.get("Contact")), dry_run=dry_run)
    today = state.now().date()
    day = day_of(element.get("Date", doc.get("DateString")), today)
    due = day_of(element.get("DueDate", doc.get("DueDateString")), day + timedelta(days=30))
    sub_total, total_tax, total = price_lines(lines, lat, state.factory.rates)
    if not number and kind in ("ACCREC", "ACCRECCREDIT") and not dry_run:
        number = state.factory.next_number("INV" if name == "invoices" else "CN")
    batch.numbers.add(str(number))
    for key in ("Reference", "SentToContact", "CurrencyRate", "BrandingThemeID", "Url"):
        if key in element:
            doc[key] = element[key]
    doc.update(
        Type=kind,
        Contact=contact_ref(contact),
        LineAmountTypes=lat,
        LineItems=lines,
        CurrencyCode=currency,
        SubTotal=sub_total,
        TotalTax=total_tax,
        Total=total,
        Status=wanted,
        **date_fields("Date", day),
    )
    doc[number_field] = number or ""
    if name == "invoices":
        doc.update(date_fields("DueDate", due))
        doc["AmountDue"] = (
            ZERO
            if wanted in ("VOIDED", "DELETED")
            else q2(total - doc["AmountPaid"] - doc["AmountCredited"])
        )
    else:
        doc["RemainingCredit"] = total if wanted == "AUTHORISED" else ZERO
    if not dry_run:
        flag = "IsSupplier" if kind.startswith("ACCPAY") else "IsCustomer"
        contact_record = state.store["contacts"].get(contact["ContactID"])
        if contact_record is not None and not contact_record.doc.get(flag):
            contact_record.doc[flag] = True
            state.store["contacts"].touch(contact_record, state.now())
    return save(state, name, doc, dry_run)
