"""Secrets at rest: AES-256-GCM envelopes that name their key, so keys can rotate.

An envelope is the text `v1.<key id>.<base64url(nonce || ciphertext+tag)>`. The key id is the
first 8 bytes of SHA-256 of the key (hex), so it says which key sealed a value without revealing
it. The current key seals; the current and every old key open. Rotating means opening each stored
value and sealing it again with the current key (`hub.store.secrets.rotate_keys`).

An optional `context` (for example `"token:con_01J..."`) is bound as associated data: a value
copied to another row does not open there.

    box = SecretBox.from_settings(get_settings())
    sealed = box.seal_json({"client_secret": "..."}, context="connection:con_1")
    box.open_json(sealed, context="connection:con_1")
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.settings import Settings

VERSION = "v1"
NONCE_BYTES = 12


class SecretKeyError(Exception):
    """A sealed value cannot be opened: unknown key id, wrong key, or tampered data.

    Not part of the connector error tree: it is an operator's problem (a missing
    `LEDGERHUB_OLD_SECRET_KEYS` entry), never an ERP's. The message never includes the value.
    """


class SecretKeyMissing(SecretKeyError):
    """No usable key, while the store holds values sealed with one: restore it, never replace it.

    Its message is the whole instruction (what is wrong and what to restore)."""


def key_id(key: bytes) -> str:
    """The public id of a key: 16 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:16]


class SecretBox:
    """Seals with the current key and opens with any known key."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        for key in keys:
            if len(key) != 32:
                raise ValueError("keys must be 32 bytes (AES-256)")
        self._current = key_id(keys[0])
        self._ciphers = {key_id(k): AESGCM(k) for k in reversed(keys)}

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """A box with the settings' current key and old keys."""
        return cls(settings.secret_keys())

    def __repr__(self) -> str:
        return f"SecretBox(current={self._current}, keys={len(self._ciphers)})"

    @property
    def current_key_id(self) -> str:
        """The id of the key new values are sealed with."""
        return self._current

    def seal(self, plaintext: bytes | str, *, context: str = "") -> str:
        """Encrypt `plaintext` with the current key into an envelope."""
        data = plaintext.encode() if isinstance(plaintext, str) else plaintext
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._current].encrypt(nonce, data, context.encode() or None)
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{VERSION}.{self._current}.{body}"

    def open(self, envelope: str, *, context: str = "") -> bytes:
        """Decrypt an envelope sealed with any known key; SecretKeyError when it cannot."""
        version, kid, body = _split(envelope)
        if version != VERSION:
            raise SecretKeyError(f"unknown envelope version '{version}'")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise SecretKeyError(
                f"value sealed with unknown key {kid}: add it to LEDGERHUB_OLD_SECRET_KEYS"
            )
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode() or None)
        except InvalidTag:
            raise SecretKeyError(f"value sealed with key {kid} fails authentication") from None

    def open_str(self, envelope: str, *, context: str = "") -> str:
        """`open` decoded as UTF-8."""
        return self.open(envelope, context=context).decode()

    def seal_json(self, value: Any, *, context: str = "") -> str:
        """Seal a JSON-serialisable value."""
        return self.seal(json.dumps(value, separators=(",", ":")), context=context)

    def open_json(self, envelope: str, *, context: str = "") -> Any:
        """Open an envelope made by `seal_json`."""
        return json.loads(self.open(envelope, context=context))

    def needs_rotation(self, envelope: str) -> bool:
        """True when the envelope was sealed with a key other than the current one."""
        return _split(envelope)[1] != self._current

    def reseal(self, envelope: str, *, context: str = "") -> str:
        """The same plaintext sealed with the current key (unchanged when already current)."""
        if not self.needs_rotation(envelope):
            return envelope
        return self.seal(self.open(envelope, context=context), context=context)


def _split(envelope: str) -> tuple[str, str, str]:
    parts = envelope.split(".")
    if len(parts) != 3:
        raise SecretKeyError("not a sealed value")
    return parts[0], parts[1], parts[2]


class Resealable(Protocol):
    """A store of sealed values that can seal them all again with the current key."""

    def reseal_all(self) -> int:
        """Re-seal every value not sealed with the current key; the number changed."""
        ...


def rotate(*stores: Resealable) -> int:
    """Key rotation: re-seal every value of every store with the current key.

    Set the new key as `LEDGERHUB_SECRET_KEY`, the former one in `LEDGERHUB_OLD_SECRET_KEYS`,
    run this (`Store.rotate_keys()` does it for the hub's store), then drop the old key.
    """
    return sum(store.reseal_all() for store in stores)
