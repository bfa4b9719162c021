"""One error tree for every adapter, named by what the caller should do about it.

    ConnectorError
    ├── AuthError            re-authorize (invalid_grant, revoked consent, a 401 no refresh cures)
    ├── RateLimited          wait `retry_after` seconds; `scope` names the budget (minute, day)
    ├── TransientError       retry with backoff (5xx, timeouts, dropped connections, ERP offline,
    │                        a 401 to a token just refreshed)
    ├── ValidationError      the record is wrong: fix the data
    ├── MappingError         the mapping produced something the ERP cannot take: fix the mapping
    ├── ErpRejected          the ERP refused for its own reason: show its words (`code`, `message`)
    ├── Duplicate            the ERP already holds this record
    └── Conflict             the record changed in the ERP since it was read

Each error carries the correlation id and the ERP's own text, never a secret. The `category`
attribute is the exception-case class of the hub's taxonomy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar


class ConnectorError(Exception):
    """Base of every error an adapter raises."""

    category: ClassVar[str] = "internal"
    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        erp_message: str | None = None,
        erp_code: str | None = None,
        status: int | None = None,
        correlation_id: str | None = None,
        details: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.erp_message = erp_message
        self.erp_code = erp_code
        self.status = status
        self.correlation_id = correlation_id
        self.details = tuple(details)

    def __str__(self) -> str:
        parts = [self.message]
        if self.erp_code:
            parts.append(f"[{self.erp_code}]")
        if self.erp_message and self.erp_message != self.message:
            parts.append(f"ERP said: {self.erp_message}")
        if self.correlation_id:
            parts.append(f"(correlation id {self.correlation_id})")
        return " ".join(parts)


class AuthError(ConnectorError):
    """The connection must be re-authorized; retrying will not help."""

    category = "auth"


class RateLimited(ConnectorError):
    """Over the ERP's budget: wait `retry_after` seconds. `scope` is minute, day, concurrent, ..."""

    category = "rate_limited"
    retryable = True

    def __init__(
        self, message: str, *, retry_after: float, scope: str = "minute", **kw: object
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after
        self.scope = scope


class TransientError(ConnectorError):
    """A passing failure (5xx, timeout, dropped connection, ERP offline): retry with backoff."""

    category = "transient"
    retryable = True


class ValidationError(ConnectorError):
    """The record is wrong: fix the data. `details` lists the ERP's per-field messages."""

    category = "validation"


class MappingError(ConnectorError):
    """The record could not be translated with the connection's mapping: fix the mapping."""

    category = "mapping"


class ErpRejected(ConnectorError):
    """The ERP refused the request for a reason of its own."""

    category = "erp_rejected"


class Duplicate(ConnectorError):
    """The ERP already holds this record."""

    category = "duplicate"


class Conflict(ConnectorError):
    """The record changed in the ERP since it was read."""

    category = "conflict"


CATEGORIES = (
    "auth",
    "rate_limited",
    "transient",
    "validation",
    "mapping",
    "erp_rejected",
    "duplicate",
    "conflict",
    "internal",
)
"""The exception-case taxonomy, in the order the docs present it."""
