"""What an operator sees of the workers: one line per job, tracebacks only for bugs, a clean
Ctrl-C, and the run history through `hub runs list`."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.hub.conftest import ROOT, HubEnv, Sandbox

pytestmark = pytest.mark.integration


def test_one_line_per_job_and_no_traceback_for_an_erp_failure(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=60)
    hub = make_hub(f"sqlite:///{tmp_path / 'hub.db'}", redis_url, LEDGERHUB_JOB_MAX_RETRIES="0")
    connection_id = hub.connect(sandbox)
    worker = hub.start_worker()
    (good,) = hub.wait_runs([hub.enqueue_sync(connection_id, "invoices")])
    assert good.status == "succeeded"
    # A body that is not JSON: an ERP failure (not a bug), given up at once (no retries).
    sandbox.faults(malformed_rate=1.0, paths=["/api.xro/2.0/Contacts"])
    (bad,) = hub.wait_runs([hub.enqueue_sync(connection_id, "contacts")])
    assert bad.status == "failed"
    hub.wait_until(
        lambda: "dead-lettered" in worker.output() or "failed for good" in worker.output(),
        what="the failure's log line",
    )
    log = worker.output()
    total = good.created + good.updated + good.unchanged + good.deleted
    summary = [line for line in log.splitlines() if f"sync {connection_id} invoices full" in line]
    assert len(summary) == 1, log
    assert f"succeeded, {total} records" in summary[0]
    assert " s" in summary[0]
    assert "Traceback" not in log, log

    listed = hub.hub("runs", "list", "--connection", connection_id).stdout.splitlines()
    assert listed[0].split("\t")[:5] == ["run", "connection", "resource", "mode", "status"]
    rows = {line.split("\t")[0]: line.split("\t") for line in listed[1:]}
    assert rows[good.id][4] == "succeeded"
    assert rows[bad.id][4] == "failed"
    failed = hub.hub("runs", "list", "--status", "failed", "--json").stdout
    assert bad.id in failed
    assert good.id not in failed


def test_ctrl_c_stops_the_worker_and_its_embedded_broker_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
    env["LEDGERHUB_DATA_DIR"] = str(tmp_path / "data")
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hub", "worker", "-p", "1", "-t", "1"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    try:
        deadline = 90.0
        start = time.monotonic()
        while "Worker process is ready" not in log_path.read_text(errors="replace"):
            assert proc.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() - start < deadline, log_path.read_text(errors="replace")
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        assert proc.wait(timeout=60) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    output = log_path.read_text(errors="replace")
    assert "Connection refused" not in output, output
    assert "critical" not in output.lower(), output
    assert "Traceback" not in output, output
    assert not (tmp_path / "data" / "broker" / "embedded.json").exists()
