"""OAuth token sets and where they are kept.

A `TokenStore` keeps one token set per connection and offers a lock under which exactly one
caller refreshes. The hub supplies an encrypted, database-backed store; `MemoryTokenStore` and
`FileTokenStore` serve tests and the `hub extract` command.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, SecretStr


class TokenSet(BaseModel):
    """An access token, its expiry, and the refresh token that renews it."""

    model_config = ConfigDict(frozen=True)

    access_token: SecretStr
    refresh_token: SecretStr | None = None
    expires_at: datetime
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    scope: str | None = None

    def expires_within(self, seconds: float) -> bool:
        """True when the access token expires within `seconds` from now."""
        return self.expires_at <= datetime.now(UTC) + timedelta(seconds=seconds)

    def to_storage(self) -> dict[str, str | None]:
        """Plain values for a store to persist (the store encrypts them)."""
        return {
            "access_token": self.access_token.get_secret_value(),
            "refresh_token": self.refresh_token.get_secret_value() if self.refresh_token else None,
            "expires_at": self.expires_at.isoformat(),
            "token_type": self.token_type,
            "scope": self.scope,
        }


class TokenStore(Protocol):
    """Keeps each connection's tokens and serialises refreshes."""

    def load(self, connection_id: str) -> TokenSet | None:
        """The current token set, or None when the connection has none."""
        ...

    def save(self, connection_id: str, tokens: TokenSet) -> None:
        """Persist a new token set (durably, before anyone uses it)."""
        ...

    def refresh_lock(self, connection_id: str) -> AbstractContextManager[None]:
        """A lock held while refreshing: exclusive across threads, and processes where it can be."""
        ...


class MemoryTokenStore:
    """Tokens in a dict; the lock is per connection and per process."""

    def __init__(self) -> None:
        self._tokens: dict[str, TokenSet] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def load(self, connection_id: str) -> TokenSet | None:
        """The current token set, or None."""
        return self._tokens.get(connection_id)

    def save(self, connection_id: str, tokens: TokenSet) -> None:
        """Keep the token set."""
        self._tokens[connection_id] = tokens

    @contextmanager
    def refresh_lock(self, connection_id: str) -> Iterator[None]:
        """An in-process lock per connection."""
        with self._guard:
            lock = self._locks.setdefault(connection_id, threading.Lock())
        with lock:
            yield


class FileTokenStore(MemoryTokenStore):
    """Tokens in a JSON file with mode 0600, for one-off command-line use (`hub extract`)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        if path.exists():
            raw = json.loads(path.read_text())
            for key, value in raw.items():
                self._tokens[key] = TokenSet.model_validate(value)

    def save(self, connection_id: str, tokens: TokenSet) -> None:
        """Keep the token set and rewrite the file atomically."""
        super().save(connection_id, tokens)
        data = {k: v.to_storage() for k, v in self._tokens.items()}
        tmp = self._path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        tmp.replace(self._path)
