"""Suppliers and customers: the parties of invoices and payments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import Field

from canonical.base import Breach, CanonicalModel, Doc, Record
from canonical.enums import AddressKind, PartyStatus
from canonical.taxnumbers import check_tax_number
from canonical.types import Bic, CountryCode, CurrencyCode, Days, Email, Iban, Str, Text


class Address(CanonicalModel):
    """A postal address with what it is used for."""

    kind: AddressKind = Field(AddressKind.BILLING, description="What the address is used for.")
    line1: Str | None = Field(None, description="First address line (street and number).")
    line2: Str | None = Field(None, description="Second address line.")
    city: Str | None = Field(None, description="City or town.")
    region: Str | None = Field(None, description="State, province or region.")
    postal_code: Str | None = Field(None, description="Postal or ZIP code.")
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2 country code.")


class BankAccount(CanonicalModel):
    """A bank account of a party, to pay into or collect from."""

    account_name: Str | None = Field(None, description="Name of the account holder.")
    iban: Iban | None = Field(None, description="International Bank Account Number (validated).")
    bic: Bic | None = Field(None, description="SWIFT/BIC code of the bank (validated).")
    account_number: Str | None = Field(None, description="Domestic account number.")
    routing_number: Str | None = Field(
        None, description="Domestic bank routing code: ABA, sort code or BSB."
    )
    bank_country: CountryCode | None = Field(None, description="Country of the bank.")
    currency: CurrencyCode | None = Field(None, description="Currency the account is held in.")


class Party(Record):
    """What suppliers and customers share."""

    name: Text = Field(description="Name the party trades under.")
    legal_name: Str | None = Field(None, description="Registered legal name.")
    status: PartyStatus = Field(PartyStatus.ACTIVE, description="Whether the party is in use.")
    tax_number: Str | None = Field(None, description="Tax or VAT registration number.")
    company_number: Str | None = Field(None, description="Company registration number.")
    email: Email | None = Field(None, description="Main e-mail address.")
    phone: Str | None = Field(None, description="Main phone number.")
    website: Str | None = Field(None, description="Web site address.")
    currency: CurrencyCode | None = Field(None, description="Default currency of documents.")
    payment_terms_days: Days | None = Field(
        None, description="Default payment terms in days after the invoice date (0 to 3650)."
    )
    addresses: list[Address] = Field(default_factory=list, description="Postal addresses.")
    bank_accounts: list[BankAccount] = Field(default_factory=list, description="Bank accounts.")

    @classmethod
    def invariants(cls, doc: Doc) -> Iterator[Breach]:
        number = doc.text("tax_number")
        if number:
            countries = [a.text("country") for a in doc.items("addresses")]
            check = check_tax_number(number, next((c for c in countries if c), None))
            if check.valid is False:
                yield Breach(("tax_number",), check.message)
        for i, account in enumerate(doc.items("bank_accounts")):
            iban, bank_country = account.text("iban"), account.text("bank_country")
            if iban and bank_country and iban[:2].upper() != bank_country:
                yield Breach(
                    ("bank_accounts", i, "bank_country"),
                    f"bank country {bank_country} differs from the IBAN's country {iban[:2]}",
                )


class Supplier(Party):
    """Someone we buy from and pay: the party of payable invoices and outbound payments."""

    OBJECT: ClassVar[str] = "supplier"
    PREFIX: ClassVar[str] = "sup"

    default_account_code: Str | None = Field(
        None, description="The supplier's usual expense account code."
    )


class Customer(Party):
    """Someone we sell to: the party of receivable invoices and inbound payments."""

    OBJECT: ClassVar[str] = "customer"
    PREFIX: ClassVar[str] = "cus"

    default_account_code: Str | None = Field(
        None, description="The customer's usual revenue account code."
    )
