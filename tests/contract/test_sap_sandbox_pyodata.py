"""The SAP sandbox is faithful when SAP's own OData client, `pyodata`, works against it unchanged.

pyodata is built on a `requests.Session` with basic auth, reads each service's `$metadata`,
and then counts, pages, filters, expands, reads by key, and deep-inserts after fetching a CSRF
token, exactly as it would against S/4HANA.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pyodata
import pytest
import requests
from pyodata.exceptions import HttpError
from pyodata.vendor.SAP import BusinessGatewayError

from connectors.sandbox import ServerHandle, run_in_thread
from connectors.sap.sandbox import SapSandboxConfig, SapSandboxState, create_app

pytestmark = pytest.mark.contract

USER, PASSWORD = "contract-user", "contract-secret"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[ServerHandle, SapSandboxState]]:
    app = create_app(
        SapSandboxConfig(
            seed=7, records=200, client_id=USER, client_secret=PASSWORD, no_limits=True
        )
    )
    with run_in_thread(app) as server:
        yield server, app.state.sandbox


def _session() -> requests.Session:
    session = requests.Session()
    session.auth = (USER, PASSWORD)
    return session


def _client(server: ServerHandle, service: str, session: requests.Session | None = None) -> object:
    return pyodata.Client(f"{server.url}/sap/opu/odata/sap/{service}/", session or _session())


def test_metadata_loads_for_every_service(sandbox: tuple[ServerHandle, SapSandboxState]) -> None:
    server, state = sandbox
    for svc in state.services:
        client = _client(server, svc.name)
        names = {es.name for es in client.schema.entity_sets}  # type: ignore[attr-defined]
        assert names == {es.name for es in svc.sets}


def test_count_paging_and_filter(sandbox: tuple[ServerHandle, SapSandboxState]) -> None:
    server, state = sandbox
    client = _client(server, "API_BUSINESS_PARTNER")
    partners = client.entity_sets.A_BusinessPartner  # type: ignore[attr-defined]
    total = partners.get_entities().count().execute()
    assert total == len(state.store.table("API_BUSINESS_PARTNER", "A_BusinessPartner"))
    page = partners.get_entities().top(7).skip(3).count(inline=True).execute()
    assert len(page) == 7
    assert page.total_count == total
    expected = sorted(state.store.table("API_BUSINESS_PARTNER", "A_BusinessPartner").rows)[3:10]
    assert [p.BusinessPartner for p in page] == [k[0] for k in expected]
    orgs = partners.get_entities().filter("BusinessPartnerCategory eq '2'").top(5000).execute()
    assert orgs
    assert all(p.BusinessPartnerCategory == "2" for p in orgs)
    people = partners.get_entities().filter(BusinessPartnerCategory="1").count().execute()
    assert people > 0
    assert people + len(orgs) == total


def test_server_paging_follows_next_links(sandbox: tuple[ServerHandle, SapSandboxState]) -> None:
    server, state = sandbox
    client = _client(server, "API_JOURNALENTRYITEMBASIC_SRV")
    items = client.entity_sets.A_JournalEntryItemBasic  # type: ignore[attr-defined]
    seen: list[str] = []
    batch = items.get_entities().execute()
    while True:
        seen.extend(f"{i.AccountingDocument}/{i.LedgerGLLineItem}" for i in batch)
        if batch.next_url is None:
            break
        batch = items.get_entities().next_url(batch.next_url).execute()
    assert len(seen) == len(
        state.store.table("API_JOURNALENTRYITEMBASIC_SRV", "A_JournalEntryItemBasic")
    )
    assert len(set(seen)) == len(seen)


def test_filter_on_change_date_and_decimals(sandbox: tuple[ServerHandle, SapSandboxState]) -> None:
    server, state = sandbox
    client = _client(server, "API_BILLING_DOCUMENT_SRV")
    docs = client.entity_sets.A_BillingDocument  # type: ignore[attr-defined]
    since = datetime(2025, 9, 1, tzinfo=UTC)
    found = (
        docs.get_entities()
        .filter("LastChangeDateTime ge datetimeoffset'2025-09-01T00:00:00Z'")
        .top(5000)
        .execute()
    )
    rows = state.store.table("API_BILLING_DOCUMENT_SRV", "A_BillingDocument").rows.values()
    assert {d.BillingDocument for d in found} == {
        r["BillingDocument"] for r in rows if r["LastChangeDateTime"] >= since
    }
    first = found[0]
    assert isinstance(first.LastChangeDateTime, datetime)
    assert Decimal(first.TotalNetAmount) + Decimal(first.TaxAmount) == Decimal(
        first.TotalGrossAmount
    )
    bp = _client(server, "API_BUSINESS_PARTNER").entity_sets.A_BusinessPartner  # type: ignore[attr-defined]
    changed = (
        bp.get_entities()
        .filter("LastChangeDate ge datetime'2025-10-01T00:00:00'")
        .top(5000)
        .execute()
    )
    assert all(p.LastChangeDate >= datetime(2025, 10, 1, tzinfo=UTC) for p in changed)


def test_expand_and_read_by_key(sandbox: tuple[ServerHandle, SapSandboxState]) -> None:
    server, state = sandbox
    bp = _client(server, "API_BUSINESS_PARTNER").entity_sets  # type: ignore[attr-defined]
    partners = (
        bp.A_BusinessPartner.get_entities()
        .expand("to_Supplier,to_BusinessPartnerAddress/to_EmailAddress")
        .top(20)
        .execute()
    )
    with_supplier = [p for p in partners if p.Supplier]
    assert with_supplier
    for partner in partners:
        if partner.Supplier:
            assert partner.to_Supplier.Supplier == partner.BusinessPartner
        else:
            assert partner.to_Supplier is None
        assert partner.to_BusinessPartnerAddress[0].to_EmailAddress[0].EmailAddress
    one = bp.A_BusinessPartner.get_entity(with_supplier[0].BusinessPartner).execute()
    assert one.BusinessPartnerName == with_supplier[0].BusinessPartnerName
    si = _client(server, "API_SUPPLIERINVOICE_PROCESS_SRV").entity_sets  # type: ignore[attr-defined]
    key = next(iter(state.store.table("API_SUPPLIERINVOICE_PROCESS_SRV", "A_SupplierInvoice").rows))
    invoice = si.A_SupplierInvoice.get_entity(SupplierInvoice=key[0], FiscalYear=key[1]).execute()
    assert invoice.SupplierInvoice == key[0]
    lines = invoice.nav("to_SupplierInvoiceItemGLAcct").get_entities().execute()
    assert lines
    assert all(line.SupplierInvoice == key[0] for line in lines)


def _csrf_session(server: ServerHandle, service: str) -> requests.Session:
    session = _session()
    response = session.head(
        f"{server.url}/sap/opu/odata/sap/{service}/", headers={"x-csrf-token": "fetch"}
    )
    assert response.status_code == 200
    session.headers.update({"x-csrf-token": response.headers["x-csrf-token"]})
    return session


def test_deep_insert_business_partner_and_supplier_invoice(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    bp_session = _csrf_session(server, "API_BUSINESS_PARTNER")
    bp = _client(server, "API_BUSINESS_PARTNER", bp_session).entity_sets  # type: ignore[attr-defined]
    created = (
        bp.A_BusinessPartner.create_entity()
        .set(
            BusinessPartnerCategory="2",
            OrganizationBPName1="Contract Test Supplies",
            to_BusinessPartnerRole=[{"BusinessPartnerRole": "FLVN01"}],
            to_BusinessPartnerAddress=[
                {
                    "Country": "GB",
                    "CityName": "Northvale",
                    "to_EmailAddress": [{"EmailAddress": "ap@example.com"}],
                }
            ],
            to_Supplier={"to_SupplierCompany": [{"CompanyCode": "1010", "PaymentTerms": "NT30"}]},
        )
        .execute()
    )
    number = created.BusinessPartner
    assert created.Supplier == number
    assert (
        state.store.table("API_BUSINESS_PARTNER", "A_SupplierCompany").get((number, "1010"))
        is not None
    )
    si_session = _csrf_session(server, "API_SUPPLIERINVOICE_PROCESS_SRV")
    si = _client(server, "API_SUPPLIERINVOICE_PROCESS_SRV", si_session).entity_sets  # type: ignore[attr-defined]
    posting = datetime(2025, 11, 3, tzinfo=UTC)
    fields = {
        "CompanyCode": "1010",
        "DocumentDate": posting,
        "PostingDate": posting,
        "InvoicingParty": number,
        "SupplierInvoiceIDByInvcgParty": "CT-0001",
        "DocumentCurrency": "GBP",
        "InvoiceGrossAmount": "120.00",
        "to_SupplierInvoiceItemGLAcct": [
            {"GLAccount": "61000000", "SupplierInvoiceItemAmount": "100.00", "TaxCode": "V1"}
        ],
        "to_SupplierInvoiceTax": [{"TaxCode": "V1", "TaxAmount": "20.00"}],
    }
    invoice = si.A_SupplierInvoice.create_entity().set(**fields).execute()
    assert invoice.FiscalYear == "2025"
    assert Decimal(invoice.InvoiceGrossAmount) == Decimal("120.00")
    lines = state.store.table("API_SUPPLIERINVOICE_PROCESS_SRV", "A_SupplierInvoiceItemGLAcct")
    assert lines.get((invoice.SupplierInvoice, "2025", "0001")) is not None
    with pytest.raises(HttpError) as caught:
        si.A_SupplierInvoice.create_entity().set(**fields).execute()
    error = BusinessGatewayError(str(caught.value), caught.value.response)
    assert error.response.status_code == 400
    assert "already entered" in str(error)
    assert "already entered" in error.errordetails[0]


def test_write_without_csrf_token_is_refused(sandbox: tuple[ServerHandle, SapSandboxState]) -> None:
    server, _ = sandbox
    bp = _client(server, "API_BUSINESS_PARTNER").entity_sets  # type: ignore[attr-defined]
    with pytest.raises(HttpError) as caught:
        bp.A_BusinessPartner.create_entity().set(
            BusinessPartnerCategory="2", OrganizationBPName1="No Token"
        ).execute()
    assert caught.value.response.status_code == 403
    assert caught.value.response.headers["x-csrf-token"] == "Required"


def test_unknown_key_reads_as_a_gateway_error(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, _ = sandbox
    bp = _client(server, "API_BUSINESS_PARTNER").entity_sets  # type: ignore[attr-defined]
    with pytest.raises(HttpError) as caught:
        bp.A_BusinessPartner.get_entity("99999999").execute()
    error = BusinessGatewayError(str(caught.value), caught.value.response)
    assert caught.value.response.status_code == 404
    assert "Resource not found" in str(error)
    assert error.errordetails


def test_deep_insert_accepts_results_wrapped_lines(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    session = _csrf_session(server, "API_SUPPLIERINVOICE_PROCESS_SRV")
    supplier = next(
        k[0] for k in state.store.table("API_BUSINESS_PARTNER", "A_SupplierCompany").rows
    )
    body = {
        "CompanyCode": "1010",
        "DocumentDate": "/Date(1762128000000)/",
        "PostingDate": "/Date(1762128000000)/",
        "InvoicingParty": supplier,
        "SupplierInvoiceIDByInvcgParty": "CT-RESULTS",
        "DocumentCurrency": "GBP",
        "InvoiceGrossAmount": "50.00",
        "to_SupplierInvoiceItemGLAcct": {
            "results": [{"GLAccount": "61001000", "SupplierInvoiceItemAmount": "50.00"}]
        },
    }
    url = f"{server.url}/sap/opu/odata/sap/API_SUPPLIERINVOICE_PROCESS_SRV/A_SupplierInvoice"
    response = session.post(url, json=body, headers={"Accept": "application/json"})
    assert response.status_code == 201
    created = response.json()["d"]
    assert created["InvoiceGrossAmount"] == "50.00"
    assert response.headers["Location"] == created["__metadata"]["uri"]


def test_a_batch_reads_and_runs_a_change_set_all_or_nothing(
    sandbox: tuple[ServerHandle, SapSandboxState],
) -> None:
    server, state = sandbox
    session = _csrf_session(server, "API_BUSINESS_PARTNER")
    client = _client(server, "API_BUSINESS_PARTNER", session)
    partners = client.entity_sets.A_BusinessPartner  # type: ignore[attr-defined]
    table = state.store.table("API_BUSINESS_PARTNER", "A_BusinessPartner")
    first, second = sorted(table.rows)[:2]

    batch = client.create_batch()  # type: ignore[attr-defined]
    batch.add_request(partners.get_entity(first[0]))
    changes = client.create_changeset()  # type: ignore[attr-defined]
    changes.add_request(
        partners.update_entity(BusinessPartner=first[0]).set(SearchTerm1="BATCH ONE")
    )
    changes.add_request(
        partners.update_entity(BusinessPartner=second[0]).set(SearchTerm1="BATCH TWO")
    )
    batch.add_request(changes)
    read, updates = batch.execute()
    assert read.BusinessPartner == first[0]
    assert updates == [None, None]
    assert table.get(first)["SearchTerm1"] == "BATCH ONE"
    assert table.get(second)["SearchTerm1"] == "BATCH TWO"

    failing = client.create_batch()  # type: ignore[attr-defined]
    changes = client.create_changeset()  # type: ignore[attr-defined]
    changes.add_request(partners.update_entity(BusinessPartner=first[0]).set(SearchTerm1="UNDONE"))
    changes.add_request(partners.update_entity(BusinessPartner="99999999").set(SearchTerm1="X"))
    failing.add_request(changes)
    with pytest.raises(HttpError) as caught:
        failing.execute()
    assert caught.value.response.status_code == 404
    assert table.get(first)["SearchTerm1"] == "BATCH ONE"  # the change set was undone
