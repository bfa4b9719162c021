"""Children that die with their parent: the parent watch (any OS) and PR_SET_PDEATHSIG (Linux)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hub.lifeline import alive, pid_alive, process_start
from tests.integration.hub.checks import wait_for
from tests.integration.hub.conftest import ROOT

GRANDCHILD = """
import sys, time
from pathlib import Path
from hub.lifeline import watch_parent
marker = Path(sys.argv[1])
watch_parent(lambda: (marker.write_text("orphaned"), __import__("os")._exit(0)), interval=0.1)
print("ready", flush=True)
time.sleep(60)
"""

PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=sys.stdout)
print(child.pid, flush=True)
time.sleep(60)
"""


def test_the_parent_watch_notices_a_parent_killed_with_sigkill(tmp_path: Path) -> None:
    marker = tmp_path / "orphaned"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, GRANDCHILD, str(marker)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert parent.stdout.readline().strip() == "ready"
    assert not marker.exists()
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    wait_for(marker.exists, 15, "the orphaned child to notice")
    wait_for(lambda: not pid_alive(child) or not alive(child, process_start(child)), 15, "exit")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_die_with_parent_signals_the_child_when_its_parent_is_killed(tmp_path: Path) -> None:
    code = (
        "import subprocess, sys, time; from hub.lifeline import die_with_parent\n"
        "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
        " preexec_fn=die_with_parent)\n"
        "print(c.pid, flush=True); time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert pid_alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=10)

    def gone() -> bool:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        return state == "Z"

    wait_for(gone, 15, "the child to die with its parent")
