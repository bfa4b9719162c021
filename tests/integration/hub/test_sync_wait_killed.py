"""`kill -9` of `hub sync --wait`: the next `hub sync` resumes its run instead of waiting it out.

Staged with the tuned `FAST_JOBS` and with the shipped defaults: the run's lease (renewed while
its process lives) is what tells a dead run, never its age.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.store import SyncRunView
from tests.integration.hub.checks import assert_invoices_complete
from tests.integration.hub.conftest import ROOT, HubEnv, Sandbox

pytestmark = pytest.mark.integration

SYNC_INVOICES_WAIT = ("--object", "invoices", "--full", "--wait")


@dataclass(frozen=True)
class Killed:
    """A hub whose `hub sync --wait` of invoices was killed after its first page."""

    hub: HubEnv
    connection_id: str
    expected: int
    stale: SyncRunView


def kill_sync_wait(hub: HubEnv, sandbox: Sandbox) -> Killed:
    """Run `hub sync --object invoices --full --wait`; SIGKILL it once a page is committed."""
    connection_id = hub.connect(sandbox)
    expected = sandbox.counts()["invoices"]["total"]
    store = hub.runtime.store
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "sync", connection_id, *SYNC_INVOICES_WAIT],
        env=hub.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    hub.wait_until(
        lambda: any(r.pages >= 1 for r in store.runs.list(connection_id, "invoices")),
        timeout=90,
        what="the first page",
    )
    # The whole process group, like a closed laptop lid or an OOM kill.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    (stale,) = store.runs.list(connection_id, "invoices")
    assert stale.status == "running"
    assert 1 <= stale.pages < -(-expected // 1000)
    return Killed(hub, connection_id, expected, stale)


@pytest.mark.parametrize("defaults", [True, False], ids=["shipped-defaults", "fast-jobs"])
def test_a_killed_sync_wait_is_resumed_at_once_by_the_next(
    defaults: bool,
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    hub = make_hub(f"sqlite:///{tmp_path / 'wait.db'}", redis_url, defaults=defaults)
    killed = kill_sync_wait(hub, start_sandbox(records=3000))
    connection_id, expected, stale = killed.connection_id, killed.expected, killed.stale
    store = hub.runtime.store

    started = time.monotonic()
    again = hub.hub("sync", connection_id, *SYNC_INVOICES_WAIT)
    took = time.monotonic() - started
    # (It waited for the dead process's lock, unless that expired while it started.)
    assert "succeeded" in again.stderr, again.stderr

    # One run, resumed: the killed process's pages are not read again, nothing is missing.
    (run,) = store.runs.list(connection_id, "invoices")
    assert run.id == stale.id
    assert run.status == "succeeded", run
    assert run.pages == -(-expected // 1000), run
    assert (run.created + run.deleted, run.updated, run.unchanged) == (expected, 0, 0), run
    assert_invoices_complete(hub.runtime, connection_id, expected)
    assert took < hub.settings.run_lock_ttl_ms / 1000 + 60
    # And the pair is free: the next `hub sync` queues a run at once.
    queued = hub.hub("sync", connection_id, "--object", "invoices", "--json")
    assert '"queued": true' in queued.stdout, queued.stdout


@pytest.mark.parametrize("defaults", [True, False], ids=["shipped-defaults", "fast-jobs"])
def test_a_run_left_by_a_killed_sync_wait_is_sent_to_the_workers_once_its_lease_ends(
    defaults: bool,
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    hub = make_hub(f"sqlite:///{tmp_path / 'lease.db'}", redis_url, defaults=defaults)
    killed = kill_sync_wait(hub, start_sandbox(records=3000))
    killed_at = time.monotonic()
    connection_id, expected, stale = killed.connection_id, killed.expected, killed.stale

    # Not an hour (the job time limit): within the run's lease, the pair is free again.
    ttl = hub.settings.run_lock_ttl_ms / 1000
    queued_as: list[str] = []

    def requeued() -> bool:
        answer = hub.hub("sync", connection_id, "--object", "invoices", "--full", "--json")
        if '"queued": true' in answer.stdout:
            queued_as.append(answer.stdout)
            return True
        assert "already in progress" in answer.stderr or '"queued": false' in answer.stdout
        return False

    hub.wait_until(requeued, timeout=ttl + 30, what="the stale run to be taken for dead")
    assert time.monotonic() - killed_at < ttl + 30
    assert stale.id in queued_as[0], queued_as
    hub.start_worker(processes=1, threads=2)
    (run,) = hub.wait_runs([stale.id], timeout=120)
    assert run.status == "succeeded", run
    assert (run.created + run.deleted, run.updated, run.unchanged) == (expected, 0, 0), run
    assert_invoices_complete(hub.runtime, connection_id, expected)
