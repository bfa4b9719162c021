"""Configuration of the SAP sandbox."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from connectors.sandbox.faults import FaultConfig
from connectors.sandbox.limiter import RateLimits

__all__ = ["SapSandboxConfig"]


def _default_limits() -> RateLimits:
    # SAP publishes no per-call budget for S/4HANA APIs; these are generous stand-ins so the
    # 429 path can still be exercised (tests tighten them, --no-limits removes them).
    return RateLimits(per_window=600, per_day=100_000, concurrent=10, app_per_window=100_000)


class SapSandboxConfig(BaseModel):
    """Everything `create_app` needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(1, description="same seed, same data")
    records: int = Field(200, ge=0, le=1_000_000, description="supplier invoices + billing docs")
    client_id: str = Field("sandbox-client", min_length=1, description="OAuth client / user")
    client_secret: SecretStr = Field(SecretStr("sandbox-secret"), description="secret / password")
    no_limits: bool = Field(False, description="switch the rate limiter off")
    token_ttl: float = Field(3600.0, gt=0, description="OAuth access token lifetime, seconds")
    limits: RateLimits = Field(default_factory=_default_limits)
    faults: FaultConfig = Field(default_factory=FaultConfig)
    server_page: int = Field(100, ge=1, description="rows per page when the client sends no $top")
    max_page: int = Field(5000, ge=1, description="most rows in one page, whatever $top says")
    sap_client: str = Field("100", description="the SAP client number (sap-client)")

    def page_size(self, top: int | None) -> int:
        """Rows served in one response for a request with this `$top`."""
        return self.server_page if top is None else max(1, min(top, self.max_page))
