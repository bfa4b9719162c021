"""SAP's error table: OData error bodies keep every detail; statuses map to what to do."""

from __future__ import annotations

import httpx

from connectors.errors import (
    AuthError,
    Conflict,
    Duplicate,
    RateLimited,
    TransientError,
    ValidationError,
)
from connectors.sap.errors import SAP_ERRORS


def _odata(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, str]],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = {
        "error": {
            "code": code,
            "message": {"lang": "en", "value": message},
            "innererror": {"errordetails": details},
        }
    }
    return httpx.Response(
        status, json=body, headers=headers, request=httpx.Request("POST", "http://sap/x")
    )


def test_a_400_keeps_every_errordetail_with_code_and_target() -> None:
    details = [
        {
            "code": "M8/534",
            "message": "Balance not zero",
            "target": "InvoiceGrossAmount",
            "severity": "error",
        },
        {
            "code": "M8/082",
            "message": "Enter a PostingDate",
            "target": "PostingDate",
            "severity": "error",
        },
    ]
    error = SAP_ERRORS(_odata(400, "M8/534", "Balance not zero", details))
    assert isinstance(error, ValidationError)
    assert error.erp_code == "M8/534"
    assert error.details == (
        "M8/534: Balance not zero (InvoiceGrossAmount)",
        "M8/082: Enter a PostingDate (PostingDate)",
    )
    assert "Balance not zero" in str(error)


def test_an_invoice_entered_twice_is_a_duplicate() -> None:
    details = [{"code": "M8/108", "message": "Check if invoice already entered", "target": ""}]
    assert isinstance(SAP_ERRORS(_odata(400, "M8/108", "Check", details)), Duplicate)


def test_statuses_by_what_to_do() -> None:
    assert isinstance(SAP_ERRORS(_odata(401, "x", "logon failed", [])), AuthError)
    assert isinstance(SAP_ERRORS(_odata(403, "x", "no authorization", [])), AuthError)
    assert isinstance(SAP_ERRORS(_odata(409, "x", "exists", [])), Conflict)
    assert isinstance(SAP_ERRORS(_odata(412, "x", "ETag changed", [])), Conflict)
    assert isinstance(
        SAP_ERRORS(_odata(503, "/IWFND/CM_BEC/026", "not available", [])), TransientError
    )
    short = SAP_ERRORS(_odata(429, "x", "slow down", [], {"Retry-After": "2"}))
    assert isinstance(short, RateLimited)
    assert (short.scope, short.retry_after) == ("minute", 2.0)
    daily = SAP_ERRORS(_odata(429, "x", "quota", [], {"Retry-After": "7200"}))
    assert isinstance(daily, RateLimited)
    assert daily.scope == "day"
    assert SAP_ERRORS(httpx.Response(200, request=httpx.Request("GET", "http://sap/x"))) is None
