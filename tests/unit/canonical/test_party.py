"""Suppliers and customers: addresses, bank accounts (schwifty), ISO codes, tax numbers (stdnum)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from canonical import AddressKind, Customer, PartyStatus, Record, Supplier, validate_document

Errors = Callable[[type[Record], Mapping[str, Any]], dict[str, str]]


def test_valid_supplier_parses(supplier_data: dict[str, Any]) -> None:
    supplier = Supplier.parse(supplier_data)
    assert supplier.status is PartyStatus.ACTIVE
    assert supplier.addresses[0].kind is AddressKind.BILLING
    assert supplier.bank_accounts[0].bic == "COBADEFFXXX"


def test_customer_has_its_own_id_prefix(supplier_data: dict[str, Any], errors: Errors) -> None:
    del supplier_data["id"]
    assert Customer.parse(supplier_data).id.startswith("cus_")
    found = errors(Customer, {**supplier_data, "id": "sup_01K94FSMR0DEQWY9A6YFCBV9CE"})
    assert found == {
        "customer.id": "id must start with 'cus_' (got 'sup_01K94FSMR0DEQWY9A6YFCBV9CE')"
    }


def test_name_is_required_and_not_empty(errors: Errors) -> None:
    assert errors(Supplier, {}) == {"supplier.name": "is required"}
    assert "supplier.name" in errors(Supplier, {"name": ""})


def test_iban_is_stored_compact(supplier_data: dict[str, Any]) -> None:
    supplier_data["bank_accounts"][0]["iban"] = "DE89 3704 0044 0532 0130 00"
    assert Supplier.parse(supplier_data).bank_accounts[0].iban == "DE89370400440532013000"


def test_iban_with_a_wrong_checksum_is_refused(
    supplier_data: dict[str, Any], errors: Errors
) -> None:
    supplier_data["bank_accounts"][0]["iban"] = "DE89370400440532013001"
    assert errors(Supplier, supplier_data) == {
        "supplier.bank_accounts[0].iban": "invalid IBAN: Invalid checksum digits"
    }


def test_iban_with_a_wrong_length_for_its_country_is_refused(
    supplier_data: dict[str, Any], errors: Errors
) -> None:
    supplier_data["bank_accounts"][0]["iban"] = "DE8937040044053201300"
    found = errors(Supplier, supplier_data)
    assert found["supplier.bank_accounts[0].iban"].startswith("invalid IBAN: ")


def test_bic_is_validated(supplier_data: dict[str, Any], errors: Errors) -> None:
    supplier_data["bank_accounts"][0]["bic"] = "COBA1EFF"
    found = errors(Supplier, supplier_data)
    assert list(found) == ["supplier.bank_accounts[0].bic"]
    assert found["supplier.bank_accounts[0].bic"].startswith("invalid BIC: ")


def test_bank_country_must_match_the_iban(supplier_data: dict[str, Any], errors: Errors) -> None:
    supplier_data["bank_accounts"][0]["bank_country"] = "FR"
    assert errors(Supplier, supplier_data) == {
        "supplier.bank_accounts[0].bank_country": "bank country FR differs from the IBAN's "
        "country DE"
    }


def test_country_codes_are_iso_3166_alpha_2(supplier_data: dict[str, Any], errors: Errors) -> None:
    supplier_data["addresses"][0]["country"] = "XX"
    supplier_data["bank_accounts"][0]["bank_country"] = "DEU"
    found = errors(Supplier, supplier_data)
    assert found["supplier.addresses[0].country"] == (
        "'XX' is not an ISO 3166-1 alpha-2 country code"
    )
    assert "supplier.bank_accounts[0].bank_country" in found


@pytest.mark.parametrize("code", ["XYZ", "usd", "EURO"])
def test_currency_codes_are_iso_4217(
    supplier_data: dict[str, Any], errors: Errors, code: str
) -> None:
    supplier_data["currency"] = code
    assert "supplier.currency" in errors(Supplier, supplier_data)


def test_email_must_look_like_an_address(supplier_data: dict[str, Any], errors: Errors) -> None:
    supplier_data["email"] = "accounts.nordwind.example"
    assert errors(Supplier, supplier_data) == {
        "supplier.email": "'accounts.nordwind.example' is not an e-mail address"
    }


def test_payment_terms_cannot_be_negative(supplier_data: dict[str, Any], errors: Errors) -> None:
    assert "supplier.payment_terms_days" in errors(
        Supplier, {**supplier_data, "payment_terms_days": -1}
    )


def test_valid_vat_number_of_a_known_scheme_is_accepted(supplier_data: dict[str, Any]) -> None:
    report = validate_document("supplier", supplier_data)
    assert report.ok
    assert report.notices == ()


def test_invalid_vat_number_of_a_known_scheme_is_refused(
    supplier_data: dict[str, Any], errors: Errors
) -> None:
    supplier_data["tax_number"] = "DE136695977"
    found = errors(Supplier, supplier_data)
    assert list(found) == ["supplier.tax_number"]
    assert found["supplier.tax_number"].startswith("not a valid de.vat number")


def test_tax_number_scheme_comes_from_the_address_country(
    supplier_data: dict[str, Any], errors: Errors
) -> None:
    supplier_data["addresses"][0]["country"] = "NL"
    supplier_data["tax_number"] = "NL004495445B02"
    assert Supplier.parse(supplier_data).tax_number == "NL004495445B02"
    supplier_data["tax_number"] = "004495446B01"  # no prefix: the Dutch scheme via the address
    assert "nl." in errors(Supplier, supplier_data)["supplier.tax_number"]


def test_tax_number_of_an_unknown_scheme_is_a_notice_not_a_refusal(
    supplier_data: dict[str, Any],
) -> None:
    supplier_data["addresses"][0]["country"] = "AQ"
    supplier_data["tax_number"] = "AQ-TAX-7781"
    report = validate_document("supplier", supplier_data)
    assert report.ok
    assert report.record is not None
    assert [(n.path, n.code) for n in report.notices] == [("supplier.tax_number", "unchecked")]
    assert report.notices[0].reason == "no tax-number scheme known for AQ; not checked"


def test_notice_is_given_for_an_invalid_document_too(supplier_data: dict[str, Any]) -> None:
    supplier_data.update(tax_number="ZZ998877", email="nope")
    supplier_data["addresses"][0]["country"] = "AQ"
    report = validate_document("customer", {k: v for k, v in supplier_data.items() if k != "id"})
    assert not report.ok
    assert [v.path for v in report.violations] == ["customer.email"]
    assert [n.path for n in report.notices] == ["customer.tax_number"]


def test_party_status_and_address_kind_outside_the_contract_are_refused(
    supplier_data: dict[str, Any], errors: Errors
) -> None:
    supplier_data["status"] = "blocked"
    supplier_data["addresses"][0]["kind"] = "delivery"
    found = errors(Supplier, supplier_data)
    assert found == {
        "supplier.status": "'blocked' is not one of 'active' or 'archived'",
        "supplier.addresses[0].kind": "'delivery' is not one of 'billing', 'remit_to', "
        "'shipping' or 'registered'",
    }


def test_every_address_kind_of_the_contract_is_accepted(supplier_data: dict[str, Any]) -> None:
    kinds = ["billing", "remit_to", "shipping", "registered"]
    supplier_data["addresses"] = [{"kind": k, "country": "DE"} for k in kinds]
    assert [a.kind for a in Supplier.parse(supplier_data).addresses] == kinds
