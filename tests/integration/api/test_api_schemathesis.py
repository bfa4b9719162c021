"""schemathesis against the OpenAPI description: generated requests to every operation, with a
valid admin key, over a store holding a tenant's connection and records. No 5xx, and every
response conforms to what the description says (status, content type, schema).

Creating a connection talks to its ERP, so that one operation is left out; names in generated
URLs never reach a DNS server (the resolver answers for literals and localhost only).
`positive_data_acceptance` is left out: cursors and ids are opaque strings and a write body is a
canonical record whose invariants (totals, tax numbers) JSON Schema cannot state, so a
schema-valid value may rightly get a 400/422 problem — which the other checks still validate.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.integration.api.conftest import Api

pytestmark = pytest.mark.integration


@pytest.fixture
def offline_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """getaddrinfo for literals and localhost only; any other name 'does not resolve'."""
    real = socket.getaddrinfo

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in name else socket.AF_INET, name)
        except (OSError, ValueError):
            if name != "localhost":
                raise socket.gaierror(socket.EAI_NONAME, "not resolved in this test") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def test_the_api_answers_every_generated_request_as_described(
    make_api: Callable[..., Api], offline_dns: None
) -> None:
    api = make_api(webhook_allowed_hosts=["127.0.0.2"], api_rate_limit_per_minute=100_000)
    acme = api.tenant()
    connection = api.connection(acme)
    api.suppliers(connection, 3)
    auth = {"Authorization": f"Bearer {acme.keys['admin']}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app).exclude(
        method="POST", path="/v1/connections"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    failures: dict[str, str] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures[f"{operation.method.upper()} {operation.path}"] = str(exc)[:2000]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
