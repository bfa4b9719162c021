"""Two behaviours of Xero that its SDK relies on, and numbers the sandbox assigns never collide."""

from __future__ import annotations

import httpx
import pytest

from tests.contract.conftest import XeroSandbox

LIMIT_HEADERS = ("X-DayLimit-Remaining", "X-MinLimit-Remaining", "X-AppMinLimit-Remaining")


@pytest.mark.parametrize("no_limits", [True, False])
def test_every_api_answer_carries_xeros_limit_headers(
    xero_sandbox_factory: object, no_limits: bool
) -> None:
    box: XeroSandbox = xero_sandbox_factory(records=20, no_limits=no_limits)  # type: ignore[operator]
    headers = box.headers()
    for path in ("/Invoices", "/Contacts", "/Organisation"):
        answer = httpx.get(f"{box.api_url}{path}", headers=headers)
        assert answer.status_code == 200
        for name in LIMIT_HEADERS:
            assert int(answer.headers[name]) >= 0, name


def test_an_unsummarised_failed_element_has_errors_true(xero_sandbox: XeroSandbox) -> None:
    headers = xero_sandbox.headers()
    contact = httpx.get(f"{xero_sandbox.api_url}/Contacts", headers=headers).json()["Contacts"][0]
    good = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact["ContactID"]},
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}],
    }
    bad = {**good, "LineItems": [{"UnitAmount": 5, "AccountCode": "999"}]}
    answer = httpx.post(
        f"{xero_sandbox.api_url}/Invoices",
        params={"summarizeErrors": "false"},
        json={"Invoices": [good, bad]},
        headers=headers,
    ).json()["Invoices"]
    assert answer[1]["HasErrors"] is True
    assert answer[1]["ValidationErrors"]
    assert not answer[0].get("HasErrors")


def test_invoices_the_sandbox_creates_take_numbers_no_seeded_invoice_has(
    xero_sandbox_factory: object,
) -> None:
    box: XeroSandbox = xero_sandbox_factory(seed=7, records=60)  # type: ignore[operator]
    headers = box.headers()
    created = httpx.post(
        f"{box.url}/_sandbox/changes", json={"object": "invoices", "create": 2}
    ).json()["created"]
    invoices = httpx.get(f"{box.api_url}/Invoices", params={"page": 1}, headers=headers).json()
    numbers = [i["InvoiceNumber"] for i in invoices["Invoices"] if i["InvoiceNumber"]]
    assert len(numbers) == len(set(numbers))
    for invoice_id in created:
        update = httpx.post(
            f"{box.api_url}/Invoices/{invoice_id}",
            json={"Invoices": [{"InvoiceID": invoice_id, "Reference": "updated"}]},
            headers=headers,
        )
        assert update.status_code == 200, update.text
