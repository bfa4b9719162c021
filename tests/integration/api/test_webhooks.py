"""Webhook endpoints and delivery, in process: signatures, retries, 410, dead letters, replay,
rotation, order per record, SSRF refusals. Receivers listen on 127.0.0.2 only.

Delivery rounds run here with `drain` (what the `deliver_webhooks` job does); the worker
end to end is in `test_webhooks_worker.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from canonical import OBJECTS
from hub.jobs.dispatch import dispatch_pending
from hub.jobs.runtime import Runtime
from hub.webhooks import delivery
from hub.webhooks.delivery import SCHEDULE_S, drain
from tests.integration.api.conftest import Api, Tenant
from tests.integration.api.receiver import receiver

pytestmark = pytest.mark.integration

FAST = {"webhook_allowed_hosts": ["127.0.0.2"], "webhook_retry_scale": 0.0001}


def _endpoint(api: Api, tenant: Tenant, url: str, types: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    response = api.client.post(
        "/v1/webhook-endpoints",
        json={"url": url, "event_types": types or ["supplier.*"], "description": "test"},
        headers=tenant.auth("write"),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _deliver(api: Api, endpoint_id: str, until: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "delivery did not finish"
        drain(api.runtime, endpoint_id)
        time.sleep(0.02)


def _attempts(api: Api, tenant: Tenant, endpoint_id: str) -> list[dict]:  # type: ignore[type-arg]
    body = api.client.get(
        f"/v1/webhook-endpoints/{endpoint_id}/attempts", headers=tenant.auth()
    ).json()
    return list(reversed(body["data"]))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9000/hook",
        "http://100.64.0.1/hook",
        "http://[fd00::5]/hook",
        "ftp://127.0.0.2/hook",
    ],
)
def test_an_endpoint_on_a_private_address_is_refused_at_creation(api: Api, url: str) -> None:
    acme = api.tenant()
    response = api.client.post(
        "/v1/webhook-endpoints", json={"url": url, "event_types": ["*"]}, headers=acme.auth()
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"][0]["path"] == "url"


def test_the_allow_list_lets_its_host_through_and_nothing_else(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    assert _endpoint(api, acme, "http://127.0.0.2:9/hook")["secret"].startswith("whsec_")
    refused = api.client.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]},
        headers=acme.auth(),
    )
    assert refused.status_code == 422


def test_event_types_are_checked(make_api: Callable[..., Api]) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    response = api.client.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.2/x", "event_types": ["invoice.*", "invoice.paid"]},
        headers=acme.auth(),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "event_types[1]"
    read = api.client.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.2/x", "event_types": ["*"]},
        headers=acme.auth("read"),
    )
    assert read.status_code == 403


def test_deliveries_verify_with_standardwebhooks_and_carry_the_canonical_event(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(**FAST)
    acme, other = api.tenant("acme"), api.tenant("other")
    connection = api.connection(acme)
    api.suppliers(connection, 2)  # before the endpoint exists: never sent to it
    dispatch_pending(api.runtime)
    with receiver() as hooks, receiver() as others:
        endpoint = _endpoint(api, acme, hooks.url, ["supplier.*"])
        _endpoint(api, other, others.url, ["*"])
        ids = api.suppliers(connection, 3, start=10)
        dispatch_pending(api.runtime)
        _deliver(api, endpoint["id"], lambda: len(hooks.got) >= 3)
        events = [d.verify(endpoint["secret"]) for d in hooks.got]
        assert others.got == []  # another tenant's endpoint hears nothing of acme
    assert sorted(e["data"]["id"] for e in events) == sorted(ids)
    for event in events:
        assert event["type"] == "supplier.created"
        assert event["data"]["version"] == 1
        assert event["connection_id"] == connection
        assert event["correlation_id"] == "cor_seed"
        assert set(event) == {
            "id",
            "type",
            "occurred_at",
            "connection_id",
            "correlation_id",
            "data",
        }
    attempts = _attempts(api, acme, endpoint["id"])
    assert [a["status"] for a in attempts] == [200, 200, 200]
    assert {a["webhook_id"] for a in attempts} == {d.webhook_id for d in hooks.got}


def test_a_receiver_failing_then_succeeding_gets_the_same_webhook_id_each_time(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        hooks.script = [(500, {}), (503, {}), (502, {}), (200, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        _deliver(api, endpoint["id"], lambda: len(hooks.got) >= 4)
    assert len({d.webhook_id for d in hooks.got}) == 1
    attempts = _attempts(api, acme, endpoint["id"])
    assert [a["status"] for a in attempts] == [500, 503, 502, 200]
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 4]
    assert attempts[0]["response"].startswith('{"error"')
    (message,) = api.runtime.store.webhooks.messages(endpoint["id"])
    assert message.status == "delivered"


def test_410_gone_disables_the_endpoint_with_a_notice(make_api: Callable[..., Api]) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        hooks.script = [(410, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        drain(api.runtime, endpoint["id"])
        api.suppliers(connection, 1, start=1)
        dispatch_pending(api.runtime)
        drain(api.runtime, endpoint["id"])
        assert len(hooks.got) == 1  # nothing more is sent once it said Gone
    shown = api.client.get(f"/v1/webhook-endpoints/{endpoint['id']}", headers=acme.auth()).json()
    assert shown["status"] == "disabled"
    assert "410" in shown["disabled_reason"]
    notices = api.runtime.store.outbox.list(event_type="webhook_endpoint.disabled")
    assert [n.data["endpoint_id"] for n in notices] == [endpoint["id"]]


def test_after_the_last_attempt_a_message_is_dead_lettered_and_replays_with_its_id(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        hooks.script = [(500, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        (message,) = api.runtime.store.webhooks.messages(endpoint["id"])
        _deliver(
            api, endpoint["id"],
            lambda: api.runtime.store.webhooks.messages(endpoint["id"])[0].status == "dead",
        )  # fmt: skip
        assert len(hooks.got) == len(SCHEDULE_S)
        letters = api.client.get("/v1/dead-letters", headers=acme.auth()).json()["data"]
        assert [(d["kind"], d["webhook_id"]) for d in letters] == [("webhook", message.id)]
        assert letters[0]["attempts"] == len(SCHEDULE_S)
        # Fixed: everything since a time goes out again, with the same webhook id.
        hooks.script = [(200, {})]
        since = datetime(2000, 1, 1, tzinfo=UTC).isoformat()
        replayed = api.client.post(
            "/v1/dead-letters/replay", json={"since": since}, headers=acme.auth("write")
        )
        assert replayed.status_code == 202
        assert replayed.json()["ids"] == [message.id]
        _deliver(api, endpoint["id"], lambda: len(hooks.got) == len(SCHEDULE_S) + 1)
        assert hooks.got[-1].webhook_id == message.id
        hooks.got[-1].verify(endpoint["secret"])
    assert api.client.get("/v1/dead-letters", headers=acme.auth()).json()["data"] == []


def test_one_dead_letter_is_replayed_by_id_and_another_tenant_cannot(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(**FAST)
    acme, other = api.tenant("acme"), api.tenant("other")
    connection = api.connection(acme)
    with receiver() as hooks:
        hooks.script = [(400, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        _deliver(
            api, endpoint["id"],
            lambda: api.runtime.store.webhooks.messages(endpoint["id"])[0].status == "dead",
        )  # fmt: skip
        (message,) = api.runtime.store.webhooks.messages(endpoint["id"])
        path = f"/v1/dead-letters/{message.id}/replay"
        assert api.client.post(path, headers=other.auth()).status_code == 404
        hooks.script = [(204, {})]
        assert api.client.post(path, headers=acme.auth()).status_code == 202
        _deliver(api, endpoint["id"], lambda: hooks.got[-1:] and len(hooks.got) > 8)  # type: ignore[arg-type,return-value]
    assert api.runtime.store.webhooks.messages(endpoint["id"])[0].status == "delivered"


def test_retry_after_is_honoured_in_real_seconds_under_a_scaled_schedule(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        hooks.script = [(429, {"Retry-After": "2"}), (200, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        started = time.monotonic()
        drain(api.runtime, endpoint["id"])
        (message,) = api.runtime.store.webhooks.messages(endpoint["id"])
        wait = (message.next_attempt_at - datetime.now(UTC)).total_seconds()
        assert 1.0 < wait <= 2.0
        drain(api.runtime, endpoint["id"])
        assert len(hooks.got) == 1  # not before the receiver asked
        _deliver(api, endpoint["id"], lambda: len(hooks.got) == 2)
        assert time.monotonic() - started >= 1.9


def test_a_redirect_is_a_failed_attempt_and_never_followed(make_api: Callable[..., Api]) -> None:
    api = make_api(webhook_allowed_hosts=["127.0.0.2"])  # the shipped schedule: next try in 5 s
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        hooks.script = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        drain(api.runtime, endpoint["id"])
        assert len(hooks.got) == 1
    (attempt,) = _attempts(api, acme, endpoint["id"])
    assert attempt["status"] == 302
    assert api.runtime.store.webhooks.messages(endpoint["id"])[0].status == "pending"


def test_a_host_no_longer_allowed_is_refused_at_delivery(make_api: Callable[..., Api]) -> None:
    api = make_api(webhook_allowed_hosts=["127.0.0.2"])
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        strict = Runtime(api.runtime.settings.model_copy(update={"webhook_allowed_hosts": []}))
        try:
            drain(strict, endpoint["id"])
        finally:
            strict.close()
        assert hooks.got == []
    (attempt,) = _attempts(api, acme, endpoint["id"])
    assert attempt["status"] is None
    assert "loopback" in attempt["error"]


def test_during_a_secret_rotation_both_signatures_are_sent(make_api: Callable[..., Api]) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        endpoint = _endpoint(api, acme, hooks.url)
        rotated = api.client.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", json={}, headers=acme.auth()
        )
        assert rotated.status_code == 200
        new_secret = rotated.json()["secret"]
        assert new_secret.startswith("whsec_")
        assert new_secret != endpoint["secret"]
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        _deliver(api, endpoint["id"], lambda: len(hooks.got) == 1)
        (delivery,) = hooks.got
    assert len(delivery.headers["webhook-signature"].split(" ")) == 2
    assert delivery.verify(endpoint["secret"]) == delivery.verify(new_secret)


def test_after_the_overlap_only_the_new_secret_signs(make_api: Callable[..., Api]) -> None:
    api = make_api(webhook_secret_overlap_seconds=0, **FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        endpoint = _endpoint(api, acme, hooks.url)
        path = f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret"
        new_secret = api.client.post(path, json={}, headers=acme.auth()).json()["secret"]
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        _deliver(api, endpoint["id"], lambda: len(hooks.got) == 1)
        (delivery,) = hooks.got
    assert len(delivery.headers["webhook-signature"].split(" ")) == 1
    delivery.verify(new_secret)
    with pytest.raises(Exception, match="signature"):
        delivery.verify(endpoint["secret"])


def test_one_records_events_arrive_in_order_even_when_the_first_is_retried(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        hooks.script = [(500, {}), (500, {}), (200, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        renamed = OBJECTS["supplier"].parse(
            {"name": "Renamed", "remote_id": "r0", "connection_id": connection}
        )
        api.runtime.store.records.apply_records(connection, [renamed], "cor_rename")
        dispatch_pending(api.runtime)
        _deliver(api, endpoint["id"], lambda: len(hooks.got) >= 4)
        versions = [d.verify(endpoint["secret"])["data"]["version"] for d in hooks.got]
    assert versions == [1, 1, 1, 2]


def test_an_endpoint_is_disabled_only_after_its_scaled_schedule_ends(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(webhook_disable_after_seconds=1, **FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    store = api.runtime.store.webhooks
    with receiver() as hooks:
        hooks.script = [(500, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 1)
        dispatch_pending(api.runtime)
        while len(hooks.got) < len(SCHEDULE_S) - 1:
            drain(api.runtime, endpoint["id"])
            assert store.endpoint(endpoint["id"]).status == "enabled"
            time.sleep(0.01)
        _deliver(api, endpoint["id"], lambda: store.messages(endpoint["id"])[0].status == "dead")
    assert store.endpoint(endpoint["id"]).status == "disabled"
    assert "failed since" in (store.endpoint(endpoint["id"]).disabled_reason or "")


def test_endpoints_are_the_tenants_own(make_api: Callable[..., Api]) -> None:
    api = make_api(**FAST)
    acme, other = api.tenant("acme"), api.tenant("other")
    endpoint = _endpoint(api, acme, "http://127.0.0.2:9/hook")
    for method, suffix in (("GET", ""), ("DELETE", ""), ("GET", "/attempts")):
        response = api.client.request(
            method, f"/v1/webhook-endpoints/{endpoint['id']}{suffix}", headers=other.auth()
        )
        assert response.status_code == 404
    assert api.client.get("/v1/webhook-endpoints", headers=other.auth()).json()["data"] == []
    assert (
        api.client.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", json={},
            headers=other.auth(),
        ).status_code
        == 404
    )  # fmt: skip


def test_a_job_delivers_its_events_itself_and_leaves_a_round_as_the_guarantee(
    make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hub.jobs.enqueue
    import hub.webhooks.delivery
    from hub.jobs.dispatch import dispatch_and_deliver

    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    rounds: list[tuple[str, int]] = []
    monkeypatch.setattr(
        hub.jobs.enqueue, "send_deliveries", lambda _rt, e, delay=0: rounds.append((e, delay))
    )
    with receiver() as hooks:
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 3)
        # What a sync or write job runs when it ends: the webhooks are out when it returns.
        assert dispatch_and_deliver(api.runtime, budget_s=10) == 3
        assert len(hooks.got) == 3
        assert api.runtime.store.outbox.pending() == []
        # The round sent for later (the guarantee) comes after the job's own delivery time.
        assert [e for e, _ in rounds] == [endpoint["id"]]
        assert rounds[0][1] >= 10_000

        # A process that dies after the fan-out, before delivering: the round delivers.
        rounds.clear()
        real_drain = hub.webhooks.delivery.drain

        def killed(*_args: object, **_kwargs: object) -> int:
            raise RuntimeError("the worker was killed")

        monkeypatch.setattr(hub.webhooks.delivery, "drain", killed)
        api.suppliers(connection, 2, start=10)
        with pytest.raises(RuntimeError):
            dispatch_and_deliver(api.runtime, budget_s=10)
        assert len(hooks.got) == 3
        assert [e for e, _ in rounds] == [endpoint["id"]]
        real_drain(api.runtime, rounds[0][0])  # the round, when it comes
        assert len(hooks.got) == 5
    statuses = {m.status for m in api.runtime.store.webhooks.messages(endpoint["id"])}
    assert statuses == {"delivered"}


def test_dispatchers_running_at_once_hand_each_event_to_the_log_once(api: Api) -> None:
    import threading

    from hub.jobs.dispatch import read_event_log

    acme = api.tenant()
    connection = api.connection(acme)
    api.suppliers(connection, 400)
    start = threading.Barrier(4)

    def dispatcher() -> None:
        start.wait()
        dispatch_pending(api.runtime, batch=50)

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    logged = [e["id"] for e in read_event_log(api.runtime.settings.data_dir / "events.jsonl")]
    assert len(logged) == 400
    assert len(set(logged)) == 400


def test_a_round_pipelines_its_batches_and_keeps_each_records_order(
    make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BATCH", 4)  # 18 messages: several batches in one round
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    with receiver() as hooks:
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 6)
        for name in ("Second", "Third"):
            api.suppliers(connection, 6, name=name)
        dispatch_pending(api.runtime)
        assert drain(api.runtime, endpoint["id"]) == 18  # one round sends them all
        payloads = [d.verify(endpoint["secret"]) for d in hooks.got]
    assert len({d.webhook_id for d in hooks.got}) == 18
    by_record: dict[str, list[int]] = {}
    for payload in payloads:
        by_record.setdefault(payload["data"]["id"], []).append(payload["data"]["version"])
    assert sorted(by_record.values()) == [[1, 2, 3]] * 6
    messages = api.runtime.store.webhooks.messages(endpoint["id"])
    assert {(m.status, m.attempts) for m in messages} == {("delivered", 1)}


def test_gone_in_the_middle_of_a_round_sends_no_further_batch(
    make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BATCH", 2)
    api = make_api(**FAST)
    acme = api.tenant()
    connection = api.connection(acme)
    store = api.runtime.store.webhooks
    with receiver() as hooks:
        hooks.script = [(200, {}), (200, {}), (410, {})]
        endpoint = _endpoint(api, acme, hooks.url)
        api.suppliers(connection, 8)
        dispatch_pending(api.runtime)
        assert drain(api.runtime, endpoint["id"]) == 4
        assert len(hooks.got) == 4  # no batch goes out after the one that got Gone
    assert store.endpoint(endpoint["id"]).status == "disabled"
    statuses = [(m.status, m.attempts, m.lease_until) for m in store.messages(endpoint["id"])]
    assert statuses[:4] == [("delivered", 1, None)] * 2 + [("dead", 1, None)] * 2
    assert statuses[4:] == [("pending", 0, None)] * 4  # unsent, not left leased
