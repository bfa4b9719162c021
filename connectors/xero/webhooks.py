"""Xero's own webhooks: signature check and what each notice asks the hub to sync.

Xero signs the raw body with HMAC-SHA256 keyed on the app's webhook key (the key's text as
bytes) and sends the base64 digest in `x-xero-signature`. A receiver answers 200 with an empty
body when it matches and 401 when it does not; Xero's "intent to receive" check sends both
kinds and expects exactly that. A notice names the organisation (`tenantId`) and the kind of
record (`eventCategory`); the record itself is read by an incremental sync of its resource.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from canonical import jsonio

SIGNATURE_HEADER = "x-xero-signature"
RESOURCES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "INVOICE": ("invoices",),
    "CONTACT": ("contacts",),
    "CREDITNOTE": ("credit_notes",),
}
"""Xero's event categories and the resources whose incremental sync picks the change up."""


def signature(webhook_key: str, body: bytes) -> str:
    """The `x-xero-signature` Xero sends for this body."""
    digest = hmac.new(webhook_key.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(webhook_key: str, body: bytes, header: str | None) -> bool:
    """True when the header is Xero's signature of exactly this body."""
    return bool(header) and hmac.compare_digest(signature(webhook_key, body), str(header))


def resources_to_sync(body: bytes, tenant_id: str | None) -> set[str]:
    """The resources the notice's events concern, for the organisation `tenant_id` only."""
    try:
        payload: Any = jsonio.loads(body)
    except ValueError:
        return set()
    events = payload.get("events") if isinstance(payload, dict) else None
    found: set[str] = set()
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict):
            continue
        if tenant_id is not None and event.get("tenantId") != tenant_id:
            continue
        found.update(RESOURCES_BY_CATEGORY.get(str(event.get("eventCategory")), ()))
    return found
