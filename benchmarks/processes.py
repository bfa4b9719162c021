"""Wall time and peak memory of a whole process, as a user sees it, for the benchmark scripts.

`ru_maxrss` of a child started from a large process (this benchmark, with a sandbox in it)
counts the parent's memory too: Linux carries the pre-`exec` peak over into the child. So each
command is started by a small launcher process (a bare Python, about 10 MiB), and the launcher
reports its own child's wall time and `ru_maxrss`. The launcher's size is the floor of the
figure, printed by `floor()`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"wall": wall, "cpu": cpu, "rss_kib": usage.ru_maxrss, "status": status}))
"""


@dataclass(frozen=True)
class Run:
    """One run of a command: seconds from start to exit, CPU seconds, peak resident memory."""

    wall: float
    cpu: float
    rss_mib: float


def run(cmd: Sequence[str], env: Mapping[str, str] | None = None, stdout: int | None = None) -> Run:
    """Run `cmd` to its end; raise when it fails."""
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *cmd],
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["status"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({figures['status']}): {done.stderr[-2000:]}")
    return Run(wall=figures["wall"], cpu=figures["cpu"], rss_mib=figures["rss_kib"] / 1024)


def median(runs: Sequence[Run]) -> Run:
    """Each figure's median over `runs`."""
    return Run(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        rss_mib=statistics.median(r.rss_mib for r in runs),
    )


def paired(
    a: Sequence[str], b: Sequence[str], repeat: int, env: Mapping[str, str] | None = None
) -> tuple[Run, Run]:
    """Medians of `a` and `b` run in turn (a b a b ...), so drift of a shared machine hits both."""
    runs_a: list[Run] = []
    runs_b: list[Run] = []
    for _ in range(repeat):
        runs_a.append(run(a, env))
        runs_b.append(run(b, env))
    return median(runs_a), median(runs_b)


def floor() -> Run:
    """The launcher's own figure: a command that does nothing."""
    return run(["true"], dict(os.environ))
