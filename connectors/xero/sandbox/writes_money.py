"""Validation and storage of payments (allocated to invoices) and manual journals."""

from __future__ import annotations

import copy

from connectors.xero.sandbox.shapes import ZERO, date_fields, invoice_ref, q2
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

__all__ = ["write_journal", "write_payment"]


# -- payments ----------------------------------------------------------------------------
def write_payment(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    """Create a payment on an AUTHORISED invoice (amount at most due), or delete one."""
    record = existing(state, name, element)
    if record is not None:
        if element.get("Status") != "DELETED" or record.doc["Status"] != "AUTHORISED":
            raise Invalid("A payment can only be changed by setting its Status to DELETED")
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
        decimal_of(element.get("Amount"), "Amount") if element.get("Amount") is not None else None
    )
    if amount is None or amount <= 0:
        errors.append("Payment amount must be greater than zero")
    elif (
        invoice is not None
        and invoice.doc["Status"] == "AUTHORISED"
        # A dry run has not applied the earlier payments of the same request: count them here.
        and amount > invoice.doc["AmountDue"] - batch.paid.get(invoice.id, ZERO)
    ):
        errors.append("Payment amount exceeds the amount outstanding on this document")
    if errors:
        raise Invalid(*errors)
    assert invoice is not None
    assert account is not None
    assert amount is not None
    if dry_run:
        batch.paid[invoice.id] = batch.paid.get(invoice.id, ZERO) + amount
    day = day_of(element.get("Date"), state.now().date())
    rate = invoice.doc["CurrencyRate"]
    doc: Doc = {
        "PaymentID": new_id(),
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
def write_journal(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    """Create or update a manual journal; its signed lines must balance."""
    record = existing(state, name, element)
    doc: Doc = (
        copy.deepcopy(record.doc)
        if record
        else {
            "ManualJournalID": new_id(),
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
        raise Invalid(f"Manual journal status cannot change from {status} to {wanted}")
    narration = str(element.get("Narration", doc.get("Narration")) or "").strip()
    errors = [] if narration else ["Narration must not be empty"]
    given = element["JournalLines"] if "JournalLines" in element else doc.get("JournalLines")
    lines = [dict(line) for line in given or []]
    if len(lines) < 2:
        errors.append("A manual journal must have at least two journal lines")
    debits = credits = ZERO
    for line in lines:
        code = str(line.get("AccountCode") or "")
        account = state.factory.accounts.get(code)
        if account is None:
            errors.append(f"Account code '{code}' is not a valid code for this document.")
            continue
        amount = q2(decimal_of(line.get("LineAmount", 0), "LineAmount"))
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
        raise Invalid(*errors)
    day = day_of(element.get("Date", doc.get("DateString")), state.now().date())
    doc.update(Narration=narration, JournalLines=lines, Status=wanted, **date_fields("Date", day))
    for key in ("ShowOnCashBasisReports", "Url"):
        if key in element:
            doc[key] = element[key]
    return save(state, name, doc, dry_run)
