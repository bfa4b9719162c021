"""The `netsuite_sandbox` fixture: a seeded NetSuite sandbox on loopback, with M2M keys.

Import the fixture into a test module (`from tests.contract.netsuite_fixtures import
netsuite_sandbox`); configure it per test with indirect parametrisation (any
`NetSuiteSandboxConfig` field): `@pytest.mark.parametrize("netsuite_sandbox", [{"records": 40}],
indirect=True)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette

from connectors.netsuite.sandbox import JwtCertificate, NetSuiteSandboxConfig, NetSuiteStore
from connectors.netsuite.sandbox import create_app as create_netsuite_app
from connectors.sandbox import ServerHandle, run_in_thread

NS_DEFAULTS: dict[str, Any] = {
    "seed": 7,
    "records": 200,
    "account_id": "1234567_SB1",
    "client_id": "contract-consumer-key",
    "client_secret": "contract-consumer-secret",
    "token_id": "contract-token-id",
    "token_secret": "contract-token-secret",
}


@dataclass(frozen=True)
class KeyPair:
    """A private key (PEM) and the certificate id the sandbox knows its public half by."""

    kid: str
    private_pem: str
    certificate_pem: str
    alg: str


def _certificate(private: Any, name: str) -> str:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(private, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _private_pem(private: Any) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@cache
def rsa_key() -> KeyPair:
    """An RSA 3072 key with an X.509 certificate (PS256, as NetSuite recommends)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return KeyPair("cert-rsa-1", _private_pem(private), _certificate(private, "rsa"), "PS256")


@cache
def ec_key() -> KeyPair:
    """An EC P-256 key whose public half the sandbox gets as a bare PEM public key (ES256)."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return KeyPair("cert-ec-1", _private_pem(private), public, "ES256")


@dataclass
class NetSuiteSandbox:
    """A running NetSuite sandbox and what a test needs to talk to it."""

    server: ServerHandle
    app: Starlette
    config: NetSuiteSandboxConfig
    keys: tuple[KeyPair, ...] = field(default=())

    @property
    def url(self) -> str:
        """The origin of every endpoint."""
        return self.server.url

    @property
    def rest_url(self) -> str:
        """`…/services/rest`."""
        return f"{self.server.url}/services/rest"

    @property
    def token_url(self) -> str:
        """The OAuth 2.0 token endpoint."""
        return f"{self.server.url}/services/rest/auth/oauth2/v1/token"

    @property
    def store(self) -> NetSuiteStore:
        """The sandbox's data."""
        store: NetSuiteStore = self.app.state.sandbox
        return store


def start_netsuite_sandbox(**overrides: Any) -> NetSuiteSandbox:
    """Start a sandbox with the contract defaults, both test keys registered."""
    keys = (rsa_key(), ec_key())
    config = NetSuiteSandboxConfig(
        **{
            **NS_DEFAULTS,
            "certificates": tuple(JwtCertificate(kid=k.kid, pem=k.certificate_pem) for k in keys),
            **overrides,
        }
    )
    app = create_netsuite_app(config)
    return NetSuiteSandbox(run_in_thread(app), app, config, keys)


@pytest.fixture
def netsuite_sandbox(request: pytest.FixtureRequest) -> Iterator[NetSuiteSandbox]:
    """A seeded NetSuite sandbox on a free loopback port."""
    sandbox = start_netsuite_sandbox(**getattr(request, "param", {}))
    try:
        yield sandbox
    finally:
        sandbox.server.stop()
