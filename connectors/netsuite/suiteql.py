"""The SuiteQL statements of the NetSuite resources (declared `Query`s, see `queries.py`)."""

from __future__ import annotations

from dataclasses import replace

from connectors.netsuite.queries import STAMP, Query

__all__ = [
    "ACCOUNTS",
    "CLASSES",
    "CURRENCIES",
    "DELETED",
    "DEPARTMENTS",
    "DOCUMENT_TYPES",
    "JOURNALS",
    "LOCATIONS",
    "PAYMENTS",
    "SUBSIDIARIES",
    "documents",
    "entities",
    "payments",
]

_MODIFIED = ("TO_CHAR({a}.lastmodifieddate, '" + STAMP + "')", "lastmodified")


def _modified(alias: str) -> tuple[str, str]:
    return (_MODIFIED[0].format(a=alias), _MODIFIED[1])


def entities(table: str) -> Query:
    """Vendors or customers with their default billing address, bank details and currency."""
    columns = [
        ("e.id", "id"),
        ("e.entityid", "entityid"),
        ("e.companyname", "companyname"),
        ("e.externalid", "externalid"),
        ("e.email", "email"),
        ("e.phone", "phone"),
        ("c.symbol", "currency"),
        ("e.isinactive", "isinactive"),
        ("e.terms", "terms"),
        _modified("e"),
        ("a.addr1", "addr1"),
        ("a.addr2", "addr2"),
        ("a.city", "city"),
        ("a.state", "state"),
        ("a.zip", "zip"),
        ("a.country", "country"),
    ]
    joins = [
        "LEFT JOIN currency c ON c.id = e.currency",
        "LEFT JOIN entityaddress a ON a.nkey = e.defaultbillingaddress",
    ]
    order: tuple[str, ...] = ()
    if table == "vendor":
        columns += [
            ("e.taxidnum", "taxidnum"),
            ("ea.acctnumber", "expenseaccount"),
            ("b.id", "bank_id"),
            ("b.custrecord_2663_entity_acct_no", "bank_account_number"),
            ("b.custrecord_2663_entity_bank_no", "bank_routing_number"),
            ("b.custrecord_2663_entity_bank_name", "bank_name"),
            ("b.custrecord_2663_entity_iban", "bank_iban"),
            ("b.custrecord_2663_entity_swift", "bank_swift"),
        ]
        joins += [
            "LEFT JOIN account ea ON ea.id = e.expenseaccount",
            (
                "LEFT JOIN customrecord_2663_entity_bank_details b "
                "ON b.custrecord_2663_parent_vendor = e.id"
            ),
        ]
        order = ("b.id",)
    return Query(
        table=table,
        alias="e",
        columns=tuple(columns),
        key="e.id",
        joins=tuple(joins),
        order=order,
        cursor="e.lastmodifieddate",
        custom_prefixes=("custentity_",),
    )


_HEADER = (
    ("t.id", "id"),
    ("t.type", "type"),
    ("t.tranid", "tranid"),
    ("t.entity", "entity"),
    ("TO_CHAR(t.trandate, 'YYYY-MM-DD')", "trandate"),
    ("TO_CHAR(t.duedate, 'YYYY-MM-DD')", "duedate"),
    ("c.symbol", "currency"),
    ("t.exchangerate", "exchangerate"),
    ("t.memo", "memo"),
    ("t.otherrefnum", "otherrefnum"),
    ("t.status", "status"),
    ("t.voided", "voided"),
    ("t.approvalstatus", "approvalstatus"),
    ("t.externalid", "externalid"),
    _modified("t"),
    ("t.foreigntotal", "total"),
    ("t.foreignamountpaid", "amountpaid"),
    ("t.foreignamountunpaid", "amountunpaid"),
)
_LINE = (
    ("tl.id", "line"),
    ("tl.mainline", "mainline"),
    ("la.acctnumber", "account"),
    ("it.itemid", "item"),
    ("tl.quantity", "quantity"),
    ("tl.rate", "rate"),
    ("tl.foreignamount", "amount"),
    ("tl.debitforeignamount", "debit"),
    ("tl.creditforeignamount", "credit"),
    ("tl.memo", "linememo"),
    ("tl.entity", "lineentity"),
    ("d.name", "department"),
    ("cl.name", "class"),
    ("lo.name", "location"),
)
_LINE_JOINS = (
    "INNER JOIN transactionline tl ON tl.transaction = t.id",
    "LEFT JOIN currency c ON c.id = t.currency",
    "LEFT JOIN account la ON la.id = tl.expenseaccount",
    "LEFT JOIN item it ON it.id = tl.item",
    "LEFT JOIN department d ON d.id = tl.department",
    "LEFT JOIN classification cl ON cl.id = tl.class",
    "LEFT JOIN location lo ON lo.id = tl.location",
)
DOCUMENT_TYPES = ("VendBill", "VendCred", "CustInvc", "CustCred")


def documents(types: tuple[str, ...]) -> Query:
    """Bills, vendor credits, invoices or credit memos with their lines, one row a line."""
    listed = ", ".join(f"'{t}'" for t in types)
    return Query(
        table="transaction",
        alias="t",
        columns=(*_HEADER, *_LINE),
        key="t.id",
        joins=_LINE_JOINS,
        where=(f"t.type IN ({listed})",),
        order=("tl.id",),
        cursor="t.lastmodifieddate",
        custom_prefixes=("custbody_", "custcol_"),
    )


JOURNALS = Query(
    table="transaction",
    alias="t",
    columns=(*_HEADER, *_LINE),
    key="t.id",
    joins=_LINE_JOINS,
    where=("t.type = 'Journal'",),
    order=("tl.id",),
    cursor="t.lastmodifieddate",
    custom_prefixes=("custbody_", "custcol_"),
)


def payments(tran_type: str) -> Query:
    """Vendor (`VendPymt`) or customer (`CustPymt`) payments with the documents they apply to."""
    return replace(PAYMENTS, where=(f"t.type = '{tran_type}'", "tl.mainline = 'T'"))


PAYMENTS = Query(
    table="transaction",
    alias="t",
    columns=(
        *_HEADER,
        ("tl.id", "line"),
        ("la.acctnumber", "account"),
        ("pl.previousdoc", "applieddoc"),
        ("pd.tranid", "appliednumber"),
        ("pl.foreignamount", "appliedamount"),
    ),
    key="t.id",
    joins=(
        "INNER JOIN transactionline tl ON tl.transaction = t.id",
        "LEFT JOIN currency c ON c.id = t.currency",
        "LEFT JOIN account la ON la.id = tl.expenseaccount",
        "LEFT JOIN previoustransactionlinelink pl ON pl.nextdoc = t.id",
        "LEFT JOIN transaction pd ON pd.id = pl.previousdoc",
    ),
    where=("t.type IN ('VendPymt', 'CustPymt')", "tl.mainline = 'T'"),
    order=("pl.previousdoc",),
    cursor="t.lastmodifieddate",
    custom_prefixes=("custbody_",),
)

ACCOUNTS = Query(
    table="account",
    alias="a",
    columns=(
        ("a.id", "id"),
        ("a.acctnumber", "acctnumber"),
        ("a.acctname", "acctname"),
        ("a.accttype", "accttype"),
        ("c.symbol", "currency"),
        ("a.isinactive", "isinactive"),
        _modified("a"),
    ),
    key="a.id",
    joins=("LEFT JOIN currency c ON c.id = a.currency",),
    cursor="a.lastmodifieddate",
)


def _named(table: str) -> Query:
    return Query(
        table=table,
        alias="n",
        columns=(
            ("n.id", "id"),
            ("n.name", "name"),
            ("n.externalid", "externalid"),
            ("n.isinactive", "isinactive"),
            _modified("n"),
        ),
        key="n.id",
        cursor="n.lastmodifieddate",
    )


DEPARTMENTS = _named("department")
CLASSES = _named("classification")
LOCATIONS = _named("location")
SUBSIDIARIES = _named("subsidiary")
CURRENCIES = Query(
    table="currency",
    alias="n",
    columns=(
        ("n.id", "id"),
        ("n.symbol", "symbol"),
        ("n.name", "name"),
        ("n.isbasecurrency", "isbasecurrency"),
        ("n.isinactive", "isinactive"),
        _modified("n"),
    ),
    key="n.id",
    cursor="n.lastmodifieddate",
)
DELETED = Query(
    table="deletedrecord",
    alias="r",
    columns=(
        ("r.recordid", "id"),
        ("r.type", "type"),
        ("TO_CHAR(r.deleteddate, '" + STAMP + "')", "deleted"),
    ),
    key="r.recordid",
    order=("r.type",),
    cursor="r.deleteddate",
)
