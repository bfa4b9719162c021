"""SAP's responses by what to do about them: the default error table with SAP's overrides.

OData errors (`error.code`, `error.message.value`, `innererror.errordetails[]`) keep every detail:
the error's `erp_code` is SAP's message class and number (`M8/108`), its `details` each
`errordetails` entry as `code: message (target)`. What SAP means by its statuses:

| status | error |
|---|---|
| 400 | `ValidationError` with every detail; `Duplicate` for `M8/108` (invoice entered twice) |
| 401 | `AuthError` (user, password or token refused) |
| 403 | `AuthError` (missing authorization; a CSRF refusal never gets here: the auth refetches) |
| 404 | `ErpRejected` (no such entity or service) |
| 409, 412 | `Conflict` (the entity exists, or its ETag changed) |
| 429 | `RateLimited` with `Retry-After` (a wait of an hour or more: the `day` scope) |
| 5xx | `TransientError` (retried) |
"""

from __future__ import annotations

from typing import Any

from connectors.errors import Conflict, ConnectorError, Duplicate, RateLimited, ValidationError
from connectors.http import ErrorTable, Failure

__all__ = ["SAP_ERRORS", "odata_details", "odata_message"]

_DUPLICATES = {"M8/108", "F5/117", "R11/002"}


def odata_message(body: Any, text: str = "") -> str:
    """`error.message.value` of an OData error body (else the start of the text)."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
        if isinstance(message, dict):
            return str(message.get("value") or "")
        if isinstance(message, str):
            return message
    return text[:200]


def odata_details(body: Any) -> tuple[str | None, list[str]]:
    """(SAP's error code, every `innererror.errordetails` entry as text)."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return None, []
    error = body["error"]
    inner = error.get("innererror") if isinstance(error.get("innererror"), dict) else {}
    details = []
    for entry in inner.get("errordetails") or []:
        if not isinstance(entry, dict):
            continue
        line = f"{entry.get('code', '')}: {entry.get('message', '')}".strip(": ")
        if entry.get("target"):
            line += f" ({entry['target']})"
        details.append(line)
    codes = [
        str(e.get("code"))
        for e in inner.get("errordetails") or []
        if isinstance(e, dict) and e.get("code")
    ]
    code = codes[0] if codes else (str(error["code"]) if error.get("code") else None)
    return code, details


def _rejected(failure: Failure) -> ConnectorError:
    code, details = odata_details(failure.body)
    cls = Duplicate if code in _DUPLICATES else ValidationError
    message = f"SAP refused the data: {failure.detail or 'no reason given'}"
    return cls(
        message,
        erp_code=code,
        erp_message=failure.detail or None,
        status=failure.status,
        correlation_id=failure.correlation_id,
        details=details or [failure.detail],
    )


def _conflict(failure: Failure) -> ConnectorError:
    code, details = odata_details(failure.body)
    return Conflict(
        f"SAP reported a conflict ({failure.status}): {failure.detail or 'changed or exists'}",
        erp_code=code,
        erp_message=failure.detail or None,
        status=failure.status,
        correlation_id=failure.correlation_id,
        details=details,
    )


def _throttled(failure: Failure) -> ConnectorError:
    try:
        wait = float(failure.response.headers.get("Retry-After", "60"))
    except ValueError:
        wait = 60.0
    # SAP names no budget; a wait of an hour or more is a daily quota, not a burst.
    scope = "day" if wait >= 3600 else "minute"
    return RateLimited(
        f"SAP's {'daily' if scope == 'day' else 'short-term'} rate limit was hit (day quota "
        f"when the wait is hours); retry after {wait:g} s",
        retry_after=wait,
        scope=scope,
        erp_message=failure.detail or None,
        status=failure.status,
        correlation_id=failure.correlation_id,
    )


SAP_ERRORS = ErrorTable(
    "SAP S/4HANA",
    {400: _rejected, 409: _conflict, 412: _conflict, 429: _throttled},
    detail=odata_message,
)
