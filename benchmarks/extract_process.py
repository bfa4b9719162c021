"""`hub extract xero` as a user runs it: one whole process, its wall time and peak memory.

    .venv/bin/python benchmarks/extract_process.py                    # N = 1,000 and 10,000
    .venv/bin/python benchmarks/extract_process.py --records 1000 --repeat 5

A Xero sandbox (seed 7, no rate limits) runs in this process; `hub extract xero ... --out
/dev/null` runs as a child started by a small launcher (`benchmarks/processes.py`), so its peak
RSS is its own. Median of `--repeat` runs after one warm-up run (bytecode cache in place). The
same run also times `hub extract --help` (start-up alone) as the baseline of the process's fixed
cost, and the figures at N and 10·N give the growth ratio. The method is in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from processes import Run, median, run  # noqa: E402
from xero_extract import CLIENT_ID, CLIENT_SECRET, Sandbox  # noqa: E402

HUB = str(ROOT / ".venv" / "bin" / "hub")


def measure(records: int, repeat: int, env: dict[str, str]) -> tuple[Run, dict[str, int]]:
    """Median figures of `hub extract xero` over a sandbox of `records` documents."""
    sandbox = Sandbox(records)
    try:
        cmd = [
            HUB, "extract", "xero", "--base-url", sandbox.url, "--client-id", CLIENT_ID,
            "--client-secret", CLIENT_SECRET, "--no-limits", "--out", os.devnull,
        ]  # fmt: skip
        run(cmd, env)  # warm-up
        result = median([run(cmd, env) for _ in range(repeat)])
        return result, sandbox.control("counts")
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000, help="N (10·N is measured too)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median)")
    parser.add_argument("--no-10n", action="store_true", help="measure N only")
    args = parser.parse_args()
    env = dict(os.environ, LEDGERHUB_DATA_DIR=str(ROOT / "data"), LEDGERHUB_LOG_LEVEL="WARNING")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run([HUB, "extract", "--help"], env)
    startup = median([run([HUB, "extract", "--help"], env) for _ in range(args.repeat)])
    sizes = [args.records] if args.no_10n else [args.records, 10 * args.records]
    results = {n: measure(n, args.repeat, env) for n in sizes}
    print(f"{'figure':38} {'wall':>8} {'cpu':>8} {'peak RSS':>10}")
    print(
        f"{'hub extract --help (start-up)':38} {startup.wall:7.2f}s {startup.cpu:7.2f}s "
        f"{startup.rss_mib:6.1f} MiB"
    )
    for n, (result, _) in results.items():
        print(
            f"{f'hub extract xero, N={n:,}':38} {result.wall:7.2f}s "
            f"{result.cpu:7.2f}s {result.rss_mib:6.1f} MiB"
        )
    if len(results) == 2:
        (small, _), (large, _) = results.values()
        print(
            f"10·N vs N: wall {large.wall / small.wall:.2f} x, peak RSS "
            f"{large.rss_mib / small.rss_mib:.2f} x (target: flat)"
        )


if __name__ == "__main__":
    main()
