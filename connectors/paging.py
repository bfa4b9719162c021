"""Paginators: how one page of a resource is asked for, and the opaque token of the next one.

A read's position is an opaque string the paginator makes (`next_token`) and reads back
(`request`): the hub stores it with each committed page, so a pass that dies mid-way resumes at
the next page whatever the ERP's paging looks like. Three shapes cover the ERPs we know:

* `PageNumbers`: page 1, 2, 3... with a page size (Xero's `page`/`pageSize`, `pagination`);
* `Offsets`: offset and limit with a "has more" flag, switching to key paging (`id > last`)
  where the ERP caps the offset (NetSuite SuiteQL stops at 100,000 rows);
* `NextLinks`: the server's link to the next page (OData V2 `d.__next`, V4
  `@odata.nextLink`, `$skiptoken` inside it).

A paginator holds no state between pages: everything it needs travels in the token.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.base import Resource


def dig(body: Any, path: str | None) -> Any:
    """The value at a dotted path ("d.results", "pagination.pageCount"); None when absent."""
    if not path:
        return body
    value = body
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@dataclass(frozen=True)
class PageRequest:
    """What a paginator adds to a resource's request for one page.

    `params` join the resource's query parameters; `url` (a server's next link) replaces the
    resource's path and parameters; `after` is the last key of the previous page, for an
    adapter whose query filters by key (`WHERE id > :after`).
    """

    params: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    after: str | None = None


class Paginator(ABC):
    """Swappable paging: the request for a token, and the token after a page."""

    @abstractmethod
    def request(self, resource: Resource, token: str | None) -> PageRequest:
        """The request for the page `token` names (None: the first page)."""

    @abstractmethod
    def next_token(
        self, resource: Resource, token: str | None, body: Any, items: list[dict[str, Any]]
    ) -> str | None:
        """The token of the page after this one; None when this one was the last."""

    def resume_token(self, pages_done: int) -> str | None:
        """The token after `pages_done` pages, for cursors stored before tokens existed."""
        return None


@dataclass(frozen=True)
class PageNumbers(Paginator):
    """Numbered pages from 1. Last when the body's page count is reached, else a short page."""

    page_param: str = "page"
    size_param: str | None = "pageSize"
    count_path: str | None = None

    def request(self, resource: Resource, token: str | None) -> PageRequest:
        """`page` (and `pageSize`) for the page number in the token."""
        params = {self.page_param: token or "1"}
        if self.size_param and resource.page_size:
            params[self.size_param] = str(resource.page_size)
        return PageRequest(params)

    def next_token(
        self, resource: Resource, token: str | None, body: Any, items: list[dict[str, Any]]
    ) -> str | None:
        """The next number, unless the page count says or a short page shows this was last."""
        page = int(token or "1")
        count = dig(body, self.count_path)
        if count is not None:
            return None if page >= int(count) else str(page + 1)
        if not items or (resource.page_size and len(items) < resource.page_size):
            return None
        return str(page + 1)

    def resume_token(self, pages_done: int) -> str | None:
        """Page `pages_done + 1`."""
        return str(pages_done + 1)


@dataclass(frozen=True)
class Offsets(Paginator):
    """Offset and limit with a "has more" flag; key paging beyond `max_offset`.

    Past the cap the token carries the last key read instead of an offset, and the request's
    `after` tells the adapter to ask for keys greater than it (its query must order by `key`).
    """

    offset_param: str = "offset"
    limit_param: str = "limit"
    has_more_path: str | None = "hasMore"
    max_offset: int | None = None
    key: str | None = None

    def _load(self, token: str | None) -> tuple[int, str | None]:
        if not token:
            return 0, None
        state = json.loads(token)
        return int(state.get("offset", 0)), state.get("after")

    def request(self, resource: Resource, token: str | None) -> PageRequest:
        """Offset and limit; the last key too once key paging has started."""
        offset, after = self._load(token)
        params = {self.offset_param: str(offset)}
        if resource.page_size:
            params[self.limit_param] = str(resource.page_size)
        return PageRequest(params, after=after)

    def next_token(
        self, resource: Resource, token: str | None, body: Any, items: list[dict[str, Any]]
    ) -> str | None:
        """The next offset, or the last key when the next offset would pass the cap."""
        offset, after = self._load(token)
        has_more = dig(body, self.has_more_path) if self.has_more_path else None
        if has_more is None:
            has_more = bool(items) and len(items) >= (resource.page_size or len(items) + 1)
        if not has_more or not items:
            return None
        following = offset + len(items)
        if self.max_offset is not None and following + (resource.page_size or 0) > self.max_offset:
            key = self.key or resource.keys[0]
            last = items[-1].get(key)
            if last is None:
                raise ValueError(f"{resource.name}: key paging needs '{key}' in every item")
            return json.dumps({"offset": 0, "after": str(last)})
        return json.dumps({"offset": following, "after": after})


@dataclass(frozen=True)
class NextLinks(Paginator):
    """The server's link to the next page (OData V2 `d.__next`, V4 `@odata.nextLink`).

    With `offset_param` (OData's `$skip`) the client pages too, as OData clients must: the
    server gives at most the page size asked for (`size_param`, `$top`) and a link only when it
    pages below it (server-driven paging); without a link the next page is the next offset,
    while the count (`count_path`, `$inlinecount`) or a full page says there are more. The
    token is then `{"skip": n}` or `{"next": link, "skip": n}` (n: items read so far).
    """

    link_path: str = "@odata.nextLink"
    size_param: str | None = None
    offset_param: str | None = None
    count_path: str | None = None

    def request(self, resource: Resource, token: str | None) -> PageRequest:
        """The resource itself first (with a page size if asked), then the link as given, or
        the next offset."""
        state = self.state(token)
        if state.get("next"):
            return PageRequest(url=str(state["next"]))
        params = {}
        if self.size_param and resource.page_size:
            params[self.size_param] = str(resource.page_size)
        if self.offset_param and state.get("skip"):
            params[self.offset_param] = str(state["skip"])
        return PageRequest(params)

    def state(self, token: str | None) -> dict[str, Any]:
        """The token as `{"next": link, "skip": n}` (parts absent when not known)."""
        if not token:
            return {}
        if self.offset_param is None:
            return {"next": token}
        return dict(json.loads(token))

    def next_token(
        self, resource: Resource, token: str | None, body: Any, items: list[dict[str, Any]]
    ) -> str | None:
        """The link when the body has one; else the next offset while there are more."""
        link = dig(body, self.link_path)
        if self.offset_param is None:
            return str(link) if link else None
        read = int(self.state(token).get("skip", 0)) + len(items)
        if link:
            return json.dumps({"next": str(link), "skip": read})
        count = dig(body, self.count_path)
        if count is not None:
            more = read < int(count)
        else:
            more = bool(items) and len(items) >= (resource.page_size or len(items) + 1)
        return json.dumps({"skip": read}) if more else None
