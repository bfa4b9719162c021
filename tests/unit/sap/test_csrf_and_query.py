"""CSRF inside the auth flow, both paging styles, OData values and the sandbox's query language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from decimal import Decimal

import httpx
import pytest

from connectors.sandbox import ServerHandle, run_in_thread
from connectors.sap.auth import CsrfAuth, service_root
from connectors.sap.sandbox import SERVICE_BY_NAME, SapSandboxConfig, create_app
from connectors.sap.sandbox.query import QueryError, compile_filter, parse_key_predicate
from connectors.sap.wire import (
    collection,
    parse_odata_datetime,
    parse_odata_decimal,
    parse_odata_time,
)

AUTH = httpx.BasicAuth("sandbox-client", "sandbox-secret")
BP = "/sap/opu/odata/sap/API_BUSINESS_PARTNER"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    app = create_app(SapSandboxConfig(seed=5, records=40, no_limits=True, server_page=7))
    with run_in_thread(app) as handle:
        yield handle


def _partner(name: str) -> dict[str, object]:
    return {"BusinessPartnerCategory": "2", "OrganizationBPName1": name}


def test_writes_fetch_the_token_once_and_refetch_once_when_it_expired(server: ServerHandle) -> None:
    csrf = CsrfAuth(AUTH)
    with httpx.Client(base_url=server.url, auth=csrf) as client:
        assert client.get(f"{BP}/A_BusinessPartner?$top=1").status_code == 200
        assert csrf.fetches == 0  # reads need no token
        assert client.post(f"{BP}/A_BusinessPartner", json=_partner("Csrf One")).status_code == 201
        assert client.post(f"{BP}/A_BusinessPartner", json=_partner("Csrf Two")).status_code == 201
        assert csrf.fetches == 1
        httpx.post(f"{server.url}/_sandbox/expire-csrf")
        before = httpx.get(f"{server.url}/_sandbox/stats").json()["by_status"].get("403", 0)
        assert (
            client.post(f"{BP}/A_BusinessPartner", json=_partner("Csrf Three")).status_code == 201
        )
        assert csrf.fetches == 2
        after = httpx.get(f"{server.url}/_sandbox/stats").json()["by_status"].get("403", 0)
        assert after - before == 1  # one refusal, one refetch, one resend


def test_a_write_without_the_csrf_auth_is_refused_with_required(server: ServerHandle) -> None:
    response = httpx.post(
        f"{server.url}{BP}/A_BusinessPartner", json=_partner("No Csrf"), auth=AUTH
    )
    assert response.status_code == 403
    assert response.headers["x-csrf-token"] == "Required"


def test_service_root_of_entity_and_function_urls() -> None:
    url = httpx.URL("http://h:1/sap/opu/odata/sap/API_X_SRV/A_Y('1')/to_Z?$top=1")
    assert str(service_root(url)) == "http://h:1/sap/opu/odata/sap/API_X_SRV/"


def test_server_paging_with_next_links_and_client_paging_with_top_and_skip(
    server: ServerHandle,
) -> None:
    with httpx.Client(base_url=server.url, auth=AUTH) as client:
        keys: list[str] = []
        url: str | None = f"{BP}/A_BusinessPartner?$select=BusinessPartner&$inlinecount=allpages"
        pages = 0
        while url:
            body = client.get(url).json()
            items, url, count = collection(body)
            keys += [i["BusinessPartner"] for i in items]
            pages += 1
            assert len(items) <= 7
        assert count == len(keys) == len(set(keys))
        assert count is not None
        assert pages == -(-count // 7)
        first = client.get(f"{BP}/A_BusinessPartner?$top=4&$skip=0&$select=BusinessPartner").json()
        second = client.get(f"{BP}/A_BusinessPartner?$top=4&$skip=4&$select=BusinessPartner").json()
        paged = [i["BusinessPartner"] for b in (first, second) for i in collection(b)[0]]
        assert paged == keys[:8]
        assert collection(first)[1] is None  # $top satisfied: no next link


def test_odata_values_are_exact() -> None:
    assert parse_odata_decimal("1234567890123.456") == Decimal("1234567890123.456")
    with pytest.raises(ValueError, match="float"):
        parse_odata_decimal(0.1)
    assert parse_odata_datetime("/Date(1492041600000)/") == datetime(2017, 4, 13, tzinfo=UTC)
    assert parse_odata_datetime("/Date(1492041600000+0060)/") == datetime(2017, 4, 13, tzinfo=UTC)
    assert parse_odata_time("PT12H30M05S") == time(12, 30, 5)
    with pytest.raises(ValueError, match=r"Edm\.Time"):
        parse_odata_time("12:30")


def test_filters_are_typed_like_gateway() -> None:
    es = SERVICE_BY_NAME["API_BUSINESS_PARTNER"].set_by_name["A_BusinessPartner"]
    stamp = datetime(2025, 10, 1, tzinfo=UTC)
    match = compile_filter(
        es,
        "(LastChangeDate gt datetime'2025-10-01T00:00:00' or (LastChangeDate eq "
        "datetime'2025-10-01T00:00:00' and LastChangeTime ge time'PT10H00M00S')) and "
        "substringof('Amber', BusinessPartnerName)",
    )
    row = {
        "LastChangeDate": stamp,
        "LastChangeTime": time(10, 0),
        "BusinessPartnerName": "Amber Ltd",
    }
    assert match(row)
    assert not match({**row, "LastChangeTime": time(9, 59)})
    with pytest.raises(QueryError, match=r"Edm\.DateTime"):
        compile_filter(es, "LastChangeDate ge '2025-10-01'")
    with pytest.raises(QueryError, match="not found"):
        compile_filter(es, "Nope eq '1'")
    invoice = SERVICE_BY_NAME["API_SUPPLIERINVOICE_PROCESS_SRV"].set_by_name["A_SupplierInvoice"]
    assert parse_key_predicate(invoice, "SupplierInvoice='51',FiscalYear='2025'") == ("51", "2025")
    with pytest.raises(QueryError, match="FiscalYear"):
        parse_key_predicate(invoice, "SupplierInvoice='51'")
