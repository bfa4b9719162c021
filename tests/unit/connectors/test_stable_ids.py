"""`StableIds`: the same hub id for the same remote id on every run, and memory only on demand."""

from __future__ import annotations

from hashlib import sha256

from ulid import ULID

from canonical.ids import check_id
from connectors.ids import StableIds, stable_hub_id


def by_definition(connection: str, object_name: str, prefix: str, remote_id: str) -> str:
    digest = bytearray(sha256(f"{connection}\x1f{object_name}\x1f{remote_id}".encode()).digest())
    digest[0] &= 0x7F
    return f"{prefix}_{ULID.from_bytes(bytes(digest[:16]))}"


def test_hub_ids_are_the_hash_of_connection_object_and_remote_id() -> None:
    ids = StableIds("con_1")
    for n in range(200):
        remote = f"0f{n:06x}-aaaa-4bbb-8ccc-{n:012d}"
        assert ids.hub_id("invoice", remote) == by_definition("con_1", "invoice", "inv", remote)
        assert check_id(ids.hub_id("supplier", remote), "sup")
    assert ids.hub_id("invoice", "x") != StableIds("con_2").hub_id("invoice", "x")


def test_remembering_resolves_back_and_a_read_only_run_keeps_nothing() -> None:
    remembering, forgetting = StableIds("con_1"), StableIds("con_1", remember=False)
    hub_ids = [remembering.hub_id("invoice", f"r{n}") for n in range(1000)]
    assert [forgetting.hub_id("invoice", f"r{n}") for n in range(1000)] == hub_ids
    assert remembering.remote_id("invoice", hub_ids[7]) == "r7"
    assert forgetting.remote_id("invoice", hub_ids[7]) is None
    assert len(forgetting._reverse) == 0


def test_derivations_are_cached_within_a_bound() -> None:
    stable_hub_id.cache_clear()
    ids = StableIds("con_cache", remember=False)
    first = [ids.hub_id("supplier", f"c{n}") for n in range(100)]
    assert [ids.hub_id("supplier", f"c{n}") for n in range(100)] == first
    info = stable_hub_id.cache_info()
    assert (info.hits, info.misses) == (100, 100)
    assert info.maxsize == 8192
    assert first[3] == by_definition("con_cache", "supplier", "sup", "c3")
