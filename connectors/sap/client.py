"""The SAP S/4HANA adapter: OData V2 reads, CSRF-protected deep-insert writes, SAP's errors.

What is SAP's own lives here (services, paging, change-stamp filters, grouping journal entry
items into documents, read-back before resend); the read loop, retries, budget and tokens are
the shared framework's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar

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
from connectors.sap.translate_common import SapContext, account_groups
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
_JOURNAL_ITEMS = "/API_JOURNALENTRYITEMBASIC_SRV/A_JournalEntryItemBasic"
_CLEARING = ("ClearingJournalEntry", "ClearingJournalEntryFiscalYear", "ClearingDate")


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
    def read_params(self, resource: Resource, since: datetime | None) -> dict[str, str]:
        """`$filter` (the resource's own, changed since `since`, the chart of accounts),
        `$expand`, `$orderby` and `$inlinecount` beside the paginator's `$top/$skip`."""
        read = self.READS[resource.name]
        filters = [read.filter] if read.filter else []
        if since is not None and read.stamp:
            filters.append(_stamp_filter(read, since))
        if resource.name == "accounts":
            filters.append(f"ChartOfAccounts eq {string_literal(self.context().chart_of_accounts)}")
        params = {"$inlinecount": "allpages"}
        if filters:
            params["$filter"] = " and ".join(f"({f})" if " or " in f else f for f in filters)
        for option, value in (("$expand", read.expand), ("$orderby", read.orderby)):
            if value:
                params[option] = value
        return params

    def sized(self, resource: Resource) -> Resource:
        """The resource with the connection's rows per request (option `page_size`; default
        5,000, SAP's most): a page is what a read holds in memory at once, so a smaller page
        trades calls for memory."""
        option = self.config.options.get("page_size")
        return replace(resource, page_size=int(option)) if option else resource

    def fetch_page(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> FetchedPage:
        """The page `token` names (None: the first): the shared OData paging (`NextLinks` with
        `$top/$skip`), a document's journal entry items kept on one page, and after the last
        page the supplier invoices changed without a stamp, read by key (`{"keys": [...]}`)."""
        read = self.READS[resource.name]
        state = json.loads(token) if token else {}
        if "keys" in state:
            batch, rest = state["keys"][:_KEYS_PER_CALL], state["keys"][_KEYS_PER_CALL:]
            items = self._by_keys(resource, read, batch)
            following = json.dumps({"keys": rest}) if rest else None
        else:
            page = super().fetch_page(self.sized(resource), since, token)
            items, following = page.items, page.next_token
            if read.group:
                items, following = self._whole_documents(read, items, state, following)
            if following is None and read.touched and since is not None:
                seen = {tuple(str(i[k]) for k in read.keys) for i in items}
                keys = self._touched(read, since, seen)
                following = json.dumps({"keys": keys}) if keys else None
        self._add_clearings(read, items)
        return FetchedPage(items=items, last=following is None, next_token=following)

    @staticmethod
    def _whole_documents(
        read: SapRead, items: list[dict[str, Any]], state: dict[str, Any], following: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page's journal entry items as documents. A document's items may run past the page:
        the last document is held back for the next page, which starts at its first item."""
        if following is not None and items:
            tail = _group_key(read, items[-1])
            held = 0
            while held < len(items) and _group_key(read, items[-1 - held]) == tail:
                held += 1
            if held < len(items):
                items = items[: len(items) - held]
                following = json.dumps({"skip": int(state.get("skip", 0)) + len(items)})
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for item in items:
            groups.setdefault(_group_key(read, item), []).append(item)
        documents = [
            {**dict(zip(read.group, key, strict=True)), "items": members}
            for key, members in groups.items()
        ]
        return documents, following

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
            _JOURNAL_ITEMS,
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

    def query(self, path: str, params: dict[str, str]) -> tuple[list[dict[str, Any]], str | None]:
        """The entities and `__next` link of one collection request."""
        items, link, _ = collection(self.http.get_json(path, params=params))
        return items, link

    def _all(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """Every row of a small query (following `__next` links and full pages)."""
        rows: list[dict[str, Any]] = []
        params = {**params, "$top": str(PAGE)}
        while True:
            items, link = self.query(path, params)
            rows.extend(items)
            if not items or (len(items) < PAGE and not link):
                return rows
            params["$skip"] = str(len(rows))

    def fetch_keys(self, resource: Resource, token: str | None) -> FetchedPage:
        """A page of every key of `resource`: `$select` of the key fields, in key order, paged
        by key (`key gt last`), so rows deleted during the listing never shift one out of it."""
        read = self.READS[resource.name]
        top = self.sized(resource).page_size or PAGE
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
        params = {"$select": ",".join(read.keys), "$orderby": ",".join(read.keys), "$top": str(top)}
        if filters:
            params["$filter"] = " and ".join(f"({f})" for f in filters)
        items, link = self.query(resource.path, params)
        if not items or (len(items) < top and not link):
            return FetchedPage(items=items, last=True)
        following = json.dumps([str(items[-1][k]) for k in read.keys])
        return FetchedPage(items=items, last=False, next_token=following)

    def _by_keys(
        self, resource: Resource, read: SapRead, keys: list[list[str]]
    ) -> list[dict[str, Any]]:
        """The entities (or documents' items) with these keys: a `$filter` on the key fields."""
        ors = " or ".join(
            "("
            + " and ".join(
                f"{f} eq {string_literal(v)}" for f, v in zip(read.keys, key, strict=True)
            )
            + ")"
            for key in keys
        )
        params = {"$filter": f"({read.filter}) and ({ors})" if read.filter else ors}
        if read.expand:
            params["$expand"] = read.expand
        if not read.group:
            return self.query(resource.path, {**params, "$top": str(len(keys))})[0]
        rows = self._all(resource.path, params)  # a document is several journal entry items
        return self._whole_documents(read, rows, {}, None)[0]

    def fetch_items(
        self, resource: Resource, remote_ids: Sequence[str]
    ) -> list[dict[str, Any]] | None:
        """The entities with these remote ids (records that failed to translate), 40 a request;
        ones SAP no longer has are left out."""
        read = self.READS[resource.name]
        keys = [parts for rid in remote_ids if len(parts := rid.split("/")) == len(read.keys)]
        items: list[dict[str, Any]] = []
        for start in range(0, len(keys), _KEYS_PER_CALL):
            items.extend(self._by_keys(resource, read, keys[start : start + _KEYS_PER_CALL]))
        self._add_clearings(read, items)
        return items

    def _add_clearings(self, read: SapRead, items: list[dict[str, Any]]) -> None:
        """Give each supplier invoice of a page its `to_Clearing` (None: open), from the supplier
        items of the journal entries the invoices posted (`RMRP`, `OriginalReferenceDocument` =
        invoice + fiscal year) that a payment cleared: one request for the page's key range (for
        the few invoices of a page read by key, their own references)."""
        if not read.clearing or not items:
            return
        refs = {f"{i['SupplierInvoice']}{i['FiscalYear']}": i for i in items}
        field = "OriginalReferenceDocument"
        if len(refs) <= _KEYS_PER_CALL:  # a few invoices read by key: scattered, so each one
            which = " or ".join(f"{field} eq {string_literal(r)}" for r in sorted(refs))
        else:  # a page in key order: its range
            which = (
                f"{field} ge {string_literal(min(refs))} and {field} le {string_literal(max(refs))}"
            )
        cleared = self._all(
            _JOURNAL_ITEMS,
            {
                "$filter": (
                    "ReferenceDocumentType eq 'RMRP' and FinancialAccountType eq 'K' and "
                    f"ClearingJournalEntry ne '' and ({which})"
                ),
                "$select": f"{field},{','.join(_CLEARING)}",
            },
        )
        clearings = {
            str(c.get("OriginalReferenceDocument")): {f: c.get(f) for f in _CLEARING}
            for c in cleared
        }
        for ref, item in refs.items():
            item["to_Clearing"] = clearings.get(ref)

    def references(self, resource: Resource, items: list[dict[str, Any]]) -> dict[str, list[str]]:
        """The hub ids a page's translation asks for: its own and the parties it names."""
        own = [key for i in items if (key := resource.remote_id(i)) is not None]
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
