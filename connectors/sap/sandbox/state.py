"""The SAP sandbox's state: its tables, CSRF sessions, writes and the `/_sandbox` changes.

Writes arrive as JSON trees (deep insert): `build_tree` checks every property against its Edm
type and every navigation against the declarations, then the entity set's own rules in
`writes.py` fill numbers and defaults and refuse what SAP would refuse, and only then is
anything stored, all under one lock: a refused write changes nothing.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connectors.sap.sandbox.config import SapSandboxConfig
from connectors.sap.sandbox.edm import EntitySet, Nav, Service
from connectors.sap.sandbox.errors import detail
from connectors.sap.sandbox.services import SERVICES
from connectors.sap.sandbox.store import Row, Store
from connectors.sap.sandbox.wire import ODataValueError, from_json

__all__ = ["CsrfSessions", "Node", "SapSandboxState", "WriteRejected"]


class WriteRejected(Exception):
    """A write SAP refuses: status, message class/number code, message and error details."""

    def __init__(
        self,
        message: str,
        code: str = "/IWBEP/CM_MGW_RT/022",
        status: int = 400,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status
        self.details = details if details is not None else [detail(code, message)]


@dataclass
class Node:
    """One entity of a deep insert: its values and its children by navigation."""

    es: EntitySet
    values: dict[str, Any]
    children: list[tuple[Nav, list[Node]]] = field(default_factory=list)

    def child_nodes(self, nav_name: str) -> list[Node]:
        """The children under one navigation (empty when absent)."""
        for nav, nodes in self.children:
            if nav.name == nav_name:
                return nodes
        return []

    def add_child(self, nav: Nav, node: Node) -> None:
        """Add a child under a navigation (rules use it to add implied entities)."""
        for existing, nodes in self.children:
            if existing.name == nav.name:
                nodes.append(node)
                return
        self.children.append((nav, [node]))


def build_tree(svc: Service, es: EntitySet, body: dict[str, Any], path: str = "") -> Node:
    """A checked `Node` tree from a JSON body (WriteRejected naming the property and reason)."""
    node = Node(es, {})
    for name, value in body.items():
        if name == "__metadata":
            continue
        where = f"{path}{name}"
        prop = es.by_name.get(name)
        if prop is not None:
            try:
                node.values[name] = from_json(prop, value)
            except ODataValueError as exc:
                raise WriteRejected(
                    str(exc), details=[detail("/IWBEP/CM_MGW_RT/022", str(exc), where)]
                ) from exc
            continue
        nav = es.nav_by_name.get(name)
        if nav is None:
            message = f"Property '{name}' is invalid for entity type '{es.type_name}'"
            raise WriteRejected(
                message,
                code="/IWBEP/CM_MGW_RT/004",
                details=[detail("/IWBEP/CM_MGW_RT/004", message, where)],
            )
        target = svc.set_by_name[nav.target]
        if isinstance(value, dict) and "__deferred" in value:
            continue
        if nav.many:
            items = value.get("results") if isinstance(value, dict) else value
            if not isinstance(items, list):
                raise WriteRejected(f"Navigation '{name}' needs an array or {{\"results\": [...]}}")
        else:
            if value is None:
                continue
            items = [value]
        nodes: list[Node] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise WriteRejected(f"Entry {index} of '{name}' is not an object")
            nodes.append(build_tree(svc, target, item, f"{where}/{index}/"))
        node.children.append((nav, nodes))
    return node


class CsrfSessions:
    """CSRF tokens per session cookie, as SAP Gateway hands them out and checks them."""

    COOKIE = "SAP_SESSIONID_S4H_100"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}
        self.fetched = 0

    def fetch(self, session: str | None) -> tuple[str, str]:
        """(session id, token): the session's token, or a new session with a new token."""
        with self._lock:
            self.fetched += 1
            if session is not None and session in self._tokens:
                return session, self._tokens[session]
            session = secrets.token_urlsafe(24)
            self._tokens[session] = secrets.token_urlsafe(18)
            return session, self._tokens[session]

    def valid(self, session: str | None, token: str | None) -> bool:
        """True when the token is the one issued to this session."""
        with self._lock:
            return bool(session and token and self._tokens.get(session) == token)

    def expire(self) -> int:
        """Every session and token ends now (the next write gets 403 Required)."""
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
            return count


class SapSandboxState:
    """Tables, CSRF sessions and the write rules of one sandbox."""

    def __init__(self, config: SapSandboxConfig) -> None:
        self.config = config
        self.services = SERVICES
        self.store = Store(SERVICES)
        self.csrf = CsrfSessions()
        self.counters: dict[str, int] = {}
        self.change_calls = 0
        self.after_commit: list[Callable[[], None]] = []
        self.reset()

    def reset(self) -> None:
        """Back to the seeded data."""
        from connectors.sap.sandbox.seed import seed_store

        with self.store.lock:
            self.store.clear()
            self.counters = seed_store(self.store, self.config)
            self.change_calls = 0

    def next_number(self, series: str) -> int:
        """The next number of a number range (`business_partner`, `supplier_invoice`, ...)."""
        self.counters[series] = self.counters.get(series, 0) + 1
        return self.counters[series]

    @staticmethod
    def now() -> datetime:
        """The sandbox's clock (UTC, whole milliseconds)."""
        moment = datetime.now(UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def create(self, svc: Service, es: EntitySet, body: dict[str, Any]) -> Row:
        """Deep insert: check, apply the set's rules, store everything or nothing."""
        from connectors.sap.sandbox.writes import CREATE_RULES

        tree = build_tree(svc, es, body)
        with self.store.lock:
            self.after_commit = []
            rule = CREATE_RULES.get(es.name)
            if rule is not None:
                rule(self, svc, tree)
            rows = list(self._flatten(svc, tree))
            for child_es, row in rows:
                missing = [k for k in child_es.keys if row.get(k) is None]
                if missing:
                    raise WriteRejected(
                        f"Key field(s) {', '.join(missing)} of '{child_es.name}' missing"
                    )
                table = self.store.table(svc.name, child_es.name)
                if table.get(child_es.key_of({k: row.get(k) for k in child_es.keys})) is not None:
                    raise WriteRejected(
                        f"Entity '{child_es.name}' with this key already exists",
                        code="/IWBEP/CM_MGW_RT/028",
                        status=409,
                    )
            stored = [self.store.table(svc.name, e.name).put(row) for e, row in rows]
            for action in self.after_commit:
                action()
            self.after_commit = []
            return stored[0]

    def _flatten(self, svc: Service, node: Node) -> list[tuple[EntitySet, Row]]:
        out = [(node.es, node.values)]
        for nav, children in node.children:
            for child in children:
                for src, dst in nav.pairs:
                    if node.values.get(src) not in (None, ""):
                        child.values[dst] = node.values[src]
                out.extend(self._flatten(svc, child))
        return out

    def update(
        self, svc: Service, es: EntitySet, key: tuple[Any, ...], body: dict[str, Any], replace: bool
    ) -> None:
        """MERGE/PATCH (or PUT) one entity; key fields cannot change."""
        from connectors.sap.sandbox.writes import UPDATE_RULES

        tree = build_tree(svc, es, body)
        if tree.children:
            raise WriteRejected("Navigation properties cannot be changed by an update")
        with self.store.lock:
            table = self.store.table(svc.name, es.name)
            row = table.get(key)
            if row is None:
                raise WriteRejected(
                    f"Resource not found for segment '{es.type_name}'",
                    code="/IWBEP/CM_MGW_RT/020",
                    status=404,
                )
            for name in es.keys:
                if name in tree.values and tree.values[name] != row[name]:
                    raise WriteRejected(f"Key property '{name}' cannot be changed")
            new = {p.name: None for p in es.props} if replace else dict(row)
            new.update(tree.values)
            for name in es.keys:
                new[name] = row[name]
            rule = UPDATE_RULES.get(es.name)
            if rule is not None:
                rule(self, row, new)
            table.put(new)

    def delete(self, svc: Service, es: EntitySet, key: tuple[Any, ...]) -> None:
        """Delete one entity."""
        with self.store.lock:
            if self.store.table(svc.name, es.name).delete(key) is None:
                raise WriteRejected(
                    f"Resource not found for segment '{es.type_name}'",
                    code="/IWBEP/CM_MGW_RT/020",
                    status=404,
                )

    def call(self, svc: Service, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run a function import."""
        from connectors.sap.sandbox.writes import FUNCTIONS

        with self.store.lock:
            return FUNCTIONS[(svc.name, name)](self, params)

    def counts(self) -> dict[str, Any]:
        """Rows per entity set, with a few breakdowns the tests and the demo use."""
        from connectors.sap.sandbox.changes import counts

        with self.store.lock:
            return counts(self)

    def make_changes(
        self, obj: str, update: int = 0, delete: int = 0, create: int = 0
    ) -> dict[str, list[str]]:
        """Change seeded data deterministically (see `changes.py`)."""
        from connectors.sap.sandbox.changes import make_changes

        with self.store.lock:
            self.change_calls += 1
            return make_changes(self, obj, update=update, delete=delete, create=create)
