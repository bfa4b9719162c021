"""Key rotation: values sealed with the old key open after rotation with only the new key."""

from __future__ import annotations

import os

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from hub.crypto import SecretBox, SecretKeyError
from hub.store import ClientCredentials, Store, make_engine

from .test_tokens import ACCESS, tokens

pytestmark = pytest.mark.integration


def test_rotation_reseals_credentials_and_tokens_with_the_new_key(
    store: Store, database_url: str
) -> None:
    tenant = store.connections.create_tenant("Acme")
    con = store.connections.create(
        tenant_id=tenant.id,
        erp="xero",
        display_name="Acme",
        credentials=ClientCredentials(client_id="cid", client_secret=SecretStr("s3cret-value-1")),
    )
    store.tokens.save(con.id, tokens())
    old_key, new_key = store.box, os.urandom(32)

    rotating = Store(make_engine(database_url), SecretBox([new_key, bytes(range(32))]))
    assert rotating.rotate_keys() == 2
    assert rotating.rotate_keys() == 0  # already current

    new_only = Store(make_engine(database_url), SecretBox([new_key]))
    creds = new_only.connections.credentials(con.id)
    assert creds is not None
    assert creds.client_secret.get_secret_value() == "s3cret-value-1"
    loaded = new_only.tokens.load(con.id)
    assert loaded is not None
    assert loaded.access_token.get_secret_value() == ACCESS
    with new_only.engine.connect() as conn:
        sealed = conn.execute(text("SELECT sealed FROM tokens")).scalar()
    assert f".{new_only.box.current_key_id}." in str(sealed)
    with pytest.raises(SecretKeyError):
        store.tokens.load(con.id)  # the old key alone no longer opens it
    assert old_key.current_key_id != new_only.box.current_key_id
    rotating.dispose()
    new_only.dispose()


def test_the_whole_credentials_object_is_sealed_and_its_secrets_redacted(store: Store) -> None:
    from connectors.auth import UserPassword
    from hub.logging import redact_text

    tenant = store.connections.create_tenant("Acme")
    con = store.connections.create(
        tenant_id=tenant.id,
        erp="sap",
        display_name="S/4HANA",
        credentials=UserPassword(user="COMM_USER", password=SecretStr("pa55-word-77")),
    )
    with store.engine.connect() as conn:
        sealed = str(conn.execute(text("SELECT credentials FROM connections")).scalar())
    assert "COMM_USER" not in sealed
    assert "pa55-word-77" not in sealed
    opened = store.connections.credentials(con.id)
    assert opened is not None
    assert opened.values() == {"user": "COMM_USER", "password": "pa55-word-77"}
    assert opened.user == "COMM_USER"
    assert opened.password.get_secret_value() == "pa55-word-77"
    assert "pa55" not in repr(opened)
    assert "COMM_USER" not in repr(opened)
    assert "pa55-word-77" not in redact_text("login with pa55-word-77")
