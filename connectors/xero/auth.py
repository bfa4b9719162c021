"""Xero's OAuth 2.0 endpoints, scopes and limits.

Xero splits its hosts: login for the user's consent, identity for tokens, api for data and the
tenant list. A sandbox serves them all from one origin, under the same paths.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.oauth import OAuthEndpoints
from connectors.ratelimit import Budget, Window

PRODUCTION_API = "https://api.xero.com"
PRODUCTION_LOGIN = "https://login.xero.com"
PRODUCTION_IDENTITY = "https://identity.xero.com"

READ_SCOPES = (
    "accounting.contacts.read",
    "accounting.invoices.read",
    "accounting.payments.read",
    "accounting.manualjournals.read",
    "accounting.settings.read",
)
WRITE_SCOPES = (
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.manualjournals",
    "accounting.settings.read",
)
"""Granular scopes (required for apps created since 2 March 2026); `offline_access` adds refresh."""

DEFAULT_SCOPES = ("offline_access", *dict.fromkeys(WRITE_SCOPES))
"""What a connection asks for: writing (which includes reading) what the hub reads and writes,
and reading the settings (accounts, tax rates, tracking). Xero grants only what is asked."""

SCOPE_FAMILY = {
    "contacts": "contacts",
    "invoices": "invoices",
    "creditnotes": "invoices",
    "payments": "payments",
    "batchpayments": "payments",
    "manualjournals": "manualjournals",
    "accounts": "settings",
    "taxrates": "settings",
    "trackingcategories": "settings",
    "organisation": "settings",
    "currencies": "settings",
    "brandingthemes": "settings",
}
"""Accounting API collection (lower case) -> the scope family it needs."""
_BROAD = {"invoices": "transactions", "payments": "transactions", "manualjournals": "transactions"}


def scopes_allowing(method: str, collection: str) -> frozenset[str] | None:
    """The scopes any one of which lets a call through (None: no scope known for it).

    Reading takes the family's `.read` scope or its write scope; writing takes the write scope.
    The broad scopes of older apps (`accounting.transactions`, `accounting.contacts`,
    `accounting.settings`) count as well.
    """
    family = SCOPE_FAMILY.get(collection.lower())
    if family is None:
        return None
    names = {f"accounting.{family}", f"accounting.{_BROAD.get(family, family)}"}
    if method.upper() in {"GET", "HEAD"}:
        names |= {f"{name}.read" for name in names}
    return frozenset(names)


@dataclass(frozen=True)
class XeroEndpoints:
    """Where the API, the tenant list and the OAuth endpoints live."""

    api: str
    connections: str
    oauth: OAuthEndpoints

    @classmethod
    def for_base_url(cls, base_url: str) -> XeroEndpoints:
        """All endpoints on one origin (a sandbox), or Xero's own hosts for api.xero.com."""
        base = base_url.rstrip("/")
        if base == PRODUCTION_API:
            return cls(
                api=f"{PRODUCTION_API}/api.xro/2.0",
                connections=f"{PRODUCTION_API}/connections",
                oauth=OAuthEndpoints(
                    token_url=f"{PRODUCTION_IDENTITY}/connect/token",
                    authorize_url=f"{PRODUCTION_LOGIN}/identity/connect/authorize",
                ),
            )
        return cls(
            api=f"{base}/api.xro/2.0",
            connections=f"{base}/connections",
            oauth=OAuthEndpoints(
                token_url=f"{base}/connect/token",
                authorize_url=f"{base}/identity/connect/authorize",
            ),
        )


def xero_budget(
    per_minute: int = 60,
    per_day: int = 5000,
    concurrent: int = 5,
    app_per_minute: int = 10_000,
    window_seconds: float = 60.0,
) -> Budget:
    """Xero's per-tenant and per-app limits (scaled windows for sandboxes and benchmarks)."""
    return Budget(
        windows=(
            Window("minute", per_minute, window_seconds),
            Window("day", per_day, window_seconds * 24 * 60),
        ),
        concurrency=concurrent,
        app_windows=(Window("appminute", app_per_minute, window_seconds),),
    )
