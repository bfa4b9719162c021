"""Structured logs: one event per line, context from contextvars, secrets masked by the logger."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

import hub.logging as hub_logging
from hub.logging import (
    MASK,
    configure_logging,
    current_context,
    log_context,
    redact_text,
    register_secret,
)


@pytest.fixture
def capture() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    yield from _capture("json")


@pytest.fixture
def capture_text() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    yield from _capture("text")


def _capture(fmt: str) -> Iterator[tuple[io.StringIO, logging.Logger]]:
    # Secrets registered by earlier tests of the process (a connection whose client secret was
    # "secret" masks that word everywhere after it) would mask the names these tests look for.
    registered = (set(hub_logging._registered), hub_logging._registered_re)
    hub_logging._registered.clear()
    hub_logging._registered_re = None
    stream = io.StringIO()
    handler = configure_logging("DEBUG", fmt, stream)
    try:
        yield stream, logging.getLogger("test.hub")
    finally:
        logging.getLogger().removeHandler(handler)
        hub_logging._registered.clear()
        hub_logging._registered.update(registered[0])
        hub_logging._registered_re = registered[1]


def test_json_lines_carry_the_context_and_extra_fields(
    capture: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, log = capture
    with log_context(correlation_id="cor-1", connection_id="con_1", job_id="job-9"):
        log.info("page stored", extra={"records": 100, "object": "invoice"})
    log.info("outside")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["event"] == "page stored"
    assert (first["correlation_id"], first["connection_id"], first["job_id"]) == (
        "cor-1",
        "con_1",
        "job-9",
    )
    assert (first["records"], first["object"], first["level"]) == (100, "invoice", "info")
    assert "correlation_id" not in second
    assert current_context() == {}


def test_secret_fields_and_secret_looking_text_are_masked(
    capture: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, log = capture
    log.info(
        "refreshing with refresh_token=rt-abcdef123 and Authorization: Bearer eyJabc.def.ghi",
        extra={"client_secret": "cs-very-secret", "headers": {"Authorization": "Basic dXNlcjpw"}},
    )
    log.warning("db at postgresql://hub:hunter2@db/hub failed; body {'access_token': 'at-999999'}")
    out = stream.getvalue()
    for secret in (
        "rt-abcdef123",
        "eyJabc.def.ghi",
        "cs-very-secret",
        "dXNlcjpw",
        "hunter2",
        "at-999999",
    ):
        assert secret not in out, secret
    # The handler sits on the root logger: pick this test's event by its message.
    ours = [json.loads(text) for text in out.splitlines()]
    line = next(event for event in ours if event["event"].startswith("refreshing with"))
    assert line["client_secret"] == MASK
    assert line["headers"]["Authorization"] == MASK


def test_registered_secrets_are_masked_anywhere_even_in_tracebacks(
    capture_text: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, log = capture_text
    register_secret("opaque-value-4711-xyz")
    try:
        raise RuntimeError("server said opaque-value-4711-xyz is wrong")
    except RuntimeError:
        log.exception("call failed for %s", "opaque-value-4711-xyz")
    out = stream.getvalue()
    assert "opaque-value-4711-xyz" not in out
    assert out.count(MASK) >= 2
    assert len(out.strip().splitlines()) == 1  # one event per line, traceback included


def test_key_value_lines_quote_values_with_spaces(
    capture_text: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, log = capture_text
    with log_context(job_id="m-1"):
        log.info("sync done", extra={"note": "two words", "count": 3})
    line = stream.getvalue().strip()
    assert "sync done" in line
    assert 'note="two words"' in line
    assert "count=3" in line
    assert "job_id=m-1" in line


def test_redaction_leaves_ordinary_text_alone() -> None:
    text = "synced 120 invoices for con_01ABC in 2.5s (token bucket at 80%)"
    assert redact_text(text) == text


def test_unknown_context_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log context"), log_context(user="x"):
        pass
