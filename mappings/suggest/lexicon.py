"""The finance lexicon: abbreviations, synonyms and the names each canonical path goes by.

Everything here is general accounting vocabulary (what an AP clerk or an ERP consultant calls a
field), not the field names of any one system. Tokens pass through `ABBREVIATIONS` (`amt` ->
`amount`), then `SYNONYMS` folds words that mean the same thing onto one concept (`vendor` ->
`supplier`, `bill` -> `invoice`). `ALIASES` lists, per canonical path (without the object
prefix), the phrases an accounting system may use for it.
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, str] = {
    "amt": "amount", "amnt": "amount", "qty": "quantity", "qnty": "quantity", "dt": "date",
    "no": "number", "num": "number", "nbr": "number", "nr": "number", "nmbr": "number",
    "ref": "reference", "refs": "reference", "desc": "description", "descr": "description",
    "addr": "address", "adr": "address", "curr": "currency", "crcy": "currency", "ccy": "currency",
    "cur": "currency", "cury": "currency", "acct": "account", "acc": "account", "accnt": "account",
    "cust": "customer", "vend": "vendor", "vndr": "vendor", "suplr": "supplier", "supl": "supplier",
    "splr": "supplier", "invc": "invoice", "inv": "invoice", "pmt": "payment", "pymt": "payment",
    "paymt": "payment", "bal": "balance", "pct": "percent", "perc": "percent",
    "percentage": "percent", "ctry": "country", "cntry": "country", "tot": "total", "grs": "gross",
    "disc": "discount", "dsc": "discount", "exch": "exchange", "fx": "exchange", "rt": "rate",
    "upd": "updated", "crt": "created", "po": "purchase order", "dept": "department",
    "loc": "location", "proj": "project", "gl": "general ledger", "itm": "item", "uom": "unit",
    "txn": "transaction", "tran": "transaction", "trans": "transaction", "trx": "transaction",
    "doc": "document", "docs": "document", "zip": "postal code", "postcode": "postal code",
    "tel": "phone", "telephone": "phone", "mobile": "phone", "fon": "phone", "bp": "partner",
    "tin": "tax number", "ein": "tax number", "abn": "tax number", "vatin": "tax number",
    "iso": "iso", "ln": "line", "lin": "line", "dsct": "discount", "amts": "amount",
    "crdt": "credit", "dbt": "debit", "dr": "debit", "cr": "credit", "jrnl": "journal",
    "je": "journal entry", "hdr": "header", "txt": "text", "nm": "name", "cd": "code",
    "stat": "status", "sts": "status", "descrip": "description", "addl": "additional",
    "utc": "utc", "org": "organization", "organisation": "organization", "ctr": "center",
    "centre": "center", "mail": "email", "e": "", "www": "website", "homepage": "website",
    "web": "website", "abslt": "absolute", "grp": "group", "ind": "indicator",
    "ext": "external", "intl": "international", "adj": "adjustment", "tx": "tax",
    "dte": "date", "invcg": "invoicing", "invcd": "invoiced", "seq": "sequence", "ven": "vendor", "sup": "supplier",
}

SYNONYMS: dict[str, str] = {
    "vendor": "supplier", "creditor": "supplier", "payee": "supplier", "seller": "supplier",
    "client": "customer", "debtor": "customer", "buyer": "customer",
    "bill": "invoice", "billing": "invoice",
    "modified": "updated", "changed": "updated", "change": "updated", "update": "updated",
    "modification": "updated", "edited": "updated", "creation": "created", "create": "created",
    "vat": "tax", "gst": "tax", "hst": "tax", "sale": "sale",
    "province": "region", "state": "region", "town": "city",
    "narration": "memo", "narrative": "memo", "remark": "note", "comment": "note",
    "cheque": "check", "remit": "remittance", "remittance": "remittance",
    "canceled": "cancelled", "cancel": "cancelled", "void": "voided",
    "sku": "item", "article": "item", "product": "item", "material": "item",
    "uuid": "guid", "identifier": "id", "ident": "id",
    "cost": "cost", "centre": "center", "incl": "inclusive", "excl": "exclusive",
    "timestamp": "time", "datetime": "date time",
}

STOPWORDS: frozenset[str] = frozenset(
    "the of a an in on for to and or be this that with by as at it its from which when if only"
    " see eg ie max length e g are will can must should not may you your we our has been was"
    " there their any all per into than then so such other also".split()
)

GENERIC_LEAVES: frozenset[str] = frozenset({"id", "value", "key", "reference", "code", "refname"})

REFERENCE_MARKERS: frozenset[str] = frozenset({"id", "reference", "key", "guid", "value"})
"""Trailing words that make a field a pointer to another record (`VendorRef`, `customer_id`)."""
"""Leaf names that say little alone: `entity.id`, `AccountRef.value` take the parent's name."""

NULL_CUES: frozenset[str] = frozenset(
    """url link attachment validation warning error message etag guid form branding theme
    logical system authorization group search term print fax user fiscal period subsidiary
    organization division channel category grouping sort indicator flag blocked block language
    counter version sync token created internal person first middle birth gender title
    academic nationality marital sales distribution plant storage weight volume unit shipping
    incoterm incoterms pricing condition dunning rebate statistics statistical controlling
    segment profit area functional fund grant network activity commitment earmarked
    budget region_key reporting intrastat cis alternative additional free defined""".split()
)
"""Words that mark internal metadata, workflow flags and organisational keys (mostly unmappable)."""

SECONDARY_CURRENCY: frozenset[str] = frozenset(
    "company global functional base local home primary group statistics freely"
    " free hard index bank".split()
)
"""Qualifiers of an amount in another currency than the document's (`AmountInCompanyCodeCurrency`)."""

LIST_KINDS: dict[str, frozenset[str]] = {
    "line": frozenset({"line", "item", "expense", "detail", "row", "entry", "split", "gl",
                       "general", "ledger", "distribution"}),
    "address": frozenset({"address", "location", "addressbook"}),
    "bank": frozenset({"bank", "banking"}),
    "allocation": frozenset({"apply", "allocation", "application", "applied", "payment",
                             "settlement", "clearing", "invoice"}),
    "tax": frozenset({"tax", "withholding"}),
}
"""Words that name what a list holds; the canonical list it can map to has the same kind."""

_PARTY: dict[str, list[str]] = {
    "remote_id": ["id", "internal id", "record id", "guid", "key", "supplier id", "customer id",
                  "contact id", "partner", "partner number", "account id", "supplier number"],
    "remote_updated_at": ["updated date", "last updated", "updated at", "last updated date time",
                          "updated date utc", "updated on", "date last updated", "updated time"],
    "remote_deleted": ["deleted", "is deleted", "deletion indicator", "marked for deletion",
                       "is marked for archiving", "archived", "deletion flag"],
    "name": ["name", "company name", "supplier name", "customer name", "full name",
             "display name", "partner full name", "organization name", "trading name"],
    "legal_name": ["legal name", "registered name", "legal entity name", "company legal name"],
    "status": ["status", "contact status", "is inactive", "inactive", "active", "is active"],
    "tax_number": ["tax number", "tax id", "tax registration", "tax registration number",
                   "tax id number", "tax identification number", "partner tax number"],
    "company_number": ["company number", "company registration number", "registration number",
                       "business registration number", "chamber of commerce number"],
    "email": ["email", "email address", "primary email"],
    "phone": ["phone", "phone number", "main phone", "primary phone"],
    "website": ["website", "website address", "url", "website url"],
    "currency": ["currency", "default currency", "currency code", "primary currency"],
    "payment_terms_days": ["payment term day", "net day", "day net", "term day", "due day",
                           "net payment day", "payment day", "invoice day"],
    "addresses[].kind": ["address type", "address kind", "address usage", "type"],
    "addresses[].line1": ["address line 1", "address 1", "street", "street name",
                          "street address", "line 1"],
    "addresses[].line2": ["address line 2", "address 2", "line 2", "street 2"],
    "addresses[].city": ["city", "city name", "locality"],
    "addresses[].region": ["region", "region code", "subdivision"],
    "addresses[].postal_code": ["postal code", "postal"],
    "addresses[].country": ["country", "country code", "country key", "country id"],
    "bank_accounts[].account_name": ["account holder", "account holder name",
                                     "bank account holder name", "holder name",
                                     "beneficiary name"],
    "bank_accounts[].iban": ["iban", "international bank account number"],
    "bank_accounts[].bic": ["bic", "swift", "swift code", "swift bic"],
    "bank_accounts[].account_number": ["bank account number", "account number", "bank account",
                                       "bank account detail"],
    "bank_accounts[].routing_number": ["routing number", "bank number", "sort code", "bsb",
                                       "aba", "bank code", "bank key", "clearing number"],
    "bank_accounts[].bank_country": ["bank country", "bank country key", "bank country code"],
    "bank_accounts[].currency": ["bank account currency", "account currency"],
}

_INVOICE_LINE: dict[str, list[str]] = {
    "lines[].line_number": ["line number", "line", "item number", "position", "line item",
                            "line sequence", "item"],
    "lines[].description": ["description", "line description", "item text", "line text",
                            "line memo", "memo", "text"],
    "lines[].quantity": ["quantity", "invoiced quantity", "invoice quantity", "unit count"],
    "lines[].unit_price": ["unit price", "unit amount", "rate", "price", "unit cost",
                           "price per unit"],
    "lines[].discount_percent": ["discount rate", "discount percent", "discount"],
    "lines[].net_amount": ["line amount", "amount", "net amount", "line total", "item amount",
                           "extended amount", "line extension amount", "line net amount"],
    "lines[].tax_code": ["tax code", "tax type", "tax rate code", "sales tax code",
                         "tax sale purchase code"],
    "lines[].tax_amount": ["tax amount", "tax", "line tax", "tax 1 amount"],
    "lines[].account_code": ["account code", "account", "general ledger account",
                             "expense account", "revenue account", "ledger account",
                             "account number"],
    "lines[].item_code": ["item code", "item id", "catalog number", "item reference"],
    "lines[].dimensions.cost_center": ["cost center"],
    "lines[].dimensions.project": ["project", "wbs element", "wbs", "job", "project code"],
    "lines[].dimensions.department": ["department"],
    "lines[].dimensions.location": ["location", "branch"],
}

_ALIASES_BY_OBJECT: dict[str, dict[str, list[str]]] = {
    "supplier": {**_PARTY, "default_account_code": [
        "default expense account", "expense account", "purchase default account code",
        "purchase account", "default account"]},
    "customer": {**_PARTY, "default_account_code": [
        "default revenue account", "income account", "sale default account code",
        "revenue account", "sale account", "default account"]},
    "invoice": {
        "remote_id": ["id", "internal id", "invoice id", "record id", "guid", "document id",
                      "credit note id"],
        "remote_updated_at": _PARTY["remote_updated_at"],
        "remote_deleted": ["deleted", "is deleted", "is cancelled", "cancelled", "voided",
                           "is voided", "deletion indicator", "document is cancelled"],
        "direction": ["invoice type", "type", "direction", "payable receivable"],
        "document_type": ["document type", "is credit memo", "credit memo", "credit note",
                          "invoice document type", "invoice kind"],
        "number": ["invoice number", "document number", "number", "invoice id by party",
                   "supplier invoice id", "credit note number", "transaction id",
                   "reference number"],
        "reference": ["reference", "reference document number", "document reference id",
                      "your reference", "reference id"],
        "purchase_order_number": ["purchase order number", "purchase order", "customer purchase order",
                                  "purchase order by customer", "order number"],
        "party_id": ["supplier", "customer", "contact", "entity", "party", "invoicing party",
                     "payer", "payer party", "supplier id", "customer id", "contact id",
                     "entity id", "partner"],
        "issue_date": ["invoice date", "date", "issue date", "document date", "transaction date",
                       "date issued", "invoice document date"],
        "due_date": ["due date", "payment due date", "net due date", "date due"],
        "currency": ["currency", "currency code", "document currency", "transaction currency"],
        "exchange_rate": ["exchange rate", "currency rate", "rate", "accounting exchange rate",
                          "direct quoted exchange rate", "conversion rate"],
        "status": ["status", "invoice status", "document status", "invoice document status"],
        "tax_mode": ["line amount type", "amount type", "tax mode", "amount include tax",
                     "tax inclusive", "price include tax", "tax treatment"],
        "memo": ["memo", "note", "header text", "document header text", "private note",
                 "comment", "description"],
        "subtotal": ["subtotal", "sub total", "net total", "total net amount",
                     "total excluding tax", "net amount", "amount before tax"],
        "tax_total": ["total tax", "tax total", "tax amount", "tax"],
        "total": ["total", "total amount", "gross amount", "invoice gross amount",
                  "total gross amount", "grand total", "invoice total", "invoice amount"],
        "amount_paid": ["amount paid", "paid amount", "total paid", "paid"],
        "amount_due": ["amount due", "balance due", "amount remaining", "remaining amount",
                       "balance", "open amount", "outstanding amount", "remaining credit",
                       "amount outstanding"],
        **_INVOICE_LINE,
    },
    "payment": {
        "remote_id": ["id", "internal id", "payment id", "record id", "guid",
                      "batch payment id", "document number", "payment document"],
        "remote_updated_at": _PARTY["remote_updated_at"],
        "remote_deleted": ["deleted", "is deleted", "voided", "is voided", "is reversed"],
        "direction": ["payment type", "type", "direction"],
        "party_id": ["supplier", "customer", "contact", "entity", "payer", "party",
                     "supplier id", "customer id", "entity id"],
        "payment_date": ["payment date", "date", "transaction date", "posting date", "paid date",
                         "paid on"],
        "amount": ["amount", "payment amount", "total amount", "payment", "total",
                   "amount paid"],
        "currency": ["currency", "currency code", "transaction currency", "payment currency"],
        "method": ["payment method", "method", "payment mean", "payment instrument"],
        "end_to_end_id": ["end to end id", "payment reference", "end to end reference",
                          "detail", "payment detail"],
        "bank_reference": ["bank reference", "check number", "bank transaction reference",
                           "bank transaction id"],
        "bank_account_code": ["bank account", "account", "account code", "bank account code",
                              "code", "bank general ledger account", "deposit account"],
        "status": ["status", "payment status"],
        "status_reason": ["status reason", "reject reason", "return reason", "return code"],
        "remittance.invoice_numbers[]": ["invoice numbers", "remittance invoice"],
        "remittance.text": ["remittance", "remittance text", "memo", "reference", "note",
                            "remittance information", "item text", "description"],
        "allocations[].invoice_id": ["invoice id", "invoice", "document", "document id",
                                     "invoice reference", "applied to", "bill id"],
        "allocations[].invoice_number": ["invoice number", "reference number",
                                         "document number", "invoice reference number"],
        "allocations[].amount": ["amount", "applied amount", "payment amount",
                                 "amount applied", "allocated amount"],
        "allocations[].discount_amount": ["discount", "discount taken", "discount amount",
                                          "cash discount amount", "discount applied"],
        "allocations[].short_pay_reason": ["short pay reason", "short payment reason"],
    },
    "journal_entry": {
        "remote_id": ["id", "internal id", "journal id", "record id", "guid",
                      "journal entry id"],
        "remote_updated_at": _PARTY["remote_updated_at"],
        "remote_deleted": ["deleted", "is deleted", "voided", "is reversed"],
        "number": ["journal number", "entry number", "document number", "journal entry",
                   "accounting document", "number", "transaction id", "journal entry number"],
        "reference": ["reference", "document reference id", "reference number",
                      "reference document number"],
        "posting_date": ["posting date", "date", "journal date", "transaction date",
                         "general ledger date", "entry date", "posted date"],
        "currency": ["currency", "currency code", "transaction currency"],
        "memo": ["memo", "note", "header text", "document header text", "description"],
        "status": ["status", "journal status", "posting status"],
        "lines[].account_code": ["account", "account code", "general ledger account",
                                 "ledger account", "account number"],
        "lines[].description": ["description", "memo", "line memo", "item text", "line text",
                                "line description", "text"],
        "lines[].debit": ["debit", "debit amount", "debit amount transaction currency"],
        "lines[].credit": ["credit", "credit amount", "credit amount transaction currency"],
        "lines[].tax_code": ["tax code", "tax type", "tax rate code"],
        "lines[].dimensions.cost_center": ["cost center"],
        "lines[].dimensions.project": ["project", "wbs element", "wbs", "job"],
        "lines[].dimensions.department": ["department"],
        "lines[].dimensions.location": ["location", "branch"],
        "lines[].party_id": ["entity", "partner", "contact", "name", "party"],
    },
    "account": {
        "remote_id": ["id", "account id", "internal id", "guid"],
        "remote_updated_at": _PARTY["remote_updated_at"],
        "code": ["code", "account code", "account number", "general ledger account", "number"],
        "name": ["name", "account name", "description"],
        "type": ["class", "account class", "account type", "type", "category"],
        "currency": ["currency", "currency code", "account currency"],
        "status": ["status", "inactive", "is inactive", "active"],
    },
    "tax_rate": {
        "remote_id": ["id", "internal id", "guid"],
        "remote_updated_at": _PARTY["remote_updated_at"],
        "code": ["code", "tax code", "tax type"],
        "name": ["name", "tax rate name", "description"],
        "rate_percent": ["rate", "effective rate", "tax rate", "percent", "rate percent"],
        "status": ["status", "inactive", "active"],
    },
    "dimension": {
        "remote_id": ["id", "internal id", "guid"],
        "remote_updated_at": _PARTY["remote_updated_at"],
        "kind": ["kind", "dimension type", "category", "tracking category"],
        "code": ["code", "value code", "option id"],
        "name": ["name", "option", "value name"],
        "status": ["status", "inactive", "active"],
    },
}


def aliases(object_name: str, path: str) -> list[str]:
    """Phrases that name canonical `path` (with object prefix) in accounting systems."""
    rel = path.split(".", 1)[1] if "." in path else path
    return _ALIASES_BY_OBJECT.get(object_name, {}).get(rel, [])
