"""`kill -9` of `hub demo` leaves nothing running, and a demo never removes another's connection.

Finding 10 of issue 23: the demo's `hub worker` (and its dramatiq processes) die with the demo,
the embedded Valkey stops once its last user is gone, and a second demo on the same data
directory removes only the connections of demos that have ended.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from hub.broker_keeper import GRACE_SECONDS
from hub.demo import remove_finished_demos
from hub.lifeline import pid_alive, process_start
from tests.integration.hub.checks import wait_for
from tests.integration.hub.conftest import ROOT, HubEnv, Sandbox

pytestmark = pytest.mark.integration


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_hub_demo_leaves_no_worker_and_no_broker_running(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
    env["LEDGERHUB_DATA_DIR"] = str(tmp_path / "data")
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hub",
            "demo",
            "--records",
            "200",
            "--processes",
            "2",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # Its worker master and the master's two worker processes.
        wait_for(lambda: len(descendants(demo.pid)) >= 3, 120, "the demo's workers")
        time.sleep(1.0)  # the worker processes booted (their parent watch in place)
        below = descendants(demo.pid)
        state = json.loads((tmp_path / "data" / "broker" / "embedded.json").read_text())
        demo.kill()  # kill -9
        demo.wait(timeout=10)
        killed_at = time.monotonic()
        wait_for(lambda: not any(running(p) for p in below), 30, "the demo's workers to exit")
        print(
            f"the demo's {len(below)} processes exited {time.monotonic() - killed_at:.1f} s "
            "after it was killed"
        )

        def broker_gone() -> bool:
            try:
                redis.Redis.from_url(state["url"], socket_connect_timeout=1).ping()
            except redis.RedisError:
                return True
            return False

        wait_for(broker_gone, GRACE_SECONDS + 20, "the embedded broker to stop")
        assert not pid_alive(int(state["keeper_pid"])) or not running(int(state["keeper_pid"]))
    finally:
        if demo.poll() is None:
            demo.kill()
        log.close()


def test_a_demo_removes_only_the_connections_of_demos_that_ended(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    hub = make_hub(f"sqlite:///{tmp_path / 'demos.db'}", redis_url)
    sandbox = start_sandbox(records=10)
    store = hub.runtime.store
    other_demo = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(timeout=30)
    try:
        owners = {
            "running": {"pid": other_demo.pid, "started": process_start(other_demo.pid)},
            "ended": {"pid": ended.pid, "started": "1"},
            "older": True,  # a demo from before owners were recorded
        }
        ids = {}
        for name, owner in owners.items():
            ids[name] = hub.connect(sandbox)
            options = store.connections.get(ids[name]).options
            store.connections.update(ids[name], options={**options, "demo": owner})
        kept = hub.connect(sandbox)  # not a demo's
        removed = remove_finished_demos(store)
        assert sorted(removed) == sorted([ids["ended"], ids["older"]])
        left = {c.id for c in store.connections.list()}
        assert {ids["running"], kept} <= left
    finally:
        other_demo.kill()
        other_demo.wait(timeout=10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_hub_worker_exit_with_parent_stops_when_its_parent_is_killed(
    tmp_path: Path, redis_url: str, make_hub: Callable[..., HubEnv]
) -> None:
    """The parent watch alone (no parent-death signal): what stops the demo's workers on an OS
    without Linux's `PR_SET_PDEATHSIG`."""
    hub = make_hub(f"sqlite:///{tmp_path / 'orphan.db'}", redis_url)
    hub.runtime.store.connections.list()  # migrated before the worker starts
    starter = (
        "import subprocess, sys, time\n"
        "w = subprocess.Popen([sys.executable, '-m', 'hub', 'worker', '-p', '1', '-t', '1',"
        " '--exit-with-parent'])\n"
        "print(w.pid, flush=True); time.sleep(120)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", starter], cwd=ROOT, env=hub.env, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    master = int(parent.stdout.readline())
    try:
        wait_for(lambda: len(descendants(master)) >= 1, 60, "the worker's process")
        below = {master, *descendants(master)}
        parent.kill()  # kill -9: no signal reaches the worker from its parent
        parent.wait(timeout=10)
        wait_for(lambda: not any(running(p) for p in below), 40, "the orphaned worker to stop")
    finally:
        for pid in [master, *descendants(master)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
