"""Token-based authentication (OAuth 1.0a, HMAC-SHA256) as NetSuite checks it on REST calls.

The signature base string follows RFC 5849 section 3.4.1: `METHOD&enc(base URI)&enc(params)`,
the base URI built from the `Host` the client addressed (lower-case, default port dropped),
the parameters every `oauth_*` header parameter except `realm` and `oauth_signature`, every
query parameter and, for form-encoded bodies only, the body's parameters, each percent-encoded
per RFC 3986 and sorted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, quote, unquote

__all__ = [
    "TbaCredentials",
    "TbaRefusal",
    "TbaVerifier",
    "base_string_uri",
    "parse_oauth_header",
    "sign_hmac_sha256",
    "signature_base_string",
]


def _enc(value: str) -> str:
    return quote(value, safe="~")


class TbaRefusal(StrEnum):
    """Why a TBA request was refused (NetSuite's Login Audit Trail names these)."""

    MISSING = "MissingTokenPassportRequiredFields"
    REALM = "InvalidAccount"
    CONSUMER = "consumer_key_unknown"
    TOKEN = "InvalidToken"  # noqa: S105 - a refusal reason, not a secret
    METHOD = "InvalidSignatureMethod"
    TIMESTAMP = "InvalidTimestamp"
    NONCE = "NonceUsed"
    NONCE_SHORT = "nonce_rejected"
    SIGNATURE = "InvalidSignature"


@dataclass(frozen=True)
class TbaCredentials:
    """The integration record's consumer key/secret and one access token."""

    account_id: str
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str = ""

    def __repr__(self) -> str:
        return f"TbaCredentials(account_id={self.account_id!r}, consumer_key=..., token_id=...)"


def parse_oauth_header(value: str) -> dict[str, str] | None:
    """`OAuth k="v", ...` as a dict of decoded values; None when it is not an OAuth header."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    params: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, raw = part.strip().partition("=")
        if not sep or not key:
            continue
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1]
        params[unquote(key)] = unquote(raw)
    return params


def base_string_uri(scheme: str, host: str, path: str) -> str:
    """`scheme://host[:port]/path`, lower-case authority, default port dropped."""
    scheme = scheme.lower()
    host = host.lower()
    name, sep, port = host.rpartition(":")
    if sep and port.isdigit() and (scheme, port) in {("http", "80"), ("https", "443")}:
        host = name
    return f"{scheme}://{host}{path or '/'}"


def signature_base_string(
    method: str, uri: str, oauth_params: dict[str, str], query: str, form_body: str = ""
) -> str:
    """RFC 5849 3.4.1: the string that gets signed."""
    pairs: list[tuple[str, str]] = [
        (k, v) for k, v in oauth_params.items() if k not in {"realm", "oauth_signature"}
    ]
    pairs.extend(parse_qsl(query, keep_blank_values=True))
    if form_body:
        pairs.extend(parse_qsl(form_body, keep_blank_values=True))
    encoded = sorted((_enc(k), _enc(v)) for k, v in pairs)
    normalized = "&".join(f"{k}={v}" for k, v in encoded)
    return "&".join((method.upper(), _enc(uri), _enc(normalized)))


def sign_hmac_sha256(base_string: str, consumer_secret: str, token_secret: str) -> str:
    """Base64 HMAC-SHA256 of the base string, keyed `enc(consumer secret)&enc(token secret)`."""
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    digest = hmac.new(key, base_string.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


_REQUIRED = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
)


class TbaVerifier:
    """Checks TBA headers: account, consumer, token, timestamp window, fresh nonce, signature."""

    def __init__(
        self,
        credentials: Iterable[TbaCredentials],
        *,
        skew: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._by_token = {(c.consumer_key, c.token_id): c for c in credentials}
        self._consumers = {c.consumer_key for c in self._by_token.values()}
        self._accounts = {c.account_id.upper() for c in self._by_token.values()}
        self._skew = skew
        self._clock = clock
        self._lock = threading.Lock()
        self._nonces: dict[tuple[str, str], float] = {}

    def verify(
        self,
        params: dict[str, str],
        *,
        method: str,
        uri: str,
        query: str,
        form_body: str = "",
    ) -> tuple[TbaCredentials | None, TbaRefusal | None]:
        """The credentials the request was signed with, or why it is refused."""
        if any(not params.get(name) for name in _REQUIRED):
            return None, TbaRefusal.MISSING
        if params.get("realm", "").upper() not in self._accounts:
            return None, TbaRefusal.REALM
        if params["oauth_consumer_key"] not in self._consumers:
            return None, TbaRefusal.CONSUMER
        creds = self._by_token.get((params["oauth_consumer_key"], params["oauth_token"]))
        if creds is None or creds.account_id.upper() != params["realm"].upper():
            return None, TbaRefusal.TOKEN
        if params["oauth_signature_method"] != "HMAC-SHA256":
            return None, TbaRefusal.METHOD
        if params.get("oauth_version", "1.0") != "1.0":
            return None, TbaRefusal.MISSING
        try:
            stamp = int(params["oauth_timestamp"])
        except ValueError:
            return None, TbaRefusal.TIMESTAMP
        now = self._clock()
        if abs(now - stamp) > self._skew:
            return None, TbaRefusal.TIMESTAMP
        if len(params["oauth_nonce"]) < 6:
            return None, TbaRefusal.NONCE_SHORT
        base = signature_base_string(method, uri, params, query, form_body)
        expected = sign_hmac_sha256(base, creds.consumer_secret, creds.token_secret)
        if not hmac.compare_digest(expected, params["oauth_signature"]):
            return None, TbaRefusal.SIGNATURE
        key = (creds.token_id, params["oauth_nonce"])
        with self._lock:
            self._forget_old(now)
            if key in self._nonces:
                return None, TbaRefusal.NONCE
            self._nonces[key] = now
        return creds, None

    def _forget_old(self, now: float) -> None:
        if len(self._nonces) < 4096:
            return
        horizon = now - 2 * self._skew
        for key in [k for k, seen in self._nonces.items() if seen < horizon]:
            del self._nonces[key]
