"""Configuration of the Xero sandbox."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from connectors.sandbox.faults import FaultConfig
from connectors.sandbox.limiter import RateLimits

__all__ = ["XeroLimits", "XeroSandboxConfig"]


class XeroLimits(RateLimits):
    """Xero's budgets: per tenant 60 calls a minute, 5 in flight, 5,000 a day; 10,000 a minute
    per app."""

    per_window: int | None = Field(60, ge=1, description="calls per tenant per minute")
    per_day: int | None = Field(5000, ge=1, description="calls per tenant per day")
    concurrent: int | None = Field(5, ge=1, description="calls of one tenant in flight")
    app_per_window: int | None = Field(10_000, ge=1, description="calls per minute, all tenants")


class XeroSandboxConfig(BaseModel):
    """Everything `create_app` needs; the defaults are Xero's own limits and lifetimes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(1, description="same seed, same data")
    records: int = Field(200, ge=0, le=1_000_000, description="invoices + bills to seed")
    client_id: str = Field("sandbox-client", min_length=1)
    client_secret: SecretStr = Field(SecretStr("sandbox-secret"))
    redirect_uris: tuple[str, ...] = Field((), description="allowed redirect URIs; empty: any")
    scope: str = Field(
        "accounting.transactions accounting.contacts accounting.settings",
        description="scope granted to client-credentials tokens",
    )
    no_limits: bool = Field(
        False, description="never refuse a call for its budget (limit headers are still sent)"
    )
    token_ttl: float = Field(1800.0, gt=0, description="access token lifetime, seconds")
    refresh_grace: float = Field(1800.0, ge=0, description="old refresh token grace, seconds")
    limits: XeroLimits = Field(default_factory=XeroLimits)
    faults: FaultConfig = Field(default_factory=FaultConfig)
    provider_name: str = Field("Ledgerhub Sandbox", description="ProviderName in envelopes")
    organisation_name: str = Field("Ledgerhub Demo Company (GB)")

    @field_validator("limits", mode="before")
    @classmethod
    def _xero_budgets_where_unset(cls, value: Any) -> Any:
        """Kit `RateLimits` keep Xero's budgets for the fields they leave out."""
        if isinstance(value, RateLimits) and not isinstance(value, XeroLimits):
            return value.model_dump(exclude_unset=True)
        return value
