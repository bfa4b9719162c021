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
