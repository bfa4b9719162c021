"""Reference data: accounts, tax rates and dimension values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from canonical import Account, AccountType, Dimension, Record, ReferenceStatus, TaxRate

Errors = Callable[[type[Record], Mapping[str, Any]], dict[str, str]]


def test_account_has_code_name_and_a_contract_type(errors: Errors) -> None:
    account = Account.parse({"code": "6810", "name": "Hosting", "type": "expense"})
    assert account.type is AccountType.EXPENSE
    assert account.status is ReferenceStatus.ACTIVE
    assert account.id.startswith("acc_")
    assert set(errors(Account, {"code": "6810", "name": "Hosting", "type": "cost"})) == {
        "account.type"
    }
    assert set(errors(Account, {})) == {"account.code", "account.name", "account.type"}


def test_tax_rate_percent_is_exact_and_not_negative(errors: Errors) -> None:
    rate = TaxRate.parse({"code": "DE19", "name": "VAT 19%", "rate_percent": "19.0"})
    assert rate.rate_percent == Decimal("19.0")
    assert rate.id.startswith("tax_")
    assert set(errors(TaxRate, {"code": "X", "name": "X", "rate_percent": "-1"})) == {
        "tax_rate.rate_percent"
    }
    assert set(errors(TaxRate, {"code": "X", "name": "X", "rate_percent": 19.5})) == {
        "tax_rate.rate_percent"
    }


def test_dimension_kind_is_open_to_a_tenants_own(errors: Errors) -> None:
    dim = Dimension.parse({"kind": "cost_center", "code": "CC-200", "name": "IT"})
    own = Dimension.parse({"kind": "sales_channel", "code": "WEB", "name": "Web shop"})
    assert (dim.kind, own.kind) == ("cost_center", "sales_channel")
    assert own.id.startswith("dim_")
    assert set(errors(Dimension, {"kind": "", "code": "C", "name": "N"})) == {"dimension.kind"}
