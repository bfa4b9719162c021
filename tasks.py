#!/usr/bin/env python3
"""Ledgerhub's two commands, with their own set-up.

    python3 tasks.py demo [ARGS...]   run the hub's main job on embedded defaults
    python3 tasks.py test [ARGS...]   every check: ruff, ruff format, mypy, import-linter, pytest

On first use it creates `.venv/` at the repository root, installs uv into it, and installs the
locked dependencies (`uv.lock`) with `uv sync --frozen`. Later runs re-sync only when the lock
changed. Nothing outside the repository is touched. Needs only Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".ledgerhub-lock-sha256"
PACKAGES = ["canonical", "mappings", "connectors", "hub"]
UV_VERSION = "uv>=0.5,<1"


def _run(cmd: list[str], **kwargs: object) -> int:
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    return subprocess.call(cmd, cwd=ROOT, **kwargs)  # type: ignore[call-overload]


def ensure_environment() -> None:
    """Create .venv and install the locked dependencies, if not already done for this lock."""
    if sys.version_info < (3, 11):
        sys.exit("Ledgerhub needs Python 3.11 or newer; this is " + sys.version.split()[0])
    # The project's own metadata (entry points, scripts) matters as much as the lock.
    digest = hashlib.sha256((ROOT / "uv.lock").read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    lock_hash = digest.hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == lock_hash and (BIN / "hub").exists():
        return
    if not (BIN / "python").exists():
        print(f"creating virtual environment in {VENV}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not (BIN / "uv").exists():
        pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet"]
        if _run([*pip, "--disable-pip-version-check", UV_VERSION]) != 0:
            sys.exit("could not install uv into .venv")
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(VENV), VIRTUAL_ENV=str(VENV))
    env.pop("UV_SYSTEM_PYTHON", None)
    cmd = [str(BIN / "uv"), "sync", "--frozen", "--python", str(BIN / "python")]
    cmd += ["--reinstall-package", "ledgerhub"]
    if _run(cmd, env=env) != 0:
        sys.exit("uv sync failed: see the messages above")
    STAMP.write_text(lock_hash + "\n")


def test(args: list[str]) -> int:
    """Run the whole check suite; any failure fails the command."""
    steps: list[tuple[str, list[str]]] = [
        ("ruff check", [str(BIN / "ruff"), "check", "."]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
        ("mypy --strict", [str(BIN / "mypy"), *PACKAGES]),
        ("import-linter", [str(BIN / "lint-imports")]),
    ]
    failed = []
    for name, cmd in steps:
        if _run(cmd) != 0:
            failed.append(name)
    code = _run([str(BIN / "python"), "-m", "pytest", *args])
    if failed:
        print("failed checks: " + ", ".join(failed), file=sys.stderr)
        return 1
    return code


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in {"demo", "test", "setup"}:
        print(__doc__)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "test":
        return test(rest)
    return _run([str(BIN / "hub"), "demo", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
