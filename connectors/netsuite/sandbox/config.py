"""Configuration of the NetSuite sandbox."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from connectors.sandbox.faults import FaultConfig

__all__ = ["JwtCertificate", "NetSuiteSandboxConfig"]


class JwtCertificate(BaseModel):
    """One M2M certificate: its id (the JWT `kid`) and its PEM (X.509 or a bare public key)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kid: str = Field(min_length=1)
    pem: str = Field(min_length=1, repr=False)


class NetSuiteSandboxConfig(BaseModel):
    """Everything `create_app` needs; the defaults behave like a sandbox account in California."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = Field(1, description="same seed, same data")
    records: int = Field(200, ge=0, le=1_000_000, description="documents to seed")
    account_id: str = Field("1234567_SB1", pattern=r"^[0-9A-Za-z_]+$", description="TBA realm")
    client_id: str = Field("sandbox-client", min_length=1, description="consumer key, JWT iss")
    client_secret: SecretStr = Field(SecretStr("sandbox-secret"), description="consumer secret")
    token_id: str = Field("sandbox-token", min_length=1, description="the TBA access token")
    token_secret: SecretStr = Field(SecretStr("sandbox-token-secret"))
    certificates: tuple[JwtCertificate, ...] = Field((), description="M2M public keys by kid")
    redirect_uris: tuple[str, ...] = Field((), description="allowed redirect URIs; empty: any")
    time_zone: str = Field("America/Los_Angeles", description="the account's time zone")
    concurrency: int = Field(5, ge=1, description="requests in flight per account")
    no_limits: bool = Field(False, description="no concurrency limit")
    token_ttl: float = Field(3600.0, gt=0, description="OAuth 2.0 access token lifetime, seconds")
    timestamp_skew: float = Field(300.0, gt=0, description="TBA oauth_timestamp tolerance, s")
    result_cap: int = Field(
        100_000, ge=1, description="most rows one SuiteQL query returns (NetSuite: 100,000)"
    )
    faults: FaultConfig = Field(default_factory=FaultConfig)

    @property
    def host_slug(self) -> str:
        """The account id as NetSuite writes it in host names (`1234567_SB1` -> `1234567-sb1`)."""
        return self.account_id.lower().replace("_", "-")
