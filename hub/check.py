"""Check a connection's credentials against its ERP without creating or changing anything.

`hub connections check` (as Airbyte's `check`): sign in, find the ERP tenant, then read the
first page of each resource changed in the last minute, which proves the credentials are
accepted and the granted scopes cover every resource the hub syncs. Nothing is stored: a check
of new credentials keeps its token in memory only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import ConnectionConfig, Connector
from connectors.errors import ConnectorError
from connectors.ids import StableIds
from connectors.ratelimit import MemoryRateLimiter
from connectors.registry import get_adapter


@dataclass
class CheckReport:
    """Each step of a check: (step, ok, detail); `ok` when every step passed."""

    steps: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every step passed."""
        return bool(self.steps) and all(ok for _, ok, _ in self.steps)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON data."""
        return {
            "ok": self.ok,
            "steps": [{"step": s, "ok": ok, "detail": d} for s, ok, d in self.steps],
        }


def check_connector(connector: Connector, *, sign_in: bool) -> CheckReport:
    """Run the steps against `connector`; stops at the first failure (later steps need it)."""
    report = CheckReport()

    def step(name: str, action: Any) -> bool:
        try:
            detail = action()
        except ConnectorError as exc:
            report.steps.append((name, False, f"{exc.category}: {exc}"))
            return False
        report.steps.append((name, True, str(detail or "")))
        return True

    def sign_in_once() -> str:
        connector.authorize()
        return "signed in"

    if sign_in and not step("sign in", sign_in_once):
        return report
    if not step("tenant", lambda: connector.tenant_id or "none needed"):
        return report
    since = datetime.now(UTC) - timedelta(minutes=1)
    for resource in connector.RESOURCES:
        if not resource.objects:
            continue

        def read(resource: Any = resource) -> str:
            page = connector.fetch_page(resource, since if resource.cursor else None, None)
            return f"readable ({len(page.items)} item(s) on the first page)"

        if not step(f"read {resource.name}", read):
            break
    return report


def check_credentials(
    erp: str,
    *,
    base_url: str,
    credentials: dict[str, Any],
    auth_mode: str | None = None,
    tenant: str | None = None,
) -> CheckReport:
    """Check new credentials: a throw-away connector whose token stays in memory."""
    from hub.connect import auth_mode_of
    from hub.erpnet import check_base_url, guarded_connector
    from hub.settings import get_settings

    spec = get_adapter(erp)
    settings = get_settings()
    check_base_url(settings, base_url)  # the credentials are sent there: the same SSRF guard
    mode = auth_mode_of(spec.name, auth_mode, None if auth_mode else "client_credentials")
    if mode.interactive:
        raise ValueError(
            f"the {erp} {mode.name} mode needs a person to approve access: add the connection, "
            "then `hub connections check CONNECTION`"
        )
    values = mode.validate(credentials)
    config = ConnectionConfig(
        connection_id=f"check:{erp}:{base_url}",
        base_url=base_url,
        auth_mode=mode.name,
        credentials=values,
        grant=mode.grant or "none",
        tenant_id=tenant,
    )
    connector = guarded_connector(
        settings,
        spec,
        config,
        limiter=MemoryRateLimiter(spec.budget),
        ids=StableIds(config.connection_id, remember=False),
    )
    try:
        return check_connector(connector, sign_in=True)
    finally:
        connector.close()
