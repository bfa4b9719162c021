"""OData paging with `NextLinks`: the server's links, and the client's own offsets between them."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from connectors.base import Resource
from connectors.paging import NextLinks

ODATA = NextLinks("d.__next", "$top", "$skip", "d.__count")


class _Item(BaseModel):
    id: str


def _resource(page_size: int = 3) -> Resource:
    return Resource(
        "things", "/Things", "Things", _Item, ("account",), id_fields=("id",), page_size=page_size
    )


def _body(rows: int, count: int | None = None, link: str | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"results": [{"id": str(i)} for i in range(rows)]}
    if count is not None:
        d["__count"] = str(count)
    if link:
        d["__next"] = link
    return {"d": d}


def test_the_first_page_asks_for_a_page_size_and_no_offset() -> None:
    first = ODATA.request(_resource(), None)
    assert first.params == {"$top": "3"}
    assert first.url is None


def test_without_a_link_the_next_page_is_the_next_offset_while_the_count_says_more() -> None:
    r = _resource()
    body = _body(3, count=7)
    token = ODATA.next_token(r, None, body, body["d"]["results"])
    assert token is not None
    assert json.loads(token) == {"skip": 3}
    assert ODATA.request(r, token).params == {"$top": "3", "$skip": "3"}
    body = _body(3, count=7)
    token = ODATA.next_token(r, token, body, body["d"]["results"])
    assert json.loads(token or "") == {"skip": 6}
    body = _body(1, count=7)
    assert ODATA.next_token(r, token, body, body["d"]["results"]) is None


def test_a_server_link_is_followed_as_given_and_counts_what_was_read() -> None:
    r = _resource(page_size=5000)
    link = "https://erp/Things?$skiptoken=100"
    body = _body(100, count=250, link=link)
    token = ODATA.next_token(r, None, body, body["d"]["results"])
    assert json.loads(token or "") == {"next": link, "skip": 100}
    following = ODATA.request(r, token)
    assert following.url == link
    assert following.params == {}
    # The server's last page has no link and completes the count: the read is over.
    body = _body(150, count=250)
    assert ODATA.next_token(r, token, body, body["d"]["results"]) is None


def test_without_a_count_a_short_page_is_the_last() -> None:
    r = _resource()
    full, short = _body(3), _body(2)
    token = ODATA.next_token(r, None, full, full["d"]["results"])
    assert json.loads(token or "") == {"skip": 3}
    assert ODATA.next_token(r, token, short, short["d"]["results"]) is None


def test_links_alone_keep_the_link_as_the_token() -> None:
    links = NextLinks("d.__next")
    body = _body(2, link="https://erp/Things?$skiptoken=2")
    token = links.next_token(_resource(), None, body, body["d"]["results"])
    assert token == "https://erp/Things?$skiptoken=2"
    assert links.request(_resource(), token).url == token
