"""The record types the NetSuite sandbox knows, with their SuiteQL names and sublists."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "TRANSACTION_TYPES", "RecordKind", "kind_of"]


@dataclass(frozen=True)
class RecordKind:
    """One record type: REST name, SuiteQL table, transaction type code, sublists."""

    name: str  # REST record type, e.g. "vendorBill"
    table: str  # SuiteQL table the record's rows live in
    tran_type: str | None = None  # transaction.type, e.g. "VendBill"
    sublists: tuple[str, ...] = ()
    entity_kind: str | None = None  # record type of `entity` references
    writable: bool = True

    @property
    def is_transaction(self) -> bool:
        """True for records in the transaction table."""
        return self.tran_type is not None

    @property
    def deleted_type(self) -> str:
        """The `deletedrecord.type` value of this record type."""
        return self.name.lower()


_KINDS = (
    RecordKind("vendor", "vendor"),
    RecordKind("customer", "customer"),
    RecordKind("vendorBill", "transaction", "VendBill", ("expense", "item"), "vendor"),
    RecordKind("vendorCredit", "transaction", "VendCred", ("expense", "item"), "vendor"),
    RecordKind("invoice", "transaction", "CustInvc", ("item",), "customer"),
    RecordKind("creditMemo", "transaction", "CustCred", ("item",), "customer"),
    RecordKind("vendorPayment", "transaction", "VendPymt", ("apply",), "vendor"),
    RecordKind("customerPayment", "transaction", "CustPymt", ("apply",), "customer"),
    RecordKind("journalEntry", "transaction", "Journal", ("line",)),
    RecordKind("account", "account"),
    RecordKind("subsidiary", "subsidiary", writable=False),
    RecordKind("currency", "currency", writable=False),
    RecordKind("department", "department"),
    RecordKind("classification", "classification"),
    RecordKind("location", "location"),
    RecordKind("inventoryItem", "item"),
)
KINDS: dict[str, RecordKind] = {kind.name.lower(): kind for kind in _KINDS}
TRANSACTION_TYPES: dict[str, RecordKind] = {
    kind.tran_type: kind for kind in _KINDS if kind.tran_type is not None
}


def kind_of(name: str) -> RecordKind | None:
    """The record kind for a REST record type name (any case)."""
    return KINDS.get(name.lower())
