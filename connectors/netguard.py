"""Guard against server-side request forgery for URLs that users give the hub.

A webhook endpoint (or an ERP base URL) is a URL that someone else chose; sending to it from
inside a data centre could reach the cloud metadata service, a database or an admin port. The
guard refuses every destination whose address is not public, and keeps refusing at connect time:

    guard = NetGuard.from_hosts(["127.0.0.2"])     # allow-list: names, addresses, networks
    guard.check_url("https://hooks.example.com/x")  # at creation: DestinationRefused if unsafe
    with guarded_client(guard, timeout=10) as http:  # at delivery
        response = http.post(url, content=body)      # connects only to the checked addresses

The client resolves the host once per connection, checks *every* address, and connects to the
address it checked, so a DNS answer that changes between check and connect (rebinding) cannot
slip a private address through. It never follows redirects, never uses an environment proxy
(a proxy would connect on our behalf, unchecked) and `read_capped` bounds the bytes and time
spent on a response body.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
"""Maps (host, port) to the host's addresses as text; `resolve_host` asks the system."""

MAX_URL_LENGTH = 2048
SCHEMES = frozenset({"http", "https"})

_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    }
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT
_BENCHMARK = ipaddress.ip_network("198.18.0.0/15")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class DestinationRefused(ValueError):
    """A URL or address the hub will not send to; `reason` says why in a few words."""

    def __init__(self, url_or_host: str, reason: str) -> None:
        super().__init__(f"{url_or_host}: {reason}")
        self.target = url_or_host
        self.reason = reason


def address_problem(address: IPAddress) -> str | None:
    """Why an address is not a public destination, or None when it is.

    IPv6 forms that carry an IPv4 address (mapped, 6to4, NAT64, Teredo) are judged by the IPv4
    address inside, so `::ffff:127.0.0.1` is loopback like `127.0.0.1`.
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            problem = address_problem(inner)
            return f"{problem} (inside {address})" if problem else None
    if address in _METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address):
        if address in _SHARED:
            return "a shared (carrier-grade NAT) address"
        if address in _BENCHMARK:
            return "a benchmarking address"
    elif address in _UNIQUE_LOCAL:
        return "a unique-local address"
    elif address.is_site_local:
        return "a site-local address"
    if address.is_private:
        return "a private address"
    if address.is_reserved or not address.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # IPv4-compatible (::a.b.c.d, deprecated) still routes to the IPv4 host on some stacks.
    if int(address) >> 32 == 0 and int(address) > 1:
        return ipaddress.IPv4Address(int(address))
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (TCP), in its order, without repeats."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DestinationRefused(host, f"the name does not resolve ({exc.strerror})") from None
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]).split("%", 1)[0], None)
    return list(seen)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class NetGuard:
    """The policy: which hosts may be reached despite a non-public address, and how to resolve.

    `allowed_names` are host names (exact, case-insensitive; `*.example.test` matches any
    subdomain), `allowed_networks` addresses or networks. An allowed name lets every address it
    resolves to through; an allowed address lets itself through however it was named.
    """

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=resolve_host, compare=False)

    @classmethod
    def from_hosts(cls, hosts: Iterable[str], resolver: Resolver = resolve_host) -> NetGuard:
        """A guard allowing the given entries: names, IP addresses or CIDR networks."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in hosts:
            entry = raw.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                names.add(entry)
        return cls(frozenset(names), tuple(networks), resolver)

    def name_allowed(self, host: str) -> bool:
        """True when host is on the allow-list by name (or is an allowed address literal)."""
        host = host.lower().rstrip(".")
        literal = _literal(host)
        if literal is not None:
            return self.address_allowed(literal)
        if host in self.allowed_names:
            return True
        return any(name.startswith("*.") and host.endswith(name[1:]) for name in self.allowed_names)

    def address_allowed(self, address: IPAddress) -> bool:
        """True when address lies in an allowed address or network."""
        return any(address in net for net in self.allowed_networks)

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for host, every one checked; DestinationRefused if any
        is not public and not allowed (one bad answer spoils the name: rebinding tricks mix
        public and private answers)."""
        literal = _literal(host)
        addresses = [str(literal)] if literal is not None else self.resolver(host, port)
        if not addresses:
            raise DestinationRefused(host, "the name resolves to no address")
        if self.name_allowed(host):
            return addresses
        for text in addresses:
            address = ipaddress.ip_address(text)
            problem = address_problem(address)
            if problem and not self.address_allowed(address):
                shown = host if literal is not None else f"{host} resolves to {address}, which"
                raise DestinationRefused(shown, f"is {problem}" if literal is None else problem)
        return addresses

    def check_url(self, url: str) -> httpx.URL:
        """The parsed URL when it is safe to send to; DestinationRefused naming why otherwise."""
        if len(url) > MAX_URL_LENGTH:
            raise DestinationRefused(url[:60] + "...", f"longer than {MAX_URL_LENGTH} characters")
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise DestinationRefused(url, f"not a valid URL ({exc})") from None
        if parsed.scheme not in SCHEMES:
            raise DestinationRefused(url, "the scheme must be http or https")
        if not parsed.host:
            raise DestinationRefused(url, "the URL has no host")
        if parsed.userinfo:
            raise DestinationRefused(parsed.host, "credentials in the URL are not accepted")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            self.checked_addresses(parsed.host, port)
        except UnicodeError:  # a label over 63 characters, or empty: IDNA refuses the name
            raise DestinationRefused(parsed.host[:60], "not a valid host name") from None
        return parsed


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks and connects to a checked address: the check and the connect are one."""

    def __init__(self, guard: NetGuard) -> None:
        self._guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self._guard.checked_addresses(host, port):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:  # try the next checked address
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise DestinationRefused(path, "unix sockets are not a destination")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose every connection goes through the guard (no proxy, ever)."""

    def __init__(
        self,
        guard: NetGuard,
        *,
        verify: bool = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        # One TLS context (loading the CA bundle is the costly part of making a client).
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        # httpx takes no network backend: the pool it built is replaced by one that has ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(guard),
        )
        self._guard = guard

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse schemes other than http(s) before any connection, then send."""
        if request.url.scheme not in SCHEMES:
            raise DestinationRefused(str(request.url), "the scheme must be http or https")
        return super().handle_request(request)


def guarded_client(
    guard: NetGuard, *, timeout: float | httpx.Timeout = 10.0, verify: bool = True
) -> httpx.Client:
    """An httpx client that sends only to checked addresses and never follows a redirect."""
    return httpx.Client(
        transport=GuardedTransport(guard, verify=verify),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


@dataclass(frozen=True)
class CappedBody:
    """The first bytes of a response body, and whether more was left unread."""

    content: bytes
    truncated: bool


def read_capped(response: httpx.Response, max_bytes: int, deadline_s: float) -> CappedBody:
    """Read at most max_bytes of a streamed response within deadline_s seconds, then close it.

    A receiver that drips bytes forever or sends gigabytes costs at most this much; a body cut
    short by either limit is marked `truncated`.
    """
    chunks: list[bytes] = []
    size = 0
    truncated = False
    stop_at = time.monotonic() + deadline_s
    try:
        for chunk in response.iter_raw():
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes or time.monotonic() > stop_at:
                truncated = True
                break
    finally:
        response.close()
    return CappedBody(b"".join(chunks)[:max_bytes], truncated)


def direct_loopback_mounts() -> dict[str, httpx.BaseTransport]:
    """Mounts that send loopback URLs directly, for a client that otherwise honours proxies.

    `HTTP_PROXY` in the environment would route the sandboxes and local receivers through a
    proxy that cannot reach this machine's loopback; these patterns take precedence over it.
    """
    hosts: Sequence[str] = ("127.0.0.1", "localhost", "[::1]")
    return {f"all://{host}": httpx.HTTPTransport(trust_env=False) for host in hosts}
