"""The store's JSON keeps U+0000 exactly, also for a document encoded earlier (jsonio.Encoded)."""

from __future__ import annotations

from decimal import Decimal

from canonical.jsonio import Encoded
from hub.store import nul


def test_nul_is_sealed_and_restored_exactly() -> None:
    doc = {"name": "Acme\x00 Ltd", "k\x00": ["a\x00b", "%25", "\ufdd0"], "amount": Decimal("1.10")}
    text = nul.dumps(doc)
    assert "\\u0000" not in text
    assert nul.loads(text) == doc


def test_a_document_encoded_once_for_its_row_and_event_is_sealed_too() -> None:
    doc = {"name": "Acme\x00 Ltd", "amount": Decimal("2.50")}
    text = nul.dumps(Encoded(doc))
    assert "\\u0000" not in text
    assert nul.loads(text) == doc
    plain = {"name": "Acme Ltd"}
    assert nul.dumps(Encoded(plain)) == Encoded(plain).text  # the common case is not re-encoded
