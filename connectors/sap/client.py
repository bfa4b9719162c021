"""The SAP S/4HANA adapter: OData V2 reads, CSRF-protected deep-insert writes, SAP's errors.

What is SAP's own lives here (services, paging, change-stamp filters, grouping journal entry
items into documents, read-back before resend); the read loop, retries, budget and tokens are
the shared framework's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from canonical import Invoice, Record, jsonio
from connectors.auth import AuthMode, OAuthClient, UserPassword
from connectors.base import Connector, FetchedPage, Resource, WriteResult
from connectors.context import current_correlation_id
from connectors.errors import ConnectorError, ErpRejected, TransientError
from connectors.http import ErrorTable, parse_json
from connectors.oauth import OAuthEndpoints
from connectors.sap import translate
from connectors.sap.auth import CsrfAuth, sap_budget
from connectors.sap.errors import SAP_ERRORS
from connectors.sap.resources import CUSTOM_FIELD_PLACES, PAGE, RESOURCES, SAP_READS, SapRead
from connectors.sap.soap import SOAP_PATH
from connectors.sap.translate_common import SapContext, account_groups, remote_id
from connectors.sap.wire import (
    collection,
    date_literal,
    datetime_literal,
    datetimeoffset_literal,
    string_literal,
)
from mappings.customfields import Place

__all__ = ["SapConnector"]

ODATA = "/sap/opu/odata/sap"
_KEYS_PER_CALL = 40


def _stamp_filter(read: SapRead, since: datetime) -> str:
    """The `$filter` that keeps rows changed at or after `since`, for the resource's stamp."""
    since = since.astimezone(UTC)
    fields = read.stamp_fields
    if read.stamp == "date+time":
        day, clock = fields
        moment = since.strftime("PT%HH%MM%SS")
        return (
            f"({day} gt {date_literal(since.date())} or ({day} eq {date_literal(since.date())}"
            f" and {clock} ge time'{moment}'))"
        )
    if read.stamp == "datetimeoffset":
        return f"{fields[0]} ge {datetimeoffset_literal(since)}"
    if read.stamp == "date":
        return f"{fields[0]} ge {date_literal(since.date())}"
    return f"{fields[0]} ge {datetime_literal(since)}"


def _group_key(read: SapRead, item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(item.get(f, "")) for f in read.group)


class SapConnector(Connector):
    """Reads and writes one SAP S/4HANA system (one company code)."""

    ERP: ClassVar[str] = "sap"
    TITLE: ClassVar[str] = "SAP S/4HANA"
    RESOURCES: ClassVar[tuple[Resource, ...]] = RESOURCES
    READS: ClassVar[dict[str, SapRead]] = SAP_READS
    WRITES: ClassVar[tuple[str, ...]] = ("supplier", "invoice", "journal_entry")
    AUTH_MODES: ClassVar[tuple[AuthMode, ...]] = (
        AuthMode(
            "client_credentials",
            OAuthClient,
            "OAuth 2.0 client credentials of a communication arrangement",
            "client_credentials",
        ),
        AuthMode("basic", UserPassword, "HTTP Basic with a communication user"),
    )
    BUDGET = sap_budget()
    ERRORS: ClassVar[ErrorTable | None] = SAP_ERRORS
    WRITE_BATCH: ClassVar[int] = 20
    CUSTOM_FIELD_PLACES: ClassVar[tuple[Place, ...]] = CUSTOM_FIELD_PLACES

    # -- wiring hooks ------------------------------------------------------------------------
    def api_url(self) -> str:
        """The OData root: `<base>/sap/opu/odata/sap`."""
        return self.config.base_url.rstrip("/") + ODATA

    def oauth_endpoints(self) -> OAuthEndpoints | None:
        """`<base>/oauth/token` (or the `token_url` option) in the OAuth mode."""
        if self.auth_mode.grant is None:
            return None
        url = (
            self.config.options.get("token_url")
            or self.config.base_url.rstrip("/") + "/oauth/token"
        )
        return OAuthEndpoints(token_url=url)

    def build_auth(self) -> httpx.Auth | None:
        """Basic or bearer on every request, wrapped in SAP's CSRF protocol for writes."""
        inner = super().build_auth()
        if inner is None and isinstance(self.credentials, UserPassword):
            inner = httpx.BasicAuth(
                self.credentials.user, self.credentials.password.get_secret_value()
            )
        self.csrf = CsrfAuth(inner)
        return self.csrf

    def discover_tenant(self) -> str | None:
        """The company code this connection reads (option `company_code`, default 1010)."""
        return self.config.options.get("company_code", "1010")

    # -- context -------------------------------------------------------------------------------
    _context: SapContext | None = None

    def context(self) -> SapContext:
        """The company code's currency and chart of accounts (read once per connector)."""
        if self._context is None:
            code = self.config.options.get("company_code", "1010")
            body = self.http.get_json(
                f"/API_COMPANYCODE_SRV/A_CompanyCode({string_literal(code)})",
                headers={"Accept": "application/json"},
            )
            data = body.get("d") or {}
            self._context = SapContext(
                connection_id=self.config.connection_id,
                ids=self.ids,
                company_code=code,
                base_currency=str(data.get("Currency") or "EUR"),
                chart_of_accounts=str(data.get("ChartOfAccounts") or "YCOA"),
                language=self.config.options.get("language", "EN"),
                profit_center_kind=self.config.options.get("profit_center_kind", "profit_center"),
                account_groups=account_groups(self.config.options.get("account_groups")),
            )
        return self._context

    # -- reads -----------------------------------------------------------------------------------
    def _params(self, read: SapRead, resource: Resource, since: datetime | None) -> dict[str, str]:
        filters = [
            f
            for f in (read.filter, _stamp_filter(read, since) if since and read.stamp else "")
            if f
        ]
        if resource.name == "accounts":
            filters.append(f"ChartOfAccounts eq {string_literal(self.context().chart_of_accounts)}")
        params = {"$top": str(self.page_size(resource)), "$inlinecount": "allpages"}
        if filters:
            params["$filter"] = " and ".join(f"({f})" if " or " in f else f for f in filters)
        if read.expand:
            params["$expand"] = read.expand
        if read.orderby:
            params["$orderby"] = read.orderby
        if read.select:
            params["$select"] = read.select
        return params

    def page_size(self, resource: Resource) -> int:
        """Rows per request: the resource's (5,000, SAP's most), or the `page_size` option.

        A page is what a read holds in memory at once; a smaller page trades calls for memory.
        """
        option = self.config.options.get("page_size")
        return int(option) if option else resource.page_size or PAGE

    def read_token(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page from an opaque token: (items, the next page's token or None).

        The token is `{"skip": n}` (our own offset, after full pages or grouped items held back)
        or `{"next": url}` (the server's `__next` link when it pages below our `$top`).
        """
        read = self.READS[resource.name]
        state = json.loads(token) if token else {}
        if "keys" in state:
            return self._by_keys(resource, read, state["keys"])
        if "next" in state:
            body = self.http.get_json(state["next"])
            skip = int(state.get("skip", 0))
        else:
            skip = int(state.get("skip", 0))
            params = self._params(read, resource, since)
            if skip:
                params["$skip"] = str(skip)
            query = "&".join(f"{k}={quote(v, safe=',/()$')}" for k, v in params.items())
            body = self.http.get_json(f"{resource.path}?{query}")
        items, next_link, count = collection(body)
        consumed = skip + len(items)
        if next_link:
            following: str | None = json.dumps({"next": next_link, "skip": consumed})
        elif count is not None:
            following = json.dumps({"skip": consumed}) if consumed < count else None
        else:
            following = (
                json.dumps({"skip": consumed}) if len(items) >= self.page_size(resource) else None
            )
        if read.group and following is not None and items:
            # A document's items may run past the page: hold the last document back for the next.
            tail = _group_key(read, items[-1])
            held = 0
            while held < len(items) and _group_key(read, items[-1 - held]) == tail:
                held += 1
            if held < len(items):
                items = items[: len(items) - held]
                following = json.dumps({"skip": consumed - held})
        if read.group:
            items = self._grouped(read, items)
        if following is None and read.touched and since is not None:
            keys = self._touched(read, since, {tuple(str(i[k]) for k in read.keys) for i in items})
            following = json.dumps({"keys": keys}) if keys else None
        return items, following

    def _touched(
        self, read: SapRead, since: datetime, seen: set[tuple[str, ...]]
    ) -> list[list[str]]:
        """Keys of supplier invoices changed since `since` without a change stamp of their own.

        A supplier invoice has no change stamp, but what changes it leaves new documents behind:
        a reversal document (`IsReversal`, created now) names the invoice it reversed, posting a
        parked invoice writes a journal entry that refers to it (`RMRP`), and paying one clears
        that journal entry's supplier item (`ClearingDate`). New invoices were read by their
        creation date already (`seen`).
        """
        day = date_literal(since.date())
        reversals = self._all(
            f"/{read.service}/{read.entity_set}",
            {
                "$filter": f"CreationDate ge {day} and IsReversal eq true",
                "$select": "ReverseDocument,ReverseDocumentFiscalYear",
            },
        )
        keys = {(str(r["ReverseDocument"]), str(r["ReverseDocumentFiscalYear"])) for r in reversals}
        postings = self._all(
            "/API_JOURNALENTRYITEMBASIC_SRV/A_JournalEntryItemBasic",
            {
                "$filter": (
                    f"ReferenceDocumentType eq 'RMRP' and (AccountingDocumentCreationDate ge {day}"
                    f" or (FinancialAccountType eq 'K' and ClearingDate ge {day}))"
                ),
                "$select": "OriginalReferenceDocument",
            },
        )
        for item in postings:
            reference = str(item.get("OriginalReferenceDocument") or "")
            if len(reference) == 14:
                keys.add((reference[:10], reference[10:]))
        return [list(k) for k in sorted(keys - seen)]

    def _all(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """Every row of a small key-only query (following `__next` and full pages)."""
        rows: list[dict[str, Any]] = []
        params = {**params, "$top": str(PAGE), "$inlinecount": "allpages"}
        while True:
            query = "&".join(f"{k}={quote(v, safe=',/()$')}" for k, v in params.items())
            items, next_link, count = collection(self.http.get_json(f"{path}?{query}"))
            rows.extend(items)
            if next_link is None and (count is None or len(rows) >= count or not items):
                return rows
            params["$skip"] = str(len(rows))

    def fetch_keys(self, resource: Resource, token: str | None) -> FetchedPage:
        """A page of every key of `resource`: `$select` of the key fields, in key order, paged
        by key (`key gt last`), so rows deleted during the listing never shift one out of it."""
        read = self.READS[resource.name]
        top = self.page_size(resource)
        filters = [read.filter] if read.filter else []
        if token:
            after = json.loads(token)
            ors = [
                " and ".join(
                    [
                        f"{f} eq {string_literal(v)}"
                        for f, v in zip(read.keys[:i], after, strict=False)
                    ]
                    + [f"{read.keys[i]} gt {string_literal(after[i])}"]
                )
                for i in range(len(read.keys))
            ]
            filters.append(" or ".join(f"({o})" for o in ors))
        params = {
            "$select": ",".join(read.keys),
            "$orderby": ",".join(read.keys),
            "$top": str(top),
        }
        if filters:
            params["$filter"] = " and ".join(f"({f})" for f in filters)
        query = "&".join(f"{k}={quote(v, safe=',/()$')}" for k, v in params.items())
        items, next_link, _ = collection(self.http.get_json(f"{resource.path}?{query}"))
        if not items or (len(items) < top and not next_link):
            return FetchedPage(items=items, last=True)
        following = json.dumps([str(items[-1][k]) for k in read.keys])
        return FetchedPage(items=items, last=False, next_token=following)

    def _by_keys(
        self, resource: Resource, read: SapRead, keys: list[list[str]]
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of entities read by key (`$filter` on the key fields, 40 keys a request)."""
        batch, rest = keys[:_KEYS_PER_CALL], keys[_KEYS_PER_CALL:]
        ors = " or ".join(
            "("
            + " and ".join(
                f"{f} eq {string_literal(v)}" for f, v in zip(read.keys, key, strict=True)
            )
            + ")"
            for key in batch
        )
        # A grouped document is several rows (journal entry items): as many as SAP gives.
        top = PAGE if read.group else len(batch)
        params = {"$filter": f"({read.filter}) and ({ors})" if read.filter else ors}
        params["$top"] = str(top)
        if read.expand:
            params["$expand"] = read.expand
        query = "&".join(f"{k}={quote(v, safe=',/()$')}" for k, v in params.items())
        items, _, _ = collection(self.http.get_json(f"{resource.path}?{query}"))
        return items, json.dumps({"keys": rest}) if rest else None

    def fetch_items(
        self, resource: Resource, remote_ids: Sequence[str]
    ) -> list[dict[str, Any]] | None:
        """The entities with these remote ids (records that failed to translate), 40 a request;
        ones SAP no longer has are left out."""
        read = self.READS[resource.name]
        rest = [parts for rid in remote_ids if len(parts := rid.split("/")) == len(read.keys)]
        items: list[dict[str, Any]] = []
        while rest:
            page, following = self._by_keys(resource, read, rest)
            items.extend(page)
            rest = json.loads(following)["keys"] if following else []
        self._add_clearings(read, items)
        return self._grouped(read, items) if read.group else items

    @staticmethod
    def _grouped(read: SapRead, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for item in items:
            groups.setdefault(_group_key(read, item), []).append(item)
        return [{"__group": remote_id(*key), "items": members} for key, members in groups.items()]

    def fetch_page(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> FetchedPage:
        """The page `token` names (None: the first); the next page's token comes back with it."""
        items, following = self.read_token(resource, since, token)
        self._add_clearings(self.READS[resource.name], items)
        return FetchedPage(items=items, last=following is None, next_token=following)

    def _add_clearings(self, read: SapRead, items: list[dict[str, Any]]) -> None:
        """Give each supplier invoice of a page its `to_Clearing` (None: open), from the supplier
        items of the journal entries the invoices posted (`RMRP`, `OriginalReferenceDocument` =
        invoice + fiscal year) that a payment cleared: one request for the page's key range."""
        if not read.clearing or not items:
            return
        refs = {f"{i['SupplierInvoice']}{i['FiscalYear']}": i for i in items}
        cleared = self._all(
            "/API_JOURNALENTRYITEMBASIC_SRV/A_JournalEntryItemBasic",
            {
                "$filter": (
                    "ReferenceDocumentType eq 'RMRP' and FinancialAccountType eq 'K' and "
                    f"ClearingJournalEntry ne '' and OriginalReferenceDocument ge "
                    f"{string_literal(min(refs))} and OriginalReferenceDocument le "
                    f"{string_literal(max(refs))}"
                ),
                "$select": (
                    "OriginalReferenceDocument,ClearingJournalEntry,"
                    "ClearingJournalEntryFiscalYear,ClearingDate"
                ),
            },
        )
        fields = ("ClearingJournalEntry", "ClearingJournalEntryFiscalYear", "ClearingDate")
        clearings = {
            str(c.get("OriginalReferenceDocument")): {f: c.get(f) for f in fields} for c in cleared
        }
        for ref, item in refs.items():
            item["to_Clearing"] = clearings.get(ref)

    def references(self, resource: Resource, items: list[dict[str, Any]]) -> dict[str, list[str]]:
        """The hub ids a page's translation asks for: its own and the parties it names."""
        read = self.READS[resource.name]
        own = [
            remote_id(*(str(i.get(k)) for k in read.keys)) if not read.group else str(i["__group"])
            for i in items
        ]
        refs: dict[str, list[str]] = {obj: list(own) for obj in resource.objects}
        if resource.name == "supplier_invoices":
            refs["supplier"] = [str(i["InvoicingParty"]) for i in items if i.get("InvoicingParty")]
        elif resource.name == "billing_documents":
            refs["customer"] = [str(i["SoldToParty"]) for i in items if i.get("SoldToParty")]
        return refs

    def prepare_read(self, resource: Resource) -> None:
        """The company code's currency and chart, read once before the first page."""
        if resource.objects:
            self.context()

    def prepare_write(self, object_name: str) -> None:
        """The company code's context, read once before the first write."""
        self.context()

    def translate_item(self, resource: Resource, item: dict[str, Any]) -> list[Record]:
        """Translate one SAP entity (or one document's items) into canonical records."""
        if not resource.objects:
            return []
        # Loaded by prepare_read: translation sends no request of its own.
        return translate.to_canonical(resource.name, item, self._context or self.context())

    # -- writes ----------------------------------------------------------------------------------
    def write_batch(
        self, object_name: str, records: Sequence[Record], idempotency_key: str
    ) -> list[WriteResult]:
        """Create each record (SAP's APIs create one entity per request), read back when unsure."""
        from connectors.sap.writes import write_one

        results = []
        for index, record in enumerate(records):
            key = idempotency_key if len(records) == 1 else f"{idempotency_key}-{index}"
            try:
                results.append(write_one(self, object_name, record, key, index))
            except ConnectorError as exc:
                results.append(WriteResult(index, error=exc))
        return results

    def supplier_number(self, record: Invoice) -> str:
        """The SAP supplier number of an invoice's party (its remote id)."""
        if record.party_id is None:
            raise ErpRejected("the invoice has no party_id: SAP needs the supplier")
        number = self.ids.remote_id("supplier", record.party_id)
        if number is None:
            raise ErpRejected(
                f"supplier {record.party_id} is not in SAP yet: write the supplier first",
                correlation_id=current_correlation_id(),
            )
        return number

    def post_json(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a deep insert (not retried: the caller reads back before any resend)."""
        response = self.http.request(
            "POST",
            path,
            content=jsonio.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        data = parse_json(response).get("d")
        if not isinstance(data, dict):
            raise TransientError("SAP answered a create without the created entity")
        return data

    def soap_url(self) -> str:
        """The SOAP journal entry endpoint (option `journal_soap_path` overrides the path)."""
        path = self.config.options.get("journal_soap_path", SOAP_PATH)
        return self.config.base_url.rstrip("/") + path
