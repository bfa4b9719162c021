"""The NetSuite adapter: its sign-in modes, SuiteQL reads by key, deletions, and idempotent
writes through the record API.

What is NetSuite's own lives here; wiring, retries, the rate budget and the read loop are the
shared framework's (`connectors.base`), configured by the declarations of `NetSuiteConnector`.

Reads: every resource is one SuiteQL statement (`resources.READS`), 1,000 rows a page, ordered
by a unique key, paged by key (`WHERE key > last`): the 100,000-row cap of offset paging is
never reached and a record changed mid-read cannot shift another out of the pass. A record's
rows (a document's lines, a vendor's bank accounts) share the key and arrive together; when a
page ends inside a record, that record is read again whole with the next page. Incremental
reads filter on `lastmodifieddate` at second precision in the account's time zone (converted
explicitly, DST included), and the read loop's overlap window plus de-duplication cover clock
skew. Deletions come from the `deletedrecord` log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from canonical import Record, jsonio
from connectors.auth import AuthMode
from connectors.base import (
    ConnectionConfig,
    Connector,
    Deletion,
    FetchedPage,
    Resource,
    WriteResult,
)
from connectors.errors import ConnectorError, ErpRejected, TransientError
from connectors.http import RetryPolicy, parse_json
from connectors.ids import IdResolver
from connectors.netsuite.auth import (
    AUTHORIZE_PATH,
    MAX_ASSERTION_SECONDS,
    NetSuiteAuthCode,
    NetSuiteM2M,
    NetSuiteTBA,
    TokenBasedAuth,
    account_slug,
    app_url,
    token_url,
)
from connectors.netsuite.errors import classify
from connectors.netsuite.queries import local_stamp
from connectors.netsuite.resources import CUSTOM_FIELD_PLACES, PAGE_SIZE, READS, RESOURCES, Read
from connectors.netsuite.suiteql import DELETED
from connectors.netsuite.translate_common import (
    DIMENSION_KINDS,
    TranslateContext,
    local_to_utc,
    utc_to_local,
)
from connectors.netsuite.translate_write import Lookups, to_netsuite
from connectors.oauth import ClientAuth, ClientSecretBasic, OAuthEndpoints, PrivateKeyJwt
from connectors.ratelimit import Budget, RateLimiter
from connectors.tokens import TokenStore
from mappings.customfields import Place

__all__ = ["NetSuiteConnector", "group_rows"]

DEFAULT_ZONE = "America/Los_Angeles"
DEFAULT_CONCURRENCY = 5
JOB_TIMEOUT = 120.0
"""Seconds an asynchronous write's job may take before the write counts as failed."""


def group_rows(
    rows: Sequence[dict[str, Any]], key: str, children: Sequence[tuple[str, str, Sequence[str]]]
) -> list[dict[str, Any]]:
    """Rows sharing `key` (consecutive, as the ORDER BY delivers them) as one item each, the
    child columns gathered into lists (`lines`, `banks`, `applied`); a line's custom columns
    (`custcol_...`) go with the line."""
    items: list[dict[str, Any]] = []
    child_columns = {c for _, _, columns in children for c in columns}
    current: dict[str, Any] | None = None
    for row in rows:
        if current is None or row.get(key) != current.get(key):
            current = {
                k: v
                for k, v in row.items()
                if k not in child_columns and k != "links" and not k.startswith("custcol_")
            }
            for name, _, _ in children:
                current[name] = []
            items.append(current)
        for name, marker, columns in children:
            if row.get(marker) is None:
                continue
            child = {c: row[c] for c in columns if c in row}
            if name == "lines":
                child.update({k: v for k, v in row.items() if k.startswith("custcol_")})
            current[name].append(child)
    return items


def since_local(since: datetime, zone: ZoneInfo) -> str:
    """The cursor as the account's wall-clock time for `TO_DATE`.

    When DST ends an hour repeats: a wall time in it names two instants and NetSuite may read
    the later one, so the filter starts an hour earlier (the overlap re-reads, never skips).
    """
    local = utc_to_local(since, zone)
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        local = (local.astimezone(UTC) - timedelta(hours=1)).astimezone(zone)
    return local_stamp(local)


class LazyNames(Mapping[str, str]):
    """A name -> internal id list read on first use."""

    def __init__(self, load: Callable[[], dict[str, str]]) -> None:
        self._load = load
        self._names: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._names is None:
            self._names = self._load()
        return self._names

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _page_token(after: str | None) -> str:
    return json.dumps({"after": after})


def _after(token: str | None) -> str | None:
    if not token:
        return None
    value = json.loads(token).get("after")
    return None if value is None else str(value)


def _server_time(response: httpx.Response) -> datetime | None:
    try:
        return parsedate_to_datetime(response.headers["date"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return None


_WRITE_RESOURCES = {
    "vendor": "vendors",
    "customer": "customers",
    "vendorBill": "vendor_bills",
    "vendorCredit": "vendor_credits",
    "invoice": "invoices",
    "creditMemo": "credit_memos",
    "vendorPayment": "vendor_payments",
    "customerPayment": "customer_payments",
    "journalEntry": "journal_entries",
}
_DELETED_OBJECTS = {
    t: read.deleted_object
    for read in READS.values()
    for t in read.deleted_types
    if read.deleted_object
}


class NetSuiteConnector(Connector):
    """Reads and writes one NetSuite account through SuiteTalk REST (SuiteQL + record API).

    Connection options: `time_zone` (the account's, default America/Los_Angeles),
    `base_currency` (default USD), `custom_fields` (script ids to read, comma separated,
    optionally `resource:script_id`), `dimension_kinds` (`class=cost_center,...`).
    """

    ERP: ClassVar[str] = "netsuite"
    TITLE: ClassVar[str] = "NetSuite"
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
            NetSuiteM2M,
            "OAuth 2.0 machine to machine: a JWT signed with a certificate's private key",
            grant="client_credentials",
        ),
        AuthMode(
            "token_based",
            NetSuiteTBA,
            "Token-based authentication (OAuth 1.0a): consumer key/secret and a token",
        ),
        AuthMode(
            "authorization_code",
            NetSuiteAuthCode,
            "OAuth 2.0 authorization code: a person signs in to NetSuite and approves once",
            grant="refresh_token",
            interactive=True,
        ),
    )
    BUDGET: ClassVar[Budget] = Budget(windows=(), concurrency=DEFAULT_CONCURRENCY)
    ERRORS = classify
    WRITE_BATCH: ClassVar[int] = 1
    """The record API takes one record a request."""
    CUSTOM_FIELD_PLACES: ClassVar[tuple[Place, ...]] = CUSTOM_FIELD_PLACES
    """Where NetSuite keeps custom fields (`custentity_`, `custbody_`, `custcol_`)."""
    CUSTOM_PREFIXES: ClassVar[Mapping[str, tuple[str, ...]]] = {
        name: READS[name].query.custom_prefixes for name in READS
    }
    """Which custom-field prefixes each resource can select."""

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
        super().__init__(
            config, tokens=tokens, ids=ids, limiter=limiter, retry=retry, transport=transport
        )
        zone_name = config.options.get("time_zone", DEFAULT_ZONE)
        try:
            self.zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"time_zone: {zone_name!r} is not an IANA time zone") from exc
        self._context: TranslateContext | None = None
        self._lookups: Lookups | None = None

    # -- sign-in -----------------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        """The NetSuite account id of these credentials."""
        return str(getattr(self.credentials, "account_id", ""))

    def origin(self) -> str:
        """`scheme://host` of the account's REST services (the sandbox's, when configured)."""
        if self.config.base_url:
            return self.config.base_url.rstrip("/")
        return f"https://{account_slug(self.account_id)}.suitetalk.api.netsuite.com"

    def api_url(self) -> str:
        """`<origin>/services/rest`."""
        return self.origin() + "/services/rest"

    def oauth_endpoints(self) -> OAuthEndpoints | None:
        """The token endpoint on the REST origin; people approve on the account's app host."""
        if isinstance(self.credentials, NetSuiteTBA):
            return None
        origin = self.origin()
        people = (
            app_url(self.account_id) if origin.endswith(".api.netsuite.com") else origin
        ) + AUTHORIZE_PATH
        return OAuthEndpoints(token_url(origin), people)

    def client_auth(self) -> ClientAuth:
        """M2M: a JWT assertion per token request; authorization code: the client secret."""
        creds = self.credentials
        if isinstance(creds, NetSuiteM2M):
            return PrivateKeyJwt(
                client_id=creds.client_id,
                private_key=creds.private_key,
                key_id=creds.certificate_id,
                algorithm=creds.algorithm,
                lifetime_seconds=MAX_ASSERTION_SECONDS,
                claims={"scope": ["restlets", "rest_webservices"]},
            )
        if isinstance(creds, NetSuiteAuthCode):
            return ClientSecretBasic(creds.client_id, creds.client_secret)
        raise TypeError(f"no OAuth client for {type(creds).__name__}")

    def build_auth(self) -> httpx.Auth | None:
        """TBA signs each request; the OAuth 2.0 modes send a bearer token."""
        creds = self.credentials
        if isinstance(creds, NetSuiteTBA):
            return TokenBasedAuth(
                account_id=creds.account_id,
                consumer_key=creds.consumer_key,
                consumer_secret=creds.consumer_secret.get_secret_value(),
                token_id=creds.token_id,
                token_secret=creds.token_secret.get_secret_value(),
            )
        return super().build_auth()

    def discover_tenant(self) -> str:
        """The account id: every connection to one account shares its concurrency budget."""
        return self.account_id

    @property
    def rate_key(self) -> str:
        """`netsuite:<account>`: the account's concurrency is shared by every integration."""
        return f"{self.ERP}:{self.account_id or self.config.connection_id}"

    # -- translation context -------------------------------------------------------------------

    def context(self) -> TranslateContext:
        """Connection id, ids, base currency, the account's zone and the dimension kinds."""
        if self._context is None:
            kinds = dict(DIMENSION_KINDS)
            for part in self.config.options.get("dimension_kinds", "").split(","):
                if "=" in part:
                    segment, kind = part.split("=", 1)
                    kinds[segment.strip()] = kind.strip()
            self._context = TranslateContext(
                connection_id=self.config.connection_id,
                ids=self.ids,
                base_currency=self.config.options.get("base_currency", "USD"),
                zone=self.zone,
                dimension_kinds=kinds,
            )
        return self._context

    def custom_columns(self, resource: str) -> tuple[tuple[str, str], ...]:
        """The custom fields `resource` selects (option `custom_fields`), as select columns."""
        read = READS[resource]
        prefixes = read.query.custom_prefixes
        out: list[tuple[str, str]] = []
        for raw in self.config.options.get("custom_fields", "").split(","):
            entry = raw.strip().lower()
            if not entry:
                continue
            scope, _, script_id = entry.rpartition(":")
            if scope and scope != resource:
                continue
            if not script_id.startswith(prefixes) or not script_id.replace("_", "").isalnum():
                continue
            alias = "tl" if script_id.startswith("custcol_") else read.query.alias
            out.append((f"{alias}.{script_id}", script_id))
        # The fields the connection's mapping binds are read too (custom-field bindings).
        chosen = {name for _, name in out}
        for script_id in sorted(self.mapping.field_names() if self.mapping else ()):
            if script_id in chosen or not script_id.startswith(prefixes):
                continue
            if not script_id.replace("_", "").isalnum():
                continue
            alias = "tl" if script_id.startswith("custcol_") else read.query.alias
            out.append((f"{alias}.{script_id}", script_id))
        return tuple(out)

    # -- reads -------------------------------------------------------------------------------

    def suiteql(
        self, text: str, limit: int = PAGE_SIZE, offset: int = 0
    ) -> tuple[dict[str, Any], httpx.Response]:
        """One SuiteQL page (`Prefer: transient`), retried like a GET: a query changes nothing."""
        content = _content({"q": text})
        response = self.http.request(
            "POST",
            "/query/v1/suiteql",
            params={"limit": str(limit), "offset": str(offset)},
            content=content["content"],
            headers={**content["headers"], "Prefer": "transient"},
            safe=True,
        )
        body = parse_json(response)
        if not isinstance(body, dict):
            raise ErpRejected("NetSuite answered a SuiteQL query with something not an envelope")
        return body, response

    def fetch_page(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> FetchedPage:
        """One page of a resource after the key in `token` (`{"after": id}`), changed since
        `since`; the next page's token names the last whole record read."""
        read = READS[resource.name]
        limit = resource.page_size or PAGE_SIZE
        after = _after(token)
        text = read.query.sql(
            since_local=since_local(since, self.zone) if since and read.query.cursor else None,
            after=after,
            custom=self.custom_columns(resource.name),
        )
        body, response = self.suiteql(text, limit)
        rows = [r for r in body.get("items") or [] if isinstance(r, dict)]
        more = bool(body.get("hasMore"))
        items = group_rows(rows, read.query.key_name, list(read.children))
        if more and read.children:
            if len(items) > 1:
                items.pop()  # it may go on in the next page: read it whole from there
            else:
                items = [self._whole(read, text, limit, items[0])]
        last = not more or not items
        next_token = None if last else _page_token(str(items[-1][read.query.key_name]))
        deleted = self._deleted(read, since) if last and since is not None else []
        return FetchedPage(
            items=items,
            last=last,
            server_time=_server_time(response),
            next_token=next_token,
            deleted=deleted,
        )

    def fetch_items(
        self, resource: Resource, remote_ids: Sequence[str]
    ) -> list[dict[str, Any]] | None:
        """Records by internal id (those that failed before), one SuiteQL call a thousand."""
        read = READS[resource.name]
        ids = [i for i in remote_ids if i.isdigit()]
        items: list[dict[str, Any]] = []
        for start in range(0, len(ids), PAGE_SIZE):
            listed = ", ".join(ids[start : start + PAGE_SIZE])
            text = read.query.sql(
                custom=self.custom_columns(resource.name),
                extra=(f"{read.query.key} IN ({listed})",),
            )
            body, _ = self.suiteql(text)
            rows = [r for r in body.get("items") or [] if isinstance(r, dict)]
            items.extend(group_rows(rows, read.query.key_name, read.children))
        return items

    def _whole(self, read: Read, text: str, limit: int, first: dict[str, Any]) -> dict[str, Any]:
        """A record with more rows than a page holds (a bill with thousands of lines)."""
        key = read.query.key_name
        offset, item = limit, first
        while True:
            body, _ = self.suiteql(text, limit, offset)
            rows = [r for r in body.get("items") or [] if r.get(key) == first[key]]
            for name, *_ in read.children:
                item[name].extend(group_rows(rows, key, read.children)[0][name] if rows else [])
            if not body.get("hasMore") or len(rows) < len(body.get("items") or []):
                return item
            offset += limit

    def _deleted(self, read: Read, since: datetime) -> list[Deletion]:
        """What the deleted-record log lists for the resource's record types since `since`."""
        if not read.deleted_types or read.deleted_object is None:
            return []
        types = ", ".join(f"'{t}'" for t in read.deleted_types)
        found: list[Deletion] = []
        after: str | None = None
        while True:
            text = DELETED.sql(
                since_local=since_local(since, self.zone),
                after=after,
                extra=(f"r.type IN ({types})",),
            )
            body, _ = self.suiteql(text)
            rows = [r for r in body.get("items") or [] if isinstance(r, dict)]
            for row in rows:
                found.append(
                    Deletion(
                        read.deleted_object,
                        str(row["id"]),
                        local_to_utc(row.get("deleted"), self.zone),
                    )
                )
            if not body.get("hasMore") or not rows:
                return found
            after = str(rows[-1]["id"])

    def translate_item(self, resource: Resource, item: dict[str, Any]) -> list[Record]:
        """Translate one grouped NetSuite record into canonical records."""
        read = READS[resource.name]
        model = read.model.model_validate(item)
        return read.translate(model, self.context(), item)

    def references(self, resource: Resource, items: list[dict[str, Any]]) -> dict[str, list[str]]:
        """The ids a page's translation asks for: its own, the parties and documents cited."""
        refs = {k: list(v) for k, v in super().references(resource, items).items()}
        name = resource.name
        party = "supplier" if name.startswith("vendor") else "customer"
        if resource.objects[:1] in (("invoice",), ("payment",)):
            refs.setdefault(party, []).extend(str(i["entity"]) for i in items if i.get("entity"))
        if resource.objects[:1] == ("payment",):
            refs.setdefault("invoice", []).extend(
                str(a["applieddoc"]) for i in items for a in i.get("applied") or []
            )
        if resource.objects[:1] == ("dimension",):
            segment = READS[name].query.table
            refs["dimension"] = [
                f"{'class' if segment == 'classification' else segment}:{i['id']}" for i in items
            ]
        return refs

    # -- writes ------------------------------------------------------------------------------

    def lookups(self) -> Lookups:
        """Account numbers, currency codes, item ids and segment names -> internal ids, each
        list read (once per connection) the first time a write needs it."""
        if self._lookups is None:

            def pairs(table: str, name: str) -> LazyNames:
                # Table and column names are the literals below, never input.
                query = f"SELECT id, {name} AS name FROM {table} WHERE id > {{after}} ORDER BY id"  # noqa: S608
                return LazyNames(lambda: self._names(query))

            self._lookups = Lookups(
                accounts=pairs("account", "acctnumber"),
                currencies=pairs("currency", "symbol"),
                items=pairs("item", "itemid"),
                segments={
                    table: pairs(table, "name")
                    for table in ("department", "classification", "location")
                },
                segment_of_kind={
                    v: ("classification" if k == "class" else k)
                    for k, v in self.context().dimension_kinds.items()
                },
            )
        return self._lookups

    def _names(self, query: str) -> dict[str, str]:
        out: dict[str, str] = {}
        after = "0"
        while True:
            body, _ = self.suiteql(query.format(after=after))
            rows = body.get("items") or []
            for row in rows:
                if row.get("name") is not None:
                    out[str(row["name"])] = str(row["id"])
                    out[str(row["name"]).casefold()] = str(row["id"])
            if not body.get("hasMore") or not rows:
                return out
            after = str(rows[-1]["id"])

    def mapping_document(self, item: Mapping[str, Any]) -> Mapping[str, Any]:
        """A transaction's `lines` without its main line: line i is canonical line i."""
        lines = item.get("lines")
        if not isinstance(lines, list):
            return item
        return {**item, "lines": [row for row in lines if not _is_main(row)]}

    def outgoing(self, record: Record, payload: dict[str, Any]) -> dict[str, Any]:
        """The mapping run backwards over the body, with line fields put on the right sublist.

        Reads answer a document's lines as one list (`lines[]`), in the canonical lines'
        order; the record API takes them split into sublists (`expense`, `item`, `line`). The
        mapping writes `lines[i]` of a virtual list, and each line's fields go to the element of
        its sublist that the translation made from canonical line i.
        """
        lines = getattr(record, "lines", None)
        if not self.mapping or not lines:
            return super().outgoing(record, payload)
        out = super().outgoing(record, {**payload, "lines": [{} for _ in lines]})
        virtual = out.pop("lines", [])
        seen: dict[str, int] = {}
        for line, fields in zip(lines, virtual, strict=False):
            sublist = _sublist_of(line, payload)
            n = seen.get(sublist, 0)
            seen[sublist] = n + 1
            if fields and sublist in out:
                out[sublist]["items"][n].update(fields)
        return out

    def write_batch(
        self, object_name: str, records: Sequence[Record], idempotency_key: str
    ) -> list[WriteResult]:
        """Upsert each record by external id (`PUT .../eid:<id>`), then read it back."""
        results: list[WriteResult] = []
        for index, record in enumerate(records):
            external_id = idempotency_key if len(records) == 1 else f"{idempotency_key}-{index}"
            try:
                results.append(self._write_one(index, object_name, record, external_id))
            except ConnectorError as exc:
                results.append(WriteResult(index, error=exc))
        return results

    def _write_one(
        self, index: int, object_name: str, record: Record, external_id: str
    ) -> WriteResult:
        ctx = self.context()
        write = to_netsuite(object_name, record, ctx, self.lookups())
        write = replace(write, body=self.outgoing(record, write.body))
        resource = _WRITE_RESOURCES[write.record_type]
        read = READS[resource]
        remote = record.remote_id or self.ids.remote_id(object_name, record.id)
        if remote:
            method, path, body = "PATCH", f"/record/v1/{write.record_type}/{remote}", write.body
            where = f"{read.query.key} = {int(remote)}"
        else:
            # An upsert by external id (the hub's write id): sent twice, still one record.
            method = "PUT"
            path = f"/record/v1/{write.record_type}/eid:{external_id}"
            body = {**write.body, "externalId": external_id}
            where = f"{read.query.alias}.externalid = '{external_id}'"
        try:
            self._send(method, path, body, external_id, resend=False)
        except ConnectorError as exc:
            if exc.status is not None and exc.status < 500:
                raise
            # The answer was lost (or NetSuite failed mid-way): the record may be there. Look it
            # up by its external id before sending anything again.
            if self._read_back(read, resource, where) is None:
                self._send(method, path, body, external_id, resend=True)
        item = self._read_back(read, resource, where)
        if item is None:
            raise ErpRejected(f"NetSuite took the {write.record_type} but it does not read back")
        translated = self.answered(read.translate(read.model.model_validate(item), ctx, item), item)
        return WriteResult(
            index,
            remote_id=str(item[read.query.key_name]),
            record=translated[0] if translated else None,
        )

    def _read_back(self, read: Read, resource: str, where: str) -> dict[str, Any] | None:
        """The record a write names, read as the resource reads it (None: not there)."""
        text = read.query.sql(custom=self.custom_columns(resource), extra=(where,))
        found, _ = self.suiteql(text)
        items = group_rows(found.get("items") or [], read.query.key_name, read.children)
        return items[0] if items else None

    def _send(
        self, method: str, path: str, body: dict[str, Any], key: str, *, resend: bool
    ) -> None:
        """One record API write: synchronous, or (option `async_writes`) an asynchronous
        request carrying `X-NetSuite-Idempotency-Key`, whose job is followed to its result."""
        content = _content(body)
        if self.config.options.get("async_writes", "").lower() not in {"1", "true", "yes"}:
            self.http.request(method, path, idempotent_write=resend, **content)
            return
        headers = {
            **content["headers"],
            "Prefer": "respond-async",
            "X-NetSuite-Idempotency-Key": key,
        }
        try:
            response = self.http.request(
                method, path, content=content["content"], headers=headers, idempotent_write=True
            )
            job = response.headers.get("Location", "")
        except ErpRejected as exc:
            if exc.erp_code != "IDEMPOTENCY_ERROR" or not exc.details:
                raise
            job = exc.details[0]  # the key was used: follow the first request's job
        self._finish_job(job)

    def _finish_job(self, job: str) -> None:
        """Wait for an asynchronous request's job; its result raises NetSuite's error if any."""
        deadline = time.monotonic() + JOB_TIMEOUT
        while True:
            state = self.http.read_json("GET", job)
            if isinstance(state, dict) and state.get("completed"):
                break
            if time.monotonic() > deadline:
                raise TransientError(f"NetSuite's job {job} did not complete in {JOB_TIMEOUT} s")
            time.sleep(0.5)
        task = str(state.get("id", ""))
        self.http.request("GET", f"{job}/task/{task}/result")


def _is_main(row: Any) -> bool:
    flag = row.get("mainline") if isinstance(row, dict) else None
    return flag is True or str(flag).upper() in ("T", "TRUE")


def _sublist_of(line: Any, payload: Mapping[str, Any]) -> str:
    """The record API sublist a canonical line went to (see `translate_write`)."""
    if "line" in payload:  # journal entries
        return "line"
    return "item" if getattr(line, "item_code", None) else "expense"


def _content(body: dict[str, Any]) -> dict[str, Any]:
    """`content=` and `headers=` for a JSON body with exact decimals (never through float)."""
    return {
        "content": jsonio.dumps(body).encode(),
        "headers": {"Content-Type": "application/json"},
    }
