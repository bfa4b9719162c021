"""`/v1/keys`: the tenant's API keys (admin scope). Bootstrap the first with `hub keys create`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hub.api.deps import Admin, Rt
from hub.api.problems import Problem
from hub.store.apikeys import ApiKeyView

router = APIRouter(prefix="/v1/keys", tags=["keys"])


class KeyOut(BaseModel):
    """An API key without its secret."""

    id: str
    name: str
    scope: str
    prefix: str = Field(description="The key's first characters, to tell keys apart.")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, view: ApiKeyView) -> KeyOut:
        """From the store's view."""
        return cls.model_validate(view.model_dump())


class KeyCreated(KeyOut):
    """A new key, with the secret shown this once."""

    key: str = Field(description="The API key; it is not stored and cannot be shown again.")


class KeyIn(BaseModel):
    """A key to create."""

    scope: Literal["read", "write", "admin"]
    name: str = Field("", max_length=200)


class Rotated(BaseModel):
    """The new key and the old one with the end of its overlap."""

    new: KeyCreated
    old: KeyOut


class KeyList(BaseModel):
    """The tenant's keys."""

    data: list[KeyOut]


@router.get("", summary="List the tenant's API keys")
def list_keys(rt: Rt, caller: Admin) -> KeyList:
    """Active keys (revoked ones are left out)."""
    return KeyList(data=[KeyOut.of(v) for v in rt.store.api_keys.list(caller.tenant_id)])


@router.post("", status_code=201, summary="Create an API key")
def create_key(body: KeyIn, rt: Rt, caller: Admin) -> KeyCreated:
    """A new key of the tenant; the secret is in the answer and nowhere else."""
    view, secret = rt.store.api_keys.create(caller.tenant_id, body.scope, body.name)
    return KeyCreated(**KeyOut.of(view).model_dump(), key=secret)


@router.delete("/{key_id}", summary="Revoke an API key")
def revoke_key(key_id: str, rt: Rt, caller: Admin) -> KeyOut:
    """The key stops working at once."""
    return KeyOut.of(rt.store.api_keys.revoke(caller.tenant_id, key_id))


@router.post("/{key_id}/rotate", summary="Rotate an API key")
def rotate_key(key_id: str, rt: Rt, caller: Admin) -> Rotated:
    """A new key with the same scope; the old one works for the configured overlap."""
    overlap = timedelta(seconds=rt.settings.api_key_overlap_seconds)
    try:
        new, secret, old = rt.store.api_keys.rotate(caller.tenant_id, key_id, overlap)
    except ValueError as exc:
        raise Problem(409, str(exc)) from None
    return Rotated(new=KeyCreated(**KeyOut.of(new).model_dump(), key=secret), old=KeyOut.of(old))
