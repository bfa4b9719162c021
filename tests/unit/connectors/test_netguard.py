"""The SSRF guard: address classes, URL checks, and a client that connects only where it checked.

Every connection made here goes to a receiver on loopback (127.0.0.2, allow-listed); refused
destinations are refused before any packet leaves.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from connectors.netguard import (
    DestinationRefused,
    NetGuard,
    Resolver,
    address_problem,
    direct_loopback_mounts,
    guarded_client,
    read_capped,
    resolve_host,
)


class _Receiver(BaseHTTPRequestHandler):
    hits: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        type(self).hits.append((self.path, self.headers.get("Host", "")))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"x" * 1_000_000 if self.path == "/big" else b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[str]:
    """A receiver on 127.0.0.2 (not 127.0.0.1: the allow-list names exactly this address)."""
    _Receiver.hits = []
    server = ThreadingHTTPServer(("127.0.0.2", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.2:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _resolver(table: dict[str, list[str]]) -> Resolver:
    """Names from the table; others (localhost, numeric forms) from the system resolver."""

    def resolve(host: str, port: int) -> list[str]:
        return table[host] if host in table else resolve_host(host, port)

    return resolve


@pytest.mark.parametrize(
    ("address", "fragment"),
    [
        ("127.0.0.1", "loopback"),
        ("127.9.9.9", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("100.64.0.1", "shared"),
        ("100.127.255.254", "shared"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("192.0.2.10", ""),
        ("198.18.0.1", "benchmarking"),
        ("255.255.255.255", ""),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00::1", "unique-local"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a9fe:a9fe", "metadata"),
        ("2002:0a00:0001::", "private"),
        ("2001:db8::1", ""),
    ],
)
def test_non_public_addresses_are_named_for_what_they_are(address: str, fragment: str) -> None:
    problem = address_problem(ipaddress.ip_address(address))
    assert problem is not None
    assert fragment in problem


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://localhost:8080/hook", "loopback"),
        ("http://[::1]:8080/hook", "loopback"),
        ("http://10.0.0.5/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://100.64.1.1/", "shared"),
        ("http://[fd12::1]/", "unique-local"),
        ("http://0x7f000001/", "loopback"),
        ("ftp://hooks.example.com/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("http://user:pw@hooks.example.com/", "credentials"),
        ("http:///nohost", "host"),
    ],
)
def test_unsafe_urls_are_refused_with_the_reason(url: str, fragment: str) -> None:
    guard = NetGuard.from_hosts([], resolver=_resolver({"hooks.example.com": ["93.184.216.34"]}))
    with pytest.raises(DestinationRefused) as caught:
        guard.check_url(url)
    assert fragment in caught.value.reason or fragment in str(caught.value)


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    guard = NetGuard.from_hosts([], resolver=_resolver({"evil.example": ["10.0.0.7"]}))
    with pytest.raises(DestinationRefused, match=r"evil.example resolves to 10.0.0.7"):
        guard.check_url("https://evil.example/hook")


def test_one_private_answer_among_public_ones_spoils_the_name() -> None:
    table = {"mixed.example": ["93.184.216.34", "127.0.0.1"]}
    guard = NetGuard.from_hosts([], resolver=_resolver(table))
    with pytest.raises(DestinationRefused, match="loopback"):
        guard.check_url("https://mixed.example/")


def test_a_public_name_passes_the_check() -> None:
    guard = NetGuard.from_hosts([], resolver=_resolver({"hooks.example.com": ["93.184.216.34"]}))
    assert guard.check_url("https://hooks.example.com/x").host == "hooks.example.com"


def test_the_allow_list_lets_exactly_its_entries_through() -> None:
    table = {"dev.internal": ["10.9.9.9"], "a.hooks.test": ["10.1.1.1"], "other": ["10.2.2.2"]}
    guard = NetGuard.from_hosts(
        ["127.0.0.2", "dev.internal", "*.hooks.test", "192.168.50.0/24"],
        resolver=_resolver(table),
    )
    guard.check_url("http://127.0.0.2:9000/hook")
    guard.check_url("http://DEV.internal/hook")
    guard.check_url("http://a.hooks.test/hook")
    guard.check_url("http://192.168.50.7/hook")
    for refused in ("http://127.0.0.1/", "http://other/", "http://10.0.0.1/", "http://hooks.test/"):
        with pytest.raises(DestinationRefused):
            guard.check_url(refused)


def test_the_client_reaches_an_allowed_receiver(receiver: str) -> None:
    with guarded_client(NetGuard.from_hosts(["127.0.0.2"]), timeout=5) as http:
        assert http.get(f"http://{receiver}/ping").text == "ok"


def test_the_client_refuses_a_loopback_receiver_before_connecting(receiver: str) -> None:
    with (
        guarded_client(NetGuard.from_hosts([]), timeout=5) as http,
        pytest.raises(DestinationRefused, match="loopback"),
    ):
        http.get(f"http://{receiver}/ping")
    assert _Receiver.hits == []


def test_the_client_connects_to_the_address_it_checked(receiver: str) -> None:
    port = receiver.split(":")[1]
    guard = NetGuard.from_hosts(
        ["receiver.test"],
        resolver=_resolver({"receiver.test": ["127.0.0.2"]}),
    )
    with guarded_client(guard, timeout=5) as http:
        assert http.get(f"http://receiver.test:{port}/named").text == "ok"
    assert _Receiver.hits == [("/named", f"receiver.test:{port}")]


def test_dns_rebinding_between_check_and_connect_is_refused(receiver: str) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.2"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    guard = NetGuard.from_hosts([], resolver=rebinding)
    port = receiver.split(":")[1]
    guard.check_url(f"http://rebind.example:{port}/")  # first answer: public
    with (
        guarded_client(guard, timeout=5) as http,
        pytest.raises(DestinationRefused, match="loopback"),
    ):
        http.get(f"http://rebind.example:{port}/")
    assert _Receiver.hits == []


def test_redirects_are_not_followed(receiver: str) -> None:
    with guarded_client(NetGuard.from_hosts(["127.0.0.2"]), timeout=5) as http:
        response = http.get(f"http://{receiver}/redirect")
    assert response.status_code == 302
    assert [path for path, _host in _Receiver.hits] == ["/redirect"]


def test_an_environment_proxy_is_never_used(receiver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    with guarded_client(NetGuard.from_hosts(["127.0.0.2"]), timeout=5) as http:
        assert http.get(f"http://{receiver}/ping").status_code == 200


def test_loopback_mounts_bypass_an_environment_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    _Receiver.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        url = f"http://127.0.0.1:{server.server_address[1]}/ping"
        with httpx.Client(timeout=5, mounts=direct_loopback_mounts()) as http:
            assert http.get(url).text == "ok"
        with httpx.Client(timeout=5) as http, pytest.raises(httpx.ConnectError):
            http.get(url)  # sent to the (closed) proxy port, not to the receiver
        assert len(_Receiver.hits) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_a_body_is_read_up_to_its_cap(receiver: str) -> None:
    with guarded_client(NetGuard.from_hosts(["127.0.0.2"]), timeout=5) as http:
        with http.stream("GET", f"http://{receiver}/big") as response:
            body = read_capped(response, 1024, deadline_s=5)
        with http.stream("GET", f"http://{receiver}/ping") as response:
            small = read_capped(response, 1024, deadline_s=5)
    assert len(body.content) == 1024
    assert body.truncated
    assert small.content == b"ok"
    assert not small.truncated


def test_the_erp_client_reaches_loopback_despite_an_environment_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from connectors.http import ErpHttpClient

    _Receiver.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = ErpHttpClient(
            f"http://127.0.0.1:{server.server_address[1]}", classify=lambda response: None
        )
        assert client._client.get("/ping").text == "ok"
        assert _Receiver.hits == [("/ping", f"127.0.0.1:{server.server_address[1]}")]
    finally:
        server.shutdown()
        server.server_close()
