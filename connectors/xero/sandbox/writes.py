"""Creating and updating documents with Xero's validation.

Each element is checked against the store and against the elements before it in the same
request (names taken, amounts already paid), then applied. Messages are Xero's own where its
description shows them ("Invoice # must be unique.", "Payment amount exceeds the amount
outstanding on this document", "The total debits (...) must equal total credits (...)", the
duplicate contact name); other wording is the sandbox's.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.sandbox.jsonenc import parse_ms_or_iso_date
from connectors.xero.sandbox.shapes import (
    BASE_CURRENCY,
    ZERO,
    contact_ref,
    date_fields,
    invoice_ref,
    price_lines,
    q2,
)
from connectors.xero.sandbox.state import XeroSandboxState
from connectors.xero.sandbox.store import Record

__all__ = ["Outcome", "WriteBatch", "apply_element"]

Doc = dict[str, Any]
_INVOICE_TYPES = {
    "invoices": ("ACCPAY", "ACCREC"),
    "credit_notes": ("ACCPAYCREDIT", "ACCRECCREDIT"),
}
_LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


@dataclass
class WriteBatch:
    """What earlier elements of the same request already claimed."""

    names: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    """The result of one element: the stored document, or the errors."""

    doc: Doc | None
    errors: list[str]


def _new_id() -> str:
    return str(uuid.uuid4())


class _Invalid(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def apply_element(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, *, dry_run: bool
) -> Outcome:
    """Validate one element and, unless `dry_run`, store it. Never raises for bad data."""
    handler: Callable[..., Doc] = {
        "contacts": _contact,
        "invoices": _invoice,
        "credit_notes": _invoice,
        "payments": _payment,
        "manual_journals": _journal,
    }[name]
    try:
        return Outcome(handler(state, name, copy.deepcopy(element), batch, dry_run), [])
    except _Invalid as exc:
        return Outcome(None, exc.messages)


def _existing(state: XeroSandboxState, name: str, element: Doc) -> Record | None:
    spec = state.store[name].spec
    ident = element.get(spec.id_field)
    if not ident:
        return None
    record = state.store[name].get(str(ident))
    if record is None:
        kind = {"credit_notes": "Credit Note", "manual_journals": "Manual Journal"}.get(
            name, spec.path[:-1]
        )
        raise _Invalid(f"An existing {kind} with the specified {spec.id_field} could not be found")
    return record


def _day(value: Any, default: date) -> date:
    if value in (None, ""):
        return default
    try:
        return parse_ms_or_iso_date(str(value)).date()
    except ValueError as exc:
        raise _Invalid(f"The date '{value}' is not valid") from exc


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _Invalid(f"{what} must be a number") from exc


def _store(state: XeroSandboxState, name: str, doc: Doc, dry_run: bool) -> Doc:
    if not dry_run:
        state.store[name].put(doc, state.now())
    return doc


# -- contacts ----------------------------------------------------------------------------
_CONTACT_DEFAULTS: Doc = {
    "ContactStatus": "ACTIVE",
    "EmailAddress": "",
    "BankAccountDetails": "",
    "Addresses": [],
    "Phones": [],
    "ContactGroups": [],
    "IsSupplier": False,
    "IsCustomer": False,
    "SalesTrackingCategories": [],
    "PurchasesTrackingCategories": [],
    "ContactPersons": [],
    "HasAttachments": False,
    "HasValidationErrors": False,
}


def _contact(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    record = _existing(state, name, element)
    doc = (
        copy.deepcopy(record.doc)
        if record
        else {"ContactID": _new_id(), **copy.deepcopy(_CONTACT_DEFAULTS)}
    )
    for key in (
        "IsSupplier",
        "IsCustomer",
        "UpdatedDateUTC",
        "ValidationErrors",
        "StatusAttributeString",
    ):
        element.pop(key, None)
    doc.update(element)
    contact_name = str(doc.get("Name") or "").strip()
    if not contact_name:
        raise _Invalid("The contact name must be specified.")
    if doc.get("ContactStatus") not in ("ACTIVE", "ARCHIVED", "GDPRREQUEST"):
        raise _Invalid(f"The contact status '{doc.get('ContactStatus')}' is not valid")
    email = str(doc.get("EmailAddress") or "")
    if email and ("@" not in email or " " in email):
        raise _Invalid("Email address must be valid.")
    if doc["ContactStatus"] == "ACTIVE":
        key = contact_name.lower()
        clash = any(
            r.doc["Name"].lower() == key
            and r.doc["ContactStatus"] == "ACTIVE"
            and r.id != doc["ContactID"]
            for r in state.store["contacts"].records.values()
        )
        if clash or key in batch.names:
            raise _Invalid(
                f"The contact name {contact_name} is already assigned to another contact. "
                "The contact name must be unique across all active contacts."
            )
        batch.names.add(key)
    return _store(state, name, doc, dry_run)


def _resolve_contact(state: XeroSandboxState, given: Any, dry_run: bool) -> Doc:
    if not isinstance(given, dict) or not any(
        given.get(k) for k in ("ContactID", "Name", "ContactNumber")
    ):
        if isinstance(given, dict) and given:
            raise _Invalid(
                "The Contact must contain at least 1 of the following elements to identify "
                "the contact: Name, ContactID, ContactNumber"
            )
        raise _Invalid("A Contact must be specified for this type of transaction")
    contacts = state.store["contacts"]
    if given.get("ContactID"):
        record = contacts.get(str(given["ContactID"]))
        if record is None:
            raise _Invalid("The Contact with the specified ContactID could not be found")
        return record.doc
    for record in contacts.records.values():
        doc = record.doc
        if (given.get("ContactNumber") and doc.get("ContactNumber") == given["ContactNumber"]) or (
            given.get("Name")
            and doc["Name"].lower() == str(given["Name"]).lower()
            and doc["ContactStatus"] == "ACTIVE"
        ):
            return doc
    if not given.get("Name"):
        raise _Invalid("The Contact with the specified ContactNumber could not be found")
    # Xero creates a contact for an unknown name.
    doc = {"ContactID": _new_id(), **copy.deepcopy(_CONTACT_DEFAULTS), "Name": str(given["Name"])}
    if not dry_run:
        contacts.put(doc, state.now())
    return doc


# -- invoices and credit notes -----------------------------------------------------------
def _lines(state: XeroSandboxState, lines: Any, line_amount_types: str) -> list[Doc]:
    if not isinstance(lines, list):
        raise _Invalid("LineItems must be a list")
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
        line.setdefault("LineItemID", _new_id())
        if "Quantity" in line:
            line["Quantity"] = _decimal(line["Quantity"], "Quantity")
        if line.get("UnitAmount") is None and line.get("LineAmount") is None:
            line["UnitAmount"] = ZERO
        result.append(line)
    if errors:
        raise _Invalid(*errors)
    return result


def _invoice(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    types = _INVOICE_TYPES[name]
    id_field = state.store[name].spec.id_field
    number_field = "InvoiceNumber" if name == "invoices" else "CreditNoteNumber"
    record = _existing(state, name, element)
    if record is not None:
        doc = copy.deepcopy(record.doc)
        status = doc["Status"]
        wanted = element.get("Status", status)
        what = "Invoice" if name == "invoices" else "Credit note"
        if status in ("VOIDED", "DELETED") or (status == "PAID" and wanted != "PAID"):
            raise _Invalid(
                "This document cannot be edited as it has a payment or credit note allocated to it."
                if status == "PAID"
                else f"{what} not of valid status for modification"
            )
        if wanted == "DELETED" and status not in ("DRAFT", "SUBMITTED"):
            raise _Invalid(
                "Only DRAFT and SUBMITTED documents can be deleted; void AUTHORISED ones"
            )
        if wanted == "VOIDED" and (status not in ("AUTHORISED",) or doc.get("Payments")):
            raise _Invalid(
                "This document cannot be edited as it has a payment or credit note allocated to it."
            )
    else:
        doc = {
            id_field: _new_id(),
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
            raise _Invalid(
                f"{'Invoice' if name == 'invoices' else 'Credit note'} not of valid status "
                "for creation"
            )
    kind = str(element.get("Type") or doc.get("Type") or "")
    if not kind:
        raise _Invalid(
            f"{'Invoice' if name == 'invoices' else 'Credit Note'} Type must be specified"
        )
    if kind not in types:
        raise _Invalid(f"Type '{kind}' is not valid; use {' or '.join(types)}")
    errors: list[str] = []
    try:
        contact = _resolve_contact(state, element.get("Contact", doc.get("Contact")), dry_run=True)
    except _Invalid as exc:
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
    except _Invalid as exc:
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
        raise _Invalid(*errors)
    assert contact is not None
    contact = _resolve_contact(state, element.get("Contact", doc.get("Contact")), dry_run=dry_run)
    today = state.now().date()
    day = _day(element.get("Date", doc.get("DateString")), today)
    due = _day(element.get("DueDate", doc.get("DueDateString")), day + timedelta(days=30))
    sub_total, total_tax, total = price_lines(lines, lat, state.factory.rates)
    if not number and kind in ("ACCREC", "ACCRECCREDIT"):
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
    return _store(state, name, doc, dry_run)


# -- payments ----------------------------------------------------------------------------
def _payment(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    record = _existing(state, name, element)
    if record is not None:
        if element.get("Status") != "DELETED" or record.doc["Status"] != "AUTHORISED":
            raise _Invalid("A payment can only be changed by setting its Status to DELETED")
        if not dry_run:
            state.delete_payment(record)
        return record.doc
    errors: list[str] = []
    given = element.get("Invoice") or {}
    invoice = None
    if given.get("InvoiceID") or given.get("InvoiceNumber"):
        invoice = state.store["invoices"].get(
            str(given.get("InvoiceID") or given.get("InvoiceNumber"))
        )
        if invoice is None:
            errors.append("The document with the supplied id was not found for this endpoint.")
        elif invoice.doc["Status"] != "AUTHORISED":
            errors.append("Payment cannot be made: the invoice is not AUTHORISED")
    else:
        errors.append("You must specify an Invoice (InvoiceID or InvoiceNumber) for the payment")
    given_account = element.get("Account") or {}
    account = None
    for candidate in state.factory.accounts.values():
        if (
            given_account.get("AccountID") and candidate["AccountID"] == given_account["AccountID"]
        ) or (given_account.get("Code") and candidate["Code"] == str(given_account["Code"])):
            account = candidate
    if account is None:
        errors.append(
            "Account could not be found"
            if given_account
            else "An Account must be specified for the payment"
        )
    elif account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
        errors.append(
            f"Account code '{account['Code']}' is not a bank account or enabled for payments"
        )
    amount = (
        _decimal(element.get("Amount"), "Amount") if element.get("Amount") is not None else None
    )
    if amount is None or amount <= 0:
        errors.append("Payment amount must be greater than zero")
    elif (
        invoice is not None
        and invoice.doc["Status"] == "AUTHORISED"
        and amount > invoice.doc["AmountDue"]
    ):
        errors.append("Payment amount exceeds the amount outstanding on this document")
    if errors:
        raise _Invalid(*errors)
    assert invoice is not None
    assert account is not None
    assert amount is not None
    day = _day(element.get("Date"), state.now().date())
    rate = invoice.doc["CurrencyRate"]
    doc: Doc = {
        "PaymentID": _new_id(),
        **date_fields("Date", day),
        "BankAmount": q2(amount)
        if account.get("CurrencyCode") == invoice.doc["CurrencyCode"]
        else q2(amount / rate),
        "Amount": q2(amount),
        "Reference": str(element.get("Reference") or ""),
        "CurrencyRate": rate,
        "PaymentType": "ACCPAYPAYMENT" if invoice.doc["Type"] == "ACCPAY" else "ACCRECPAYMENT",
        "Status": "AUTHORISED",
        "IsReconciled": bool(element.get("IsReconciled", False)),
        "HasAccount": True,
        "HasValidationErrors": False,
        "Account": {"AccountID": account["AccountID"], "Code": account["Code"]},
        "Invoice": invoice_ref(invoice.doc),
    }
    if not dry_run:
        state.record_payment(doc, invoice)
    return doc


# -- manual journals ---------------------------------------------------------------------
def _journal(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    record = _existing(state, name, element)
    doc = (
        copy.deepcopy(record.doc)
        if record
        else {
            "ManualJournalID": _new_id(),
            "Status": "DRAFT",
            "LineAmountTypes": "NoTax",
            "ShowOnCashBasisReports": True,
            "HasAttachments": False,
        }
    )
    status = str(doc["Status"])
    wanted = str(element.get("Status") or status)
    allowed = {"DRAFT": ("DRAFT", "POSTED", "DELETED"), "POSTED": ("POSTED", "VOIDED")}.get(
        status, ()
    )
    if wanted not in (allowed if record else ("DRAFT", "POSTED")):
        raise _Invalid(f"Manual journal status cannot change from {status} to {wanted}")
    narration = str(element.get("Narration", doc.get("Narration")) or "").strip()
    errors = [] if narration else ["Narration must not be empty"]
    lines = [dict(line) for line in element.get("JournalLines", doc.get("JournalLines") or [])]
    if len(lines) < 2:
        errors.append("A manual journal must have at least two journal lines")
    debits = credits = ZERO
    for line in lines:
        code = str(line.get("AccountCode") or "")
        account = state.factory.accounts.get(code)
        if account is None:
            errors.append(f"Account code '{code}' is not a valid code for this document.")
            continue
        amount = q2(_decimal(line.get("LineAmount", 0), "LineAmount"))
        line.update(
            LineAmount=amount, AccountID=account["AccountID"], TaxAmount=ZERO, IsBlank=False
        )
        line.setdefault("TaxType", "NONE")
        line.setdefault("Tracking", [])
        line.setdefault("Description", "")
        if amount > 0:
            debits += amount
        else:
            credits += amount
    if lines and not errors and debits + credits != 0:
        errors.append(f"The total debits ({debits:.2f}) must equal total credits ({credits:.2f})")
    if errors:
        raise _Invalid(*errors)
    day = _day(element.get("Date", doc.get("DateString")), state.now().date())
    doc.update(Narration=narration, JournalLines=lines, Status=wanted, **date_fields("Date", day))
    for key in ("ShowOnCashBasisReports", "Url"):
        if key in element:
            doc[key] = element[key]
    return _store(state, name, doc, dry_run)
