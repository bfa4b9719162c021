"""OAuth 2.0 for the NetSuite sandbox: client credentials with a JWT assertion (M2M), plus
authorization code and refresh token for interactive set-up.

The assertion is checked as NetSuite documents it: header `typ: JWT`, `alg` PS256/ES256 (RS256
for older accounts; the 384/512 variants too), `kid` = the id of an uploaded certificate; claims
`iss` = the integration's client id, `aud` = the token URL as addressed, `scope` containing
`rest_webservices` (a JSON array or a comma/space separated string), `iat` and `exp` at most an
hour apart. Errors are OAuth JSON (`{"error": "invalid_request", ...}`) with status 400.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.netsuite.sandbox.config import JwtCertificate
from connectors.sandbox.oauth import OAuthError, OAuthServer
from connectors.sandbox.oauth_http import basic_credentials

__all__ = ["ASSERTION_TYPE", "AssertionChecker", "load_public_key", "netsuite_token_endpoint"]

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "RS256", "RS384", "RS512")
MAX_LIFETIME = 3600
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def load_public_key(pem: str) -> RSAKey | ECKey:
    """A JWK from a PEM X.509 certificate or a bare PEM public key (RSA or EC)."""
    data = pem.encode()
    public: Any
    if b"BEGIN CERTIFICATE" in data:
        public = x509.load_pem_x509_certificate(data).public_key()
    else:
        public = load_pem_public_key(data)
    if isinstance(public, rsa.RSAPublicKey):
        return RSAKey.import_key(public)
    if isinstance(public, ec.EllipticCurvePublicKey):
        return ECKey.import_key(public)
    raise ValueError("the certificate's key must be RSA or EC")


def _scopes(value: object) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    if isinstance(value, str):
        return {s for s in re.split(r"[,\s]+", value) if s}
    return set()


class AssertionChecker:
    """Verifies M2M client assertions against the configured certificates."""

    def __init__(
        self,
        client_id: str,
        certificates: Iterable[JwtCertificate],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self._keys = {cert.kid: load_public_key(cert.pem) for cert in certificates}
        self._clock = clock
        self._lock = threading.Lock()
        self._used: dict[str, float] = {}

    def check(self, assertion: str, token_url: str) -> str:
        """The scope granted, or an `OAuthError` saying what is wrong with the assertion."""
        header = self._header(assertion)
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALGORITHMS:
            raise OAuthError("invalid_request", f"unsupported JWT algorithm {alg!r}")
        if header.get("typ", "JWT") != "JWT":
            raise OAuthError("invalid_request", "the JWT header typ must be JWT")
        key = self._keys.get(str(kid))
        if key is None:
            raise OAuthError("invalid_client", "no certificate with this kid")
        try:
            token = jwt.decode(assertion, key, algorithms=[str(alg)])
        except (JoseError, ValueError) as exc:
            raise OAuthError("invalid_client", "the JWT signature does not verify") from exc
        return self._claims(token.claims, token_url)

    @staticmethod
    def _header(assertion: str) -> dict[str, Any]:
        import base64
        import json

        try:
            part = assertion.split(".", maxsplit=1)[0]
            data = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (ValueError, IndexError) as exc:
            raise OAuthError("invalid_request", "client_assertion is not a JWT") from exc
        if not isinstance(data, dict):
            raise OAuthError("invalid_request", "client_assertion is not a JWT")
        return data

    def _claims(self, claims: dict[str, Any], token_url: str) -> str:
        now = self._clock()
        if claims.get("iss") != self.client_id:
            raise OAuthError("invalid_client", "iss is not this integration's client id")
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if token_url not in audiences:
            raise OAuthError("invalid_request", "aud must be the token endpoint URL")
        scopes = _scopes(claims.get("scope"))
        if "rest_webservices" not in scopes and "restlets" not in scopes:
            raise OAuthError("invalid_scope", "scope must include rest_webservices")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int | float) or not isinstance(exp, int | float):
            raise OAuthError("invalid_request", "iat and exp are required numbers")
        if exp - iat > MAX_LIFETIME:
            raise OAuthError("invalid_request", "exp may be at most 3600 seconds after iat")
        if exp <= now:
            raise OAuthError("invalid_grant", "the assertion has expired")
        if iat > now + 300:
            raise OAuthError("invalid_request", "iat lies in the future")
        return " ".join(sorted(scopes & {"rest_webservices", "restlets"}))


def netsuite_token_endpoint(
    oauth: OAuthServer, checker: AssertionChecker, base_url_of: Callable[[Request], str]
) -> Callable[[Request], Any]:
    """`POST /services/rest/auth/oauth2/v1/token`: M2M, authorization code and refresh."""

    async def token(request: Request) -> Response:
        raw = (await request.body()).decode("utf-8", errors="replace")
        fields = dict(parse_qsl(raw, keep_blank_values=True))
        try:
            body = _grant(oauth, checker, request, fields, base_url_of(request))
        except OAuthError as exc:
            error = {"error": exc.error}
            if exc.description:
                error["error_description"] = exc.description
            return JSONResponse(error, status_code=400, headers=_NO_STORE)
        # NetSuite's token endpoint writes expires_in as a string.
        body["expires_in"] = str(body["expires_in"])
        return JSONResponse(body, headers=_NO_STORE)

    return token


def _grant(
    oauth: OAuthServer,
    checker: AssertionChecker,
    request: Request,
    fields: dict[str, str],
    base_url: str,
) -> dict[str, object]:
    grant = fields.get("grant_type")
    if grant == "client_credentials":
        if fields.get("client_assertion_type") != ASSERTION_TYPE or not fields.get(
            "client_assertion"
        ):
            raise OAuthError("invalid_request", "client_assertion (jwt-bearer) is required")
        token_url = base_url + request.url.path
        scope = checker.check(fields["client_assertion"], token_url)
        return oauth.client_credentials(oauth.client(checker.client_id), scope)
    basic = basic_credentials(request.headers.get("authorization"))
    if basic is not None:
        client = oauth.authenticate(*basic)
    else:
        client = oauth.authenticate(fields.get("client_id"), fields.get("client_secret"))
    if grant == "authorization_code":
        return oauth.exchange_code(
            client, fields.get("code"), fields.get("redirect_uri"), fields.get("code_verifier")
        )
    if grant == "refresh_token":
        return oauth.refresh(client, fields.get("refresh_token"))
    raise OAuthError("unsupported_grant_type")
