"""The NetSuite sandbox over HTTP: TBA and M2M refusals, SuiteQL paging and caps, record API
errors, asynchronous requests with idempotency keys, and the concurrency limit."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth1Auth
from authlib.oauth1.rfc5849.client_auth import ClientAuth
from authlib.oauth1.rfc5849.signature import generate_signature_base_string
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from connectors.netsuite.sandbox.tba import sign_hmac_sha256, signature_base_string
from tests.contract.netsuite_fixtures import (
    KeyPair,
    NetSuiteSandbox,
    ec_key,
    netsuite_sandbox,
    rsa_key,
)

pytestmark = [
    pytest.mark.contract,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
__all__ = ["netsuite_sandbox"]
SUITEQL = "/services/rest/query/v1/suiteql"


def _authlib_hmac_sha256(client: Any, request: Any) -> str:
    # authlib ships HMAC-SHA1 and RSA-SHA1 only; its own base string, signed with SHA-256.
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote

    key = f"{quote(client.client_secret, safe='~')}&{quote(client.token_secret or '', safe='~')}"
    base = generate_signature_base_string(request)
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()).decode()


ClientAuth.register_signature_method("HMAC-SHA256", _authlib_hmac_sha256)
TRANSIENT = {"Prefer": "transient"}


def tba(sandbox: NetSuiteSandbox, **changes: str) -> OAuth1Auth:
    config = sandbox.config
    values = {
        "client_id": config.client_id,
        "client_secret": config.client_secret.get_secret_value(),
        "token": config.token_id,
        "token_secret": config.token_secret.get_secret_value(),
        "realm": config.account_id,
        **changes,
    }
    return OAuth1Auth(signature_method="HMAC-SHA256", force_include_body=True, **values)


def manual_header(
    sandbox: NetSuiteSandbox, method: str, url: str, *, nonce: str, timestamp: int, realm: str
) -> str:
    config = sandbox.config
    params = {
        "oauth_consumer_key": config.client_id,
        "oauth_token": config.token_id,
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": str(timestamp),
        "oauth_nonce": nonce,
        "oauth_version": "1.0",
    }
    parts = urlsplit(url)
    base = signature_base_string(
        method, f"{parts.scheme}://{parts.netloc}{parts.path}", params, parts.query
    )
    params["oauth_signature"] = sign_hmac_sha256(
        base, config.client_secret.get_secret_value(), config.token_secret.get_secret_value()
    )
    from urllib.parse import quote

    fields = ", ".join(f'{k}="{quote(v, safe="~")}"' for k, v in params.items())
    return f'OAuth realm="{realm}", {fields}'


def test_tba_signed_calls_pass_and_query_parameters_are_inside_the_signature(
    netsuite_sandbox: NetSuiteSandbox,
):
    with httpx.Client(base_url=netsuite_sandbox.url, auth=tba(netsuite_sandbox)) as client:
        ok = client.get("/services/rest/record/v1/vendor", params={"limit": 5, "offset": 5})
        assert ok.status_code == 200
        assert ok.json()["count"] == 5


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"client_secret": "wrong"}, "InvalidSignature"),
        ({"token_secret": "wrong"}, "InvalidSignature"),
        ({"realm": "7654321"}, "InvalidAccount"),
        ({"token": "someone-elses-token"}, "InvalidToken"),
        ({"client_id": "unknown-consumer"}, "consumer_key_unknown"),
    ],
)
def test_tba_refusals_are_401_invalid_login_naming_the_reason(
    netsuite_sandbox: NetSuiteSandbox, change: dict[str, str], reason: str
):
    with httpx.Client(base_url=netsuite_sandbox.url, auth=tba(netsuite_sandbox, **change)) as c:
        refused = c.get("/services/rest/record/v1/vendor")
    assert refused.status_code == 401
    detail = refused.json()["o:errorDetails"][0]
    assert detail["o:errorCode"] == "INVALID_LOGIN"
    assert reason in refused.headers["www-authenticate"]


def test_tba_refuses_a_used_nonce_an_old_timestamp_and_no_credentials(
    netsuite_sandbox: NetSuiteSandbox,
):
    url = f"{netsuite_sandbox.url}/services/rest/record/v1/vendor/100"
    now = int(time.time())
    header = manual_header(
        netsuite_sandbox, "GET", url, nonce="fixednonce123", timestamp=now, realm="1234567_SB1"
    )
    assert httpx.get(url, headers={"Authorization": header}).status_code == 200
    replay = httpx.get(url, headers={"Authorization": header})
    assert replay.status_code == 401
    assert "NonceUsed" in replay.headers["www-authenticate"]
    stale = manual_header(
        netsuite_sandbox,
        "GET",
        url,
        nonce=secrets.token_hex(8),
        timestamp=now - 400,
        realm="1234567_SB1",
    )
    old = httpx.get(url, headers={"Authorization": stale})
    assert old.status_code == 401
    assert "InvalidTimestamp" in old.headers["www-authenticate"]
    bare = httpx.get(url)
    assert bare.status_code == 401
    assert bare.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"


def assertion(
    sandbox: NetSuiteSandbox, key: KeyPair, *, alg: str | None = None, **claims: Any
) -> str:
    now = int(time.time())
    body = {
        "iss": sandbox.config.client_id,
        "scope": ["restlets", "rest_webservices"],
        "aud": sandbox.token_url,
        "iat": now,
        "exp": now + 3600,
        **claims,
    }
    private = (RSAKey if key.alg.startswith(("PS", "RS")) else ECKey).import_key(key.private_pem)
    algorithm = alg or key.alg
    header = {"alg": algorithm, "typ": "JWT", "kid": key.kid}
    return jwt.encode(header, body, private, algorithms=[algorithm])


def token_request(sandbox: NetSuiteSandbox, client_assertion: str) -> httpx.Response:
    return httpx.post(
        sandbox.token_url,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion,
        },
    )


@pytest.mark.parametrize(
    ("key", "alg"), [(rsa_key, "PS256"), (rsa_key, "RS256"), (ec_key, "ES256")]
)
def test_m2m_assertion_gets_a_bearer_that_works_on_every_rest_path(
    netsuite_sandbox: NetSuiteSandbox, key: Any, alg: str
):
    answer = token_request(netsuite_sandbox, assertion(netsuite_sandbox, key(), alg=alg))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == "3600"  # NetSuite writes it as a string
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    with httpx.Client(base_url=netsuite_sandbox.url, headers=bearer) as client:
        assert client.get("/services/rest/record/v1/customer?limit=2").status_code == 200
        rows = client.post(SUITEQL, json={"q": "SELECT id FROM account"}, headers=TRANSIENT)
        assert rows.status_code == 200
    unknown = httpx.get(
        f"{netsuite_sandbox.url}/services/rest/record/v1/customer",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert unknown.status_code == 401
    assert unknown.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"


def test_m2m_refuses_bad_assertions(netsuite_sandbox: NetSuiteSandbox):
    sandbox, key = netsuite_sandbox, rsa_key()
    now = int(time.time())
    cases = {
        "foreign iss": assertion(sandbox, key, iss="another-integration"),
        "expired": assertion(sandbox, key, iat=now - 7200, exp=now - 3600),
        "too long": assertion(sandbox, key, iat=now, exp=now + 3601),
        "wrong aud": assertion(sandbox, key, aud="https://elsewhere.example/token"),
        "no scope": assertion(sandbox, key, scope="suiteanalytics"),
    }
    forged = assertion(sandbox, ec_key(), alg="ES256").split(".")
    genuine = assertion(sandbox, key).split(".")
    cases["another key's signature"] = ".".join([genuine[0], genuine[1], forged[2]])
    import base64
    import json

    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    cases["alg none"] = f"{b64({'alg': 'none', 'kid': key.kid})}.{genuine[1]}."
    cases["unknown kid"] = ".".join(
        [b64({"alg": "PS256", "typ": "JWT", "kid": "nope"}), genuine[1], genuine[2]]
    )
    for name, value in cases.items():
        answer = token_request(sandbox, value)
        assert answer.status_code == 400, name
        assert "error" in answer.json(), name


def signed(sandbox: NetSuiteSandbox) -> httpx.Client:
    return httpx.Client(base_url=sandbox.url, auth=tba(sandbox), timeout=30)


def test_suiteql_envelope_limit_offset_and_the_100k_cap(netsuite_sandbox: NetSuiteSandbox):
    q = {"q": "SELECT id FROM transaction ORDER BY id"}
    with signed(netsuite_sandbox) as client:
        page = client.post(f"{SUITEQL}?limit=10&offset=20", json=q, headers=TRANSIENT).json()
        total = page["totalResults"]
        assert page["count"] == 10
        assert page["offset"] == 20
        assert page["hasMore"] is True
        rels = {link["rel"]: link["href"] for link in page["links"]}
        assert rels["next"] == f"{netsuite_sandbox.url}{SUITEQL}?limit=10&offset=30"
        last = client.post(
            f"{SUITEQL}?limit=10&offset={total // 10 * 10}", json=q, headers=TRANSIENT
        ).json()
        assert last["hasMore"] is False
        too_many = client.post(f"{SUITEQL}?limit=1001", json=q, headers=TRANSIENT)
        assert too_many.status_code == 400
        capped = client.post(f"{SUITEQL}?limit=1000&offset=100000", json=q, headers=TRANSIENT)
        assert capped.status_code == 400
        assert capped.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_PARAMETER"
        bad = client.post(SUITEQL, json={"q": "SELECT nosuchcolumn FROM vendor"}, headers=TRANSIENT)
        assert bad.status_code == 400
        assert bad.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_PARAMETER"
        no_prefer = client.post(SUITEQL, json=q)
        assert no_prefer.status_code == 400


def test_suiteql_renders_dates_in_the_account_zone_and_format(netsuite_sandbox: NetSuiteSandbox):
    store = netsuite_sandbox.store
    bill = store.records["vendorBill"][1001]
    with signed(netsuite_sandbox) as client:
        row = client.post(
            SUITEQL,
            json={
                "q": "SELECT t.id, t.lastmodifieddate AS raw, "
                "TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS stamp, t.trandate "
                "FROM transaction t WHERE t.id = 1001"
            },
            headers=TRANSIENT,
        ).json()["items"][0]
    local = bill["lastModifiedDate"].astimezone(store.zone)
    assert row["stamp"] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert row["raw"] == f"{local.month}/{local.day}/{local.year}"  # date only, account format
    issued = bill["tranDate"]
    assert row["trandate"] == f"{issued.month}/{issued.day}/{issued.year}"


def test_record_errors_carry_code_and_path(netsuite_sandbox: NetSuiteSandbox):
    with signed(netsuite_sandbox) as client:
        bad_ref = client.post(
            "/services/rest/record/v1/vendorBill",
            json={"entity": {"id": "999999"}, "expense": {"items": []}},
        )
        assert bad_ref.status_code == 400
        detail = bad_ref.json()["o:errorDetails"][0]
        assert (detail["o:errorCode"], detail["o:errorPath"]) == ("INVALID_CONTENT", "entity")
        missing = client.get("/services/rest/record/v1/vendorBill/eid:nope")
        assert missing.status_code == 404
        unbalanced = client.post(
            "/services/rest/record/v1/journalEntry",
            json={
                "line": {
                    "items": [
                        {"account": {"id": "14"}, "debit": 10},
                        {"account": {"id": "1"}, "credit": 9},
                    ]
                }
            },
        )
        assert unbalanced.status_code == 400


def test_async_requests_run_once_per_idempotency_key(netsuite_sandbox: NetSuiteSandbox):
    headers = {"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": "key-42"}
    body = {"companyName": "Async Vendor"}
    before = len(netsuite_sandbox.store.records["vendor"])
    with signed(netsuite_sandbox) as client:
        first = client.post("/services/rest/record/v1/vendor", json=body, headers=headers)
        assert first.status_code == 202
        assert first.headers["preference-applied"] == "respond-async"
        job_url = first.headers["location"]
        assert "/services/rest/async/v1/job/" in job_url
        again = client.post("/services/rest/record/v1/vendor", json=body, headers=headers)
        assert again.status_code == 400
        assert again.json()["o:errorDetails"][0]["o:errorCode"] == "IDEMPOTENCY_ERROR"
        assert again.headers["location"] == job_url
        job = client.get(job_url).json()
        assert job["completed"] is True
        result = client.get(f"{job_url}/task/{job['id']}/result")
        assert result.status_code == 204
        assert "/record/v1/vendor/" in result.headers["location"]
        # Synchronous requests ignore the key: each creates.
        sync = {"X-NetSuite-Idempotency-Key": "key-43"}
        for _ in range(2):
            assert (
                client.post("/services/rest/record/v1/vendor", json=body, headers=sync).status_code
                == 204
            )
    assert len(netsuite_sandbox.store.records["vendor"]) == before + 3


@pytest.mark.parametrize("netsuite_sandbox", [{"concurrency": 2}], indirect=True)
def test_a_burst_over_the_concurrency_limit_gets_429s_never_resets(
    netsuite_sandbox: NetSuiteSandbox,
):
    netsuite_sandbox.app.state.runtime.faults.configure(
        type(netsuite_sandbox.app.state.runtime.faults.config)(slow_rate=1.0, slow_seconds=0.3)
    )

    async def burst() -> list[int]:
        async with httpx.AsyncClient(
            base_url=netsuite_sandbox.url, auth=tba(netsuite_sandbox), timeout=30
        ) as client:
            answers = await asyncio.gather(
                *(client.get("/services/rest/record/v1/vendor/100") for _ in range(24))
            )
        return [a.status_code for a in answers]

    statuses = asyncio.run(burst())
    assert set(statuses) <= {200, 429}
    assert statuses.count(429) > 0
    assert statuses.count(200) >= 2
