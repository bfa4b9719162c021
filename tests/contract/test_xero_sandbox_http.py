"""The Xero sandbox over plain HTTP: OAuth flows, auth errors, limits, idempotency, filters,
and every list response checked against the schemas of Xero's OpenAPI description."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from jsonschema import Draft4Validator

from connectors.sandbox import RateLimits, dumps
from tests.contract.conftest import SandboxFactory, XeroSandbox

pytestmark = pytest.mark.contract
SPEC = Path(__file__).resolve().parent / "specs" / "xero" / "xero_accounting.yaml"


def _pkce() -> tuple[str, str]:
    verifier = "ledgerhub-test-verifier-" + "0" * 30
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_authorization_code_with_pkce_then_refresh_rotation(xero_sandbox: XeroSandbox):
    verifier, challenge = _pkce()
    redirect = "http://127.0.0.1:9/callback"
    authorize = httpx.get(
        f"{xero_sandbox.url}/identity/connect/authorize",
        params={
            "response_type": "code",
            "client_id": xero_sandbox.client_id,
            "redirect_uri": redirect,
            "scope": "openid offline_access accounting.transactions accounting.settings.read",
            "state": "st-42",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert authorize.status_code == 302
    location = authorize.headers["location"]
    assert location.startswith(redirect)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["st-42"]
    token_url = f"{xero_sandbox.url}/connect/token"
    auth = (xero_sandbox.client_id, xero_sandbox.client_secret)
    wrong = httpx.post(
        token_url,
        auth=auth,
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": redirect,
            "code_verifier": "x" * 43,
        },
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    # The code was not consumed by the failed exchange? It was checked first: fetch a new one.
    again = httpx.get(authorize.request.url)
    code = parse_qs(urlsplit(again.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        token_url,
        auth=auth,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "code_verifier": verifier,
        },
    ).json()
    assert set(tokens) == {"access_token", "expires_in", "token_type", "scope", "refresh_token"}
    rotated = httpx.post(
        token_url,
        auth=auth,
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    ).json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    api = httpx.get(
        f"{xero_sandbox.api_url}/Organisation",
        headers={
            "Authorization": f"Bearer {rotated['access_token']}",
            "xero-tenant-id": xero_sandbox.tenant_id,
        },
    )
    assert api.json()["Organisations"][0]["Name"] == xero_sandbox.state.organisation_name


def test_bad_client_secret_is_invalid_client(xero_sandbox: XeroSandbox):
    response = httpx.post(
        f"{xero_sandbox.url}/connect/token",
        auth=(xero_sandbox.client_id, "nope"),
        data={"grant_type": "client_credentials"},
    )
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client"}


@pytest.mark.parametrize("xero_sandbox", [{"refresh_grace": 0}], indirect=True)
def test_old_refresh_token_is_invalid_grant_after_the_grace(xero_sandbox: XeroSandbox):
    oauth = xero_sandbox.app.state.oauth
    client = oauth.client(xero_sandbox.client_id)
    verifier, challenge = _pkce()
    code = oauth.authorize(client.client_id, "http://x/cb", "a", challenge, "S256")
    first = oauth.exchange_code(client, code, "http://x/cb", verifier)
    httpx.post(
        f"{xero_sandbox.url}/connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": client.client_id,
            "client_secret": xero_sandbox.client_secret,
        },
    )
    replay = httpx.post(
        f"{xero_sandbox.url}/connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": client.client_id,
            "client_secret": xero_sandbox.client_secret,
        },
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_missing_or_expired_token_is_401_and_wrong_tenant_403(xero_sandbox: XeroSandbox):
    url = f"{xero_sandbox.api_url}/Invoices"
    assert httpx.get(url).status_code == 401
    headers = xero_sandbox.headers()
    assert httpx.get(url, headers={**headers, "xero-tenant-id": "nope"}).status_code == 403
    httpx.post(f"{xero_sandbox.url}/_sandbox/expire-tokens")
    expired = httpx.get(url, headers=headers)
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired")


@pytest.mark.parametrize(
    "xero_sandbox", [{"limits": RateLimits(per_window=3, window_seconds=30)}], indirect=True
)
def test_minute_limit_gives_429_with_xeros_headers(xero_sandbox: XeroSandbox):
    headers = xero_sandbox.headers()
    left = [httpx.get(f"{xero_sandbox.api_url}/Currencies", headers=headers) for _ in range(3)]
    assert [r.headers["X-MinLimit-Remaining"] for r in left] == ["2", "1", "0"]
    refused = httpx.get(f"{xero_sandbox.api_url}/Currencies", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert refused.headers["Xero-Correlation-Id"] != left[0].headers["Xero-Correlation-Id"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 30


def test_idempotency_key_replays_the_first_result_without_writing_again(xero_sandbox: XeroSandbox):
    headers = {**xero_sandbox.headers(), "Idempotency-Key": "create-copper-kiln"}
    body = {"Contacts": [{"Name": "Copper Kiln Ltd"}]}
    first = httpx.put(f"{xero_sandbox.api_url}/Contacts", headers=headers, json=body)
    second = httpx.put(f"{xero_sandbox.api_url}/Contacts", headers=headers, json=body)
    assert first.status_code == second.status_code == 200
    assert first.json()["Contacts"] == second.json()["Contacts"]
    names = [r.doc["Name"] for r in xero_sandbox.state.store["contacts"].records.values()]
    assert names.count("Copper Kiln Ltd") == 1
    too_long = httpx.put(
        f"{xero_sandbox.api_url}/Contacts",
        json=body,
        headers={**headers, "Idempotency-Key": "k" * 129},
    )
    assert too_long.status_code == 400


def test_archived_contacts_need_include_archived(xero_sandbox: XeroSandbox):
    headers = xero_sandbox.headers()
    counts = xero_sandbox.state.counts()["contacts"]
    plain = httpx.get(f"{xero_sandbox.api_url}/Contacts", headers=headers).json()["Contacts"]
    every = httpx.get(
        f"{xero_sandbox.api_url}/Contacts", params={"includeArchived": "true"}, headers=headers
    ).json()["Contacts"]
    assert len(every) == counts["total"]
    assert len(plain) == counts["by_contact_status"]["ACTIVE"]
    assert counts["by_contact_status"]["ARCHIVED"] > 0


def test_where_and_order_filter_and_sort(xero_sandbox: XeroSandbox):
    params = {"where": 'Type=="ACCREC" && Status=="PAID"', "order": "Total DESC", "page": 1}
    rows = httpx.get(
        f"{xero_sandbox.api_url}/Invoices", params=params, headers=xero_sandbox.headers()
    ).json(parse_float=Decimal)["Invoices"]
    assert rows
    assert all(r["Type"] == "ACCREC" and r["Status"] == "PAID" for r in rows)
    totals = [r["Total"] for r in rows]
    assert totals == sorted(totals, reverse=True)
    bad = httpx.get(
        f"{xero_sandbox.api_url}/Invoices",
        params={"where": "Total > 5"},
        headers=xero_sandbox.headers(),
    )
    assert bad.status_code == 400
    assert bad.json()["Type"] == "QueryParseException"


def test_unbalanced_manual_journal_is_refused_with_xeros_message(xero_sandbox: XeroSandbox):
    body = {
        "ManualJournals": [
            {
                "Narration": "Accrual",
                "JournalLines": [
                    {"LineAmount": 100, "AccountCode": "429"},
                    {"LineAmount": -10, "AccountCode": "800"},
                ],
            }
        ]
    }
    response = httpx.put(
        f"{xero_sandbox.api_url}/ManualJournals", json=body, headers=xero_sandbox.headers()
    )
    assert response.status_code == 400
    element = response.json()["Elements"][0]
    assert element["ValidationErrors"] == [
        {"Message": "The total debits (100.00) must equal total credits (-10.00)"}
    ]


def test_same_seed_same_data_and_reset_restores_it(xero_sandbox_factory: SandboxFactory):
    a, b = xero_sandbox_factory(records=30, seed=99), xero_sandbox_factory(records=30, seed=99)

    def read(s: XeroSandbox) -> list[dict[str, Any]]:
        url = f"{s.api_url}/Invoices"
        return list(httpx.get(url, params={"page": 1}, headers=s.headers()).json()["Invoices"])

    assert read(a) == read(b)
    before = read(a)
    a.state.make_changes("invoices", update=2, create=1)
    assert read(a) != before
    httpx.post(f"{a.url}/_sandbox/reset")
    assert read(a) == before


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    spec = yaml.load(SPEC.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return json.loads(json.dumps(spec, default=str))


COLLECTIONS = [
    ("Contacts", "Contacts"),
    ("Invoices", "Invoices"),
    ("CreditNotes", "CreditNotes"),
    ("Payments", "Payments"),
    ("BatchPayments", "BatchPayments"),
    ("Overpayments", "Overpayments"),
    ("Prepayments", "Prepayments"),
    ("ManualJournals", "ManualJournals"),
    ("Accounts", "Accounts"),
    ("TaxRates", "TaxRates"),
    ("TrackingCategories", "TrackingCategories"),
    ("Organisation", "Organisations"),
    ("Currencies", "Currencies"),
]


def test_every_collection_matches_xeros_schema(xero_sandbox: XeroSandbox, schemas: dict[str, Any]):
    headers = xero_sandbox.headers()
    for path, schema_name in COLLECTIONS:
        body = httpx.get(
            f"{xero_sandbox.api_url}/{path}",
            params={"page": 1, "includeArchived": "true"},
            headers=headers,
        ).json()
        assert body["Status"] == "OK"
        assert body["Id"]
        assert body["ProviderName"]
        assert body["DateTimeUTC"].startswith("/Date(")
        schema = {
            **schemas["components"]["schemas"][schema_name],
            "components": schemas["components"],
        }
        errors = sorted(Draft4Validator(schema).iter_errors(body), key=str)
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"
        key = "Organisations" if path == "Organisation" else path
        assert body[key], f"{path} is empty"


@pytest.mark.parametrize(
    "xero_sandbox",
    [{"limits": RateLimits(concurrent=2), "faults": {"slow_rate": 1.0, "slow_seconds": 0.6}}],
    indirect=True,
)
def test_slow_calls_hold_their_slot_so_a_third_concurrent_call_gets_429(xero_sandbox: XeroSandbox):
    headers = xero_sandbox.headers()
    url = f"{xero_sandbox.api_url}/Currencies"
    with ThreadPoolExecutor(3) as pool:
        first = [pool.submit(httpx.get, url, headers=headers) for _ in range(2)]
        time.sleep(0.3)
        third = pool.submit(httpx.get, url, headers=headers).result()
        assert [f.result().status_code for f in first] == [200, 200]
    assert third.status_code == 429
    assert third.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert third.headers["Retry-After"] == "1"


@pytest.mark.parametrize(
    "xero_sandbox", [{"faults": {"drop_rate": 1.0, "methods": ["PUT"]}}], indirect=True
)
def test_a_dropped_create_is_applied_so_a_retry_with_the_same_key_replays_it(
    xero_sandbox: XeroSandbox,
):
    headers = {**xero_sandbox.headers(), "Idempotency-Key": "drop-1"}
    body = {"Contacts": [{"Name": "Russet Ferry Ltd"}]}
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.put(f"{xero_sandbox.api_url}/Contacts", headers=headers, json=body)
    names = [r.doc["Name"] for r in xero_sandbox.state.store["contacts"].records.values()]
    assert "Russet Ferry Ltd" in names
    httpx.delete(f"{xero_sandbox.url}/_sandbox/faults")
    retry = httpx.put(f"{xero_sandbox.api_url}/Contacts", headers=headers, json=body)
    assert retry.status_code == 200
    names = [r.doc["Name"] for r in xero_sandbox.state.store["contacts"].records.values()]
    assert names.count("Russet Ferry Ltd") == 1
    stats = httpx.get(f"{xero_sandbox.url}/_sandbox/stats").json()
    assert stats["faults"] == {"drop": 1}


def test_unpaged_invoice_lists_leave_out_line_items_as_xero_does(xero_sandbox: XeroSandbox):
    headers = xero_sandbox.headers()
    unpaged = httpx.get(f"{xero_sandbox.api_url}/Invoices", headers=headers).json()
    assert "pagination" not in unpaged
    assert all("LineItems" not in i for i in unpaged["Invoices"])
    one = unpaged["Invoices"][0]["InvoiceID"]
    single = httpx.get(f"{xero_sandbox.api_url}/Invoices/{one}", headers=headers).json()
    assert single["Invoices"][0]["LineItems"]
    number = unpaged["Invoices"][0]["InvoiceNumber"]
    by_number = httpx.get(f"{xero_sandbox.api_url}/Invoices/{number}", headers=headers).json()
    assert by_number["Invoices"][0]["InvoiceID"] == one
    missing = httpx.get(
        f"{xero_sandbox.api_url}/Invoices/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=headers
    )
    assert missing.status_code == 404


def test_changes_endpoint_reports_ids_and_if_modified_since_sees_them(xero_sandbox: XeroSandbox):
    before = datetime.now(UTC) - timedelta(seconds=1)
    result = httpx.post(
        f"{xero_sandbox.url}/_sandbox/changes",
        json={"object": "contacts", "update": 2, "delete": 1, "create": 3},
    ).json()
    assert [len(result[k]) for k in ("updated", "deleted", "created")] == [2, 1, 3]
    stamp = before.strftime("%a, %d %b %Y %H:%M:%S GMT")
    recent = httpx.get(
        f"{xero_sandbox.api_url}/Contacts",
        params={"includeArchived": "true", "page": 1},
        headers={**xero_sandbox.headers(), "If-Modified-Since": stamp},
    ).json()
    ids = {c["ContactID"] for c in recent["Contacts"]}
    assert ids == set(result["updated"] + result["deleted"] + result["created"])
    archived = {c["ContactID"] for c in recent["Contacts"] if c["ContactStatus"] == "ARCHIVED"}
    assert archived == set(result["deleted"])
    bad = httpx.post(f"{xero_sandbox.url}/_sandbox/changes", json={"object": "accounts"})
    assert bad.status_code == 400


def test_payment_deleted_gives_the_amount_back_to_the_invoice(xero_sandbox: XeroSandbox):
    headers = xero_sandbox.headers()
    paid = httpx.get(
        f"{xero_sandbox.api_url}/Invoices",
        params={"where": 'Status=="PAID"', "page": 1},
        headers=headers,
    ).json()
    invoice = next(i for i in paid["Invoices"] if len(i["Payments"]) == 1)
    payment_id = invoice["Payments"][0]["PaymentID"]
    deleted = httpx.post(
        f"{xero_sandbox.api_url}/Payments/{payment_id}", json={"Status": "DELETED"}, headers=headers
    )
    assert deleted.status_code == 200
    assert deleted.json()["Payments"][0]["Status"] == "DELETED"
    after = httpx.get(f"{xero_sandbox.api_url}/Invoices/{invoice['InvoiceID']}", headers=headers)
    body = after.json(parse_float=Decimal)["Invoices"][0]
    assert body["Status"] == "AUTHORISED"
    assert body["AmountPaid"] == Decimal("0.00")
    assert body["AmountDue"] == body["Total"]


def test_write_answers_and_validation_errors_match_xeros_schemas(
    xero_sandbox: XeroSandbox, schemas: dict[str, Any]
):
    def check(body: Any, name: str) -> None:
        schema = {**schemas["components"]["schemas"][name], "components": schemas["components"]}
        errors = sorted(Draft4Validator(schema).iter_errors(body), key=str)
        assert not errors, f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}"

    headers = xero_sandbox.headers()
    invoice = {
        "Type": "ACCREC",
        "Contact": {"Name": "Saffron Audio Ltd"},
        "Status": "AUTHORISED",
        "LineItems": [
            {
                "Description": "Mixing desk hire",
                "Quantity": 1,
                "UnitAmount": 250.5,
                "AccountCode": "200",
                "Tracking": [{"Name": "Region", "Option": "North"}],
            }
        ],
    }
    created = httpx.put(
        f"{xero_sandbox.api_url}/Invoices", json={"Invoices": [invoice]}, headers=headers
    )
    assert created.status_code == 200
    body = created.json(parse_float=Decimal)
    check(body, "Invoices")
    stored = body["Invoices"][0]
    assert stored["InvoiceNumber"].startswith("INV-")
    assert stored["Total"] == Decimal("300.60")
    assert stored["LineItems"][0]["Tracking"][0]["TrackingOptionID"]
    mixed = httpx.post(
        f"{xero_sandbox.api_url}/Invoices",
        params={"summarizeErrors": "false"},
        json={
            "Invoices": [
                invoice,
                {**invoice, "LineItems": [{"UnitAmount": 5, "AccountCode": "999"}]},
            ]
        },
        headers=headers,
    )
    assert mixed.status_code == 200
    check(mixed.json(), "Invoices")
    assert [i["StatusAttributeString"] for i in mixed.json()["Invoices"]] == ["OK", "ERROR"]
    refused = httpx.put(
        f"{xero_sandbox.api_url}/Invoices",
        json={"Invoices": [{**invoice, "Contact": {}}]},
        headers=headers,
    )
    assert refused.status_code == 400
    check(refused.json(), "Error")
    assert refused.json()["Message"] == "A validation exception occurred"


def test_two_payments_overpaying_together_fail_as_a_whole(xero_sandbox: XeroSandbox):
    headers = xero_sandbox.headers()
    open_bills = httpx.get(
        f"{xero_sandbox.api_url}/Invoices",
        params={"where": 'Type=="ACCPAY" && Status=="AUTHORISED"', "page": 1},
        headers=headers,
    ).json(parse_float=Decimal)["Invoices"]
    bill = next(b for b in open_bills if b["AmountPaid"] == 0)
    part = (bill["AmountDue"] * Decimal("0.6")).quantize(Decimal("0.01"))
    payment = {
        "Invoice": {"InvoiceID": bill["InvoiceID"]},
        "Account": {"Code": "090"},
        "Amount": part,
    }
    response = httpx.put(
        f"{xero_sandbox.api_url}/Payments",
        content=dumps({"Payments": [payment, payment]}),
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Payment amount exceeds the amount outstanding on this document"}
    ]
    after = xero_sandbox.state.store["invoices"].get(bill["InvoiceID"])
    assert after is not None
    assert after.doc["AmountPaid"] == 0
