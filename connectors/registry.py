"""The adapters this installation knows, found through the `ledgerhub.connectors` entry points.

A third party adds an ERP by shipping a package whose `pyproject.toml` declares

    [project.entry-points."ledgerhub.connectors"]
    myerp = "myerp_connector:ADAPTER"

where `ADAPTER` is an `AdapterSpec`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Protocol

from connectors.base import Capabilities, Connector
from connectors.ratelimit import Budget

GROUP = "ledgerhub.connectors"


class SandboxStarter(Protocol):
    """Starts an adapter's sandbox in this process: its URL and how to stop it."""

    def __call__(
        self,
        *,
        seed: int,
        records: int,
        client_id: str,
        client_secret: str,
        no_limits: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        **options: Any,
    ) -> tuple[str, Callable[[], None]]:
        """Serve on `host:port` (0: a free port) seeded with `seed` and about `records`.

        `options` are further fields of the ERP's sandbox configuration (limits, faults, ...).
        """
        ...


@dataclass(frozen=True)
class AdapterSpec:
    """An adapter's entry: how to build its connector, its default budget, and its sandbox."""

    name: str
    title: str
    connector: type[Connector]
    budget: Budget
    sandbox: SandboxStarter | None = None
    default_scopes: tuple[str, ...] = ()
    notes: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    def capabilities(self) -> Capabilities:
        """The adapter's capability listing."""
        return self.connector.capabilities()


@cache
def adapters() -> dict[str, AdapterSpec]:
    """Every installed adapter by name."""
    found: dict[str, AdapterSpec] = {}
    for ep in entry_points(group=GROUP):
        spec = ep.load()
        if not isinstance(spec, AdapterSpec):
            raise TypeError(f"entry point {ep.name} of {GROUP} is not an AdapterSpec")
        found[spec.name] = spec
    return dict(sorted(found.items()))


def get_adapter(name: str) -> AdapterSpec:
    """The adapter called `name`, or a KeyError listing the installed ones."""
    known = adapters()
    if name not in known:
        raise KeyError(
            f"no adapter '{name}' is installed (installed: {', '.join(known) or 'none'})"
        )
    return known[name]
