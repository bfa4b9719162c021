"""A fake ERP on the v2 shapes: offset + key paging, a POST read, composite keys, own auth."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from pydantic import SecretStr

from connectors.base import ConnectionConfig, Page, ReadState
from connectors.errors import MappingError
from connectors.http import RetryPolicy
from connectors.pull import pull
from tests.unit.connectors.fake_erp import AcmeConnector

BASE = "https://acme.test"
CAP = 6  # Acme refuses offset + limit beyond this (as SuiteQL does past 100,000 rows)


class AcmeServer:
    """Acme's API in memory: a POST query endpoint and an OData collection."""

    def __init__(self, accounts: int = 11, centres: int = 5) -> None:
        self.accounts = [
            {"ledger": f"L{i % 2 + 1}", "code": f"A{i:02d}", "name": f"Account {i}"}
            for i in range(accounts)
        ]
        self.centres = [
            {"ledger": "L1", "code": f"C{i}", "name": f"Centre {i}"} for i in range(centres)
        ]
        self.queries: list[dict[str, Any]] = []
        self.fail_next: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if (
            request.headers.get("X-Acme-Key") != "k-1"
            or request.headers.get("X-Acme-Account") != "acct"
        ):
            return httpx.Response(401, json={"message": "bad key"})
        if self.fail_next:
            return httpx.Response(self.fail_next.pop(0), json={"message": "busy"})
        url = urlparse(str(request.url))
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/query" and request.method == "POST":
            return self._query(params, json.loads(request.content))
        if url.path == "/odata/CostCenters":
            start = int(params.get("$skiptoken", "0"))
            body: dict[str, Any] = {"results": self.centres[start : start + 2]}
            if start + 2 < len(self.centres):
                body["__next"] = f"{BASE}/odata/CostCenters?$skiptoken={start + 2}"
            return httpx.Response(200, json={"d": body})
        return httpx.Response(404, json={"message": "no such path"})

    def _query(self, params: dict[str, str], body: dict[str, Any]) -> httpx.Response:
        offset, limit = int(params["offset"]), int(params["limit"])
        self.queries.append({"offset": offset, "q": body["q"]})
        if offset + limit > CAP:
            return httpx.Response(400, json={"message": "offset beyond the cap"})
        after = re.search(r"code > '(\w+)'", body["q"])
        rows = [a for a in self.accounts if not after or a["code"] > after.group(1)]
        page = rows[offset : offset + limit]
        return httpx.Response(200, json={"items": page, "hasMore": offset + limit < len(rows)})


def connector(server: AcmeServer, **credentials: str) -> AcmeConnector:
    config = ConnectionConfig(
        connection_id="acme-1",
        base_url=BASE,
        credentials=credentials or {"account": "acct", "api_key": "k-1"},
    )
    fast = RetryPolicy(attempts=3, initial=0.0, maximum=0.0, jitter=0.0)
    return AcmeConnector(config, retry=fast, transport=httpx.MockTransport(server))


def remote_ids(pages: list[Page]) -> list[str]:
    return [str(r.remote_id) for page in pages for r in page.records]


def test_offset_then_key_paging_reads_every_account_once_with_composite_ids() -> None:
    server = AcmeServer()
    with connector(server) as acme:
        pages = list(acme.read("accounts"))
    ids = remote_ids(pages)
    assert ids == [f"L{i % 2 + 1}/A{i:02d}" for i in range(11)]
    assert [q["offset"] for q in server.queries] == [0, 3, 0, 3]
    assert "code > 'A05'" in server.queries[2]["q"]  # past the cap: by key, from the last read
    assert pages[-1].last
    assert not any(page.failures for page in pages)


def test_next_links_read_the_odata_collection_from_d_results() -> None:
    with connector(AcmeServer()) as acme:
        pages = list(acme.read("cost_centers"))
    assert remote_ids(pages) == [f"L1/C{i}" for i in range(5)]
    assert len(pages) == 3


@pytest.mark.parametrize(
    ("resource", "stop_after"), [("accounts", 1), ("accounts", 3), ("cost_centers", 1)]
)
def test_a_read_resumes_mid_pass_from_the_stored_cursor(resource: str, stop_after: int) -> None:
    server = AcmeServer()
    with connector(server) as acme:
        whole = remote_ids(list(acme.read(resource)))
    with connector(server) as acme:
        first = []
        for page in acme.read(resource):
            first.append(page)
            if len(first) == stop_after:
                break
    cursor = first[-1].cursor
    assert not first[-1].last
    with connector(server) as acme:  # a new process: nothing but the cursor carries over
        rest = list(acme.read(resource, cursor))
    assert remote_ids(first) + remote_ids(rest) == whole
    assert rest[0].number == stop_after + 1


def test_the_post_query_is_retried_like_a_get() -> None:
    server = AcmeServer()
    server.fail_next = [503, 502]
    with connector(server) as acme:
        assert len(remote_ids(list(acme.read("accounts")))) == 11


def test_an_item_missing_part_of_its_key_is_a_failure_naming_the_fields() -> None:
    server = AcmeServer(accounts=3)
    del server.accounts[1]["ledger"]
    with connector(server) as acme:
        (page,) = list(acme.read("accounts"))
    assert remote_ids([page]) == ["L1/A00", "L1/A02"]
    (failure,) = page.failures
    assert isinstance(failure.error, MappingError)
    assert "ledger + code -> account.remote_id: is missing" in failure.error.message


def test_the_custom_auth_mode_signs_every_request_and_validates_its_credentials() -> None:
    assert AcmeConnector.capabilities().auth == ("api_key",)
    with (
        connector(AcmeServer(), account="acct", api_key="wrong") as acme,
        pytest.raises(Exception, match="refused the credentials"),
    ):
        list(acme.read("accounts"))
    with pytest.raises(ValueError, match="api_key: Field required"):
        connector(AcmeServer(), account="acct")
    with connector(AcmeServer()) as acme:
        assert acme.credentials.secrets() == ["k-1"]
        assert isinstance(acme.credentials.api_key, SecretStr)  # type: ignore[attr-defined]


class SlicedAcme(AcmeConnector):
    SLICE = 2  # Acme's pages hold 3 accounts: each comes as a slice of 2 and one of 1


def sliced(server: AcmeServer) -> SlicedAcme:
    config = ConnectionConfig(
        connection_id="acme-1", base_url=BASE, credentials={"account": "acct", "api_key": "k-1"}
    )
    fast = RetryPolicy(attempts=3, initial=0.0, maximum=0.0, jitter=0.0)
    return SlicedAcme(config, retry=fast, transport=httpx.MockTransport(server))


def test_a_page_comes_in_slices_and_counts_once_with_its_last_slice() -> None:
    server = AcmeServer()
    with connector(server) as acme:
        whole = list(acme.read("accounts"))
    calls = len(server.queries)
    with sliced(server) as acme:
        slices = list(acme.read("accounts"))
    assert len(server.queries) - calls == calls  # slicing costs no request
    assert remote_ids(slices) == remote_ids(whole)
    assert [(s.number, len(s.records), s.partial) for s in slices] == [
        (1, 2, True),
        (1, 1, False),
        (2, 2, True),
        (2, 1, False),
        (3, 2, True),
        (3, 1, False),
        (4, 2, False),
    ]
    assert [s.fetched for s in slices] == [2, 1, 2, 1, 2, 1, 2]
    assert [s.last for s in slices] == [False] * 6 + [True]

    # The last slice of a page carries the page's own cursor, as an unsliced read does.
    def where(cursor: str) -> dict[str, object]:  # the read's start time differs by run
        return ReadState.load(cursor).model_dump(exclude={"next_since"})  # type: ignore[union-attr]

    assert [where(s.cursor) for s in slices if not s.partial] == [where(p.cursor) for p in whole]
    stats = pull(sliced(server), ["accounts"], lambda _page: None)
    assert stats.pages["accounts"] == len(whole)
    assert stats.fetched["accounts"] == 11


@pytest.mark.parametrize("stop_after", [1, 3, 5])
def test_the_cursor_of_a_partial_slice_reads_its_page_again(stop_after: int) -> None:
    server = AcmeServer()
    with sliced(server) as acme:
        whole = list(acme.read("accounts"))
    with sliced(server) as acme:
        first = []
        for page in acme.read("accounts"):
            first.append(page)
            if len(first) == stop_after:
                break
    assert first[-1].partial
    with sliced(server) as acme:  # a crash after a partial slice: the page comes again
        rest = list(acme.read("accounts", first[-1].cursor))
    assert rest[0].number == first[-1].number
    assert remote_ids(first) + remote_ids(rest)[len(first[-1].records) :] == remote_ids(whole)
    assert remote_ids(rest)[: len(first[-1].records)] == remote_ids([first[-1]])
