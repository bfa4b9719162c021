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
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from canonical import Record
from connectors.base import ConnectionConfig, Connector, FetchedPage, Resource, WriteResult
from connectors.errors import ConnectorError, MappingError
from connectors.http import RetryPolicy, parse_json
from connectors.ids import IdResolver
from connectors.netsuite.errors import classify
from connectors.netsuite.models import custom_values
from connectors.netsuite.queries import local_stamp
from connectors.netsuite.resources import READS, RESOURCES, Read
from connectors.netsuite.translate_common import TranslateContext, utc_to_local
from connectors.netsuite.translate_write import Lookups, to_netsuite
from connectors.ratelimit import Budget, RateLimiter
from connectors.tokens import TokenStore

__all__ = ["NetSuiteConnector", "group_rows"]

DEFAULT_ZONE = "America/Los_Angeles"
DEFAULT_CONCURRENCY = 5


def group_rows(
    rows: Sequence[dict[str, Any]], key: str, children: Sequence[tuple[str, str, Sequence[str]]]
) -> list[dict[str, Any]]:
    """Rows sharing `key` (consecutive, as the ORDER BY delivers them) as one item each, the
    child columns gathered into lists (`lines`, `banks`, `applied`)."""
    items: list[dict[str, Any]] = []
    child_columns = {c for _, _, columns in children for c in columns}
    current: dict[str, Any] | None = None
    for row in rows:
        if current is None or row.get(key) != current.get(key):
            current = {k: v for k, v in row.items() if k not in child_columns and k != "links"}
            for name, _, _ in children:
                current[name] = []
            items.append(current)
        for name, marker, columns in children:
            if row.get(marker) is not None:
                current[name].append({c: row.get(c) for c in columns if c in row})
                current[name][-1].update(
                    {k: v for k, v in row.items() if k.startswith("custcol_")}
                    if name == "lines"
                    else {}
                )
    return items


class PageToken:
    """Where a SuiteQL read stands: the last key read (None: from the start)."""

    @staticmethod
    def dump(after: str | None) -> str:
        return json.dumps({"after": after})

    @staticmethod
    def load(token: str | None) -> str | None:
        if not token:
            return None
        value = json.loads(token).get("after")
        return None if value is None else str(value)


class NetSuiteConnector(Connector):
    """Reads and writes one NetSuite account through SuiteTalk REST (SuiteQL + record API)."""

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
    WRITE_BATCH: ClassVar[int] = 1  # the record API takes one record a request
    BUDGET: ClassVar[Budget] = Budget(windows=(), concurrency=DEFAULT_CONCURRENCY)
    HEADERS: ClassVar[Mapping[str, str]] = {"Accept": "application/json"}
    CUSTOM_FIELD_TYPES: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "ENTITY": ("vendors", "customers"),
        "BODY": (
            "vendor_bills",
            "vendor_credits",
            "invoices",
            "credit_memos",
            "vendor_payments",
            "customer_payments",
            "journal_entries",
        ),
        "COLUMN": ("vendor_bills", "vendor_credits", "invoices", "credit_memos",
                   "journal_entries"),
    }
    """Which resources select the custom fields of each `customfield.fieldtype`."""

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
        self._custom: dict[str, tuple[str, ...]] | None = None
        self._lookups: Lookups | None = None
