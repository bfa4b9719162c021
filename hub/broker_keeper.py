"""The keeper of a data directory's embedded Valkey: runs it, and stops it after its last user.

    python -m hub.broker_keeper DIRECTORY VALKEY_BINARY CONFIG_FILE

Started by `hub.broker` (detached, in a session of its own) when a process of the hub needs the
embedded broker and none runs. The keeper runs Valkey as its child, made to die with the keeper
(`PR_SET_PDEATHSIG` on Linux), and every second looks at the users registered in
`DIRECTORY/users/` (one file per process, named by its pid and holding its start time). Once
no registered process has been alive for `GRACE_SECONDS` — each exited, or all were killed with
`kill -9` — it stops Valkey with SIGTERM (Valkey then finishes writing its append-only file)
and exits. When Valkey dies, the keeper exits too; the next process that needs the broker, or
a running one that finds it gone, starts both again on the same port and data.

Standard library only: the keeper is small and starts fast.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from hub.lifeline import alive, die_with_parent
from hub.locks import file_lock

USERS = "users"
LOCK = "embedded.lock"
STATE_FILE = "embedded.json"
GRACE_SECONDS = 5.0
POLL_SECONDS = 1.0


def live_users(directory: Path, *, prune: bool = True) -> list[int]:
    """The pids of the registered users still alive; the files of dead ones removed."""
    found = []
    for entry in sorted((directory / USERS).glob("*")):
        try:
            pid = int(entry.name)
            started = entry.read_text().strip()
        except (ValueError, OSError):
            continue
        if alive(pid, started):
            found.append(pid)
        elif prune:
            with contextlib.suppress(OSError):
                entry.unlink()
    return found


def main(argv: list[str]) -> int:
    """Run Valkey until it dies or its users are gone; Valkey's exit status."""
    directory, binary, config = Path(argv[0]), argv[1], argv[2]
    with (directory / "valkey.log").open("ab") as log:
        valkey = subprocess.Popen(  # noqa: S603 - our own binary and config
            [binary, config],
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # noqa: PLW1509 - the keeper has no threads
        )

    def stop(*_: object) -> None:
        valkey.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    idle_since: float | None = None
    idle = False
    while valkey.poll() is None:
        time.sleep(POLL_SECONDS)
        if live_users(directory):
            idle_since = None
            continue
        now = time.monotonic()
        idle_since = idle_since if idle_since is not None else now
        if now - idle_since >= GRACE_SECONDS:
            # Under the lock users register with: nobody can be joining as it stops.
            with file_lock(directory / LOCK):
                if not live_users(directory):
                    idle = True
                    valkey.terminate()
                    break
            idle_since = None
    try:
        status = valkey.wait(timeout=30)
    except subprocess.TimeoutExpired:
        valkey.kill()
        status = valkey.wait()
    if idle:  # stopped for good: tidy up. (A server that died keeps its state: its port.)
        # Not waiting for the lock: its holder may be a user stopping the server and waiting
        # for this keeper to exit; that user removes the state file itself.
        with _lock_if_free(directory / LOCK) as locked:
            if locked:
                _forget(directory / STATE_FILE)
    return status


@contextlib.contextmanager
def _lock_if_free(path: Path) -> Iterator[bool]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _forget(state_file: Path) -> None:
    """Remove the state file when it still names this keeper's server."""
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return
    if isinstance(state, dict) and state.get("keeper_pid") == os.getpid():
        state_file.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
