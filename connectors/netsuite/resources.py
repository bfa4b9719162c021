"""The NetSuite resources: one SuiteQL statement each, what it becomes, how deletes show.

`RESOURCES` are the framework's declarations (names, canonical objects, cursor, page size);
`READS` says, per resource, its SuiteQL (`suiteql.py`), how rows group into records, the
translation, and which `deletedrecord` types are its deletions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from canonical import Record
from connectors.base import Resource
from connectors.netsuite import suiteql, translate
from connectors.netsuite.models import (
    NsAccount,
    NsEntity,
    NsNamed,
    NsTransaction,
)
from connectors.netsuite.queries import Query
from connectors.netsuite.translate_common import TranslateContext
from mappings.customfields import Place

__all__ = ["PAGE_SIZE", "READS", "RESOURCES", "Read"]

PAGE_SIZE = 1000
"""SuiteQL's largest page."""

Translator = Callable[[Any, TranslateContext, dict[str, Any] | None], list[Record]]


@dataclass(frozen=True)
class Read:
    """How one resource is read: its query, row grouping, model, translation and deletions.

    `children` names the item list the rows of one key gather into (`lines`, `banks`,
    `applied`) and the columns that belong to the child rather than to the record; a resource
    whose joins cannot repeat a key has none.
    """

    query: Query
    model: type[BaseModel]
    translate: Translator
    children: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    deleted_types: tuple[str, ...] = ()
    deleted_object: str | None = None


_LINE_COLUMNS = (
    "line",
    "mainline",
    "account",
    "item",
    "quantity",
    "rate",
    "amount",
    "debit",
    "credit",
    "linememo",
    "lineentity",
    "department",
    "class",
    "location",
)
_BANK_COLUMNS = (
    "bank_id",
    "bank_account_number",
    "bank_routing_number",
    "bank_name",
    "bank_iban",
    "bank_swift",
)
_LINES = ("lines", "line", _LINE_COLUMNS)


def _entity(kind: str) -> Translator:
    def run(item: Any, ctx: TranslateContext, raw: dict[str, Any] | None) -> list[Record]:
        return translate.entity_to_canonical(item, kind, ctx, raw)

    return run


def _named(segment: str) -> Translator:
    def run(item: Any, ctx: TranslateContext, raw: dict[str, Any] | None) -> list[Record]:
        return translate.named_to_canonical(item, segment, ctx, raw)

    return run


def _documents(types: tuple[str, ...], record_types: tuple[str, ...]) -> Read:
    return Read(
        suiteql.documents(types),
        NsTransaction,
        translate.document_to_canonical,
        (_LINES,),
        record_types,
        "invoice",
    )


READS: dict[str, Read] = {
    "vendors": Read(
        suiteql.entities("vendor"),
        NsEntity,
        _entity("supplier"),
        (("banks", "bank_id", _BANK_COLUMNS),),
        ("vendor",),
        "supplier",
    ),
    "customers": Read(
        suiteql.entities("customer"), NsEntity, _entity("customer"), (), ("customer",), "customer"
    ),
    "vendor_bills": _documents(("VendBill",), ("vendorbill",)),
    "vendor_credits": _documents(("VendCred",), ("vendorcredit",)),
    "invoices": _documents(("CustInvc",), ("invoice",)),
    "credit_memos": _documents(("CustCred",), ("creditmemo",)),
    "vendor_payments": Read(
        suiteql.payments("VendPymt"),
        NsTransaction,
        translate.payment_to_canonical,
        (("applied", "applieddoc", ("applieddoc", "appliednumber", "appliedamount")),),
        ("vendorpayment",),
        "payment",
    ),
    "customer_payments": Read(
        suiteql.payments("CustPymt"),
        NsTransaction,
        translate.payment_to_canonical,
        (("applied", "applieddoc", ("applieddoc", "appliednumber", "appliedamount")),),
        ("customerpayment",),
        "payment",
    ),
    "journal_entries": Read(
        suiteql.JOURNALS,
        NsTransaction,
        translate.journal_to_canonical,
        (_LINES,),
        ("journalentry",),
        "journal_entry",
    ),
    "accounts": Read(suiteql.ACCOUNTS, NsAccount, translate.account_to_canonical),
    "subsidiaries": Read(suiteql.SUBSIDIARIES, NsNamed, _named("subsidiary")),
    "departments": Read(suiteql.DEPARTMENTS, NsNamed, _named("department")),
    "classes": Read(suiteql.CLASSES, NsNamed, _named("class")),
    "locations": Read(suiteql.LOCATIONS, NsNamed, _named("location")),
}


def _resource(name: str, objects: tuple[str, ...], description: str, deletes: str) -> Resource:
    read = READS[name]
    return Resource(
        name=name,
        path="/query/v1/suiteql",
        collection="items",
        model=read.model,
        objects=objects,
        id_field="id",
        cursor="lastModifiedDate" if read.query.cursor else None,
        page_size=PAGE_SIZE,
        order=", ".join((read.query.key, *read.query.order)),
        deletes=deletes,
        description=description,
    )


_DELETED = "DeletedRecord log -> remote_deleted"
RESOURCES: tuple[Resource, ...] = (
    _resource("vendors", ("supplier",), "Vendors with address and bank details", _DELETED),
    _resource("customers", ("customer",), "Customers with their billing address", _DELETED),
    _resource("vendor_bills", ("invoice",), "Vendor bills with expense and item lines", _DELETED),
    _resource("vendor_credits", ("invoice",), "Vendor credits (payable credit notes)", _DELETED),
    _resource("invoices", ("invoice",), "Customer invoices with item lines", _DELETED),
    _resource("credit_memos", ("invoice",), "Credit memos (receivable credit notes)", _DELETED),
    _resource("vendor_payments", ("payment",), "Vendor payments and the bills they pay", _DELETED),
    _resource(
        "customer_payments", ("payment",), "Customer payments and the invoices they pay", _DELETED
    ),
    _resource(
        "journal_entries", ("journal_entry",), "Journal entries, debits and credits", _DELETED
    ),
    _resource("accounts", ("account",), "Chart of accounts (code = account number)", "isInactive"),
    _resource(
        "subsidiaries", ("dimension",), "Subsidiaries as the subsidiary dimension", "isInactive"
    ),
    _resource(
        "departments", ("dimension",), "Departments as the department dimension", "isInactive"
    ),
    _resource("classes", ("dimension",), "Classes as the class dimension", "isInactive"),
    _resource("locations", ("dimension",), "Locations as the location dimension", "isInactive"),
)


CUSTOM_FIELD_PLACES: tuple[Place, ...] = (
    Place(
        name="custbody",
        label="transaction body field",
        paths={
            ("invoice", "header"): "{param}",
            ("payment", "header"): "{param}",
            ("journal_entry", "header"): "{param}",
        },
        param="field id",
        param_pattern=r"custbody[a-z0-9_]{1,40}",
        example="custbody_project_code",
        example_value="PRJ-42",
        prefixes=("custbody",),
        description="A custom transaction body field (Customization > Transaction Body Fields).",
    ),
    Place(
        name="custcol",
        label="transaction line field",
        paths={
            ("invoice", "line"): "lines[].{param}",
            ("journal_entry", "line"): "lines[].{param}",
        },
        param="field id",
        param_pattern=r"custcol[a-z0-9_]{1,40}",
        example="custcol_cost_center",
        example_value="CC-100",
        prefixes=("lines[].custcol",),
        description="A custom transaction column field, on each line.",
    ),
    Place(
        name="custentity",
        label="entity field",
        paths={("supplier", "header"): "{param}", ("customer", "header"): "{param}"},
        param="field id",
        param_pattern=r"custentity[a-z0-9_]{1,40}",
        example="custentity_vendor_tier",
        example_value="gold",
        prefixes=("custentity",),
        description="A custom entity field on vendors and customers.",
    ),
)
"""Where NetSuite keeps tenant custom fields (`hub custom-fields bind --place ...`)."""
