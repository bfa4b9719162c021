"""SAP business partners into canonical suppliers and customers, and suppliers back into SAP.

Rules (each tested):
- A business partner with a supplier number becomes a Supplier, with a customer number a
  Customer, both when both; one with neither role (a contact person) becomes nothing.
- `IsMarkedForArchiving` is `archived` and `remote_deleted`; the change stamp is
  `LastChangeDate` + `LastChangeTime`.
- The name is `BusinessPartnerName`; an organisation's `OrganizationBPName1` + `2` is its legal
  name. The tax number is the first `to_BusinessPartnerTax` entry, else the role's
  `VATRegistration`. E-mail and phone are the default ones of the first address.
- Addresses are `billing`; `HouseNumber StreetName` is line 1. Bank details: IBAN, SWIFT code as
  BIC, bank number as routing number, account number, holder name.
- Payment terms come from the role's data in the connection's company code.
"""

from __future__ import annotations

from typing import Any

from canonical import Customer, PartyStatus, Record, Supplier
from connectors.mapping import build_record, field_error, text
from connectors.sap.models import Address, BusinessPartner
from connectors.sap.translate_common import SapContext, join_stamp, record_base, subject

__all__ = ["PARTY_FIELDS", "partner_kinds", "partner_to_canonical", "supplier_to_sap"]

PARTY_FIELDS = {
    "name": "BusinessPartnerName",
    "legal_name": "OrganizationBPName1",
    "status": "IsMarkedForArchiving",
    "tax_number": "to_BusinessPartnerTax[0].BPTaxNumber",
    "email": "to_BusinessPartnerAddress[0].to_EmailAddress",
    "phone": "to_BusinessPartnerAddress[0].to_PhoneNumber",
    "payment_terms_days": "to_Supplier.to_SupplierCompany[].PaymentTerms",
    "addresses[]": "to_BusinessPartnerAddress[]",
    "addresses[].country": "to_BusinessPartnerAddress[].Country",
    "bank_accounts[]": "to_BusinessPartnerBank[]",
    "bank_accounts[].iban": "to_BusinessPartnerBank[].IBAN",
    "bank_accounts[].bic": "to_BusinessPartnerBank[].SWIFTCode",
}


def partner_kinds(partner: BusinessPartner) -> list[str]:
    """The canonical objects a business partner becomes."""
    kinds = []
    if text(partner.Supplier):
        kinds.append("supplier")
    if text(partner.Customer):
        kinds.append("customer")
    return kinds


def _default(items: list[Any], flag: str) -> Any:
    ranked = sorted(items, key=lambda i: not getattr(i, flag))
    return ranked[0] if ranked else None


def _address(address: Address) -> dict[str, Any] | None:
    street = " ".join(p for p in (text(address.HouseNumber), text(address.StreetName)) if p)
    data = {
        "line1": street or None,
        "city": text(address.CityName),
        "region": text(address.Region),
        "postal_code": text(address.PostalCode),
        "country": text(address.Country),
    }
    return {"kind": "billing", **data} if any(data.values()) else None


def partner_to_canonical(
    partner: BusinessPartner, ctx: SapContext, raw: dict[str, Any] | None = None
) -> list[Record]:
    """A business partner as a Supplier and/or a Customer (see the module's rules)."""
    rid = partner.BusinessPartner
    who = subject("A_BusinessPartner", rid)
    name = text(partner.BusinessPartnerName) or text(partner.BusinessPartnerFullName)
    if name is None:
        raise field_error(who, "BusinessPartnerName", "supplier.name", "a partner needs a name")
    archived = bool(partner.IsMarkedForArchiving)
    addresses = partner.to_BusinessPartnerAddress
    first = addresses[0] if addresses else None
    email = _default(first.to_EmailAddress, "IsDefaultEmailAddress") if first else None
    phone = _default(first.to_PhoneNumber, "IsDefaultPhoneNumber") if first else None
    taxes = [t for t in partner.to_BusinessPartnerTax if text(t.BPTaxNumber)]
    organisation = partner.BusinessPartnerCategory == "2"
    legal = " ".join(
        p for p in (text(partner.OrganizationBPName1), text(partner.OrganizationBPName2)) if p
    )
    common: dict[str, Any] = {
        "remote_updated_at": join_stamp(partner.LastChangeDate, partner.LastChangeTime),
        "remote_deleted": archived,
        "name": name,
        "legal_name": (legal or None) if organisation else None,
        "status": PartyStatus.ARCHIVED if archived else PartyStatus.ACTIVE,
        "email": text(email.EmailAddress) if email else None,
        "phone": (text(phone.InternationalPhoneNumber) or text(phone.PhoneNumber))
        if phone
        else None,
        "addresses": [a for a in map(_address, addresses) if a],
        "bank_accounts": [
            {
                "account_name": text(bank.BankAccountHolderName),
                "iban": text(bank.IBAN),
                "bic": text(bank.SWIFTCode),
                "account_number": text(bank.BankAccount),
                "routing_number": text(bank.BankNumber),
                "bank_country": text(bank.BankCountryKey),
            }
            for bank in partner.to_BusinessPartnerBank
        ],
        "custom_fields": partner.custom_fields(),
    }
    records: list[Record] = []
    for kind in partner_kinds(partner):
        role = partner.to_Supplier if kind == "supplier" else partner.to_Customer
        companies = (
            partner.to_Supplier.to_SupplierCompany
            if kind == "supplier" and partner.to_Supplier
            else partner.to_Customer.to_CustomerCompany
            if partner.to_Customer
            else []
        )
        company = next((c for c in companies if c.CompanyCode == ctx.company_code), None)
        vat = taxes[0].BPTaxNumber if taxes else (role.VATRegistration if role else None)
        data = {
            **record_base(ctx, kind, rid, raw),
            **common,
            "tax_number": text(vat),
            "payment_terms_days": ctx.terms_days(company.PaymentTerms) if company else None,
            "currency": text(getattr(company, "Currency", None)),
        }
        cls = Supplier if kind == "supplier" else Customer
        fields = {f"{kind}.{k}": v for k, v in PARTY_FIELDS.items()}
        records.append(build_record(cls, data, subject=who, fields=fields))
    return records


def supplier_to_sap(record: Record, ctx: SapContext) -> dict[str, Any]:
    """A canonical supplier as an `A_BusinessPartner` deep insert with the supplier role.

    An organisation (category 2) named by the supplier's legal name (else its name), with the
    supplier role `FLVN01`, company code data in the connection's company code, its addresses,
    e-mail and phone, bank accounts and VAT number.
    """
    if not isinstance(record, Supplier):
        raise TypeError(f"expected a Supplier, got {type(record).__name__}")
    name = record.legal_name or record.name
    who = f"supplier '{record.name}'"
    if len(name) > 40:
        raise field_error(
            who, "OrganizationBPName1", "supplier.name", "SAP holds at most 40 characters"
        )
    company: dict[str, Any] = {"CompanyCode": ctx.company_code}
    days = record.payment_terms_days
    if days is not None:
        # A configured key for exactly these days (0001: due at once), else SAP's NTnn form.
        known = next((key for key, value in ctx.payment_terms.items() if value == days), None)
        if days == 0 and known:
            company["PaymentTerms"] = known
        elif 0 < days <= 99:
            company["PaymentTerms"] = f"NT{days:02d}"
        elif known:
            company["PaymentTerms"] = known
        else:
            reason = f"no payment terms key for {days} days (NTnn holds 1-99; configure one)"
            raise field_error(who, "PaymentTerms", "supplier.payment_terms_days", reason)
    body: dict[str, Any] = {
        "BusinessPartnerCategory": "2",
        "OrganizationBPName1": name,
        "SearchTerm1": record.name.upper()[:20],
        "to_BusinessPartnerRole": [{"BusinessPartnerRole": "FLVN01"}],
        "to_Supplier": {"to_SupplierCompany": [company]},
    }
    addresses = []
    for index, address in enumerate(record.addresses or []):
        entry: dict[str, Any] = {
            "StreetName": address.line1,
            "CityName": address.city,
            "PostalCode": address.postal_code,
            "Region": address.region,
            "Country": address.country,
        }
        if index == 0 and record.email:
            entry["to_EmailAddress"] = [
                {"EmailAddress": record.email, "IsDefaultEmailAddress": True}
            ]
        if index == 0 and record.phone:
            entry["to_PhoneNumber"] = [{"PhoneNumber": record.phone, "IsDefaultPhoneNumber": True}]
        addresses.append({k: v for k, v in entry.items() if v is not None})
    if not addresses and (record.email or record.phone):
        entry = {}
        if record.email:
            entry["to_EmailAddress"] = [
                {"EmailAddress": record.email, "IsDefaultEmailAddress": True}
            ]
        if record.phone:
            entry["to_PhoneNumber"] = [{"PhoneNumber": record.phone, "IsDefaultPhoneNumber": True}]
        addresses.append(entry)
    if addresses:
        body["to_BusinessPartnerAddress"] = addresses
    banks = [
        {
            k: v
            for k, v in {
                "IBAN": bank.iban,
                "SWIFTCode": bank.bic,
                "BankAccount": bank.account_number,
                "BankNumber": bank.routing_number,
                "BankCountryKey": bank.bank_country or (bank.iban[:2] if bank.iban else None),
                "BankAccountHolderName": bank.account_name,
            }.items()
            if v is not None
        }
        for bank in record.bank_accounts or []
    ]
    if banks:
        body["to_BusinessPartnerBank"] = banks
    if record.tax_number:
        country = record.tax_number[:2].upper() if record.tax_number[:2].isalpha() else "GB"
        body["to_BusinessPartnerTax"] = [
            {"BPTaxType": f"{country}0", "BPTaxNumber": record.tax_number}
        ]
    for key, value in (record.custom_fields or {}).items():
        if key.startswith("YY1_") and value is not None:
            body[key] = str(value)
    return body
