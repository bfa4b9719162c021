"""NetSuite's error table: its `o:errorDetails` bodies by what to do about them.

- `400` and other refusals: `ErpRejected` with NetSuite's `o:errorCode` and the field path
  (`o:errorPath`), its words as the message.
- `401 INVALID_LOGIN`: `AuthError` saying which part of the sign-in is wrong where NetSuite
  tells (`WWW-Authenticate` error: account, token, signature, nonce, clock), else listing them.
- `403`: `AuthError` (the role lacks a permission).
- `429`, `CONCURRENCY_LIMIT_EXCEEDED`, `SSS_REQUEST_LIMIT_EXCEEDED`: `RateLimited` on the
  account's concurrency (backing off, never re-sent at once).
- `5xx`: `TransientError`.
"""

from __future__ import annotations

import re
from typing import Any

from connectors.errors import AuthError, ConnectorError, ErpRejected, RateLimited
from connectors.http import ErrorTable, Failure

__all__ = ["LIMIT_CODES", "classify", "error_details"]

LIMIT_CODES = frozenset({"CONCURRENCY_LIMIT_EXCEEDED", "SSS_REQUEST_LIMIT_EXCEEDED"})
CONCURRENCY_BACKOFF = 1.0
"""Seconds to wait after NetSuite refused a request for the account's concurrency."""

_REASONS = {
    "invalidaccount": "the account id (TBA realm) is not this account's",
    "consumer_key_unknown": "the consumer key (integration record) is unknown or blocked",
    "invalidtoken": "the token id is unknown, revoked, or belongs to another account or role",
    "invalidsignature": "the signature does not verify: check the consumer and token secrets",
    "nonceused": "a nonce was used twice",
    "invalidtimestamp": "the request's timestamp is more than 5 minutes off: check the clock",
    "token_expired": "the access token expired",
    "invalid_token": "the access token is unknown",
    "missing_credentials": "the request carried no credentials",
}
_ALL_REASONS = (
    "check the account id, the role and its permissions, the consumer key and secret, and the "
    "token id and secret (NetSuite's Login Audit Trail names the cause)"
)


def error_details(body: Any) -> list[dict[str, Any]]:
    """The `o:errorDetails` entries of a NetSuite error body."""
    if isinstance(body, dict) and isinstance(body.get("o:errorDetails"), list):
        return [d for d in body["o:errorDetails"] if isinstance(d, dict)]
    return []


def _detail(body: Any, text: str) -> str:
    details = error_details(body)
    if details and details[0].get("detail"):
        return str(details[0]["detail"])
    if isinstance(body, dict):
        for key in ("title", "error_description", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
        return ""
    return text[:200]


def _code(failure: Failure) -> str | None:
    details = error_details(failure.body)
    code = details[0].get("o:errorCode") if details else None
    return str(code) if code else None


def _limited(failure: Failure) -> ConnectorError | None:
    code = _code(failure)
    if failure.status != 429 and code not in LIMIT_CODES:
        return None
    try:
        wait = max(float(failure.response.headers.get("Retry-After", "")), CONCURRENCY_BACKOFF)
    except ValueError:
        wait = CONCURRENCY_BACKOFF
    return RateLimited(
        f"NetSuite refused the request: the account's concurrency limit is reached ({code})",
        retry_after=wait,
        scope="concurrent",
        erp_code=code,
        **failure.fields(),
    )


def _refused(failure: Failure) -> ConnectorError | None:
    limited = _limited(failure)
    if limited is not None:
        return limited
    details = error_details(failure.body)
    code = _code(failure)
    if code == "IDEMPOTENCY_ERROR":
        # The key was used before: NetSuite names the first request's job in Location.
        return ErpRejected(
            f"NetSuite already took a request with this idempotency key ({failure.detail})",
            erp_code=code,
            details=[failure.response.headers.get("Location", "")],
            **failure.fields(),
        )
    paths = [f"{d.get('o:errorPath')}: {d.get('detail')}" for d in details if d.get("o:errorPath")]
    where = (
        f" (field {details[0]['o:errorPath']})" if details and details[0].get("o:errorPath") else ""
    )
    return ErpRejected(
        f"NetSuite refused the request{where}: {failure.detail or failure.status}",
        erp_code=code,
        details=paths or [str(d.get("detail")) for d in details if d.get("detail")],
        **failure.fields(),
    )


def _login(failure: Failure) -> ConnectorError | None:
    challenge = failure.response.headers.get("WWW-Authenticate", "")
    match = re.search(r'error="([^"]+)"', challenge)
    reason = _REASONS.get(match.group(1).lower(), match.group(1)) if match else _ALL_REASONS
    return AuthError(
        f"NetSuite refused the sign-in (INVALID_LOGIN): {reason}",
        erp_code=_code(failure) or "INVALID_LOGIN",
        **failure.fields(),
    )


def _forbidden(failure: Failure) -> ConnectorError | None:
    return AuthError(
        "NetSuite refused access: the role lacks a permission this call needs "
        f"({failure.detail or 'no detail given'})",
        erp_code=_code(failure),
        **failure.fields(),
    )


classify = ErrorTable(
    "NetSuite",
    {400: _refused, 401: _login, 403: _forbidden, 429: _limited, "4xx": _refused},
    detail=_detail,
)
