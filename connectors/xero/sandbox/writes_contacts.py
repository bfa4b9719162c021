"""Validation and storage of contacts, and finding the contact a document names."""

from __future__ import annotations

import copy
from typing import Any

from connectors.xero.sandbox.state import XeroSandboxState
from connectors.xero.sandbox.writes_base import (
    Doc,
    Invalid,
    WriteBatch,
    existing,
    new_id,
    save,
)

__all__ = ["CONTACT_DEFAULTS", "resolve_contact", "write_contact"]

# -- contacts ----------------------------------------------------------------------------
CONTACT_DEFAULTS: Doc = {
    "ContactStatus": "ACTIVE",
    "EmailAddress": "",
    "BankAccountDetails": "",
    "Addresses": [],
    "Phones": [],
    "ContactGroups": [],
    "IsSupplier": False,
    "IsCustomer": False,
    "SalesTrackingCategories": [],
    "PurchasesTrackingCategories": [],
    "ContactPersons": [],
    "HasAttachments": False,
    "HasValidationErrors": False,
}


def write_contact(
    state: XeroSandboxState, name: str, element: Doc, batch: WriteBatch, dry_run: bool
) -> Doc:
    """Create or update a contact; the name must be unique among active contacts."""
    record = existing(state, name, element)
    doc = (
        copy.deepcopy(record.doc)
        if record
        else {"ContactID": new_id(), **copy.deepcopy(CONTACT_DEFAULTS)}
    )
    for key in (
        "IsSupplier",
        "IsCustomer",
        "UpdatedDateUTC",
        "ValidationErrors",
        "StatusAttributeString",
    ):
        element.pop(key, None)
    doc.update(element)
    contact_name = str(doc.get("Name") or "").strip()
    if not contact_name:
        raise Invalid("The contact name must be specified.")
    if doc.get("ContactStatus") not in ("ACTIVE", "ARCHIVED", "GDPRREQUEST"):
        raise Invalid(f"The contact status '{doc.get('ContactStatus')}' is not valid")
    email = str(doc.get("EmailAddress") or "")
    if email and ("@" not in email or " " in email):
        raise Invalid("Email address must be valid.")
    if doc["ContactStatus"] == "ACTIVE":
        key = contact_name.lower()
        clash = any(
            r.doc["Name"].lower() == key
            and r.doc["ContactStatus"] == "ACTIVE"
            and r.id != doc["ContactID"]
            for r in state.store["contacts"].records.values()
        )
        if clash or key in batch.names:
            raise Invalid(
                f"The contact name {contact_name} is already assigned to another contact. "
                "The contact name must be unique across all active contacts."
            )
        batch.names.add(key)
    return save(state, name, doc, dry_run)


def resolve_contact(state: XeroSandboxState, given: Any, dry_run: bool) -> Doc:
    """The contact a document names by ContactID, ContactNumber or Name (a new name creates one)."""
    if not isinstance(given, dict) or not any(
        given.get(k) for k in ("ContactID", "Name", "ContactNumber")
    ):
        if isinstance(given, dict) and given:
            raise Invalid(
                "The Contact must contain at least 1 of the following elements to identify "
                "the contact: Name, ContactID, ContactNumber"
            )
        raise Invalid("A Contact must be specified for this type of transaction")
    contacts = state.store["contacts"]
    if given.get("ContactID"):
        record = contacts.get(str(given["ContactID"]))
        if record is None:
            raise Invalid("The Contact with the specified ContactID could not be found")
        return record.doc
    for record in contacts.records.values():
        doc = record.doc
        if (given.get("ContactNumber") and doc.get("ContactNumber") == given["ContactNumber"]) or (
            given.get("Name")
            and doc["Name"].lower() == str(given["Name"]).lower()
            and doc["ContactStatus"] == "ACTIVE"
        ):
            return doc
    if not given.get("Name"):
        raise Invalid("The Contact with the specified ContactNumber could not be found")
    # Xero creates a contact for an unknown name.
    doc = {"ContactID": new_id(), **copy.deepcopy(CONTACT_DEFAULTS), "Name": str(given["Name"])}
    if not dry_run:
        contacts.put(doc, state.now())
    return doc
