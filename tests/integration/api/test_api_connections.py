"""`PATCH /v1/connections/{id}`: rename, move, schedule, disable and enable a connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.api.conftest import Api

pytestmark = pytest.mark.integration


def _patch(api: Api, connection: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return api.client.patch(f"/v1/connections/{connection}", json=body, headers=auth)


def test_a_connection_is_renamed_rescheduled_moved_disabled_and_enabled(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(erp_allowed_hosts=["127.0.0.2"])
    acme = api.tenant("acme")
    connection = api.connection(acme)
    auth = acme.auth("write")

    answer = _patch(api, connection, {"display_name": "Xero AU", "schedule": "*/15 * * * *"}, auth)
    assert answer.status_code == 200, answer.text
    assert answer.json()["display_name"] == "Xero AU"
    assert answer.json()["schedule"] == "*/15 * * * *"
    assert api.runtime.store.connections.get(connection).options["schedule"] == "*/15 * * * *"

    # The base URL goes through the same guard as a new connection's: this hub lets 127.0.0.2
    # through (LEDGERHUB_ERP_ALLOWED_HOSTS), and nothing else private.
    moved = _patch(api, connection, {"base_url": "http://127.0.0.2:8080/api"}, auth)
    assert moved.status_code == 200, moved.text
    assert moved.json()["base_url"] == "http://127.0.0.2:8080/api"
    assert api.runtime.store.connections.get(connection).base_url == "http://127.0.0.2:8080/api"

    # null clears the schedule: back to the interval.
    cleared = _patch(api, connection, {"schedule": None}, auth)
    assert cleared.json()["schedule"] is None
    assert "schedule" not in api.runtime.store.connections.get(connection).options

    disabled = _patch(api, connection, {"enabled": False}, auth)
    assert disabled.json()["enabled"] is False
    assert api.runtime.store.connections.get(connection).status == "disabled"
    # No tokens were ever stored: enabling asks for an authorization.
    enabled = _patch(api, connection, {"enabled": True}, auth)
    assert enabled.json()["enabled"] is True
    assert enabled.json()["status"] == "needs_reauthorization"
    assert api.runtime.store.connections.get(connection).status == "pending"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"base_url": "http://127.0.0.1:8080"}, "base_url"),
        ({"base_url": "http://10.1.2.3/"}, "base_url"),
        ({"base_url": "http://169.254.169.254/latest"}, "base_url"),
        ({"schedule": "every tuesday"}, "schedule"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"enabled": "perhaps"}, "enabled"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_refused_change_names_its_field_and_changes_nothing(
    make_api: Callable[..., Api], body: dict[str, Any], path: str
) -> None:
    api = make_api(erp_allowed_hosts=["127.0.0.2"])
    acme = api.tenant("acme")
    connection = api.connection(acme)
    before = api.runtime.store.connections.get(connection)
    # A valid change beside the refused one is not applied either.
    answer = _patch(api, connection, {"display_name": "Renamed", **body}, acme.auth("write"))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["status"] == 422
    assert any(e["path"].split(".")[-1] == path for e in problem["errors"]), problem
    after = api.runtime.store.connections.get(connection)
    assert (after.display_name, after.base_url, after.options, after.status) == (
        before.display_name, before.base_url, before.options, before.status,
    )  # fmt: skip


def test_only_the_tenants_writers_change_a_connection(api: Api) -> None:
    acme, other = api.tenant("acme"), api.tenant("other")
    connection = api.connection(acme)
    assert _patch(api, connection, {"display_name": "x"}, other.auth()).status_code == 404
    assert _patch(api, connection, {"display_name": "x"}, acme.auth("read")).status_code == 403
    assert api.client.patch(f"/v1/connections/{connection}", json={}).status_code == 401
    assert api.runtime.store.connections.get(connection).display_name == "Xero test"
