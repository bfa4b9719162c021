"""SecretBox: AES-GCM envelopes that name their key, open with old keys, bind their context."""

from __future__ import annotations

import os

import pytest

from hub.crypto import SecretBox, SecretKeyError, key_id, rotate


def test_seal_and_open_round_trip_without_the_plaintext_in_the_envelope() -> None:
    box = SecretBox([os.urandom(32)])
    sealed = box.seal("very-secret-refresh-token", context="token:con_1")
    assert "very-secret" not in sealed
    assert sealed.startswith(f"v1.{box.current_key_id}.")
    assert box.open_str(sealed, context="token:con_1") == "very-secret-refresh-token"
    assert box.seal("same") != box.seal("same")  # a fresh nonce every time


def test_json_values_round_trip() -> None:
    box = SecretBox([os.urandom(32)])
    value = {"client_id": "a", "client_secret": "b", "n": [1, 2]}
    assert box.open_json(box.seal_json(value, context="c"), context="c") == value


def test_another_context_or_a_tampered_envelope_does_not_open() -> None:
    box = SecretBox([os.urandom(32)])
    sealed = box.seal("x", context="token:con_1")
    with pytest.raises(SecretKeyError):
        box.open(sealed, context="token:con_2")
    head, body = sealed.rsplit(".", 1)
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(SecretKeyError):
        box.open(f"{head}.{flipped}", context="token:con_1")
    with pytest.raises(SecretKeyError):
        box.open("not an envelope")


def test_old_keys_open_and_reseal_moves_to_the_current_key() -> None:
    old, new = os.urandom(32), os.urandom(32)
    sealed = SecretBox([old]).seal("token", context="c")
    rotated_box = SecretBox([new, old])
    assert rotated_box.needs_rotation(sealed)
    resealed = rotated_box.reseal(sealed, context="c")
    assert not rotated_box.needs_rotation(resealed)
    assert rotated_box.reseal(resealed, context="c") == resealed
    assert SecretBox([new]).open_str(resealed, context="c") == "token"
    with pytest.raises(SecretKeyError, match="LEDGERHUB_OLD_SECRET_KEYS"):
        SecretBox([new]).open(sealed, context="c")


def test_rotate_sums_what_each_store_resealed() -> None:
    class Fake:
        def __init__(self, n: int) -> None:
            self.n = n

        def reseal_all(self) -> int:
            return self.n

    assert rotate(Fake(2), Fake(3)) == 5


def test_keys_must_be_32_bytes_and_the_repr_shows_only_ids() -> None:
    key = os.urandom(32)
    with pytest.raises(ValueError, match="32 bytes"):
        SecretBox([b"short"])
    with pytest.raises(ValueError, match="at least one"):
        SecretBox([])
    text = repr(SecretBox([key]))
    assert key_id(key) in text
    assert key.hex() not in text
