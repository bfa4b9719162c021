"""Where an ERP base URL may point: the SSRF policy of connections, checked twice.

At `hub connections add` (before anything is stored or sent) the URL must be http(s), and its
host must resolve to public addresses only, unless `LEDGERHUB_ERP_ALLOWED_HOSTS` allows it (an
SAP system on the company network is private; a sandbox is on loopback). Link-local and cloud
metadata addresses are refused whatever the setting says. Every connection a connector then
opens goes through the same guard on the address it resolved at connect time
(`connectors.netguard.GuardedTransport`), so a name that later resolves elsewhere gets nowhere.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

import httpx

from connectors.base import ConnectionConfig, Connector
from connectors.netguard import (
    DestinationRefused,
    GuardedTransport,
    IPAddress,
    NetGuard,
    address_problem,
)
from connectors.registry import AdapterSpec
from hub.settings import Settings

ALLOW_SETTING = "LEDGERHUB_ERP_ALLOWED_HOSTS"
NEVER = ("a cloud metadata address", "a link-local address")
"""Address classes no allow-list opens (`address_problem`'s words, IPv4 inside IPv6 too)."""


def never_allowed(address: IPAddress) -> str | None:
    """Why no setting may let this address through (None: a setting may)."""
    problem = address_problem(address)
    return problem if problem and problem.startswith(NEVER) else None


@dataclass(frozen=True)
class ErpGuard(NetGuard):
    """A `NetGuard` whose allow-list never opens link-local or cloud metadata addresses."""

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """As `NetGuard`, and refusing the never-allowed addresses even for allowed names."""
        addresses = super().checked_addresses(host, port)
        for text in addresses:
            problem = never_allowed(ipaddress.ip_address(text))
            if problem:
                raise DestinationRefused(host, f"is {problem}, never an ERP")
        return addresses


def erp_guard(settings: Settings) -> ErpGuard:
    """The guard of ERP base URLs under these settings."""
    plain = NetGuard.from_hosts(settings.erp_allowed_hosts)
    return ErpGuard(plain.allowed_names, plain.allowed_networks)


def check_base_url(settings: Settings, url: str) -> httpx.URL:
    """The parsed base URL; ValueError naming why it is refused (nothing sent, nothing stored)."""
    try:
        return erp_guard(settings).check_url(url)
    except DestinationRefused as exc:
        hint = ""
        if "private" in exc.reason or "loopback" in exc.reason or "unique-local" in exc.reason:
            hint = f" (set {ALLOW_SETTING} to allow an ERP on this network)"
        raise ValueError(f"base URL refused: {exc}{hint}") from None


def guarded_connector(
    settings: Settings, spec: AdapterSpec, config: ConnectionConfig, **kwargs: Any
) -> Connector:
    """The adapter's connector for `config`, behind the guard: the base URL checked before
    anything is sent (ValueError naming why), and every connect checked where it resolves.

    The one way the hub builds a connector from a URL a user gave (`hub extract`, `hub
    connections check`); the runtime builds stored connections with the same transport.
    """
    check_base_url(settings, config.base_url)
    return spec.connector(config, transport=erp_transport(settings), **kwargs)


def erp_transport(settings: Settings) -> httpx.BaseTransport:
    """The transport every ERP request goes through: the guard at connect time, no proxy."""
    return GuardedTransport(erp_guard(settings))
