"""The live state of one Xero sandbox: the seeded store, the tenant, and test controls.

Tests reach it as `app.state.sandbox` (an `XeroSandboxState`): `make_changes`, `counts`,
`reset`, `store`. Every mutation runs under `lock`, because the test thread and the server's
event loop thread share it.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.sandbox.seeding import Fake
from connectors.sandbox.store import Record
from connectors.xero.sandbox.catalog import ALIASES, XeroStore
from connectors.xero.sandbox.config import XeroSandboxConfig
from connectors.xero.sandbox.factory import DocumentFactory
from connectors.xero.sandbox.seed import seed_store
from connectors.xero.sandbox.shapes import ZERO, apply_payment, q2, unapply_payment

__all__ = ["ChangeResult", "XeroSandboxState"]

ChangeResult = dict[str, list[str]]
_CHANGEABLE = ("contacts", "invoices", "credit_notes", "payments", "manual_journals")


class XeroSandboxState:
    """Data and controls of one sandbox organisation."""

    def __init__(self, config: XeroSandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        ids = Fake(config.seed, "tenant")
        self.tenant_id = ids.uuid()
        self.connection_id = ids.uuid()
        self.auth_event_id = ids.uuid()
        self._last_now = datetime(2000, 1, 1, tzinfo=UTC)
        self.store: XeroStore
        self.factory: DocumentFactory
        self._changes = 0
        self.reset()

    def reset(self) -> None:
        """Back to the seeded data."""
        with self.lock:
            self.store = seed_store(self.config)
            self.factory = DocumentFactory(self.store)
            self._changes = 0

    def now(self) -> datetime:
        """The current UTC time in milliseconds, strictly increasing across calls."""
        with self.lock:
            moment = datetime.now(UTC)
            moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
            if moment <= self._last_now:
                moment = self._last_now + timedelta(milliseconds=1)
            self._last_now = moment
            return moment

    @property
    def organisation_name(self) -> str:
        """The organisation's name, as in /connections."""
        return self.config.organisation_name

    # -- counts --------------------------------------------------------------------------
    def counts(self) -> dict[str, Any]:
        """Records per collection, with breakdowns by Type and Status where Xero has them."""
        result: dict[str, Any] = {}
        with self.lock:
            for name, collection in self.store.collections.items():
                docs = [r.doc for r in collection.records.values()]
                entry: dict[str, Any] = {"total": len(docs)}
                for field in ("Type", "Status", "ContactStatus", "PaymentType"):
                    values = Counter(str(d[field]) for d in docs if field in d)
                    if values:
                        entry[f"by_{_snake(field)}"] = dict(sorted(values.items()))
                result[name] = entry
        return result

    # -- changes -------------------------------------------------------------------------
    def make_changes(
        self, obj: str, *, update: int = 0, delete: int = 0, create: int = 0
    ) -> ChangeResult:
        """Update, delete (void/archive) and create records of one kind, deterministically.

        Returns `{"updated": [ids], "deleted": [ids], "created": [ids]}`; every touched record
        gets UpdatedDateUTC = now. Raises ValueError for kinds that cannot be changed.
        """
        name = ALIASES.get(obj.lower().replace("-", "_"), obj)
        if name not in _CHANGEABLE:
            raise ValueError(f"cannot change {obj!r}; one of: {', '.join(_CHANGEABLE)}")
        with self.lock:
            self._changes += 1
            fake = Fake(self.config.seed, f"changes:{self._changes}:{name}")
            return {
                "updated": self._update(name, fake, update),
                "deleted": self._delete(name, fake, delete),
                "created": self._create(name, fake, create),
            }

    def _pick(self, name: str, fake: Fake, count: int, eligible: Any) -> list[Record]:
        rows = [r for r in self.store[name].records.values() if eligible(r.doc)]
        if count >= len(rows):
            return rows
        return fake.rng.sample(rows, count)

    def _update(self, name: str, fake: Fake, count: int) -> list[str]:
        collection = self.store[name]
        live = {
            "contacts": lambda d: d["ContactStatus"] == "ACTIVE",
            "payments": lambda d: d["Status"] == "AUTHORISED",
            "manual_journals": lambda d: d["Status"] in ("DRAFT", "POSTED"),
        }.get(name, lambda d: d["Status"] not in ("DELETED", "VOIDED"))
        touched = []
        for record in self._pick(name, fake, count, live):
            if name == "contacts":
                record.doc["EmailAddress"] = fake.email(f"accounts {fake.integer(1, 9999)}")
            elif name == "manual_journals":
                record.doc["Narration"] = f"{record.doc['Narration'].split(' (')[0]} (revised)"
            else:
                record.doc["Reference"] = f"REF-{fake.integer(10000, 99999)}"
            collection.touch(record, self.now())
            touched.append(record.id)
        return touched

    def _delete(self, name: str, fake: Fake, count: int) -> list[str]:
        collection = self.store[name]
        touched = []
        if name == "contacts":
            for record in self._pick(name, fake, count, lambda d: d["ContactStatus"] == "ACTIVE"):
                record.doc["ContactStatus"] = "ARCHIVED"
                collection.touch(record, self.now())
                touched.append(record.id)
            return touched
        if name == "payments":
            for record in self._pick(name, fake, count, lambda d: d["Status"] == "AUTHORISED"):
                self.delete_payment(record)
                touched.append(record.id)
            return touched

        def deletable(doc: dict[str, Any]) -> bool:
            if doc["Status"] in ("DRAFT", "SUBMITTED"):
                return True
            return doc["Status"] in ("AUTHORISED", "POSTED") and not doc.get("Payments")

        for record in self._pick(name, fake, count, deletable):
            doc = record.doc
            doc["Status"] = "DELETED" if doc["Status"] in ("DRAFT", "SUBMITTED") else "VOIDED"
            if name == "invoices":
                doc["AmountDue"] = ZERO
            elif name == "credit_notes":
                doc["RemainingCredit"] = ZERO
            collection.touch(record, self.now())
            touched.append(record.id)
        return touched

    def _create(self, name: str, fake: Fake, count: int) -> list[str]:
        store, factory, created = self.store, self.factory, []
        contacts = [r.doc for r in store["contacts"].records.values()]
        for index in range(count):
            today = self.now().date()
            if name == "contacts":
                doc = factory.new_contact(fake, role=("supplier", "customer")[index % 2])
            elif name in ("invoices", "credit_notes"):
                kinds = (
                    ("ACCPAY", "ACCREC") if name == "invoices" else ("ACCPAYCREDIT", "ACCRECCREDIT")
                )
                kind = kinds[index % 2]
                supplier = kind.startswith("ACCPAY")
                pool = [
                    c
                    for c in contacts
                    if c["ContactStatus"] == "ACTIVE"
                    and (c["IsSupplier"] if supplier else c["IsCustomer"])
                ] or contacts
                contact = fake.choice(pool)
                if name == "invoices":
                    doc = factory.new_invoice(fake, kind, contact, today, "AUTHORISED")
                else:
                    doc = factory.new_credit_note(fake, kind, contact, today, "AUTHORISED")
            elif name == "payments":
                due = [
                    r
                    for r in store["invoices"].records.values()
                    if r.doc["Status"] == "AUTHORISED" and r.doc["AmountDue"] > 0
                ]
                if not due:
                    break
                invoice = fake.choice(due)
                amount = (
                    invoice.doc["AmountDue"]
                    if fake.chance(0.5)
                    else q2(invoice.doc["AmountDue"] / 2)
                )
                doc = factory.new_payment(fake, invoice.doc, amount, today)
                self.record_payment(doc, invoice)
                created.append(doc["PaymentID"])
                continue
            else:
                doc = factory.new_journal(fake, today, "POSTED")
            store[name].put(doc, self.now())
            created.append(str(doc[store[name].spec.id_field]))
        return created

    # -- payments ------------------------------------------------------------------------
    def record_payment(self, payment: dict[str, Any], invoice: Record) -> None:
        """Store a new payment and allocate it to its invoice (both stamped now)."""
        moment = self.now()
        self.store["payments"].put(payment, moment)
        apply_payment(invoice.doc, payment)
        self.store["invoices"].touch(invoice, moment)

    def delete_payment(self, record: Record) -> None:
        """Mark a payment DELETED and give its amount back to the invoice."""
        moment = self.now()
        record.doc["Status"] = "DELETED"
        self.store["payments"].touch(record, moment)
        invoice = self.store["invoices"].get(record.doc["Invoice"]["InvoiceID"])
        if invoice is not None:
            unapply_payment(invoice.doc, record.doc)
            self.store["invoices"].touch(invoice, moment)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
