"""Secrets never appear in logs or `--json` output: the client secret, tokens, the key."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub.jobs.scheduler import syncable_resources
from tests.integration.hub.conftest import CLIENT_SECRET, HubEnv, Sandbox
from tests.integration.hub.test_scheduler_and_tokens import _authorize

pytestmark = pytest.mark.integration

KNOWN_SECRET = CLIENT_SECRET


def test_no_secret_reaches_logs_or_json_output(
    tmp_path: Path,
    redis_url: str,
    make_hub: Callable[..., HubEnv],
    start_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = start_sandbox(records=60)
    hub = make_hub(f"sqlite:///{tmp_path / 'secrets.db'}", redis_url, LEDGERHUB_LOG_LEVEL="DEBUG")
    tokens = hub.runtime.store.tokens
    seen: set[str] = set()

    def remember(connection_id: str) -> None:
        found = tokens.load(connection_id)
        assert found is not None
        seen.add(found.access_token.get_secret_value())
        if found.refresh_token is not None:
            seen.add(found.refresh_token.get_secret_value())

    def expire(connection_id: str) -> None:
        # Next use needs a new token: the refresh path is logged too.
        remember(connection_id)
        found = tokens.load(connection_id)
        assert found is not None
        past = datetime.now(UTC) - timedelta(seconds=1)
        tokens.save(connection_id, found.model_copy(update={"expires_at": past}))
        sandbox.control("POST", "expire-tokens")

    outputs: list[str] = []

    def run(*args: str, log_format: str) -> str:
        result = hub.hub(*args, LEDGERHUB_LOG_FORMAT=log_format)
        outputs.append(result.stdout + result.stderr)
        return result.stdout

    # A machine connection added with the CLI (client credentials: the secret on the line).
    added = run(
        "connections", "add", "xero", "--base-url", sandbox.url, "--client-id",
        "hub-it-client", "--client-secret", KNOWN_SECRET, "--no-sync", "--json",
        log_format="json",
    )  # fmt: skip
    machine = json.loads(added)["id"]
    # And one authorized by a person (authorization code: it has a refresh token).
    person = _authorize(hub, sandbox)
    for connection_id in (machine, person):
        remember(connection_id)

    for log_format in ("json", "text"):
        for connection_id in (machine, person):
            expire(connection_id)
            run("sync", connection_id, "--object", "accounts", "--wait", "--json",
                log_format=log_format)  # fmt: skip
            remember(connection_id)
    run("connections", "show", person, "--json", log_format="json")
    run("connections", "list", "--json", log_format="json")
    run("records", "list", "--json", log_format="json")

    # Failures carry the ERP's words into cases and dead letters: none of them may hold a secret.
    # A broken body (200, not JSON) fails at once: no HTTP-level retries to wait out.
    sandbox.faults(malformed_rate=1.0, paths=["/api.xro/2.0/Contacts"])
    hub.extra_env.update(LEDGERHUB_JOB_MAX_RETRIES="0")
    expire(person)
    worker = hub.start_worker(processes=1, threads=2)
    runs = [hub.enqueue_sync(person, r) for r in syncable_resources("xero")]
    finished = hub.wait_runs(runs[:3], timeout=60)
    assert {r.status for r in finished} == {"succeeded"}
    hub.wait_until(lambda: bool(hub.runtime.store.dead_letters.list()), timeout=90, what="DLQ")
    remember(person)
    case_id = hub.runtime.store.cases.list(status=None)[0].id
    run("exceptions", "list", "--status", "all", "--json", log_format="json")
    run("events", "list", "--json", log_format="json")
    for log_format in ("json", "text"):
        run("exceptions", "show", case_id, "--json", log_format=log_format)
        run("dlq", "list", "--all", "--json", log_format=log_format)
    worker.stop()
    outputs.append(worker.output())
    outputs.append((hub.settings.data_dir / "events.jsonl").read_text())

    secrets = {KNOWN_SECRET, hub.secret_key, *seen}
    assert len(seen) >= 6, "the test saw too few tokens to prove anything"
    everything = "\n".join(outputs)
    assert "DEBUG" in everything or '"level": "debug"' in everything.lower()
    leaked = sorted(s[:6] + "..." for s in secrets if s in everything)
    assert leaked == [], f"secrets in the output: {leaked}"
