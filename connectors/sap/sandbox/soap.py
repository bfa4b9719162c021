"""The SOAP journal entry endpoint of the SAP sandbox (`JournalEntryBulkCreateRequest`).

POST an envelope with one or more `JournalEntryCreateRequest`s; each is checked (company code,
G/L accounts that exist and are not blocked, amounts that balance, one currency) and posted as
journal entry items, or refused with log notes (severity 3) and document number `0000000000`, as
SAP's synchronous service answers. A body that is not such an envelope is a SOAP fault (500).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connectors.sap.sandbox.seed import COMPANY_CODES, GL_ACCOUNTS
from connectors.sap.sandbox.seed_documents import JournalWriter

if TYPE_CHECKING:
    from connectors.sap.sandbox.state import SapSandboxState

__all__ = ["SOAP_PATH", "soap_routes"]

SOAP_PATH = "/sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi"
_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
_SFIN = "http://sap.com/xi/SAPSCORE/SFIN"
_XML = "text/xml; charset=utf-8"
_REFUSED = {"AccountingDocument": "0000000000", "CompanyCode": "", "FiscalYear": "0000"}


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c) == name), None)


def _text(element: ET.Element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _fault(message: str) -> Response:
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><soap-env:Envelope xmlns:soap-env="{_SOAP}">'
        "<soap-env:Body><soap-env:Fault><faultcode>soap-env:Client</faultcode>"
        f"<faultstring>{_escape(message)}</faultstring></soap-env:Fault></soap-env:Body>"
        "</soap-env:Envelope>"
    )
    return Response(body.encode(), status_code=500, media_type=_XML)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _post(state: SapSandboxState, entry: ET.Element) -> tuple[dict[str, str], list[str]]:
    notes: list[str] = []
    company = _text(entry, "CompanyCode")
    if company not in COMPANY_CODES:
        notes.append(f"Company code {company or '(empty)'} does not exist")
    try:
        posting = date.fromisoformat(_text(entry, "PostingDate"))
    except ValueError:
        notes.append("Enter a valid posting date (YYYY-MM-DD)")
        posting = date.today()  # noqa: DTZ011 - only used when the entry is refused anyway
    lines: list[dict[str, Any]] = []
    currencies = set()
    for number, item in enumerate((c for c in entry if _local(c) == "Item"), start=1):
        account = _text(item, "GLAccount")
        amount_element = _child(item, "AmountInTransactionCurrency")
        try:
            amount = (
                Decimal((amount_element.text or "").strip()) if amount_element is not None else None
            )
        except InvalidOperation:
            amount = None
        if account not in GL_ACCOUNTS:
            notes.append(f"Item {number}: G/L account {account or '(empty)'} does not exist")
        elif account == "33000000":
            notes.append(f"Item {number}: account {account} is blocked for posting")
        if amount is None:
            notes.append(f"Item {number}: enter an amount")
            continue
        if amount_element is not None:
            currencies.add(amount_element.get("currencyCode", ""))
        sign = -1 if _text(item, "DebitCreditCode") == "H" and amount > 0 else 1
        assignment = _child(item, "AccountAssignment")
        tax = _child(item, "Tax")
        lines.append(
            {
                "account": account,
                "amount": amount * sign,
                "text": _text(item, "DocumentItemText"),
                "cost_center": _text(assignment, "CostCenter") if assignment is not None else "",
                "profit_center": _text(assignment, "ProfitCenter")
                if assignment is not None
                else "",
                "tax_code": _text(tax, "TaxCode") if tax is not None else "",
            }
        )
    if len(lines) < 2:
        notes.append("A journal entry needs at least two items")
    if len(currencies) > 1 or "" in currencies:
        notes.append("Every item needs the same currencyCode")
    total = sum((line["amount"] for line in lines), Decimal(0))
    if total != 0:
        notes.append(f"Balance in transaction currency is not zero: {total}")
    if notes:
        return {
            "AccountingDocument": "0000000000",
            "CompanyCode": company,
            "FiscalYear": "0000",
        }, notes
    currency = currencies.pop()
    for line in lines:
        line["currency"] = currency
    document = str(state.next_number("manual_journal"))
    reference = _text(entry, "DocumentReferenceID")
    JournalWriter(state.store).write(
        document,
        str(posting.year),
        _text(entry, "AccountingDocumentType") or "SA",
        posting,
        lines,
        _text(entry, "DocumentHeaderText"),
        ("BKPFF", _text(entry, "OriginalReferenceDocument")),
        reference,
        company,
        created=state.now(),
    )
    return {
        "AccountingDocument": document,
        "CompanyCode": company,
        "FiscalYear": str(posting.year),
    }, []


def _note(severity: int, text: str) -> str:
    return f"<Item><SeverityCode>{severity}</SeverityCode><Note>{_escape(text)}</Note></Item>"


def _confirmation(results: list[tuple[dict[str, str], list[str]]]) -> bytes:
    parts = [
        (
            f'<?xml version="1.0" encoding="utf-8"?><soap-env:Envelope xmlns:soap-env="{_SOAP}">'
            "<soap-env:Header/><soap-env:Body>"
            f'<n0:JournalEntryBulkCreateConfirmation xmlns:n0="{_SFIN}">'
        )
    ]
    worst = 0
    for document, notes in results:
        severity = 3 if notes else 1
        worst = max(worst, severity)
        log_items = "".join(_note(3, n) for n in notes) or _note(1, "Document posted")
        parts.append(
            "<JournalEntryCreateConfirmation><JournalEntryCreateConfirmation>"
            f"<AccountingDocument>{document['AccountingDocument']}</AccountingDocument>"
            f"<CompanyCode>{_escape(document['CompanyCode'])}</CompanyCode>"
            f"<FiscalYear>{document['FiscalYear']}</FiscalYear>"
            "</JournalEntryCreateConfirmation>"
            f"<Log><MaximumSeverityCode>{severity}</MaximumSeverityCode>{log_items}</Log>"
            "</JournalEntryCreateConfirmation>"
        )
    parts.append(f"<Log><MaximumSeverityCode>{worst}</MaximumSeverityCode></Log>")
    parts.append("</n0:JournalEntryBulkCreateConfirmation></soap-env:Body></soap-env:Envelope>")
    return "".join(parts).encode("utf-8")


def soap_routes(state: SapSandboxState) -> list[Route]:
    """Routes of the SOAP services."""

    async def journal(request: Request) -> Response:
        try:
            root = ET.fromstring(await request.body())  # noqa: S314 - loopback test input
        except ET.ParseError as exc:
            return _fault(f"The request is not well-formed XML: {exc}")
        bulk = next((e for e in root.iter() if _local(e) == "JournalEntryBulkCreateRequest"), None)
        if bulk is None:
            return _fault("Expected a JournalEntryBulkCreateRequest in the SOAP body")
        requests = [c for c in bulk if _local(c) == "JournalEntryCreateRequest"]
        if not requests:
            return _fault("The request holds no JournalEntryCreateRequest")
        results = []
        with state.store.lock:
            for create in requests:
                entry = _child(create, "JournalEntry")
                if entry is None:
                    results.append(
                        (
                            {
                                "AccountingDocument": "0000000000",
                                "CompanyCode": "",
                                "FiscalYear": "0000",
                            },
                            ["JournalEntry is missing"],
                        )
                    )
                    continue
                results.append(_post(state, entry))
        return Response(_confirmation(results), media_type=_XML)

    return [Route(SOAP_PATH, journal, methods=["POST"])]
