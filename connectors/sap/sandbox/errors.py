"""SAP Gateway's error bodies, and the kit's `ErrorRenderer` for the SAP sandbox.

OData errors are `{"error": {"code", "message": {"lang", "value"}, "innererror":
{"application", "transactionid", "timestamp", "errordetails": [{"code", "message",
"propertyref", "severity", "target"}]}}}`, as SAP Gateway sends them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from connectors.sandbox.faults import FaultConfig, FaultKind
from connectors.sandbox.jsonenc import dumps_bytes
from connectors.sandbox.limiter import Decision

__all__ = [
    "JSON",
    "SapErrorRenderer",
    "detail",
    "json_response",
    "odata_error",
    "unauthorized",
]

JSON = "application/json; charset=utf-8"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response (decimals already strings, so plain exact encoding)."""
    return Response(dumps_bytes(body), status_code=status, media_type=JSON, headers=headers)


def detail(code: str, message: str, target: str = "", severity: str = "error") -> dict[str, str]:
    """One entry of `innererror.errordetails`."""
    return {
        "code": code,
        "message": message,
        "propertyref": "",
        "severity": severity,
        "target": target,
    }


def odata_error(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An SAP Gateway OData error response; `details` default to the message itself."""
    errordetails = details if details is not None else [detail(code, message)]
    body = {
        "error": {
            "code": code,
            "message": {"lang": "en", "value": message},
            "innererror": {
                "application": {
                    "component_id": "",
                    "service_namespace": "/SAP/",
                    "service_id": "",
                    "service_version": "0001",
                },
                "transactionid": uuid.uuid4().hex.upper(),
                "timestamp": datetime.now(UTC).strftime("%Y%m%d%H%M%S.%f")[:-3],
                "Error_Resolution": {
                    "SAP_Transaction": "For backend administrators: use ADT feed reader "
                    "'SAP Gateway Error Log' or run transaction /IWFND/ERROR_LOG",
                    "SAP_Note": "See SAP Note 1797736 for error analysis",
                },
                "errordetails": errordetails,
            },
        }
    }
    return json_response(body, status, headers)


def unauthorized(bearer: bool = False) -> Response:
    """401 as the ICF layer answers it: no OData body, a challenge header."""
    challenge = (
        'Bearer error="invalid_token"'
        if bearer
        else 'Basic realm="SAP NetWeaver Application Server [S4H/100]"'
    )
    return Response(
        b"<html><head><title>Logon Error Message</title></head>"
        b"<body>401 Unauthorized: logon failed</body></html>",
        status_code=401,
        media_type="text/html; charset=utf-8",
        headers={"WWW-Authenticate": challenge},
    )


class SapErrorRenderer:
    """Injected faults and throttling answered the way SAP's gateway and API layer do."""

    def limit_headers(self, decision: Decision) -> dict[str, str]:
        """SAP publishes no per-call budget headers; only the 429 says when to come back."""
        return {}

    def throttled(self, decision: Decision) -> Response:
        """429 with `Retry-After` when a budget of the sandbox's limiter ran out."""
        return odata_error(
            429,
            "/IWFND/CM_CONSUMER/429",
            f"Too many requests ({decision.problem}); retry later",
            headers={"Retry-After": str(decision.retry_after)},
        )

    def fault_response(self, kind: FaultKind, config: FaultConfig) -> Response:
        """Injected 500, 503, 429 or 401 (expired session or token)."""
        if kind is FaultKind.THROTTLE:
            return odata_error(
                429,
                "/IWFND/CM_CONSUMER/429",
                "Too many requests; retry later",
                headers={"Retry-After": str(config.retry_after)},
            )
        if kind is FaultKind.UNAVAILABLE:
            return odata_error(
                503, "/IWFND/CM_BEC/026", "SAP system is not available; try again later"
            )
        if kind is FaultKind.EXPIRED_TOKEN:
            return unauthorized(bearer=True)
        return odata_error(
            500,
            "/IWBEP/CM_MGW_RT/020",
            "In the context of Data Services an unknown internal server error occurred",
        )
