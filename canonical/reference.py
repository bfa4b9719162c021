"""Reference data read from the ERP: accounts, tax rates and dimension values."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from canonical.base import Record
from canonical.enums import AccountType, ReferenceStatus
from canonical.types import CurrencyCode, DecimalValue, Text


class Account(Record):
    """A general-ledger account."""

    OBJECT: ClassVar[str] = "account"
    PREFIX: ClassVar[str] = "acc"

    code: Text = Field(description="Account code.")
    name: Text = Field(description="Account name.")
    type: AccountType = Field(description="asset, liability, equity, revenue or expense.")
    currency: CurrencyCode | None = Field(None, description="Currency of the account, if fixed.")
    status: ReferenceStatus = Field(ReferenceStatus.ACTIVE, description="Whether it is in use.")


class TaxRate(Record):
    """A tax rate that lines refer to by code."""

    OBJECT: ClassVar[str] = "tax_rate"
    PREFIX: ClassVar[str] = "tax"

    code: Text = Field(description="Tax rate code.")
    name: Text = Field(description="Tax rate name.")
    rate_percent: DecimalValue = Field(ge=0, description="Effective rate in percent.")
    status: ReferenceStatus = Field(ReferenceStatus.ACTIVE, description="Whether it is in use.")


class Dimension(Record):
    """One value of an analytic dimension (a cost center, a project, ...)."""

    OBJECT: ClassVar[str] = "dimension"
    PREFIX: ClassVar[str] = "dim"

    kind: Text = Field(
        description="cost_center, project, department, location, or a tenant's own kind."
    )
    code: Text = Field(description="Code of the value.")
    name: Text = Field(description="Name of the value.")
    status: ReferenceStatus = Field(ReferenceStatus.ACTIVE, description="Whether it is in use.")
