"""What the SAP sandbox checks and fills in on writes, per entity set, and its function imports.

- Business partner (deep insert): category 1 (person, `FirstName`/`LastName`) or 2
  (organisation, `OrganizationBPName1`); number, UUID and stamps assigned; roles `FLVN00/01`
  or a `to_Supplier` make it a supplier (supplier number = partner number, company code data
  checked), `FLCU00/01` or `to_Customer` a customer; addresses, e-mail, phone, bank and tax
  numbers numbered when the client leaves them out.
- Supplier invoice (deep insert): known company code and invoicing party (a supplier with
  data in that company code), dates, currency, G/L lines on known, unblocked accounts, tax
  lines; debits must equal the gross amount (`M8/534` otherwise); the supplier's own invoice
  number may not repeat for that supplier and year (`M8/108`); posted (`5`) or parked (`A`).
- `Post` posts a parked invoice; `Cancel` reverses a posted one with a reversal document.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from connectors.sap.sandbox.edm import Service
from connectors.sap.sandbox.errors import detail
from connectors.sap.sandbox.seed import COMPANY_CODES, GL_ACCOUNTS, TAX_CODES, stamp
from connectors.sap.sandbox.seed_documents import JournalWriter
from connectors.sap.sandbox.state import Node, WriteRejected
from connectors.sap.sandbox.store import Row

if TYPE_CHECKING:
    from connectors.sap.sandbox.state import SapSandboxState

__all__ = ["CREATE_RULES", "FUNCTIONS", "UPDATE_RULES"]

BP, SI = "API_BUSINESS_PARTNER", "API_SUPPLIERINVOICE_PROCESS_SRV"
_CENT = Decimal("0.01")


def _reject(code: str, message: str, target: str = "") -> WriteRejected:
    return WriteRejected(message, code=code, details=[detail(code, message, target)])


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def _partner(state: SapSandboxState, svc: Service, tree: Node) -> None:
    values = tree.values
    category = _text(values, "BusinessPartnerCategory")
    if category not in ("1", "2"):
        raise _reject(
            "R11/401",
            "Business partner category must be 1 (person) or 2 (organization)",
            "BusinessPartnerCategory",
        )
    if category == "2" and not _text(values, "OrganizationBPName1"):
        raise _reject("R11/124", "Enter a name for the organization", "OrganizationBPName1")
    if category == "1" and not _text(values, "LastName"):
        raise _reject("R11/124", "Enter a last name for the person", "LastName")
    number = _text(values, "BusinessPartner")
    if number:
        if state.store.table(BP, "A_BusinessPartner").get((number,)) is not None:
            raise _reject("R11/002", f"Business partner {number} already exists", "BusinessPartner")
    else:
        number = str(state.next_number("business_partner"))
    name = (
        _text(values, "OrganizationBPName1")
        if category == "2"
        else (f"{_text(values, 'FirstName')} {_text(values, 'LastName')}".strip())
    )
    now = state.now()
    day, clock = stamp(now)
    values.update(
        BusinessPartner=number,
        BusinessPartnerFullName=name,
        BusinessPartnerName=name,
        BusinessPartnerUUID=str(uuid.uuid4()),
        CreationDate=day,
        CreationTime=clock,
        LastChangeDate=day,
        LastChangeTime=clock,
    )
    values.setdefault("BusinessPartnerIsBlocked", False)
    values.setdefault("IsMarkedForArchiving", False)
    values.setdefault("SearchTerm1", name.upper()[:20])
    roles = {
        _text(r.values, "BusinessPartnerRole") for r in tree.child_nodes("to_BusinessPartnerRole")
    }
    es = tree.es
    supplier_nodes = tree.child_nodes("to_Supplier")
    if supplier_nodes or roles & {"FLVN00", "FLVN01"}:
        values["Supplier"] = number
        if not supplier_nodes:
            supplier = Node(state.services[0].set_by_name["A_Supplier"], {})
            tree.add_child(es.nav_by_name["to_Supplier"], supplier)
            supplier_nodes = [supplier]
        supplier_values = supplier_nodes[0].values
        supplier_values.update(Supplier=number, CreationDate=day)
        supplier_values.setdefault("SupplierName", name[:80])
        supplier_values.setdefault("SupplierFullName", name)
        for flag in (
            "PaymentIsBlockedForSupplier",
            "PostingIsBlocked",
            "PurchasingIsBlocked",
            "DeletionIndicator",
        ):
            supplier_values.setdefault(flag, False)
        for company in supplier_nodes[0].child_nodes("to_SupplierCompany"):
            code = _text(company.values, "CompanyCode")
            if code not in COMPANY_CODES:
                raise _reject(
                    "F2/100",
                    f"Company code {code or '(empty)'} does not exist",
                    "to_Supplier/to_SupplierCompany/CompanyCode",
                )
            account = _text(company.values, "ReconciliationAccount") or "21100000"
            if GL_ACCOUNTS.get(account, ("",))[0] != "X":
                raise _reject(
                    "F2/219",
                    f"Account {account} is not a reconciliation account",
                    "to_Supplier/to_SupplierCompany/ReconciliationAccount",
                )
            company.values.update(ReconciliationAccount=account)
            company.values.setdefault("SupplierIsBlockedForPosting", False)
            company.values.setdefault("DeletionIndicator", False)
    customer_nodes = tree.child_nodes("to_Customer")
    if customer_nodes or roles & {"FLCU00", "FLCU01"}:
        values["Customer"] = number
        if not customer_nodes:
            customer = Node(state.services[0].set_by_name["A_Customer"], {})
            tree.add_child(es.nav_by_name["to_Customer"], customer)
            customer_nodes = [customer]
        customer_values = customer_nodes[0].values
        customer_values.update(Customer=number, CreationDate=day)
        customer_values.setdefault("CustomerName", name[:80])
        customer_values.setdefault("CustomerFullName", name)
        customer_values.setdefault("PostingIsBlocked", False)
        customer_values.setdefault("DeletionIndicator", False)
    for role in tree.child_nodes("to_BusinessPartnerRole"):
        role.values.setdefault("ValidFrom", now)
        role.values.setdefault("ValidTo", datetime(9999, 12, 31, tzinfo=UTC))
    for address in tree.child_nodes("to_BusinessPartnerAddress"):
        if not _text(address.values, "AddressID"):
            address.values["AddressID"] = str(state.next_number("address"))
        address.values.setdefault("ValidityStartDate", now)
        address.values.setdefault("ValidityEndDate", datetime(9999, 12, 31, tzinfo=UTC))
        for nav in ("to_EmailAddress", "to_PhoneNumber"):
            for ordinal, item in enumerate(address.child_nodes(nav), start=1):
                item.values.setdefault("Person", "")
                item.values.setdefault("OrdinalNumber", str(ordinal))
    for ordinal, bank in enumerate(tree.child_nodes("to_BusinessPartnerBank"), start=1):
        bank.values.setdefault("BankIdentification", f"{ordinal:04d}")
    for tax in tree.child_nodes("to_BusinessPartnerTax"):
        if not _text(tax.values, "BPTaxType"):
            raise _reject(
                "R11/500", "Enter a tax number category", "to_BusinessPartnerTax/BPTaxType"
            )


def _partner_update(state: SapSandboxState, old: Row, new: Row) -> None:
    day, clock = stamp(state.now())
    new["LastChangeDate"], new["LastChangeTime"] = day, clock
    if new.get("OrganizationBPName1") and new.get("BusinessPartnerCategory") == "2":
        new["BusinessPartnerFullName"] = new["BusinessPartnerName"] = new["OrganizationBPName1"]


def _supplier_invoice(state: SapSandboxState, svc: Service, tree: Node) -> None:
    values = tree.values
    code = _text(values, "CompanyCode")
    if code not in COMPANY_CODES:
        raise _reject("M8/021", f"Company code {code or '(empty)'} does not exist", "CompanyCode")
    for field in ("DocumentDate", "PostingDate"):
        if values.get(field) is None:
            raise _reject("M8/082", f"Enter a {field}", field)
    supplier = _text(values, "InvoicingParty")
    if state.store.table(BP, "A_SupplierCompany").get((supplier, code)) is None:
        raise _reject(
            "M8/152",
            f"Supplier {supplier or '(empty)'} is not defined in company code {code}",
            "InvoicingParty",
        )
    currency = _text(values, "DocumentCurrency")
    if len(currency) != 3:
        raise _reject("M8/060", "Enter a currency", "DocumentCurrency")
    gross = values.get("InvoiceGrossAmount")
    if not isinstance(gross, Decimal):
        raise _reject("M8/081", "Enter the gross invoice amount", "InvoiceGrossAmount")
    year = str(values["PostingDate"].year)
    reference = _text(values, "SupplierInvoiceIDByInvcgParty")
    if reference:
        for row in state.store.table(SI, "A_SupplierInvoice").lookup(
            ("InvoicingParty", "SupplierInvoiceIDByInvcgParty"), (supplier, reference)
        ):
            if row["FiscalYear"] == year and not row["IsReversed"] and not row["IsReversal"]:
                raise _reject(
                    "M8/108",
                    "Check if invoice already entered under accounting doc. no. "
                    f"{row['SupplierInvoice']} {year}",
                    "SupplierInvoiceIDByInvcgParty",
                )
    status = _text(values, "SupplierInvoiceStatus") or "5"
    if status not in ("5", "A"):
        raise _reject(
            "M8/400",
            "SupplierInvoiceStatus can only be 5 (posted) or A (parked) on create",
            "SupplierInvoiceStatus",
        )
    lines = tree.child_nodes("to_SupplierInvoiceItemGLAcct")
    if not lines:
        raise _reject(
            "M8/321", "Enter at least one G/L account line", "to_SupplierInvoiceItemGLAcct"
        )
    debit = Decimal(0)
    for index, line in enumerate(lines):
        where = f"to_SupplierInvoiceItemGLAcct/{index}/"
        account = _text(line.values, "GLAccount")
        if account not in GL_ACCOUNTS:
            raise _reject(
                "FH/101",
                f"G/L account {account or '(empty)'} does not exist in chart of accounts YCOA",
                where + "GLAccount",
            )
        if account == "33000000":
            raise _reject(
                "F5/351", f"Account {account} is blocked for posting", where + "GLAccount"
            )
        amount = line.values.get("SupplierInvoiceItemAmount")
        if not isinstance(amount, Decimal):
            raise _reject(
                "M8/081", "Enter an amount for the G/L line", where + "SupplierInvoiceItemAmount"
            )
        tax_code = _text(line.values, "TaxCode")
        if tax_code and tax_code not in TAX_CODES:
            raise _reject("FF/711", f"Tax code {tax_code} does not exist", where + "TaxCode")
        sign = Decimal(-1) if _text(line.values, "DebitCreditCode") == "H" else Decimal(1)
        debit += sign * amount
        line.values.setdefault("SupplierInvoiceItem", f"{index + 1:04d}")
        line.values.setdefault("DebitCreditCode", "S")
        line.values.update(CompanyCode=code, DocumentCurrency=currency)
    taxes = tree.child_nodes("to_SupplierInvoiceTax")
    for counter, tax in enumerate(taxes, start=1):
        tax.values.setdefault("SupplierInvoiceTaxCounter", f"{counter:06d}")
        tax.values.setdefault("DocumentCurrency", currency)
        amount = tax.values.get("TaxAmount")
        debit += amount if isinstance(amount, Decimal) else Decimal(0)
    if values.get("TaxIsCalculatedAutomatically") and not taxes:
        for line in lines:
            rate = TAX_CODES.get(_text(line.values, "TaxCode"), (Decimal(0), ""))[0]
            debit += (line.values["SupplierInvoiceItemAmount"] * rate / 100).quantize(_CENT)
    if debit != gross:
        raise _reject(
            "M8/534",
            f"Balance not zero: {gross - debit} debits: {debit} credits: {gross}",
            "InvoiceGrossAmount",
        )
    number = str(state.next_number("supplier_invoice"))
    today = state.now()
    values.update(
        SupplierInvoice=number,
        FiscalYear=year,
        SupplierInvoiceStatus=status,
        CreationDate=datetime(today.year, today.month, today.day, tzinfo=UTC),
        IsReversal=False,
        IsReversed=False,
        ReverseDocument="",
        ReverseDocumentFiscalYear="",
    )
    values.setdefault("AccountingDocumentType", "RE")
    if status == "5":
        state.after_commit.append(lambda: _post_journal(state, number, year))


def _post_journal(state: SapSandboxState, number: str, year: str) -> None:
    invoice = state.store.table(SI, "A_SupplierInvoice").get((number, year))
    assert invoice is not None
    lines = state.store.table(SI, "A_SupplierInvoiceItemGLAcct").lookup(
        ("SupplierInvoice", "FiscalYear"), (number, year)
    )
    taxes = state.store.table(SI, "A_SupplierInvoiceTax").lookup(
        ("SupplierInvoice", "FiscalYear"), (number, year)
    )
    currency, gross = invoice["DocumentCurrency"], invoice["InvoiceGrossAmount"]
    document = str(state.next_number("accounting_supplier"))
    je: list[dict[str, Any]] = [
        {
            "account": "21100000",
            "amount": -gross,
            "currency": currency,
            "type": "K",
            "supplier": invoice["InvoicingParty"],
            "text": invoice["SupplierInvoiceIDByInvcgParty"] or "",
        }
    ]
    for line in lines:
        sign = Decimal(-1) if line["DebitCreditCode"] == "H" else Decimal(1)
        je.append(
            {
                "account": line["GLAccount"],
                "amount": sign * line["SupplierInvoiceItemAmount"],
                "currency": currency,
                "tax_code": line["TaxCode"] or "",
                "text": line["SupplierInvoiceItemText"] or "",
                "cost_center": line["CostCenter"] or "",
                "profit_center": line["ProfitCenter"] or "",
            }
        )
    tax_total = sum((t["TaxAmount"] or Decimal(0) for t in taxes), Decimal(0))
    if tax_total:
        je.append(
            {
                "account": "15400000",
                "amount": tax_total,
                "currency": currency,
                "tax_code": taxes[0]["TaxCode"],
            }
        )
    JournalWriter(state.store).write(
        document,
        year,
        "RE",
        invoice["PostingDate"].date(),
        je,
        invoice["DocumentHeaderText"] or "",
        ("RMRP", number + year),
        invoice["SupplierInvoiceIDByInvcgParty"] or "",
        invoice["CompanyCode"],
        created=state.now(),
    )


def _post(state: SapSandboxState, params: dict[str, Any]) -> dict[str, Any]:
    key = (str(params.get("SupplierInvoice", "")), str(params.get("FiscalYear", "")))
    table = state.store.table(SI, "A_SupplierInvoice")
    invoice = table.get(key)
    if invoice is None:
        raise _reject("M8/001", f"Invoice document {key[0]} {key[1]} does not exist")
    if invoice["SupplierInvoiceStatus"] != "A":
        raise _reject("M8/405", f"Invoice document {key[0]} {key[1]} is not parked")
    table.put({**invoice, "SupplierInvoiceStatus": "5"})
    _post_journal(state, *key)
    return {"Success": True}


def _cancel(state: SapSandboxState, params: dict[str, Any]) -> dict[str, Any]:
    key = (str(params.get("SupplierInvoice", "")), str(params.get("FiscalYear", "")))
    table = state.store.table(SI, "A_SupplierInvoice")
    invoice = table.get(key)
    if invoice is None:
        raise _reject("M8/001", f"Invoice document {key[0]} {key[1]} does not exist")
    if invoice["SupplierInvoiceStatus"] != "5" or invoice["IsReversed"] or invoice["IsReversal"]:
        raise _reject("M8/370", f"Invoice document {key[0]} {key[1]} cannot be reversed")
    reason = params.get("ReversalReason") or ""
    if reason and reason not in ("01", "02"):
        raise _reject("F5/039", f"Reversal reason {reason} is not defined", "ReversalReason")
    reversal = str(state.next_number("supplier_invoice"))
    posting = params.get("PostingDate") or state.now()
    table.put(
        {
            **invoice,
            "SupplierInvoice": reversal,
            "IsReversal": True,
            "ReverseDocument": key[0],
            "ReverseDocumentFiscalYear": key[1],
            "PostingDate": posting,
            "CreationDate": stamp(state.now())[0],
        }
    )
    table.put(
        {
            **invoice,
            "IsReversed": True,
            "ReverseDocument": reversal,
            "ReverseDocumentFiscalYear": key[1],
        }
    )
    return {"ReverseDocument": reversal, "FiscalYear": key[1], "Success": True}


CREATE_RULES: dict[str, Callable[[SapSandboxState, Service, Node], None]] = {
    "A_BusinessPartner": _partner,
    "A_SupplierInvoice": _supplier_invoice,
}
UPDATE_RULES: dict[str, Callable[[SapSandboxState, Row, Row], None]] = {
    "A_BusinessPartner": _partner_update,
}
FUNCTIONS: dict[tuple[str, str], Callable[[SapSandboxState, dict[str, Any]], dict[str, Any]]] = {
    (SI, "Post"): _post,
    (SI, "Cancel"): _cancel,
}
