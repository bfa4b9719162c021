"""SuiteQL rows of the sandbox's records: the tables the sandbox's SuiteQL reads.

Values keep Python types (ints for ids, `Decimal` amounts, `date`/`datetime`, `'T'`/`'F'` for
booleans as SuiteQL has them); `suiteql.render_value` turns them into JSON as NetSuite does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.netsuite.sandbox.catalog import RecordKind

__all__ = ["Row", "StatusOf", "document_total", "entity_rows", "simple_row", "transaction_rows"]

Row = dict[str, Any]
_AP, _AR = 7, 4
_DOCUMENTS = ("vendorBill", "invoice", "vendorCredit", "creditMemo")
_STATUS_NAMES = {
    "A": "Open",
    "B": "Paid In Full",
    "D": "Pending Approval",
    "V": "Voided",
}


def tf(value: object) -> str:
    """SuiteQL's boolean."""
    return "T" if value else "F"


def document_total(record: dict[str, Any]) -> Decimal:
    """The total of a bill, credit, invoice, payment or journal from its lines."""
    total = Decimal(0)
    for sublist in ("expense", "item"):
        for line in record.get(sublist) or ():
            total += line["amount"]
    for line in record.get("apply") or ():
        if line.get("apply", True):
            total += line["amount"]
    for line in record.get("line") or ():
        total += line.get("debit") or 0
    return total


def status_of(kind: RecordKind, record: dict[str, Any], unpaid: Decimal) -> str:
    """transaction.status: the letter code NetSuite stores."""
    if record.get("voided"):
        return "V"
    if not record.get("approved", True):
        return "D"
    if kind.name in _DOCUMENTS:
        return "B" if unpaid <= 0 else "A"
    return "B"


def status_name(code: str) -> str:
    """The status's display name (`refName`)."""
    return _STATUS_NAMES.get(code, code)


StatusOf = status_of


def simple_row(kind: RecordKind, record: dict[str, Any]) -> Row:
    """Row of a list record (account, currency, subsidiary, department, class, location, item)."""
    row: Row = {}
    for key, value in record.items():
        row[key.lower()] = tf(value) if isinstance(value, bool) else value
    if kind.name == "account":
        row["fullname"] = f"{record['acctNumber']} {record['acctName']}"
        row["accountsearchdisplayname"] = row["fullname"]
    elif kind.name == "inventoryItem":
        row["itemtype"] = "InvtPart"
    else:
        row.setdefault("fullname", record.get("name"))
    return row


def entity_rows(kind: RecordKind, record: dict[str, Any]) -> dict[str, list[Row]]:
    """The vendor/customer row, its default billing address, and its bank details."""
    nkey = record["id"] * 10 + 1
    row: Row = {
        "id": record["id"],
        "entityid": record["entityId"],
        "companyname": record["companyName"],
        "externalid": record.get("externalId"),
        "email": record.get("email"),
        "phone": record.get("phone"),
        "currency": record.get("currency"),
        "subsidiary": record.get("subsidiary"),
        "isinactive": tf(record.get("isInactive")),
        "terms": record.get("terms"),
        "datecreated": record.get("dateCreated"),
        "lastmodifieddate": record["lastModifiedDate"],
        "defaultbillingaddress": nkey if record.get("addressBook") else None,
    }
    if kind.name == "vendor":
        row["taxidnum"] = record.get("taxIdNum")
        row["expenseaccount"] = record.get("expenseAccount")
    for key, value in record.items():
        if key.startswith("custentity_"):
            row[key] = value
    out: dict[str, list[Row]] = {kind.table: [row], "entityaddress": []}
    for address in (record.get("addressBook") or ())[:1]:
        out["entityaddress"].append(
            {
                "nkey": nkey,
                "addressee": record["companyName"],
                "addr1": address.get("addr1"),
                "addr2": address.get("addr2"),
                "city": address.get("city"),
                "state": address.get("state"),
                "zip": address.get("zip"),
                "country": address.get("country"),
            }
        )
    bank = record.get("bankDetails")
    if bank:
        out["customrecord_2663_entity_bank_details"] = [
            {
                "id": record["id"],
                "custrecord_2663_parent_vendor": record["id"],
                "custrecord_2663_entity_acct_no": bank.get("accountNumber"),
                "custrecord_2663_entity_bank_no": bank.get("routingNumber"),
                "custrecord_2663_entity_bank_name": bank.get("bankName"),
                "custrecord_2663_entity_iban": bank.get("iban"),
                "custrecord_2663_entity_swift": bank.get("swift"),
                "lastmodified": record["lastModifiedDate"],
            }
        ]
    return out


def _line_row(tid: int, line: dict[str, Any], sign: int, entity: Any) -> Row:
    amount = line.get("amount")
    if amount is None:
        amount = (line.get("debit") or 0) - (line.get("credit") or 0)
        sign = 1
    signed = amount * sign
    row: Row = {
        "transaction": tid,
        "id": line["line"],
        "linesequencenumber": line["line"],
        "mainline": "F",
        "taxline": "F",
        "expenseaccount": line.get("account"),
        "item": line.get("item"),
        "quantity": line.get("quantity"),
        "rate": line.get("rate"),
        "netamount": signed,
        "foreignamount": signed,
        "debitforeignamount": signed if signed > 0 else None,
        "creditforeignamount": -signed if signed < 0 else None,
        "memo": line.get("memo"),
        "department": line.get("department"),
        "class": line.get("class"),
        "location": line.get("location"),
        "entity": line.get("entity", entity),
    }
    for key, value in line.items():
        if key.startswith("custcol_"):
            row[key] = value
    return row


# Posting sign of a document's lines (debit +); its main line takes the opposite.
_LINE_SIGN = {"vendorBill": 1, "vendorCredit": -1, "invoice": -1, "creditMemo": 1}
_MAIN_ACCOUNT = {"vendorBill": _AP, "vendorCredit": _AP, "invoice": _AR, "creditMemo": _AR}


def transaction_rows(
    kind: RecordKind, record: dict[str, Any], paid: Decimal
) -> dict[str, list[Row]]:
    """The transaction row, its lines (main line id 0) and its payment links."""
    tid = record["id"]
    total = document_total(record)
    unpaid = total - paid if kind.name in _DOCUMENTS else Decimal(0)
    row: Row = {
        "id": tid,
        "type": kind.tran_type,
        "recordtype": kind.name.lower(),
        "tranid": record.get("tranId"),
        "entity": record.get("entity"),
        "trandate": record["tranDate"],
        "duedate": record.get("dueDate"),
        "currency": record.get("currency"),
        "exchangerate": record.get("exchangeRate"),
        "memo": record.get("memo"),
        "otherrefnum": record.get("otherRefNum"),
        "status": status_of(kind, record, unpaid),
        "voided": tf(record.get("voided")),
        "approvalstatus": 2 if record.get("approved", True) else 1,
        "posting": tf(record.get("approved", True) and not record.get("voided")),
        "subsidiary": record.get("subsidiary"),
        "externalid": record.get("externalId"),
        "createddate": record.get("createdDate"),
        "lastmodifieddate": record["lastModifiedDate"],
        "foreigntotal": total,
        "foreignamountpaid": paid if kind.name in _DOCUMENTS else None,
        "foreignamountunpaid": unpaid if kind.name in _DOCUMENTS else None,
    }
    for key, value in record.items():
        if key.startswith("custbody_"):
            row[key] = value
    lines: list[Row] = []
    entity = record.get("entity")
    sign = _LINE_SIGN.get(kind.name, 1)
    if kind.name in _MAIN_ACCOUNT or kind.name in ("vendorPayment", "customerPayment"):
        main_account = _MAIN_ACCOUNT.get(kind.name, record.get("account"))
        main_sign = (
            -sign if kind.name in _MAIN_ACCOUNT else (-1 if kind.name == "vendorPayment" else 1)
        )
        main = _line_row(
            tid, {"line": 0, "amount": total, "account": main_account}, main_sign, entity
        )
        main["mainline"] = "T"
        lines.append(main)
    for sublist in ("expense", "item", "line"):
        for line in record.get(sublist) or ():
            lines.append(_line_row(tid, line, sign, entity))
    links: list[Row] = []
    for applied in record.get("apply") or ():
        if applied.get("apply", True):
            links.append(
                {
                    "previousdoc": applied["doc"],
                    "previousline": 0,
                    "nextdoc": tid,
                    "nextline": 0,
                    "linktype": "Payment",
                    "foreignamount": applied["amount"],
                    "nexttype": kind.tran_type,
                }
            )
    return {"transaction": [row], "transactionline": lines, "previoustransactionlinelink": links}
