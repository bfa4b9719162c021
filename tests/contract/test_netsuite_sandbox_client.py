"""The PyPI `netsuite` client, pointed at the NetSuite sandbox, works unchanged.

The client signs every call with TBA (OAuth 1.0a HMAC-SHA256 through authlib, the JSON body
hash included) and builds its URLs from the account id (`https://<account>.suitetalk.api...`).
Its one place for the origin is `NetSuiteRestApi._make_url`, which the tests point at the
sandbox (pytest's monkeypatch undoes it); everything else - signing, headers
(`X-NetSuite-PropertyNameValidation: error`, `Prefer: transient`), paging - is the client's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from netsuite import Config, NetSuiteRestApi, TokenAuth
from netsuite.exceptions import NetsuiteAPIRequestError

from tests.contract.netsuite_fixtures import NetSuiteSandbox, netsuite_sandbox

pytestmark = pytest.mark.contract
__all__ = ["netsuite_sandbox"]
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def api(netsuite_sandbox: NetSuiteSandbox, monkeypatch: pytest.MonkeyPatch) -> NetSuiteRestApi:
    monkeypatch.setattr(
        NetSuiteRestApi,
        "_make_url",
        lambda self, subpath: f"{netsuite_sandbox.rest_url}{subpath}",
    )
    config = netsuite_sandbox.config
    return NetSuiteRestApi(
        Config(
            account=config.account_id,
            auth=TokenAuth(
                consumer_key=config.client_id,
                consumer_secret=config.client_secret.get_secret_value(),
                token_id=config.token_id,
                token_secret=config.token_secret.get_secret_value(),
            ),
        )
    )


def test_suiteql_pages_through_every_bill_with_the_clients_own_paging(
    api: NetSuiteRestApi, netsuite_sandbox: NetSuiteSandbox
):
    query = "SELECT t.id, t.tranid FROM transaction t WHERE t.type = 'VendBill' ORDER BY t.id"
    seen: list[str] = []
    offset = 0
    while True:
        page = run(api.suiteql(query, limit=25, offset=offset))
        assert page["count"] == len(page["items"]) <= 25
        assert page["offset"] == offset
        seen += [item["id"] for item in page["items"]]
        rels = {link["rel"]: link["href"] for link in page["links"]}
        assert rels["self"].startswith(netsuite_sandbox.url)
        if not page["hasMore"]:
            assert "next" not in rels
            break
        assert rels["next"].endswith(f"offset={offset + 25}")
        offset += 25
    expected = sorted(netsuite_sandbox.store.records["vendorBill"])
    assert seen == [str(i) for i in expected]
    assert page["totalResults"] == len(expected)


def test_record_read_by_id_and_external_id_with_expanded_sublists(api: NetSuiteRestApi):
    bill = run(api.get("/record/v1/vendorBill/1001", params={"expandSubResources": "True"}))
    assert bill["id"] == "1001"
    assert bill["entity"]["id"]
    assert bill["entity"]["refName"]
    lines = bill["expense"]["items"]
    assert lines
    assert {"account", "amount"} <= set(lines[0])
    assert bill["expense"]["totalResults"] == len(lines)
    plain = run(api.get("/record/v1/vendorBill/1001"))
    assert set(plain["expense"]) == {"links"}


def test_create_upsert_update_delete_through_the_client(
    api: NetSuiteRestApi, netsuite_sandbox: NetSuiteSandbox
):
    created = run(
        api.request(
            "POST", "/record/v1/vendor", json={"companyName": "Quill Test Supply", "email": "a@b.c"}
        )
    )
    assert created.status_code == 204
    location = created.headers["location"]
    assert location.startswith(f"{netsuite_sandbox.rest_url}/record/v1/vendor/")
    vendor_id = location.rsplit("/", 1)[1]
    assert run(api.get(f"/record/v1/vendor/{vendor_id}"))["companyName"] == "Quill Test Supply"

    for _ in range(2):  # an upsert by external id, sent twice, is still one record
        assert (
            run(api.put("/record/v1/vendor/eid:LH-1", json={"companyName": "Eid Vendor"})) is None
        )
    named = [
        v
        for v in netsuite_sandbox.store.records["vendor"].values()
        if v.get("externalId") == "LH-1"
    ]
    assert len(named) == 1
    assert run(api.get("/record/v1/vendor/eid:LH-1"))["companyName"] == "Eid Vendor"

    assert run(api.patch(f"/record/v1/vendor/{vendor_id}", json={"phone": "555-0100"})) is None
    assert run(api.get(f"/record/v1/vendor/{vendor_id}"))["phone"] == "555-0100"

    assert run(api.delete(f"/record/v1/vendor/{vendor_id}")) is None
    with pytest.raises(NetsuiteAPIRequestError) as missing:
        run(api.get(f"/record/v1/vendor/{vendor_id}"))
    assert missing.value.status_code == 404
    gone = run(
        api.suiteql(f"SELECT recordid, type FROM deletedrecord WHERE recordid = {vendor_id}")
    )
    assert gone["items"][0]["type"] == "vendor"


def test_the_clients_strict_property_validation_refuses_unknown_fields(api: NetSuiteRestApi):
    with pytest.raises(NetsuiteAPIRequestError) as refused:
        run(api.post("/record/v1/vendor", json={"companyName": "X", "notAField": 1}))
    assert refused.value.status_code == 400
    assert "notAField" in refused.value.response_text


def test_a_bill_created_through_the_client_reads_back_through_suiteql(api: NetSuiteRestApi):
    body = {
        "entity": {"id": "100"},
        "tranDate": "2026-03-15",
        "externalId": "BILL-LH-7",
        "expense": {"items": [{"account": {"id": "14"}, "amount": 123.45, "memo": "Paper"}]},
    }
    assert run(api.put("/record/v1/vendorBill/eid:BILL-LH-7", json=body)) is None
    rows = run(
        api.suiteql(
            "SELECT t.id, t.foreigntotal, tl.expenseaccount, tl.foreignamount FROM transaction t "
            "INNER JOIN transactionline tl ON tl.transaction = t.id "
            "WHERE t.externalid = 'BILL-LH-7' AND tl.mainline = 'F'"
        )
    )
    assert rows["items"][0]["foreigntotal"] == pytest.approx(123.45)
    assert rows["items"][0]["expenseaccount"] == "14"


def test_a_wrong_token_secret_is_refused_as_invalid_login(
    api: NetSuiteRestApi, netsuite_sandbox: NetSuiteSandbox
):
    api._config.auth.token_secret = "not-the-secret"  # type: ignore[union-attr]
    with pytest.raises(NetsuiteAPIRequestError) as refused:
        run(api.get("/record/v1/vendor/100"))
    assert refused.value.status_code == 401
    assert "INVALID_LOGIN" in refused.value.response_text
