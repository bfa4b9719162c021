"""Child processes that die with their parent, so a `kill -9` of a parent orphans nothing.

Two means, as no single one covers every case:

- `die_with_parent()`, run in a child before it execs (a `preexec_fn`), asks Linux to send the
  child SIGTERM when its parent dies (`PR_SET_PDEATHSIG`): `hub demo`'s `hub worker`, and the
  embedded broker's Valkey under its keeper.
- `watch_parent()`, a thread that notices the process was re-parented (its parent died) and
  then stops it: dramatiq's worker processes, which `multiprocessing` starts without a
  `preexec_fn`, and any OS without `prctl`.

Standard library only (the broker's keeper imports it).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

__all__ = ["alive", "die_with_parent", "pid_alive", "process_start", "watch_parent"]


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send `sig` to this process when its parent dies (a no-op elsewhere).

    Safe as a `preexec_fn` (it only calls `prctl`) in a parent with no threads, or whose thread
    that starts the child lives as long as the parent: Linux ties the signal to that thread.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, int(sig), 0, 0, 0)


def _terminate_self() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def watch_parent(
    on_orphaned: Callable[[], None] = _terminate_self, interval: float = 1.0
) -> threading.Thread:
    """Call `on_orphaned` (default: SIGTERM to this process, a graceful stop) once the parent
    that this process has now is gone; checked every `interval` seconds in a daemon thread."""
    parent = os.getppid()

    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            if os.getppid() != parent:
                on_orphaned()
                return

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


def process_start(pid: int) -> str:
    """A token that tells this pid's process from a later one given the same pid ("" if unknown).

    On Linux the start time in clock ticks since boot (/proc/PID/stat field 22); elsewhere ""
    (then a reused pid counts as the same user, which only delays a stop).
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (ours or anyone's)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def alive(pid: int, started: str = "") -> bool:
    """True when the process `pid` that started at `started` (`process_start`) still runs."""
    return pid_alive(pid) and (not started or started == process_start(pid))
