"""The connector contract: declared resources, one shared read loop, batched idempotent writes.

An adapter declares its ERP's resources (`Resource`), its auth modes (`AUTH_MODES`), its budget
(`BUDGET`) and its error table (`ERRORS`), and implements what only it knows: how to fetch one
page (`fetch_page`), how to translate one item (`translate_item`), and how to send one batch of
writes (`write_batch`). The base builds the wiring from those declarations — credentials, token
flow, rate limiter, the one `ErpHttpClient` — and owns paging, resumable incremental cursors
with an overlap window, de-duplication at page edges, per-record failure capture and
capability listing, once for every ERP.

A read is resumable. Its cursor is an opaque JSON `ReadState` that the hub stores with each
committed page, holding the paginator's token of the next page (`connectors.paging`): a pass
that dies after page 7 resumes at page 8 of the same pass, whatever the ERP's paging. When a pass
completes, the next one starts from the time the completed pass started, less the overlap
window — so nothing changed during a pass is missed, and the store's content hash makes the
records re-read by the overlap change nothing.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr, model_validator
from pydantic import ValidationError as PydanticValidationError

from canonical import CanonicalValidationError, Record
from connectors.auth import AuthMode, Credentials, OAuthClient
from connectors.errors import AuthError, ConnectorError, ErpRejected, MappingError
from connectors.http import ErpHttpClient, ErrorTable, RetryPolicy
from connectors.ids import IdResolver, StableIds
from connectors.oauth import (
    AuthorizationRequest,
    ClientAuth,
    ClientSecretBasic,
    OAuth2Auth,
    OAuth2Flow,
    OAuthEndpoints,
)
from connectors.paging import PageRequest, Paginator, dig
from connectors.ratelimit import Budget, MemoryRateLimiter, RateLimiter
from connectors.tokens import MemoryTokenStore, TokenStore
from mappings.apply import ConnectionMapping, MappingApplyError
from mappings.customfields import Place

log = logging.getLogger("ledgerhub.connectors")

KEY_SCAN = "key_scan"
"""`Resource.deletions`: deletions are found by listing every key (see `Resource`)."""


@dataclass(frozen=True)
class Resource:
    """One readable collection of an ERP, declared rather than coded.

    `cursor` names the ERP's last-modified field used for incremental reads (None: always read
    in full); `paginator` says how pages are asked for (None: one request returns everything)
    and `page_size` how big they are; `method` and `body` are for reads sent as a POST (a
    query); `records` is the dotted path to the items in the response (default: the
    `collection` key); `id_fields` names a composite key (SAP: company code, document, fiscal
    year), else `id_field` the single one; `deletes` says how a deletion shows (a status, an
    archive flag, a log) for the capability listing.

    `deletions="key_scan"` is for an ERP that removes records outright and says nothing (no
    status, no log, no change stamp): each complete pass carries the complete list of the
    resource's keys on its last page (`Page.present`) and the hub deletes the stored records of
    the resource whose key is not in it. A full pass collects the keys it read; any other pass
    ends with a key-only listing (`Connector.fetch_keys`).
    """

    name: str
    path: str
    collection: str
    model: type[BaseModel]
    objects: tuple[str, ...]
    id_field: str = ""
    cursor: str | None = None
    page_size: int | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    order: str | None = None
    deletes: str | None = None
    description: str = ""
    paginator: Paginator | None = None
    method: str = "GET"
    body: Mapping[str, Any] | None = None
    records: str | None = None
    id_fields: tuple[str, ...] = ()
    deletions: str | None = None

    def __post_init__(self) -> None:
        if not (self.id_field or self.id_fields):
            raise ValueError(f"resource {self.name}: declare id_field or id_fields")
        if self.deletions not in (None, KEY_SCAN):
            raise ValueError(f"resource {self.name}: deletions must be None or '{KEY_SCAN}'")

    @property
    def keys(self) -> tuple[str, ...]:
        """The fields that identify an item (one, or the parts of a composite key)."""
        return self.id_fields or (self.id_field,)

    def remote_id(self, item: Mapping[str, Any]) -> str | None:
        """The item's ERP id: its key, or the parts of a composite key joined by "/"; None if
        a part is missing."""
        parts = [item.get(key) for key in self.keys]
        if any(part is None or part == "" for part in parts):
            return None
        return "/".join(str(part) for part in parts)


class ReadState(BaseModel):
    """Where a read stands; stored as the cursor after each committed page."""

    model_config = ConfigDict(frozen=True)

    since: datetime | None = None
    next_since: datetime | None = None
    page: int = 0
    token: str | None = None
    done: bool = True

    def dump(self) -> str:
        """The state as the opaque cursor string the hub stores."""
        return self.model_dump_json()

    @classmethod
    def load(cls, cursor: str | None) -> ReadState | None:
        """Parse a stored cursor; None when there is none."""
        return cls.model_validate_json(cursor) if cursor else None


@dataclass(frozen=True)
class Deletion:
    """A record the ERP deleted outright, leaving no payload to read (NetSuite's deleted-record
    log, SAP's deletion markers): the hub marks its stored record `remote_deleted`."""

    object: str
    remote_id: str
    deleted_at: datetime | None = None


@dataclass
class FetchedPage:
    """What `fetch_page` returns: the raw items, whether it was the last page, the server time,
    the paginator's token of the next page, and the records the ERP reports deleted outright
    (usually with the last page of a pass)."""

    items: list[dict[str, Any]]
    last: bool
    server_time: datetime | None = None
    next_token: str | None = None
    deleted: list[Deletion] = field(default_factory=list)


@dataclass(frozen=True)
class RecordFailure:
    """An item that could not become a canonical record, with the error that says why."""

    resource: str
    remote_id: str | None
    error: ConnectorError


@dataclass
class Page:
    """One page of a read, translated: records, failures, and the cursor to store with it.

    A page larger than `Connector.SLICE` items comes as several `Page`s of the same `number`:
    every one but the last is `partial`.
    """

    resource: str
    number: int
    records: list[Record]
    failures: list[RecordFailure]
    cursor: str
    last: bool
    fetched: int
    deleted: list[Deletion] = field(default_factory=list)
    partial: bool = False
    """A slice of a fetched page that is not its last (`Connector.SLICE`): its cursor says to
    read the page again, and the page counts as read with its last slice."""
    present: frozenset[str] | None = None
    """On the last page of a complete pass of a key-scan resource: every key the ERP holds."""


@dataclass(frozen=True)
class WriteResult:
    """The outcome of writing one record: the ERP's id and record, or the error."""

    index: int
    remote_id: str | None = None
    record: Record | None = None
    error: ConnectorError | None = None

    @property
    def ok(self) -> bool:
        """True when the ERP took the record."""
        return self.error is None


@dataclass(frozen=True)
class ResourceInfo:
    """A resource's capabilities, for listings."""

    name: str
    objects: tuple[str, ...]
    incremental: bool
    paged: bool
    deletes: str | None
    description: str


@dataclass(frozen=True)
class Capabilities:
    """What an adapter can read and write."""

    erp: str
    title: str
    resources: tuple[ResourceInfo, ...]
    writes: tuple[str, ...]
    auth: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json` output."""
        return {
            "erp": self.erp,
            "title": self.title,
            "auth": list(self.auth),
            "writes": list(self.writes),
            "resources": [
                {
                    "name": r.name,
                    "objects": list(r.objects),
                    "incremental": r.incremental,
                    "paged": r.paged,
                    "deletes": r.deletes,
                    "description": r.description,
                }
                for r in self.resources
            ],
        }


class ConnectionConfig(BaseModel):
    """How to reach one ERP organisation: endpoint, auth mode, credentials, and options.

    `credentials` are the values of the auth mode's credentials model (validated by the
    connector); `client_id` and `client_secret` are a shorthand for an OAuth client's. With no
    `auth_mode`, the mode is the one whose grant is `grant` (a person-approved mode for
    "refresh_token"/"authorization_code"), else the adapter's first.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    connection_id: str
    base_url: str
    auth_mode: str | None = None
    credentials: Credentials | dict[str, Any] = {}
    client_id: str | None = None
    client_secret: SecretStr | None = None
    tenant_id: str | None = None
    grant: str = "client_credentials"
    scopes: tuple[str, ...] = ()
    redirect_uri: str | None = None
    options: dict[str, str] = {}

    @model_validator(mode="after")
    def _client_shorthand(self) -> ConnectionConfig:
        if not self.credentials and self.client_id is not None:
            values = {"client_id": self.client_id, "client_secret": self.client_secret}
            object.__setattr__(self, "credentials", values)
        return self


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class Connector(ABC):
    """Base of every adapter: its wiring, the shared read loop, write batching, capabilities.

    Declarations an adapter gives (class attributes): `ERP`, `TITLE`, `RESOURCES`, `WRITES`,
    `AUTH_MODES` (the first is the default), `BUDGET` (the rate budget when the hub passes no
    limiter), `ERRORS` (the error table; the default one named after `TITLE` when omitted),
    `HEADERS` (sent on every request) and `REMAINING_HEADERS` (response header -> budget scope,
    for ERPs that say how many calls are left). Hooks it may override: `api_url`,
    `oauth_endpoints` / `client_auth` (OAuth), `build_auth` (any other scheme) and
    `discover_tenant`.
    """

    ERP: ClassVar[str]
    TITLE: ClassVar[str]
    RESOURCES: ClassVar[tuple[Resource, ...]]
    WRITES: ClassVar[tuple[str, ...]] = ()
    AUTH_MODES: ClassVar[tuple[AuthMode, ...]] = (
        AuthMode(
            "client_credentials", OAuthClient, "OAuth 2.0 client credentials", "client_credentials"
        ),
    )
    BUDGET: ClassVar[Budget] = Budget.unlimited()
    ERRORS: ClassVar[ErrorTable | None] = None
    HEADERS: ClassVar[Mapping[str, str]] = {"Accept": "application/json"}
    REMAINING_HEADERS: ClassVar[Mapping[str, str]] = {}
    WRITE_BATCH: ClassVar[int] = 50
    SLICE: ClassVar[int] = 200
    """A fetched page is translated and handed to the consumer in slices of at most this many
    items: a worker's memory peak is one slice's records (and their store transaction), not a
    whole page's, whatever the ERP's page size."""
    OVERLAP: ClassVar[timedelta] = timedelta(minutes=5)
    CUSTOM_FIELD_PLACES: ClassVar[tuple[Place, ...]] = ()
    """Where the ERP keeps tenant custom fields (`mappings.customfields.Place`)."""

    mapping: ConnectionMapping | None = None
    """The connection's mapping specs and custom-field bindings, set by the hub per run."""

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
        """Every adapter takes this constructor: the hub and `hub extract` build them alike."""
        self.config = config
        self.auth_mode = self.mode_for(config.auth_mode, config.grant)
        self.credentials: Credentials = self.auth_mode.validate(config.credentials)
        self.ids: IdResolver = ids or StableIds(config.connection_id)
        self.tokens: TokenStore = tokens or MemoryTokenStore()
        self.limiter: RateLimiter = limiter or MemoryRateLimiter(self.BUDGET)
        self._tenant_id = config.tenant_id
        self._transport = transport
        self.flow: OAuth2Flow | None = None
        endpoints = self.oauth_endpoints()
        if endpoints is not None:
            token_http = httpx.Client(timeout=httpx.Timeout(10.0), transport=transport)
            self.flow = OAuth2Flow(
                endpoints,
                self.client_auth(),
                scope=" ".join(config.scopes) or None,
                redirect_uri=config.redirect_uri,
                http=token_http,
            )
        self.auth: httpx.Auth | None = self.build_auth()
        self.http = ErpHttpClient(
            self.api_url(),
            classify=self.ERRORS or ErrorTable(self.TITLE),
            auth=self.auth,
            limiter=self.limiter,
            rate_key=lambda: self.rate_key,
            app_key=f"{self.ERP}-app:{self.credentials.app_id() or config.connection_id}",
            headers=self.HEADERS,
            retry=retry,
            transport=transport,
            on_response=self.observe,
        )

    # -- declarations and hooks ---------------------------------------------------------------

    @classmethod
    def mode_for(cls, name: str | None, grant: str | None = None) -> AuthMode:
        """The mode called `name`; without a name, the one renewing by `grant`, or the first."""
        if name:
            for mode in cls.AUTH_MODES:
                if mode.name == name:
                    return mode
            known = ", ".join(m.name for m in cls.AUTH_MODES)
            raise ValueError(f"{cls.ERP} has no auth mode '{name}' (modes: {known})")
        for mode in cls.AUTH_MODES:
            if grant and (
                mode.grant == grant
                or (mode.interactive and grant in {"refresh_token", "authorization_code"})
            ):
                return mode
        return cls.AUTH_MODES[0]

    def api_url(self) -> str:
        """The base URL API paths are relative to (the configured one by default)."""
        return self.config.base_url

    def oauth_endpoints(self) -> OAuthEndpoints | None:
        """Where tokens are issued, for adapters that sign in with OAuth 2.0 (None: no OAuth)."""
        return None

    def client_auth(self) -> ClientAuth:
        """How the app proves itself at the token endpoint (client_secret_basic by default)."""
        creds = self.credentials
        if isinstance(creds, OAuthClient):
            return ClientSecretBasic(creds.client_id, creds.client_secret)
        raise TypeError(f"{self.ERP}: override client_auth() for {type(creds).__name__}")

    def build_auth(self) -> httpx.Auth | None:
        """The auth every API request goes through: OAuth bearer tokens when there is a flow."""
        if self.flow is None:
            return None
        grant = self.auth_mode.grant or "refresh_token"
        return OAuth2Auth(self.tokens, self.config.connection_id, self.flow, grant=grant)

    def discover_tenant(self) -> str | None:
        """Ask the ERP which organisation these credentials reach (None: not a notion here)."""
        return None

    # -- typed members the hub uses -------------------------------------------------------------

    @property
    def tenant_id(self) -> str | None:
        """The ERP organisation this connection reads: configured, or discovered once."""
        if self._tenant_id is None:
            self._tenant_id = self.discover_tenant()
        return self._tenant_id

    @property
    def rate_key(self) -> str:
        """The budget key: the tenant when known, else the connection (the same for slots and
        for the remaining-call counts the ERP reports)."""
        return f"{self.ERP}:{self._tenant_id or self.config.connection_id}"

    def observe(self, response: httpx.Response) -> None:
        """Book the remaining-call counts an ERP reports (`REMAINING_HEADERS`) on the budget."""
        remaining: dict[str, int] = {}
        for header, scope in self.REMAINING_HEADERS.items():
            value = response.headers.get(header)
            if value is not None and value.lstrip("-").isdigit():
                remaining[scope] = int(value)
        if remaining:
            self.limiter.observe(self.rate_key, remaining)

    def authorize(self) -> None:
        """Sign in without a person: fetch the first token (OAuth) or nothing (static auth)."""
        if self.auth_mode.interactive:
            raise AuthError(
                f"the {self.auth_mode.name} mode needs a person to approve access: "
                "use begin_authorization()"
            )
        if isinstance(self.auth, OAuth2Auth):
            self.auth.refresh_once(stale=None)

    def begin_authorization(self) -> AuthorizationRequest:
        """The URL (with state and PKCE) a person approves access at."""
        if self.flow is None or not self.auth_mode.interactive:
            raise AuthError(f"the {self.ERP} {self.auth_mode.name} mode has no browser approval")
        return self.flow.authorization_request()

    def complete_authorization(self, callback_url: str, request: AuthorizationRequest) -> None:
        """Check the callback, trade its code for tokens and keep them in the token store."""
        if self.flow is None:
            raise AuthError(f"the {self.ERP} {self.auth_mode.name} mode has no browser approval")
        tokens = self.flow.exchange_callback(callback_url, request)
        self.tokens.save(self.config.connection_id, tokens)

    def close(self) -> None:
        """Release the API and token endpoint connections."""
        self.http.close()
        if self.flow is not None:
            self.flow.close()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def capabilities(cls) -> Capabilities:
        """The adapter's resources and writable objects."""
        infos = tuple(
            ResourceInfo(
                r.name,
                r.objects,
                r.cursor is not None,
                r.page_size is not None,
                r.deletes,
                r.description,
            )
            for r in cls.RESOURCES
        )
        modes = tuple(m.name for m in cls.AUTH_MODES)
        return Capabilities(cls.ERP, cls.TITLE, infos, cls.WRITES, modes)

    @classmethod
    def resource(cls, name: str) -> Resource:
        """The declared resource called `name`."""
        for r in cls.RESOURCES:
            if r.name == name:
                return r
        known = ", ".join(r.name for r in cls.RESOURCES)
        raise KeyError(f"{cls.ERP} has no resource '{name}' (known: {known})")

    def fetch_page(
        self, resource: Resource, since: datetime | None, token: str | None
    ) -> FetchedPage:
        """Fetch the page `token` names (None: the first) of `resource`, changed since `since`.

        The shared way: the paginator's request, the adapter's parameters, headers and body for
        `since`, one request (`safe`: a POST here only reads), the items at `records`, and the
        paginator's next token. Adapters override the hooks below, or this, where they differ.
        """
        paging = resource.paginator.request(resource, token) if resource.paginator else None
        paging = paging or PageRequest()
        if paging.url is not None:
            url, params = paging.url, {}
        else:
            url = resource.path
            params = {**resource.params, **self.read_params(resource, since), **paging.params}
        body = self.request_body(resource, since, paging)
        extra: dict[str, Any] = {}
        if params:  # httpx drops a URL's own query when given params, even empty ones
            extra["params"] = params
        if body is not None:
            extra["json"] = body
        data = self.http.read_json(
            resource.method, url, headers=self.request_headers(resource, since), **extra
        )
        items = dig(data, resource.records or resource.collection) or []
        if not isinstance(items, list):
            items = [items]
        following = (
            resource.paginator.next_token(resource, token, data, items)
            if resource.paginator
            else None
        )
        return FetchedPage(list(items), following is None, self.server_time(data), following)

    def read_params(self, resource: Resource, since: datetime | None) -> dict[str, str]:
        """Query parameters of a read beside the paginator's (order, changes since `since`)."""
        return {}

    def request_headers(self, resource: Resource, since: datetime | None) -> dict[str, str]:
        """Headers of a read request (none besides `HEADERS` by default)."""
        return {}

    def request_body(self, resource: Resource, since: datetime | None, paging: PageRequest) -> Any:
        """The JSON body of a read sent as a POST: the resource's `body` by default."""
        return dict(resource.body) if resource.body is not None else None

    def server_time(self, body: Any) -> datetime | None:
        """The ERP's clock from a response, when it says (the next pass starts from it)."""
        return None

    @abstractmethod
    def translate_item(self, resource: Resource, item: dict[str, Any]) -> list[Record]:
        """Turn one raw item into canonical records (raises MappingError when it cannot)."""

    @abstractmethod
    def write_batch(
        self, object_name: str, records: Sequence[Record], idempotency_key: str
    ) -> list[WriteResult]:
        """Send at most WRITE_BATCH records of one object in one request."""

    def read(self, name: str, cursor: str | None = None, *, full: bool = False) -> Iterator[Page]:
        """Read `name` page by page from `cursor`; each Page carries the cursor to store with it."""
        resource = self.resource(name)
        state = None if full else ReadState.load(cursor)
        if state is None or state.done:
            since = None if state is None or resource.cursor is None else state.next_since
            state = ReadState(since=since, next_since=None, page=0, done=False)
        token = state.token
        if token is None and state.page and resource.paginator is not None:
            token = resource.paginator.resume_token(state.page)  # a cursor from before tokens
        self.prepare_read(resource)
        previous_ids: set[str] = set()
        number = state.page
        # A key-scan resource read in full from its first page lists every key as it goes.
        scanning = resource.deletions == KEY_SCAN
        seen: set[str] | None = (
            set() if scanning and state.since is None and not state.page else None
        )
        while True:
            number += 1
            requested = token
            fetched = self.fetch_page(resource, state.since, requested)
            if state.next_since is None:
                started = fetched.server_time or utcnow()
                state = state.model_copy(update={"next_since": started - self.OVERLAP})
            last = fetched.last
            token = None if last else fetched.next_token
            if not last and token is None and resource.paginator is None:
                token = str(number + 1)  # an adapter paging by number without a paginator
            if not last and token == requested:
                raise ErpRejected(
                    f"{self.TITLE} {resource.name}: the next page is the page just read"
                )
            # Until the page's last slice is handed over, the cursor says "read this page
            # again": a crash between slices re-reads the page, whose stored slices then
            # change nothing (same content hash).
            again = state.model_copy(update={"page": number - 1, "token": requested}).dump()
            state = state.model_copy(update={"page": number, "done": last, "token": token})
            items, deleted = fetched.items, list(fetched.deleted)
            del fetched
            self._prefetch_ids(resource, items)
            ids: set[str] = set()
            step = max(self.SLICE, 1)
            for start in range(0, max(len(items), 1), step):
                final = start + step >= len(items)
                chunk = items[start : start + step]
                records, failures = self._translate_items(resource, chunk, previous_ids, ids)
                del chunk
                page = Page(
                    resource.name,
                    number,
                    records,
                    failures,
                    state.dump() if final else again,
                    last and final,
                    min(step, len(items) - start) if items else 0,
                    deleted if final else [],
                    partial=not final,
                )
                if final and seen is not None:
                    seen |= ids
                if final and last and scanning:
                    # Listed only now that the pass is complete: a pass that fails before this
                    # point carries no key list, and the hub deletes nothing.
                    keys = seen if seen is not None else self.scan_keys(resource)
                    page.present = frozenset(keys)
                # Hold no slice while translating the next, nor a page while fetching the next:
                # the consumer has it, and memory stays at one slice's records and one page's
                # raw items, whatever the size of the collection.
                del records, failures
                yield page
                del page
            previous_ids = ids
            del items, deleted
            if last:
                return

    def scan_keys(self, resource: Resource) -> set[str]:
        """Every key of `resource` the ERP holds now, from a complete key-only listing."""
        keys: set[str] = set()
        token: str | None = None
        while True:
            fetched = self.fetch_keys(resource, token)
            keys.update(k for item in fetched.items if (k := resource.remote_id(item)) is not None)
            if fetched.last:
                return keys
            if fetched.next_token in (None, token):
                raise ErpRejected(f"{self.TITLE} {resource.name}: the key listing does not advance")
            token = fetched.next_token

    def fetch_keys(self, resource: Resource, token: str | None) -> FetchedPage:
        """One page of a listing of every item of `resource` (no change filter): by default a
        page of a full read; adapters ask for the key fields only."""
        return self.fetch_page(resource, None, token)

    def fetch_items(
        self, resource: Resource, remote_ids: Sequence[str]
    ) -> list[dict[str, Any]] | None:
        """The raw items with these ids, as `fetch_page` gives them; ones the ERP no longer has
        are left out. None when this adapter cannot read by id (the default)."""
        return None

    def read_ids(self, name: str, remote_ids: Sequence[str], cursor: str) -> Page | None:
        """Read and translate the items with these ids (records that failed before) as one page
        carrying `cursor` unchanged; None when the adapter cannot read by id."""
        resource = self.resource(name)
        items = self.fetch_items(resource, remote_ids)
        if items is None:
            return None
        self._prefetch_ids(resource, items)
        records, failures = self._translate_items(resource, items, set(), set())
        return Page(resource.name, 0, records, failures, cursor, True, len(items))

    def prepare_read(self, resource: Resource) -> None:  # noqa: B027 - optional hook
        """Load what translating `resource` needs from the ERP (an organisation's currency),
        once, before its first page: translation itself sends no request."""

    def prepare_write(self, object_name: str) -> None:  # noqa: B027 - optional hook
        """Load what translating writes of `object_name` needs, before the first batch."""

    def references(self, resource: Resource, items: list[dict[str, Any]]) -> dict[str, list[str]]:
        """The hub ids a page's translation will ask for, by object: the items' own by default.

        Adapters add the records an item refers to (an invoice's supplier) where they know them.
        """
        own = [key for item in items if (key := resource.remote_id(item)) is not None]
        return dict.fromkeys(resource.objects, own)

    def _prefetch_ids(self, resource: Resource, items: list[dict[str, Any]]) -> None:
        """One look-up (and one bulk mint) of hub ids per page, instead of one per record."""
        for object_name, remote_ids in self.references(resource, items).items():
            self.ids.prefetch(object_name, remote_ids)

    def _translate_items(
        self,
        resource: Resource,
        items: list[dict[str, Any]],
        previous_ids: set[str],
        ids: set[str],
    ) -> tuple[list[Record], list[RecordFailure]]:
        """Translate `items` (a page, or a slice of one); `ids` collects the page's item ids,
        and items already in it or in `previous_ids` (the page before) are skipped."""
        records: list[Record] = []
        failures: list[RecordFailure] = []
        for item in items:
            key = resource.remote_id(item)
            if key is None:
                if resource.objects:  # every translator would refuse it: say so once, here
                    failures.append(RecordFailure(resource.name, None, self._no_id(resource)))
                continue
            if key in previous_ids or key in ids:
                continue  # re-read at a page edge: the same item shifted by a concurrent change
            ids.add(key)
            try:
                records.extend(self.incoming(self.translate_item(resource, item), item))
            except ConnectorError as exc:
                if exc.retryable or isinstance(exc, AuthError):
                    # Not this record's fault (a context read that failed, a token refused):
                    # the page fails and is read again, instead of losing the record.
                    raise
                failures.append(RecordFailure(resource.name, key, exc))
            except MappingApplyError as exc:
                error = MappingError(
                    f"{resource.name} {key}: the connection's mapping failed at {exc.path}",
                    erp_message=exc.reason,
                )
                failures.append(RecordFailure(resource.name, key, error))
            except (CanonicalValidationError, PydanticValidationError) as exc:
                error = MappingError(
                    f"{resource.name} {key} does not translate to a valid canonical record",
                    erp_message=str(exc),
                )
                failures.append(RecordFailure(resource.name, key, error))
        return records, failures

    def _no_id(self, resource: Resource) -> MappingError:
        fields = " + ".join(resource.keys)
        detail = f"{fields} -> {resource.objects[0]}.remote_id: is missing"
        return MappingError(f"{self.TITLE} {resource.collection}: {detail}", details=[detail])

    def incoming(self, records: list[Record], item: Mapping[str, Any]) -> list[Record]:
        """Records translated from ERP `item`, with the connection's mapping applied."""
        if not self.mapping:
            return records
        doc = self.mapping_document(item)
        return [self.mapping.read(record, doc) for record in records]

    def mapping_document(self, item: Mapping[str, Any]) -> Mapping[str, Any]:
        """The ERP record as mapping specs read it: the item itself, unless the adapter says.

        An adapter whose raw lists hold more than the canonical lists (NetSuite's main line)
        returns a view in which element i of a list is the source of canonical element i.
        """
        return item

    def answered(self, records: list[Record], item: Mapping[str, Any]) -> list[Record]:
        """`incoming` for the records an ERP sends back after a write, which has happened.

        A mapping that fails on them must not turn a write the ERP took into a failure (it
        would be retried): the records are kept as translated, and the next sync reports it.
        """
        try:
            return self.incoming(records, item)
        except MappingApplyError as exc:
            log.warning("mapping not applied to a write's answer: %s", exc)
            return records

    def outgoing(self, record: Record, payload: dict[str, Any]) -> dict[str, Any]:
        """The ERP payload built for `record`, with the connection's mapping run backwards.

        Adapters call it in `write_batch` on each element before sending it.
        """
        if not self.mapping:
            return payload
        return self.mapping.write(record, payload)

    def write(
        self, object_name: str, records: Sequence[Record], *, idempotency_key: str
    ) -> list[WriteResult]:
        """Write records of one object in batches; one result per record, in order."""
        if object_name not in self.WRITES:
            raise KeyError(
                f"{self.ERP} cannot write {object_name} (it writes: {', '.join(self.WRITES)})"
            )
        self.prepare_write(object_name)
        results: list[WriteResult] = []
        for start in range(0, len(records), self.WRITE_BATCH):
            batch = records[start : start + self.WRITE_BATCH]
            key = (
                idempotency_key
                if len(records) <= self.WRITE_BATCH
                else f"{idempotency_key}-{start}"
            )
            for result in self.write_batch(object_name, batch, key):
                results.append(
                    WriteResult(result.index + start, result.remote_id, result.record, result.error)
                )
        return results


ConnectorFactory = Callable[..., Connector]
