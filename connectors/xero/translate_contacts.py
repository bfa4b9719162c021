"""Xero contacts and canonical suppliers and customers, both ways.

Rules worth knowing (each is tested):
- A contact becomes a Supplier when `IsSupplier`, a Customer when `IsCustomer`, both when both.
  Xero sets these flags only once a bill or invoice exists, so a fresh contact (including one the
  hub just created) has neither: by default it becomes **both** a Supplier and a Customer, so no
  contact is lost (`TranslateContext.unflagged_contacts` can say `customer`, `supplier`, `skip`).
  `ARCHIVED` and `GDPRREQUEST` contacts are `archived` and `remote_deleted`.
- The DEFAULT phone is the phone; the postal (POBOX) address is `billing`, the street address
  `shipping`; empty addresses are left out; Xero's free-text country becomes ISO alpha-2 (left
  out when unrecognisable; the raw text stays in `remote_data`). Payment terms in days come from
  `Bills` for a supplier and `Sales` for a customer, only when counted after the bill date.
- `BankAccountDetails` is an IBAN when it validates as one, else an account number.

Writes (canonical records into Xero bodies; a write sends the record's own Xero id, its
`remote_id` or else its binding, so that a POST updates instead of creating; a hub id Xero does
not know yet is a MappingError naming the Xero field, the canonical path and the hub record):
- Read-only fields (`IsSupplier`, `Website`) are never sent. Xero keeps one address per type
  (billing and remit-to go to POBOX, shipping and registered to STREET) and one bank account.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pycountry
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from canonical import (
    Customer,
    PartyStatus,
    Record,
    Supplier,
)
from connectors.xero.enums import (
    AddressType,
    ContactStatus,
    PaymentTermType,
    PhoneType,
)
from connectors.xero.models import (
    XeroAddress,
    XeroBatchPaymentDetails,
    XeroContact,
    XeroPaymentTerm,
    XeroPaymentTerms,
    XeroPhone,
)
from connectors.xero.translate_common import (
    TranslateContext,
    build,
    key,
    mapping_error,
    naming_the_record,
    own_id,
    text,
)

PARTY_FIELDS = {
    "name": "Name",
    "status": "ContactStatus",
    "tax_number": "TaxNumber",
    "company_number": "CompanyNumber",
    "email": "EmailAddress",
    "phone": "Phones",
    "website": "Website",
    "currency": "DefaultCurrency",
    "payment_terms_days": "PaymentTerms",
    "addresses[]": "Addresses[]",
    "addresses[].country": "Addresses[].Country",
    "bank_accounts[]": "BankAccountDetails",
    "default_account_code": "PurchasesDefaultAccountCode|SalesDefaultAccountCode",
}

ADDRESS_KINDS = {
    AddressType.POBOX: "billing",
    AddressType.STREET: "shipping",
    AddressType.DELIVERY: "shipping",
}
"""Xero's postal address is where documents go (billing); the street address is physical."""

_COUNTRY_ALIASES = {"UK": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "USA": "US"}

# ---------------------------------------------------------------------------------------------
# Contacts


def party_kinds(is_supplier: bool | None, is_customer: bool | None, unflagged: str) -> list[str]:
    """The canonical objects a contact becomes: by Xero's flags, else by the `unflagged` rule."""
    kinds = [k for k, flag in (("supplier", is_supplier), ("customer", is_customer)) if flag]
    if kinds:
        return kinds
    return {"both": ["supplier", "customer"], "skip": []}.get(unflagged, [unflagged])


def contact_to_canonical(
    contact: XeroContact, ctx: TranslateContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A Xero contact as a Supplier and/or a Customer (see the module's rules)."""
    rid = key(contact.contact_id)  # present: the base refuses an item without its id
    kinds = party_kinds(contact.is_supplier, contact.is_customer, ctx.unflagged_contacts)
    deleted = contact.contact_status in (ContactStatus.ARCHIVED, ContactStatus.GDPRREQUEST)
    common: dict[str, Any] = {
        "connection_id": ctx.connection_id,
        "remote_id": rid,
        "remote_updated_at": contact.updated_date_utc,
        "remote_deleted": deleted,
        "remote_data": raw,
        "name": text(contact.name),
        "status": PartyStatus.ARCHIVED if deleted else PartyStatus.ACTIVE,
        "tax_number": text(contact.tax_number),
        "company_number": text(contact.company_number),
        "email": text(contact.email_address),
        "phone": _phone(contact.phones or []),
        "website": text(contact.website),
        "currency": text(contact.default_currency),
        "addresses": [a for a in map(_address, contact.addresses or []) if a],
        "bank_accounts": _bank_accounts(contact),
    }
    if common["name"] is None:
        raise mapping_error("Contact", rid, "Name", "supplier.name", "a contact needs a name")
    records: list[Record] = []
    terms = contact.payment_terms
    for kind in kinds:
        supplier = kind == "supplier"
        data = {
            **common,
            "id": ctx.ids.hub_id(kind, rid),
            "payment_terms_days": _days(terms.bills if terms and supplier else None)
            if supplier
            else _days(terms.sales if terms else None),
            "default_account_code": text(
                contact.purchases_default_account_code
                if supplier
                else contact.sales_default_account_code
            ),
        }
        cls = Supplier if supplier else Customer
        fields = {f"{kind}.{k}": v for k, v in PARTY_FIELDS.items()}
        records.append(build(cls, data, source="Contact", remote_id=rid, fields=fields))
    return records


def _days(term: XeroPaymentTerm | None) -> int | None:
    # Only "n days after the bill date" is a number of days; month-based terms have no equivalent.
    if term is None or term.type != PaymentTermType.DAYSAFTERBILLDATE:
        return None
    return term.day


def _phone(phones: list[XeroPhone]) -> str | None:
    ranked = sorted(phones, key=lambda p: p.phone_type != PhoneType.DEFAULT)
    for phone in ranked:
        if text(phone.phone_number):
            parts = (phone.phone_country_code, phone.phone_area_code, phone.phone_number)
            return " ".join(p for p in (text(x) for x in parts) if p)
    return None


def _address(address: XeroAddress) -> dict[str, Any] | None:
    line2 = ", ".join(
        p
        for p in (
            text(x) for x in (address.address_line2, address.address_line3, address.address_line4)
        )
        if p
    )
    data = {
        "line1": text(address.address_line1),
        "line2": line2 or None,
        "city": text(address.city),
        "region": text(address.region),
        "postal_code": text(address.postal_code),
        "country": country_code(address.country),
    }
    if not any(data.values()):
        return None  # Xero lists both address types on every contact, mostly empty
    return {"kind": ADDRESS_KINDS.get(address.address_type or AddressType.POBOX), **data}


@lru_cache(maxsize=512)
def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code for Xero's free-text country ("New Zealand", "NZ"); None if unknown.

    An unrecognised country is left out rather than refusing the contact: the address is still
    useful and the raw text stays in `remote_data`.
    """
    value = text(name)
    if value is None:
        return None
    value = _COUNTRY_ALIASES.get(value.upper(), value)
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def _bank_accounts(contact: XeroContact) -> list[dict[str, Any]]:
    batch = contact.batch_payments
    number = text(contact.bank_account_details) or text(
        batch.bank_account_number if batch else None
    )
    if number is None:
        return []
    account: dict[str, Any] = {"account_name": text(batch.bank_account_name) if batch else None}
    compact = number.replace(" ", "").upper()
    if _IBAN_SHAPE.match(compact):
        try:
            account["iban"] = str(IBAN(compact).compact)
        except SchwiftyException:
            account["account_number"] = number
    else:
        account["account_number"] = number
    return [account]


# ---------------------------------------------------------------------------------------------
# Writes: canonical suppliers and customers into Xero contact bodies


_ADDRESS_TYPES = {
    "billing": AddressType.POBOX,
    "remit_to": AddressType.POBOX,
    "shipping": AddressType.STREET,
    "registered": AddressType.STREET,
}


@naming_the_record
def party_to_xero(party: Record, ctx: TranslateContext) -> XeroContact:
    """A Supplier or Customer as a Xero Contact body."""
    if not isinstance(party, Supplier | Customer):
        raise TypeError(f"expected a Supplier or Customer, got {type(party).__name__}")
    supplier = isinstance(party, Supplier)
    addresses: dict[AddressType, XeroAddress] = {}
    for i, address in enumerate(party.addresses):
        kind = _ADDRESS_TYPES[address.kind]
        if kind in addresses:
            raise mapping_error(
                "Contact",
                None,
                f"Addresses[{kind}]",
                f"{party.OBJECT}.addresses[{i}].kind",
                f"Xero keeps one {kind} address; another address already maps to it",
            )
        addresses[kind] = XeroAddress(
            address_type=kind,
            address_line1=address.line1,
            address_line2=address.line2,
            city=address.city,
            region=address.region,
            postal_code=address.postal_code,
            country=address.country,
        )
    if len(party.bank_accounts) > 1:
        raise mapping_error(
            "Contact",
            None,
            "BankAccountDetails",
            f"{party.OBJECT}.bank_accounts",
            "Xero keeps one bank account per contact",
        )
    bank = party.bank_accounts[0] if party.bank_accounts else None
    number = (bank.iban or bank.account_number) if bank else None
    term = (
        XeroPaymentTerm(day=party.payment_terms_days, type=PaymentTermType.DAYSAFTERBILLDATE)
        if party.payment_terms_days is not None
        else None
    )
    return XeroContact(
        contact_id=own_id(party, ctx),
        name=party.name,
        contact_status=ContactStatus.ARCHIVED
        if party.status == PartyStatus.ARCHIVED
        else ContactStatus.ACTIVE,
        tax_number=party.tax_number,
        company_number=party.company_number,
        email_address=party.email,
        phones=[XeroPhone(phone_type=PhoneType.DEFAULT, phone_number=party.phone)]
        if party.phone
        else None,
        default_currency=party.currency,
        payment_terms=(XeroPaymentTerms(bills=term) if supplier else XeroPaymentTerms(sales=term))
        if term
        else None,
        addresses=list(addresses.values()) or None,
        bank_account_details=number,
        batch_payments=XeroBatchPaymentDetails(
            bank_account_number=number, bank_account_name=bank.account_name
        )
        if bank and bank.account_name
        else None,
        purchases_default_account_code=party.default_account_code if supplier else None,
        sales_default_account_code=None if supplier else party.default_account_code,
    )
