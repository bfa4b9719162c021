"""`hub demo` (what `python3 tasks.py demo` runs), end to end on its embedded defaults."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from hub.demo import run_demo
from hub.jobs.runtime import get_runtime, reset_runtime
from hub.settings import reset_settings

pytestmark = pytest.mark.integration


def test_the_demo_runs_on_embedded_defaults_and_every_step_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in os.environ if n.startswith("LEDGERHUB_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LEDGERHUB_DATA_DIR", str(tmp_path / "data"))
    # What `hub demo` (hub/cli/demo.py) sets before the runtime exists: its sandboxes are local.
    monkeypatch.setenv("LEDGERHUB_ERP_ALLOWED_HOSTS", "127.0.0.1")
    reset_settings()
    reset_runtime()
    console = Console(file=io.StringIO(), width=120)
    try:
        result = run_demo(get_runtime(), console, records=30, processes=1, threads=2, timeout=240)
    finally:
        reset_runtime()
        reset_settings()
    assert result.erps
    for erp in result.erps:
        assert {r.status for r in erp.backfill.values()} == {"succeeded"}, erp.spec.name
        assert erp.write["status"] == "succeeded"
        assert erp.write["replay_created"] is False
        # The replay changed nothing in the ERP beyond the one bill.
        assert sum(v for k, v in erp.write["erp_delta"].items() if k.endswith(".total")) == 1
        if erp.spec.connector.CUSTOM_FIELD_PLACES:
            assert erp.custom_fields, erp.spec.name
            for written, read_back in erp.custom_fields.values():
                assert read_back == written, erp.spec.name
    assert result.open_cases == 0
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert "9. Summary" in output
