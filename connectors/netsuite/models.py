"""Pydantic models of what the NetSuite adapter reads: SuiteQL rows grouped into records.

A document arrives as one SuiteQL row per line; `client.py` groups the rows of one key into an
item (`lines`, `banks`, `applied`) and the item is validated here, amounts `Decimal` from the
first parse. Columns with a custom-field prefix (`custentity_`, `custbody_`, `custcol_`) stay
as extra fields and become `custom_fields` by their script ids.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "NsAccount",
    "NsApplied",
    "NsBank",
    "NsCurrency",
    "NsDeleted",
    "NsEntity",
    "NsLine",
    "NsNamed",
    "NsRow",
    "NsTransaction",
    "custom_values",
]

CUSTOM_PREFIXES = ("custentity_", "custbody_", "custcol_", "custrecord_", "custitem_")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).upper() in {"T", "TRUE", "Y", "YES"}


class NsRow(BaseModel):
    """Base: SuiteQL's lower-case keys, ids as strings, extra columns kept."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any, info: Any) -> Any:
        field = cls.model_fields.get(info.field_name)
        if (
            field is not None
            and field.annotation in (str, str | None)
            and isinstance(value, int | Decimal)
        ):
            return str(value)
        return value


def custom_values(row: BaseModel, prefixes: tuple[str, ...] = CUSTOM_PREFIXES) -> dict[str, Any]:
    """The custom-field columns of a row, by script id (nulls left out)."""
    extra = row.model_extra or {}
    out: dict[str, Any] = {}
    for key, value in extra.items():
        if key.startswith(prefixes) and value is not None and value != "":
            out[key] = _custom(value)
    return out


def _custom(value: Any) -> Any:
    if isinstance(value, str) and value in {"T", "F"}:
        return value == "T"
    return value


class NsBank(NsRow):
    """A vendor bank account (Electronic Bank Payments bundle)."""

    bank_id: str | None = None
    bank_account_number: str | None = None
    bank_routing_number: str | None = None
    bank_name: str | None = None
    bank_iban: str | None = None
    bank_swift: str | None = None


class NsEntity(NsRow):
    """A vendor or customer, its default billing address and bank accounts."""

    id: str
    entityid: str | None = None
    companyname: str | None = None
    externalid: str | None = None
    email: str | None = None
    phone: str | None = None
    currency: str | None = None
    isinactive: bool = False
    terms: str | None = None
    lastmodified: str | None = None
    addr1: str | None = None
    addr2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    taxidnum: str | None = None
    expenseaccount: str | None = None
    banks: list[NsBank] = Field(default_factory=list)

    _flags = field_validator("isinactive", mode="before")(_flag)


class NsLine(NsRow):
    """One transaction line (line 0 is the main line)."""

    line: int
    mainline: bool = False
    account: str | None = None
    item: str | None = None
    quantity: Decimal | None = None
    rate: Decimal | None = None
    amount: Decimal | None = None
    debit: Decimal | None = None
    credit: Decimal | None = None
    linememo: str | None = None
    lineentity: str | None = None
    department: str | None = None
    klass: str | None = Field(None, alias="class")
    location: str | None = None

    _flags = field_validator("mainline", mode="before")(_flag)


class NsApplied(NsRow):
    """A document a payment applies to."""

    applieddoc: str
    appliednumber: str | None = None
    appliedamount: Decimal


class NsTransaction(NsRow):
    """A transaction header with its lines and, for payments, the documents it applies to."""

    id: str
    type: str
    tranid: str | None = None
    entity: str | None = None
    trandate: str | None = None
    duedate: str | None = None
    currency: str | None = None
    exchangerate: Decimal | None = None
    memo: str | None = None
    otherrefnum: str | None = None
    status: str | None = None
    voided: bool = False
    approvalstatus: str | None = None
    externalid: str | None = None
    lastmodified: str | None = None
    total: Decimal | None = None
    amountpaid: Decimal | None = None
    amountunpaid: Decimal | None = None
    account: str | None = None
    lines: list[NsLine] = Field(default_factory=list)
    applied: list[NsApplied] = Field(default_factory=list)

    _flags = field_validator("voided", mode="before")(_flag)


class NsAccount(NsRow):
    """A general-ledger account."""

    id: str
    acctnumber: str | None = None
    acctname: str | None = None
    accttype: str | None = None
    currency: str | None = None
    isinactive: bool = False
    lastmodified: str | None = None

    _flags = field_validator("isinactive", mode="before")(_flag)


class NsNamed(NsRow):
    """A department, class, location or subsidiary."""

    id: str
    name: str | None = None
    externalid: str | None = None
    isinactive: bool = False
    lastmodified: str | None = None

    _flags = field_validator("isinactive", mode="before")(_flag)


class NsCurrency(NsRow):
    """A currency of the account."""

    id: str
    symbol: str | None = None
    name: str | None = None
    isbasecurrency: bool = False
    isinactive: bool = False
    lastmodified: str | None = None

    _flags = field_validator("isbasecurrency", "isinactive", mode="before")(_flag)


class NsDeleted(NsRow):
    """A row of the deleted-records log."""

    id: str
    type: str
    deleted: str | None = None
