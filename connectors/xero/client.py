"""The Xero adapter: its endpoints, paging, error table and batched idempotent writes.

What is Xero's own lives here; the wiring, read loop, retries, budget and refresh are shared
code (`connectors.base`), configured by the declarations of `XeroConnector`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from canonical import Record
from connectors.auth import AuthMode, OAuthClient
from connectors.base import ConnectionConfig, Connector, FetchedPage, Resource, WriteResult
from connectors.context import current_correlation_id
from connectors.errors import (
    AuthError,
    ConnectorError,
    ErpRejected,
    RateLimited,
    TransientError,
    ValidationError,
)
from connectors.http import ErrorTable, Failure, RetryPolicy, parse_json
from connectors.ids import IdResolver
from connectors.oauth import OAuthEndpoints
from connectors.ratelimit import RateLimiter
from connectors.tokens import TokenStore
from connectors.xero import translate
from connectors.xero.auth import READ_SCOPES, WRITE_SCOPES, XeroEndpoints, xero_budget
from connectors.xero.resources import CUSTOM_FIELD_PLACES, RESOURCES
from connectors.xero.translate_contacts import party_kinds
from connectors.xero.wire import dumps_xero, parse_ms_datetime
from mappings.customfields import Place


def _messages(body: Any) -> list[str]:
    """Every ValidationErrors[].Message of a Xero error or result body."""
    found: list[str] = []
    if isinstance(body, dict):
        for item in body.get("ValidationErrors") or []:
            if isinstance(item, dict) and item.get("Message"):
                found.append(str(item["Message"]))
        for element in body.get("Elements") or []:
            found.extend(_messages(element))
    return found


def _validation(failure: Failure) -> ConnectorError | None:
    body = failure.body
    if not (isinstance(body, dict) and body.get("Type") == "ValidationException"):
        return None  # any other 400: the default rule (ErpRejected with Xero's words)
    messages = _messages(body)
    return ValidationError(
        "Xero refused the data: " + ("; ".join(messages) or failure.detail),
        erp_code="ValidationException",
        details=messages,
        **failure.fields(),
    )


def _rate_limited(failure: Failure) -> ConnectorError:
    retry_after = float(failure.response.headers.get("Retry-After", "60") or 60)
    problem = failure.response.headers.get("X-Rate-Limit-Problem", "minute")
    return RateLimited(
        f"Xero's {problem} rate limit was hit; retry after {retry_after:g} s",
        retry_after=retry_after,
        scope=problem,
        status=failure.status,
        correlation_id=failure.correlation_id,
    )


classify = ErrorTable(
    "Xero",
    {
        400: _validation,
        429: _rate_limited,
        503: lambda f: TransientError(
            "Xero answered 503: the organisation is offline or in maintenance", **f.fields()
        ),
    },
)
"""Xero's responses by what to do about them: the default table where Xero does not differ."""


def _write_target(body: BaseModel) -> tuple[str, str]:
    """The collection a write body goes to, and the id field its answer carries."""
    for resource in RESOURCES:
        if type(body) is resource.model:
            return resource.collection, resource.id_field
    raise TypeError(f"no Xero collection takes a {type(body).__name__}")


def _account_codes(accounts: list[dict[str, Any]]) -> dict[str, str]:
    """AccountID -> Code of the accounts that have a code."""
    return {
        str(a["AccountID"]): str(a["Code"])
        for a in accounts
        if isinstance(a, dict) and a.get("AccountID") and a.get("Code")
    }


class XeroConnector(Connector):
    """Reads and writes one Xero organisation (tenant)."""

    ERP: ClassVar[str] = "xero"
    TITLE: ClassVar[str] = "Xero"
    RESOURCES: ClassVar[tuple[Resource, ...]] = RESOURCES
    WRITES: ClassVar[tuple[str, ...]] = (
        "supplier",
        "customer",
        "invoice",
        "payment",
        "journal_entry",
    )
    AUTH_MODES: ClassVar[tuple[AuthMode, ...]] = (
        AuthMode(
            "client_credentials",
            OAuthClient,
            "Custom connection: the app signs in as itself (machine to machine)",
            grant="client_credentials",
        ),
        AuthMode(
            "authorization_code",
            OAuthClient,
            "Standard app: a person approves access in Xero (PKCE); tokens then refresh",
            grant="refresh_token",
            interactive=True,
        ),
    )
    BUDGET = xero_budget()
    ERRORS = classify
    REMAINING_HEADERS: ClassVar[dict[str, str]] = {
        "X-MinLimit-Remaining": "minute",
        "X-DayLimit-Remaining": "day",
    }
    WRITE_BATCH: ClassVar[int] = 50
    CUSTOM_FIELD_PLACES: ClassVar[tuple[Place, ...]] = CUSTOM_FIELD_PLACES

    def __init__(
        self,
        config: ConnectionConfig,
        *,
        tokens: TokenStore | None = None,
        ids: IdResolver | None = None,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoints = XeroEndpoints.for_base_url(config.base_url)
        scopes = config.scopes or (*WRITE_SCOPES, *READ_SCOPES)
        if not self.mode_for(config.auth_mode, config.grant).interactive:
            # A refresh token is a person-approved grant's: machine sign-in asks for none.
            scopes = tuple(s for s in scopes if s != "offline_access")
        config = config.model_copy(update={"scopes": scopes})
        super().__init__(
            config, tokens=tokens, ids=ids, limiter=limiter, retry=retry, transport=transport
        )
        self._context: translate.TranslateContext | None = None
        # AccountID -> Code from a full read of the accounts resource, if one was made.
        self._account_codes: dict[str, str] | None = None

    def api_url(self) -> str:
        """Xero's Accounting API root."""
        return self.endpoints.api

    def oauth_endpoints(self) -> OAuthEndpoints:
        """Xero's identity endpoints (or the sandbox's, on one origin)."""
        return self.endpoints.oauth

    def discover_tenant(self) -> str:
        """The first organisation the app is connected to (`GET /connections`)."""
        tenants = self.list_tenants()
        if not tenants:
            raise AuthError("the Xero app is connected to no organisation")
        return str(tenants[0]["tenantId"])

    def list_tenants(self) -> list[dict[str, Any]]:
        """The organisations this app is connected to (`GET /connections`)."""
        body = self.http.get_json(self.endpoints.connections)
        return [t for t in body if isinstance(t, dict)] if isinstance(body, list) else []

    def _headers(self, since: datetime | None = None) -> dict[str, str]:
        headers = {"xero-tenant-id": str(self.tenant_id)}
        if since is not None:
            headers["If-Modified-Since"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return headers

    def prepare_read(self, resource: Resource) -> None:
        """Load what translating `resource` needs: the organisation (and account codes)."""
        self.context()
        if resource.collection == "BatchPayments":
            self._with_account_codes()

    def prepare_write(self, object_name: str) -> None:
        """Load what writes need: the organisation and its tracking categories."""
        self._with_tracking()

    def _prepared(self) -> translate.TranslateContext:
        if self._context is None:
            raise RuntimeError(
                "Xero's translation context is loaded by prepare_read or prepare_write: "
                "translation itself sends no request"
            )
        return self._context

    def context(self) -> translate.TranslateContext:
        """The translation context: base currency (read once) and the configured dimension kinds.

        `tracking_kinds` comes from the connection's options, as `Region=location,Area=project`.
        The one place a read asks the ERP for its context (through `prepare_read`).
        """
        if self._context is None:
            organisation = self.http.get_json("/Organisation", headers=self._headers())
            orgs = organisation.get("Organisations") or [{}]
            base_currency = str(
                orgs[0].get("BaseCurrency") or self.config.options.get("base_currency", "USD")
            )
            kinds = dict(
                part.split("=", 1)
                for part in self.config.options.get("tracking_kinds", "").split(",")
                if "=" in part
            )
            self._context = translate.TranslateContext(
                connection_id=self.config.connection_id,
                ids=self.ids,
                base_currency=base_currency,
                tracking_kinds={k.strip(): v.strip() for k, v in kinds.items()},
            )
        return self._context

    def _with_account_codes(self) -> translate.TranslateContext:
        """The context with AccountID -> Code, which batch payments need (read once)."""
        ctx = self.context()
        if not ctx.account_codes:
            codes = self._account_codes
            if codes is None:
                body = self.http.get_json("/Accounts", headers=self._headers())
                codes = _account_codes(body.get("Accounts") or [])
            ctx = self._context = replace(ctx, account_codes=codes)
        return ctx

    def _with_tracking(self) -> translate.TranslateContext:
        """The context with the organisation's tracking category names, which writes need."""
        ctx = self.context()
        if not ctx.tracking_categories:
            body = self.http.get_json("/TrackingCategories", headers=self._headers())
            names = tuple(
                str(c["Name"]) for c in body.get("TrackingCategories") or [] if c.get("Name")
            )
            ctx = self._context = replace(ctx, tracking_categories=names)
        return ctx

    def read_params(self, resource: Resource, since: datetime | None) -> dict[str, str]:
        """The resource's sort order (paged reads order by id)."""
        return {"order": resource.order} if resource.order else {}

    def request_headers(self, resource: Resource, since: datetime | None) -> dict[str, str]:
        """The tenant, and `If-Modified-Since` for incremental reads."""
        return self._headers(since if resource.cursor else None)

    def server_time(self, body: Any) -> datetime | None:
        """Xero's `DateTimeUTC` (a Microsoft JSON date)."""
        value = body.get("DateTimeUTC") if isinstance(body, dict) else None
        if isinstance(value, str):
            try:
                return parse_ms_datetime(value)
            except ValueError:
                return None
        return None

    def fetch_page(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> FetchedPage:
        """One page through the shared fetch; a whole chart of accounts keeps its codes."""
        fetched = super().fetch_page(resource, since, token)
        if resource.collection == "Accounts" and since is None:
            # Batch payments take their codes from it instead of reading /Accounts again.
            self._account_codes = _account_codes(fetched.items)
        return fetched

    def fetch_items(self, resource: Resource, remote_ids: Sequence[str]) -> list[dict[str, Any]]:
        """`GET /{collection}/{id}` per id; an id Xero answers 404 for is gone and left out."""
        items: list[dict[str, Any]] = []
        for remote_id in remote_ids:
            try:
                path = f"{resource.path}/{quote(remote_id, safe='')}"
                body = self.http.get_json(path, headers=self._headers())
            except ErpRejected as exc:
                if exc.status == 404:
                    continue
                raise
            items.extend(i for i in body.get(resource.collection) or [] if isinstance(i, dict))
        return items

    def references(self, resource: Resource, items: list[dict[str, Any]]) -> dict[str, list[str]]:
        """The ids a page's translation asks for: its own, and the contacts and invoices cited."""
        if resource.collection == "Contacts":
            # Only the kinds each contact becomes: no binding for a record that never exists.
            unflagged = self._prepared().unflagged_contacts
            by_kind: dict[str, list[str]] = {"supplier": [], "customer": []}
            for item in items:
                if item.get("ContactID"):
                    flags = (item.get("IsSupplier"), item.get("IsCustomer"))
                    for kind in party_kinds(*flags, unflagged):
                        by_kind[kind].append(str(item["ContactID"]))
            return by_kind
        refs = {k: list(v) for k, v in super().references(resource, items).items()}
        if resource.collection in {"Invoices", "CreditNotes", "Overpayments", "Prepayments"}:
            for item in items:
                contact = (item.get("Contact") or {}).get("ContactID")
                kind = str(item.get("Type", ""))
                if contact:
                    party = "supplier" if kind.startswith(("ACCPAY", "SPEND")) else "customer"
                    refs.setdefault(party, []).append(str(contact))
        if resource.collection == "Payments":
            for item in items:
                invoice = (item.get("Invoice") or {}).get("InvoiceID")
                if invoice:
                    refs.setdefault("invoice", []).append(str(invoice))
        return refs

    def translate_item(self, resource: Resource, item: dict[str, Any]) -> list[Record]:
        """Translate one Xero item into canonical records."""
        if not resource.objects:
            return []
        model = resource.model.model_validate(item)
        return translate.TO_CANONICAL[resource.collection](model, self._prepared(), item)

    def write_batch(
        self, object_name: str, records: Sequence[Record], idempotency_key: str
    ) -> list[WriteResult]:
        """Create or update up to 50 records in one call, with a result per record."""
        ctx = self._prepared()
        groups: dict[tuple[str, str, str], list[tuple[int, dict[str, Any]]]] = {}
        results: dict[int, WriteResult] = {}
        for index, record in enumerate(records):
            try:
                body = translate.FROM_CANONICAL[object_name](record, ctx)
            except ConnectorError as exc:
                results[index] = WriteResult(index, error=exc)
                continue
            collection, id_field = _write_target(body)
            method = "POST" if getattr(record, "remote_id", None) else "PUT"
            # The connection's mapping (custom fields among it) runs over Xero's own body.
            wire = self.outgoing(record, body.to_xero())
            groups.setdefault((collection, id_field, method), []).append((index, wire))
        for n, ((collection, id_field, method), members) in enumerate(sorted(groups.items())):
            key = idempotency_key if len(groups) == 1 else f"{idempotency_key}-{n}"
            # Amounts go out as exact JSON numbers, never through float.
            content = dumps_xero({collection: [wire for _, wire in members]})
            headers = {
                **self._headers(),
                "Idempotency-Key": key[:128],
                "Content-Type": "application/json",
            }
            response = self.http.request(
                method,
                f"/{collection}",
                content=content,
                params={"summarizeErrors": "false"},
                headers=headers,
                idempotent_write=True,
            )
            elements = parse_json(response).get(collection) or []
            for (index, _), element in zip(members, elements, strict=False):
                results[index] = self._result(index, collection, id_field, element, ctx)
        return [results[i] for i in sorted(results)]

    def _result(
        self,
        index: int,
        collection: str,
        id_field: str,
        element: dict[str, Any],
        ctx: translate.TranslateContext,
    ) -> WriteResult:
        messages = _messages(element)
        if element.get("HasErrors") or element.get("StatusAttributeString") == "ERROR" or messages:
            return WriteResult(
                index,
                error=ValidationError(
                    "Xero refused the record: " + "; ".join(messages or ["no reason given"]),
                    erp_code="ValidationException",
                    correlation_id=current_correlation_id(),
                    details=messages,
                ),
            )
        remote_id = element.get(id_field)
        model = translate.MODELS[collection].model_validate(element)
        records = self.answered(translate.TO_CANONICAL[collection](model, ctx, element), element)
        return WriteResult(
            index,
            remote_id=str(remote_id) if remote_id else None,
            record=records[0] if records else None,
        )
