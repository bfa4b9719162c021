"""Start-up of the `hub` command: `hub --version` and `hub extract --help`, against eager loading.

    .venv/bin/python benchmarks/startup.py              # about 30 s
    .venv/bin/python benchmarks/startup.py --repeat 11

Each command runs as a whole process, median of `--repeat` runs after one warm-up run that leaves
Python's bytecode cache in place (as any installed program has it). The baseline of each command,
run in turn with it in the same run, is the same command with every command module imported
first: what `hub` did before commands were loaded on demand. The method is in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import paired, run  # noqa: E402

HUB = str(ROOT / ".venv" / "bin" / "hub")
PYTHON = sys.executable
EAGER = (
    "import importlib, sys\n"
    "from hub import cli\n"
    "for module in cli.COMMAND_MODULES:\n"
    "    importlib.import_module('hub.cli.' + module)\n"
    "sys.argv = ['hub', *sys.argv[1:]]\n"
    "cli.main()\n"
)
TARGET_SECONDS = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (median)")
    args = parser.parse_args()
    env = dict(os.environ, LEDGERHUB_DATA_DIR=str(ROOT / "data"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program has its bytecode cache
    bare = [PYTHON, "-c", "pass"]
    run(bare, env)
    _, interpreter = paired(bare, bare, args.repeat, env)
    print(f"{'command':24} {'wall':>7} {'cpu':>7} {'peak RSS':>9}   eager loading: wall, cpu, RSS")
    print(
        f"{'python -c pass':24} {interpreter.wall:6.3f}s {interpreter.cpu:6.3f}s "
        f"{interpreter.rss_mib:5.1f} MiB"
    )
    for argv in (["--version"], ["extract", "--help"]):
        ours, eager = [HUB, *argv], [PYTHON, "-c", EAGER, *argv]
        run(ours, env)  # warm-up: bytecode written
        run(eager, env)
        lazy, full = paired(ours, eager, args.repeat, env)
        verdict = "met" if lazy.wall <= TARGET_SECONDS else "MISSED"
        name = "hub " + " ".join(argv)
        print(
            f"{name:24} {lazy.wall:6.3f}s {lazy.cpu:6.3f}s {lazy.rss_mib:5.1f} MiB"
            f"   {full.wall:.3f}s, {full.cpu:.3f}s, {full.rss_mib:.1f} MiB;"
            f" {lazy.wall / full.wall:.2f} x wall, {lazy.rss_mib / full.rss_mib:.2f} x RSS"
            f" (target <= {TARGET_SECONDS} s: {verdict})"
        )


if __name__ == "__main__":
    main()
