"""Writes to SAP, idempotent by design: look up before creating, read back before resending.

- supplier: a business partner deep insert with the supplier role and company code data. If the
  answer is lost, the partner is looked up by its name among suppliers before anything is sent
  again.
- invoice (payable): first the adapter looks for the supplier's invoice number
  (`SupplierInvoiceIDByInvcgParty`) for that supplier and fiscal year; one that exists (and is
  not reversed) is the result, nothing is sent. Otherwise a deep insert with the G/L and tax
  lines, posted, or parked when the record is a `draft` (or the connection's `park_invoices`
  option is `true`); a lost answer is followed by the same look-up before one resend.
- journal_entry: the SOAP journal entry service; the document reference (the record's
  reference, else one derived from the idempotency key) is looked up among journal entry items
  before a resend.

SAP has no idempotency keys: these look-ups are what makes a retried write post once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from canonical import Invoice, InvoiceStatus, JournalEntry, Record, Supplier
from connectors.base import WriteResult
from connectors.context import current_correlation_id
from connectors.errors import ConnectorError, ErpRejected, TransientError, ValidationError
from connectors.mapping import field_error
from connectors.sap import soap
from connectors.sap.translate import to_canonical
from connectors.sap.translate_documents import invoice_to_sap
from connectors.sap.translate_parties import supplier_to_sap
from connectors.sap.wire import date_literal, string_literal

if TYPE_CHECKING:
    from connectors.sap.client import SapConnector

__all__ = ["write_one"]

_BP = "/API_BUSINESS_PARTNER/A_BusinessPartner"
_SI = "/API_SUPPLIERINVOICE_PROCESS_SRV/A_SupplierInvoice"
_JE = "/API_JOURNALENTRYITEMBASIC_SRV/A_JournalEntryItemBasic"
_SOAP_ACTION = (
    '"http://sap.com/xi/SAPSCORE/SFIN/JournalEntryCreateRequestConfirmation_In/'
    'JournalEntryCreateRequestConfirmation_InRequest"'
)


def _uncertain(exc: ConnectorError) -> bool:
    """True when a write may have been applied although no answer came back."""
    return isinstance(exc, TransientError) or (isinstance(exc, ErpRejected) and exc.status is None)


def _send_once_or_find(send: Callable[[], Any], find: Callable[[], Any | None]) -> Any:
    """Send; when the outcome is uncertain, look the record up and resend only if it is absent."""
    try:
        return send()
    except ConnectorError as exc:
        if not _uncertain(exc):
            raise
        found = find()
        if found is not None:
            return found
        return send()


def _first(connector: SapConnector, path: str, where: str) -> dict[str, Any] | None:
    """The first entity matching the `$filter` `where`, or None."""
    items, _ = connector.query(path, {"$filter": where, "$top": "1"})
    return items[0] if items else None


def _read_back(connector: SapConnector, resource: str, key_path: str) -> dict[str, Any]:
    read = connector.READS[resource]
    params = {"$expand": read.expand} if read.expand else {}
    body = connector.http.get_json(f"/{read.service}/{read.entity_set}{key_path}", params=params)
    data = body.get("d")
    if not isinstance(data, dict):
        raise TransientError(f"SAP answered no entity for {read.entity_set}{key_path}")
    return data


def _supplier(connector: SapConnector, record: Supplier, index: int) -> WriteResult:
    ctx = connector.context()
    body = connector.outgoing(record, supplier_to_sap(record, ctx))
    name = str(body["OrganizationBPName1"])

    def find() -> dict[str, Any] | None:
        where = f"OrganizationBPName1 eq {string_literal(name)} and Supplier ne ''"
        return _first(connector, _BP, where)

    created = _send_once_or_find(lambda: connector.post_json(_BP, body), find)
    number = str(created["BusinessPartner"])
    entity = _read_back(connector, "business_partners", f"({string_literal(number)})")
    records = connector.answered(to_canonical("business_partners", entity, ctx), entity)
    supplier = next((r for r in records if isinstance(r, Supplier)), None)
    return WriteResult(index, remote_id=number, record=supplier)


def _invoice(connector: SapConnector, record: Invoice, index: int) -> WriteResult:
    ctx = connector.context()
    supplier = connector.supplier_number(record)
    park = (
        record.status == InvoiceStatus.DRAFT
        or connector.config.options.get("park_invoices") == "true"
    )
    # The connection's mapping (custom fields among it) runs over SAP's own body.
    body = connector.outgoing(record, invoice_to_sap(record, ctx, supplier, park=park))
    reference = body.get("SupplierInvoiceIDByInvcgParty")
    if record.issue_date is None:
        raise field_error("invoice", "PostingDate", "invoice.issue_date", "is required by SAP")
    year = str(record.issue_date.year)

    def find() -> dict[str, Any] | None:
        if not reference:
            return None
        where = (
            f"InvoicingParty eq {string_literal(supplier)} and "
            f"SupplierInvoiceIDByInvcgParty eq {string_literal(str(reference))} and "
            f"FiscalYear eq {string_literal(year)} and IsReversed eq false and IsReversal eq false"
        )
        return _first(connector, _SI, where)

    existing = find()
    created = existing or _send_once_or_find(lambda: connector.post_json(_SI, body), find)
    number, year = str(created["SupplierInvoice"]), str(created["FiscalYear"])
    key = f"(SupplierInvoice={string_literal(number)},FiscalYear={string_literal(year)})"
    entity = _read_back(connector, "supplier_invoices", key)
    records = connector.answered(to_canonical("supplier_invoices", entity, ctx), entity)
    rid = f"{number}/{year}"
    return WriteResult(index, remote_id=rid, record=records[0] if records else None)


def _journal(connector: SapConnector, record: JournalEntry, index: int, key: str) -> WriteResult:
    ctx = connector.context()
    reference = (record.reference or "LH" + hashlib.sha256(key.encode()).hexdigest()[:14].upper())[
        :16
    ]
    items = []
    for line in record.lines:
        amount = line.debit if line.debit else -line.credit if line.credit else None
        if amount is None:
            continue
        dims = line.dimensions or {}
        items.append(
            soap.JournalItemIn(
                gl_account=line.account_code,
                amount=amount,
                text=line.description,
                cost_center=dims.get("cost_center"),
                profit_center=dims.get(ctx.profit_center_kind),
                tax_code=line.tax_code,
            )
        )
    request = soap.JournalRequest(
        company_code=ctx.company_code,
        currency=record.currency,
        posting_date=record.posting_date,
        reference=reference,
        header_text=record.memo,
        items=tuple(items),
    )

    def find() -> dict[str, Any] | None:
        where = (
            f"DocumentReferenceID eq {string_literal(reference)} and "
            f"CompanyCode eq {string_literal(ctx.company_code)} and "
            f"AccountingDocumentType eq 'SA' and PostingDate eq {date_literal(record.posting_date)}"
        )
        return _first(connector, _JE, where)

    def send() -> dict[str, Any]:
        response = connector.http.request(
            "POST",
            connector.soap_url(),
            content=soap.build_request(request),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": _SOAP_ACTION},
        )
        confirmation = soap.parse_confirmation(response.content)
        if not confirmation.posted:
            raise ValidationError(
                "SAP did not post the journal entry: "
                + "; ".join(confirmation.notes or ("no reason given",)),
                details=list(confirmation.notes),
                correlation_id=current_correlation_id(),
            )
        return {
            "CompanyCode": confirmation.company_code or ctx.company_code,
            "FiscalYear": confirmation.fiscal_year,
            "AccountingDocument": confirmation.accounting_document,
        }

    posted = _send_once_or_find(send, find)
    rid = f"{posted['CompanyCode']}/{posted['FiscalYear']}/{posted['AccountingDocument']}"
    document = " and ".join(
        f"{name} eq {string_literal(str(posted[name]))}"
        for name in ("CompanyCode", "FiscalYear", "AccountingDocument")
    )
    items_read, _ = connector.query(_JE, {"$filter": document})
    records = to_canonical("journal_entries", {"items": items_read}, ctx) if items_read else []
    return WriteResult(index, remote_id=rid, record=records[0] if records else None)


def write_one(
    connector: SapConnector, object_name: str, record: Record, key: str, index: int
) -> WriteResult:
    """Write one record of `object_name` (see the module's rules)."""
    if object_name == "supplier" and isinstance(record, Supplier):
        return _supplier(connector, record, index)
    if object_name == "invoice" and isinstance(record, Invoice):
        return _invoice(connector, record, index)
    if object_name == "journal_entry" and isinstance(record, JournalEntry):
        return _journal(connector, record, index, key)
    raise ErpRejected(f"SAP cannot write a {type(record).__name__} as {object_name}")
