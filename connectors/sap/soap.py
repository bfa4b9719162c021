"""The SOAP journal entry service (`JournalEntryBulkCreateRequest`), built and read with the
standard library.

Why not zeep: zeep needs the service's WSDL at run time (SAP's is not redistributable and a
connection would have to download it from the customer's system first), pulls in lxml and
requests, and would be used for exactly one message shape. This module writes that one request
with `xml.etree` from typed values and reads the confirmation's document number and log back;
amounts are written from Decimal as plain decimal text.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

__all__ = [
    "NS_SFIN",
    "NS_SOAP",
    "SOAP_PATH",
    "JournalConfirmation",
    "JournalItemIn",
    "JournalRequest",
    "build_request",
    "parse_confirmation",
]

SOAP_PATH = "/sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SFIN = "http://sap.com/xi/SAPSCORE/SFIN"


@dataclass(frozen=True)
class JournalItemIn:
    """One item of a journal entry to post: a signed amount (debit positive)."""

    gl_account: str
    amount: Decimal
    text: str | None = None
    cost_center: str | None = None
    profit_center: str | None = None
    tax_code: str | None = None


@dataclass(frozen=True)
class JournalRequest:
    """One journal entry to post; `reference` is what a read-back finds it by."""

    company_code: str
    currency: str
    posting_date: date
    reference: str
    header_text: str | None
    items: tuple[JournalItemIn, ...]
    document_type: str = "SA"
    message_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class JournalConfirmation:
    """The answer: the posted document (number, company code, fiscal year), or the log's notes."""

    accounting_document: str | None
    company_code: str | None
    fiscal_year: str | None
    severity: int
    notes: tuple[str, ...]

    @property
    def posted(self) -> bool:
        """True when SAP posted the entry (a real document number, no error in the log)."""
        return (
            bool(self.accounting_document)
            and self.accounting_document != "0000000000"
            and self.severity < 3
        )


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _header(parent: ET.Element, message_id: str) -> None:
    header = _sub(parent, "MessageHeader")
    _sub(header, "ID", message_id)
    _sub(header, "CreationDateTime", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


def build_request(request: JournalRequest) -> bytes:
    """The SOAP envelope of a `JournalEntryBulkCreateRequest` with one journal entry."""
    envelope = ET.Element(f"{{{NS_SOAP}}}Envelope")
    _sub(envelope, f"{{{NS_SOAP}}}Header")
    body = _sub(envelope, f"{{{NS_SOAP}}}Body")
    bulk = _sub(body, f"{{{NS_SFIN}}}JournalEntryBulkCreateRequest")
    _header(bulk, request.message_id)
    create = _sub(bulk, "JournalEntryCreateRequest")
    _header(create, request.message_id + "-1")
    entry = _sub(create, "JournalEntry")
    _sub(entry, "OriginalReferenceDocumentType", "BKPFF")
    _sub(entry, "OriginalReferenceDocument", request.reference[:20])
    _sub(entry, "OriginalReferenceDocumentLogicalSystem", "LEDGERHUB")
    _sub(entry, "BusinessTransactionType", "RFBU")
    _sub(entry, "AccountingDocumentType", request.document_type)
    _sub(entry, "DocumentReferenceID", request.reference[:16])
    if request.header_text:
        _sub(entry, "DocumentHeaderText", request.header_text[:25])
    _sub(entry, "CreatedByUser", "LEDGERHUB")
    _sub(entry, "CompanyCode", request.company_code)
    _sub(entry, "DocumentDate", request.posting_date.isoformat())
    _sub(entry, "PostingDate", request.posting_date.isoformat())
    for number, item in enumerate(request.items, start=1):
        line = _sub(entry, "Item")
        _sub(line, "ReferenceDocumentItem", str(number))
        _sub(line, "GLAccount", item.gl_account)
        _sub(
            line,
            "AmountInTransactionCurrency",
            format(item.amount, "f"),
            currencyCode=request.currency,
        )
        _sub(line, "DebitCreditCode", "S" if item.amount >= 0 else "H")
        if item.text:
            _sub(line, "DocumentItemText", item.text[:50])
        if item.tax_code:
            _sub(_sub(line, "Tax"), "TaxCode", item.tax_code)
        if item.cost_center or item.profit_center:
            assignment = _sub(line, "AccountAssignment")
            if item.cost_center:
                _sub(assignment, "CostCenter", item.cost_center)
            if item.profit_center:
                _sub(assignment, "ProfitCenter", item.profit_center)
    return bytes(ET.tostring(envelope, encoding="utf-8", xml_declaration=True))


def _find_text(root: ET.Element, name: str) -> str | None:
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == name and element.text:
            return element.text.strip()
    return None


def parse_confirmation(content: bytes) -> JournalConfirmation:
    """The posted document and the log of a `JournalEntryBulkCreateConfirmation` (ValueError)."""
    root = ET.fromstring(content)  # noqa: S314 - SAP's answer to our own request, no DTDs
    severity = int(_find_text(root, "MaximumSeverityCode") or "0")
    notes = tuple(
        (element.text or "").strip()
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "Note" and element.text
    )
    fault = _find_text(root, "faultstring")
    if fault:
        return JournalConfirmation(None, None, None, 3, (fault, *notes))
    return JournalConfirmation(
        _find_text(root, "AccountingDocument"),
        _find_text(root, "CompanyCode"),
        _find_text(root, "FiscalYear"),
        severity,
        notes,
    )
