"""A webhook receiver on 127.0.0.2 (allow-listed in the tests; 127.0.0.1 stays refused).

It answers from a script — a list of (status, headers) used in turn, the last one repeated —
and keeps every request it got: headers and the body bytes exactly as received.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

HOST = "127.0.0.2"


@dataclass
class Delivery:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        """The `webhook-id` header."""
        return self.headers["webhook-id"]

    def verify(self, secret: str) -> dict:  # type: ignore[type-arg]
        """The payload, verified with the standardwebhooks library (raises when it fails)."""
        return Webhook(secret).verify(self.body, self.headers)  # type: ignore[no-any-return]


@dataclass
class Receiver:
    """The receiver's address, its script and what it got."""

    url: str
    script: list[tuple[int, dict[str, str]]] = field(default_factory=lambda: [(200, {})])
    got: list[Delivery] = field(default_factory=list)
    hang_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> tuple[int, dict[str, str]]:
        """The next scripted answer."""
        with self.lock:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Delivery]:
        """Wait until `count` requests arrived; all of them."""
        deadline = time.monotonic() + timeout
        while len(self.got) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"got {len(self.got)} deliveries, wanted {count}")
            time.sleep(0.05)
        return list(self.got)


@contextmanager
def receiver(path: str = "/hooks") -> Iterator[Receiver]:
    """A running receiver; stopped on exit."""
    state: Receiver

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with state.lock:
                state.got.append(
                    Delivery(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            if state.hang_seconds:
                time.sleep(state.hang_seconds)
            status, headers = state.answer()
            reply = b'{"ok": true}' if status < 300 else b'{"error": "scripted"}'
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((HOST, 0), Handler)
    state = Receiver(f"http://{HOST}:{server.server_address[1]}{path}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
