"""The official xero-python SDK, pointed at the Xero sandbox, works unchanged.

The SDK takes the API and identity base URLs as constructor arguments. Its token URLs are
class attributes of `TokenApi` with no constructor setting, so the tests set those two
attributes (pytest's monkeypatch undoes it); nothing else of the SDK is touched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from xero_python.accounting import (
    Account,
    AccountingApi,
    Contact,
    Contacts,
    Invoice,
    Invoices,
    LineAmountTypes,
    LineItem,
    Payment,
)
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi
from xero_python.exceptions import AccountingBadRequestException
from xero_python.identity import IdentityApi

from connectors.sandbox import pkce_s256
from tests.contract.conftest import XeroSandbox

pytestmark = pytest.mark.contract


def _v(value: Any) -> str:
    """The SDK gives some enums as Enum members and some as plain strings."""
    return str(getattr(value, "value", value))


@dataclass
class Sdk:
    """The SDK's API objects bound to one sandbox, with the tenant from /connections."""

    accounting: AccountingApi
    identity: IdentityApi
    tenant_id: str
    token: dict[str, Any]


@pytest.fixture
def sdk(xero_sandbox: XeroSandbox, monkeypatch: pytest.MonkeyPatch) -> Sdk:
    """A client-credentials ApiClient, as a Xero custom connection would use it."""
    monkeypatch.setattr(
        TokenApi, "client_credentials_token_url", f"{xero_sandbox.url}/connect/token"
    )
    monkeypatch.setattr(TokenApi, "refresh_token_url", f"{xero_sandbox.url}/connect/token")
    store: dict[str, Any] = {}
    api_client = ApiClient(
        Configuration(
            oauth2_token=OAuth2Token(
                client_id=xero_sandbox.client_id, client_secret=xero_sandbox.client_secret
            )
        ),
        pool_threads=1,
        oauth2_token_getter=lambda: store.get("token"),
        oauth2_token_saver=lambda token: store.__setitem__("token", token),
    )
    api_client.get_client_credentials_token()
    identity = IdentityApi(api_client, base_url=xero_sandbox.url)
    connections = identity.get_connections()
    accounting = AccountingApi(api_client, base_url=xero_sandbox.api_url)
    return Sdk(accounting, identity, connections[0].tenant_id, store["token"])


def test_client_credentials_token_comes_from_the_sandbox(sdk: Sdk, xero_sandbox: XeroSandbox):
    assert sdk.token["token_type"] == "Bearer"
    assert sdk.token["expires_in"] == 1800
    assert sdk.tenant_id == xero_sandbox.tenant_id


def test_lists_contacts_and_invoices_with_decimal_amounts(sdk: Sdk, xero_sandbox: XeroSandbox):
    counts = xero_sandbox.state.counts()
    contacts = sdk.accounting.get_contacts(sdk.tenant_id, page=1, include_archived=True)
    assert len(contacts.contacts) == min(100, counts["contacts"]["total"])
    invoices = sdk.accounting.get_invoices(sdk.tenant_id, page=1, page_size=1000)
    assert len(invoices.invoices) == counts["invoices"]["total"]
    assert {_v(i.type) for i in invoices.invoices} == {"ACCPAY", "ACCREC"}
    first = invoices.invoices[0]
    assert isinstance(first.total, Decimal)
    assert first.total == first.sub_total + first.total_tax
    assert first.line_items, "paged invoice lists carry line items"
    assert isinstance(first.updated_date_utc, datetime)
    assert first.updated_date_utc < datetime(2026, 1, 1, tzinfo=UTC)


def test_page_two_continues_page_one_and_a_short_page_is_the_last(
    sdk: Sdk, xero_sandbox: XeroSandbox
):
    total = xero_sandbox.state.counts()["invoices"]["total"]
    page_one = sdk.accounting.get_invoices(sdk.tenant_id, page=1, page_size=60)
    page_two = sdk.accounting.get_invoices(sdk.tenant_id, page=2, page_size=60)
    everything = sdk.accounting.get_invoices(sdk.tenant_id, page=1, page_size=1000)
    ids = [i.invoice_id for i in everything.invoices]
    assert [i.invoice_id for i in page_one.invoices] == ids[:60]
    assert [i.invoice_id for i in page_two.invoices] == ids[60:120]
    assert page_two.pagination.page == 2
    assert page_two.pagination.page_size == 60
    assert page_two.pagination.item_count == total
    assert page_two.pagination.page_count == -(-total // 60)
    last = sdk.accounting.get_invoices(
        sdk.tenant_id, page=page_two.pagination.page_count, page_size=60
    )
    assert 0 < len(last.invoices) <= 60
    assert len(last.invoices) == total - 60 * (page_two.pagination.page_count - 1)


def test_if_modified_since_returns_only_records_changed_after(sdk: Sdk, xero_sandbox: XeroSandbox):
    changed = xero_sandbox.state.make_changes("invoices", update=3, create=2)
    since = datetime.now(UTC) - timedelta(minutes=5)
    recent = sdk.accounting.get_invoices(sdk.tenant_id, if_modified_since=since, page=1)
    assert {str(i.invoice_id) for i in recent.invoices} == set(
        changed["updated"] + changed["created"]
    )
    assert all(i.updated_date_utc >= since for i in recent.invoices)


def test_creates_a_contact_a_bill_and_a_payment_that_pays_it(sdk: Sdk, xero_sandbox: XeroSandbox):
    api, tenant = sdk.accounting, sdk.tenant_id
    created = api.create_contacts(tenant, Contacts(contacts=[Contact(name="Quartz Lantern Ltd")]))
    contact = created.contacts[0]
    assert contact.contact_id
    assert _v(contact.contact_status) == "ACTIVE"
    bill = Invoice(
        type="ACCPAY",
        contact=Contact(contact_id=contact.contact_id),
        date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        status="AUTHORISED",
        line_amount_types=LineAmountTypes.EXCLUSIVE,
        line_items=[
            LineItem(
                description="Kiln repair",
                quantity=Decimal(2),
                unit_amount=Decimal("100.05"),
                account_code="473",
                tax_type="INPUT2",
            ),
        ],
    )
    bills = api.create_invoices(tenant, Invoices(invoices=[bill]), idempotency_key="bill-1")
    stored = bills.invoices[0]
    assert stored.total == Decimal("240.12")
    assert stored.amount_due == Decimal("240.12")
    assert _v(stored.status) == "AUTHORISED"
    payment = Payment(
        invoice=Invoice(invoice_id=stored.invoice_id),
        account=Account(code="090"),
        amount=Decimal("240.12"),
        date=date(2026, 3, 10),
    )
    paid = api.create_payment(tenant, payment)
    assert paid.payments[0].amount == Decimal("240.12")
    after = api.get_invoice(tenant, stored.invoice_id).invoices[0]
    assert _v(after.status) == "PAID"
    assert after.amount_paid == Decimal("240.12")
    assert after.amount_due == Decimal("0.00")
    assert [p.payment_id for p in after.payments] == [paid.payments[0].payment_id]


def test_validation_exception_reaches_the_sdk_with_xeros_messages(
    sdk: Sdk, xero_sandbox: XeroSandbox
):
    api, tenant = sdk.accounting, sdk.tenant_id
    existing = api.get_contacts(tenant, page=1).contacts[0].name
    with pytest.raises(AccountingBadRequestException) as caught:
        api.create_contacts(tenant, Contacts(contacts=[Contact(name=existing)]))
    error = caught.value.error_data
    assert error["Type"] == "ValidationException"
    assert caught.value.reason == (
        f"The contact name {existing} is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    )
    bill = Invoice(
        type="ACCPAY",
        contact=Contact(name="Anyone"),
        status="AUTHORISED",
        line_items=[LineItem(description="x", quantity=1, unit_amount=10, account_code="999")],
    )
    with pytest.raises(AccountingBadRequestException) as caught:
        api.create_invoices(tenant, Invoices(invoices=[bill]))
    messages = [m["Message"] for m in caught.value.error_data["Elements"][0]["ValidationErrors"]]
    assert messages == ["Account code '999' is not a valid code for this document."]


def test_summarize_errors_false_gives_a_result_per_element(sdk: Sdk):
    api, tenant = sdk.accounting, sdk.tenant_id
    contacts = Contacts(contacts=[Contact(name="Heath Ferry Co"), Contact(name="Heath Ferry Co")])
    result = api.create_contacts(tenant, contacts, summarize_errors=False)
    first, second = result.contacts
    assert first.status_attribute_string == "OK"
    assert second.status_attribute_string == "ERROR"
    assert "already assigned" in second.validation_errors[0].message


def test_overpaying_an_invoice_is_refused(sdk: Sdk, xero_sandbox: XeroSandbox):
    api, tenant = sdk.accounting, sdk.tenant_id
    open_bills = api.get_invoices(tenant, where='Type=="ACCPAY" && Status=="AUTHORISED"', page=1)
    target = open_bills.invoices[0]
    too_much = Payment(
        invoice=Invoice(invoice_id=target.invoice_id),
        account=Account(code="090"),
        amount=target.amount_due + Decimal("0.01"),
    )
    with pytest.raises(AccountingBadRequestException) as caught:
        api.create_payment(tenant, too_much)
    assert caught.value.reason == "Payment amount exceeds the amount outstanding on this document"


def test_rate_limit_headers_are_on_sdk_responses(sdk: Sdk, xero_sandbox: XeroSandbox):
    _, status, headers = sdk.accounting.get_accounts(sdk.tenant_id, _return_http_data_only=False)
    assert status == 200
    assert int(headers["X-MinLimit-Remaining"]) < 60
    assert int(headers["X-DayLimit-Remaining"]) < 5000
    assert int(headers["X-AppMinLimit-Remaining"]) < 10_000


def test_sandbox_counts_match_a_full_read(xero_sandbox: XeroSandbox):
    headers = xero_sandbox.headers()
    counts = xero_sandbox.state.counts()
    for path, key, name in (
        ("Payments", "Payments", "payments"),
        ("ManualJournals", "ManualJournals", "manual_journals"),
    ):
        seen, page = 0, 1
        while True:
            body = httpx.get(
                f"{xero_sandbox.api_url}/{path}",
                params={"page": page, "pageSize": 50},
                headers=headers,
            ).json()
            seen += len(body[key])
            if len(body[key]) < 50:
                break
            page += 1
        assert seen == counts[name]["total"]


def test_sdk_refreshes_an_expired_access_token_and_stores_the_rotated_one(
    xero_sandbox: XeroSandbox, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(TokenApi, "refresh_token_url", f"{xero_sandbox.url}/connect/token")
    oauth = xero_sandbox.app.state.oauth
    client = oauth.client(xero_sandbox.client_id)
    verifier = "sdk-refresh-verifier-" + "1" * 30
    code = oauth.authorize(
        client.client_id,
        "http://x/cb",
        "offline_access accounting.settings",
        pkce_s256(verifier),
        "S256",
    )
    first = oauth.exchange_code(client, code, "http://x/cb", verifier)
    store: dict[str, Any] = {
        "token": {**first, "scope": str(first["scope"]).split(), "expires_at": time.time() - 5}
    }
    api_client = ApiClient(
        Configuration(
            oauth2_token=OAuth2Token(
                client_id=xero_sandbox.client_id, client_secret=xero_sandbox.client_secret
            )
        ),
        pool_threads=1,
        oauth2_token_getter=lambda: store["token"],
        oauth2_token_saver=lambda token: store.__setitem__("token", token),
    )
    accounting = AccountingApi(api_client, base_url=xero_sandbox.api_url)
    organisations = accounting.get_organisations(xero_sandbox.tenant_id)
    assert organisations.organisations[0].name == xero_sandbox.state.organisation_name
    assert store["token"]["refresh_token"] != first["refresh_token"]
    assert store["token"]["expires_at"] > time.time() + 1700
