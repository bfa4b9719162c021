"""Structured logs, one event per line, with the job's context and secrets redacted by the logger.

    configure_logging(get_settings())
    with log_context(correlation_id="req_1", connection_id="con_1", job_id=message_id):
        log.info("page stored", extra={"records": 100})

Every line carries `correlation_id`, `connection_id` and `job_id` from context variables. The
formatter, not the call site, removes secrets: values of fields named like a secret (`token`,
`secret`, `password`, `authorization`, ...), `Authorization:` headers, `key=value` pairs and JSON
members with such names, passwords in URLs, and any value registered with `register_secret`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.settings import Settings

MASK = "***"

_CONTEXT_KEYS = ("correlation_id", "connection_id", "job_id")
_context: dict[str, contextvars.ContextVar[str | None]] = {
    key: contextvars.ContextVar(key, default=None) for key in _CONTEXT_KEYS
}

_SECRET_NAME = re.compile(
    r"(token|secret|passw(or)?d|authori[sz]ation|api[_-]?key|cookie|credential|private[_-]?key)",
    re.IGNORECASE,
)
_NAME = r"[\w-]*(?:token|secret|passw(?:or)?d|api[_-]?key|credential|private[_-]?key)[\w-]*"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer abc / Basic abc (header lines, reprs of header dicts)
    (
        re.compile(r"(?i)(authori[sz]ation['\"]?\s*[:=]\s*['\"]?)(\w+\s+)?[^\s'\",}]+"),
        rf"\1\2{MASK}",
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {MASK}"),
    # "refresh_token": "abc"  /  'client_secret': 'abc'
    (re.compile(rf"(?i)([\"']{_NAME}[\"']\s*:\s*[\"'])[^\"']*([\"'])"), rf"\1{MASK}\2"),
    # access_token=abc  /  password: 'abc'
    (
        re.compile(rf"(?i)\b({_NAME}\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;\"')}}]+)"),
        rf"\1{MASK}",
    ),
    # scheme://user:password@host
    (re.compile(r"(\w+://[^:/\s@]*:)[^@\s/]+(@)"), rf"\1{MASK}\2"),
)

_registered: set[str] = set()
_registered_lock = threading.Lock()
_registered_re: re.Pattern[str] | None = None

_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)


def register_secret(value: str | None) -> None:
    """Mask this exact value in every later log line (values under 6 characters are ignored)."""
    global _registered_re  # noqa: PLW0603 - one registry per process, rebuilt on change
    if not value or len(value) < 6:
        return
    with _registered_lock:
        if value in _registered:
            return
        _registered.add(value)
        ordered = sorted(_registered, key=len, reverse=True)
        _registered_re = re.compile("|".join(re.escape(v) for v in ordered))


def redact_text(text: str) -> str:
    """`text` with registered secrets and secret-looking fragments masked."""
    pattern = _registered_re
    if pattern is not None:
        text = pattern.sub(MASK, text)
    for regex, replacement in _PATTERNS:
        text = regex.sub(replacement, text)
    return text


def redact_value(key: str, value: Any) -> Any:
    """A field's value for the log: masked when its name says secret, else redacted inside."""
    if _SECRET_NAME.search(key) and value is not None:
        return MASK
    if isinstance(value, Mapping):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact_text(str(value))


@contextmanager
def log_context(**values: str | None) -> Iterator[None]:
    """Set `correlation_id`, `connection_id` and/or `job_id` for the logs inside the block."""
    unknown = set(values) - set(_CONTEXT_KEYS)
    if unknown:
        raise ValueError(f"unknown log context keys: {sorted(unknown)}")
    tokens = [(_context[k], _context[k].set(v)) for k, v in values.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current_context() -> dict[str, str]:
    """The context values that are set."""
    out = {}
    for key, var in _context.items():
        value = var.get()
        if value is not None:
            out[key] = value
    return out


def _event(record: logging.LogRecord) -> dict[str, Any]:
    event: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "event": redact_text(record.getMessage()),
    }
    event.update(current_context())
    for key, value in record.__dict__.items():
        if key not in _STANDARD_ATTRS and not key.startswith("_"):
            event[key] = redact_value(key, value)
    if record.exc_info:
        event["exception"] = redact_text(logging.Formatter().formatException(record.exc_info))
    return event


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a redacted JSON line."""
        return redact_text(json.dumps(_event(record), default=str, ensure_ascii=False))


class KeyValueFormatter(logging.Formatter):
    """`ts level logger event key=value ...` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a redacted key=value line."""
        event = _event(record)
        head = f"{event.pop('ts')} {event.pop('level'):<7} {event.pop('logger')}: "
        head += event.pop("event")
        exception = event.pop("exception", None)
        pairs = " ".join(f"{k}={_kv(v)}" for k, v in event.items())
        line = f"{head} {pairs}" if pairs else head
        if exception:
            line += " exception=" + json.dumps(exception)
        return redact_text(line)


def _kv(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if not text or any(c.isspace() or c in '"=' for c in text):
        return json.dumps(text)
    return text


class RedactingFilter(logging.Filter):
    """Redacts a record's message in place, for handlers that use another formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace msg/args with the redacted message; always keep the record."""
        record.msg = redact_text(record.getMessage())
        record.args = None
        return True


def configure_logging(
    level: str = "INFO", fmt: str = "text", stream: IO[str] | None = None
) -> logging.Handler:
    """Send every log (ours and libraries') to one redacting handler on `stream` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_ledgerhub", False):
            root.removeHandler(old)
    handler._ledgerhub = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # One line per HTTP request is the client's business at DEBUG, not an operator's at INFO.
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in ("httpx", "httpcore", "alembic"):
        logging.getLogger(name).setLevel(quiet)
    return handler


def setup_logging(
    settings: Settings | None = None, stream: IO[str] | None = None
) -> logging.Handler:
    """`configure_logging` with the level and format of the settings (`LEDGERHUB_LOG_*`)."""
    from hub.settings import get_settings

    settings = settings or get_settings()
    return configure_logging(settings.log_level, settings.log_format, stream)
