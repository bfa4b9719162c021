"""docs/api.md's walkthrough, run as written: every ```bash block, in order, in one shell.

Only the ports change (to free ones), and the receiver script is named by its absolute path
because the shell runs in the test's own folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "api.md"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_walkthrough_in_docs_api_md_works_as_written(tmp_path: Path) -> None:
    blocks = re.findall(r"```bash\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 5
    script = "set -euo pipefail\n" + "\n".join(blocks)
    for port in ("8000", "8790", "8001"):
        script = script.replace(port, str(_free_port()))
    script = script.replace("docs/webhook_receiver.py", str(ROOT / "docs" / "webhook_receiver.py"))
    script += "\necho WALKTHROUGH-DONE\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERHUB_")}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.Popen(
        ["bash", "-c", script], cwd=tmp_path, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=240)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    logs = "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in tmp_path.glob("*.log")
    )
    assert proc.returncode == 0, f"{output}\n{logs}"
    assert "WALKTHROUGH-DONE" in output
    assert "the replay got the identical answer" in output
    received = (tmp_path / "received.jsonl").read_text().splitlines()
    assert any('"write.succeeded"' in line for line in received)
    assert any('"invoice.created"' in line for line in received)
