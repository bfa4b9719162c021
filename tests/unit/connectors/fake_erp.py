"""A minimal fake adapter, declared on the shared shapes alone (no shared code changed for it).

Acme's ledger accounts are read with a query sent as a POST, paged by offset with a "hasMore"
flag and by key past an offset cap; an account is identified by ledger and code together; Acme
signs requests with an account id and API key of its own. Its cost centres come from an OData
service whose pages link to the next one.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, SecretStr

from canonical import Record
from canonical.reference import Account, Dimension
from connectors.auth import AuthMode, Credentials
from connectors.base import Connector, Resource, WriteResult
from connectors.paging import NextLinks, Offsets, PageRequest


class AcmeKey(Credentials):
    """Acme's own scheme: an account id and an API key."""

    account: str
    api_key: SecretStr


class AcmeSigner(httpx.Auth):
    def __init__(self, key: AcmeKey) -> None:
        self.key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Acme-Account"] = self.key.account
        request.headers["X-Acme-Key"] = self.key.api_key.get_secret_value()
        yield request


class AcmeItem(BaseModel):
    ledger: str
    code: str
    name: str = ""


class AcmeConnector(Connector):
    ERP: ClassVar[str] = "acme"
    TITLE: ClassVar[str] = "Acme"
    AUTH_MODES = (AuthMode("api_key", AcmeKey, "Account id and API key headers"),)
    RESOURCES: ClassVar[tuple[Resource, ...]] = (
        Resource(
            name="accounts",
            path="/query",
            collection="items",
            model=AcmeItem,
            objects=("account",),
            id_fields=("ledger", "code"),
            page_size=3,
            method="POST",
            body={"q": "SELECT ledger, code, name FROM account"},
            paginator=Offsets(max_offset=6, key="code"),
        ),
        Resource(
            name="cost_centers",
            path="/odata/CostCenters",
            collection="CostCenters",
            model=AcmeItem,
            objects=("dimension",),
            id_fields=("ledger", "code"),
            records="d.results",
            paginator=NextLinks("d.__next"),
        ),
    )

    def build_auth(self) -> httpx.Auth:
        assert isinstance(self.credentials, AcmeKey)
        return AcmeSigner(self.credentials)

    def request_body(self, resource: Resource, since: datetime | None, paging: PageRequest) -> Any:
        body = dict(resource.body or {})
        if paging.after is not None:  # key paging past the offset cap
            body["q"] += f" WHERE code > '{paging.after}'"
        return body

    def translate_item(self, resource: Resource, item: dict[str, Any]) -> list[Record]:
        remote = str(resource.remote_id(item))
        if resource.name == "cost_centers":
            hub = self.ids.hub_id("dimension", remote)
            return [
                Dimension(
                    id=hub,
                    remote_id=remote,
                    kind="cost_center",
                    code=item["code"],
                    name=item["name"],
                )
            ]
        hub = self.ids.hub_id("account", remote)
        return [
            Account(id=hub, remote_id=remote, code=item["code"], name=item["name"], type="expense")
        ]

    def write_batch(
        self, object_name: str, records: Sequence[Record], key: str
    ) -> list[WriteResult]:
        return []
