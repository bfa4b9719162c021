"""`hub sandbox`: serve an ERP sandbox locally for demos, contract tests and benchmarks.

`hub sandbox start ERP` serves the sandbox of any installed adapter (its `AdapterSpec.sandbox`);
`--set FIELD=VALUE` sets any field of that ERP's sandbox configuration. `hub sandbox xero`, `sap`
and `netsuite` are the same command with each ERP's configuration fields as named options.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="Local ERP sandboxes: fictional seeded data behind the ERP's own API.",
    no_args_is_help=True,
)

Host = Annotated[str, typer.Option(help="Interface to listen on.")]
Seed = Annotated[int, typer.Option(help="Same seed, same data.")]
Records = Annotated[int, typer.Option(help="Documents to seed.")]
ClientId = Annotated[str, typer.Option(help="Client id to accept.")]
ClientSecret = Annotated[
    str, typer.Option(help="Client secret to accept.", envvar="LEDGERHUB_SANDBOX_SECRET")
]
NoLimits = Annotated[bool, typer.Option("--no-limits", help="Never refuse for budget.")]
Seconds = Annotated[
    float | None, typer.Option(help="Stop after this many seconds (default: Ctrl-C).")
]
_SECRET = "sandbox-secret"  # noqa: S105 - the sandbox's own fictional default


def _setting(text: str) -> tuple[list[str], Any]:
    """`limits.per_window=3` -> (["limits", "per_window"], 3); values are JSON or plain text."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise typer.BadParameter(f"{text!r} is not FIELD=VALUE", param_hint="--set")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return name.split("."), value


def _options(settings: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for text in settings:
        path, value = _setting(text)
        target = options
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return options


def _serve(
    erp: str,
    *,
    host: str,
    port: int,
    seed: int,
    records: int,
    client_id: str,
    client_secret: str,
    no_limits: bool,
    seconds: float | None,
    options: dict[str, Any],
) -> None:
    """Start the sandbox of `erp` through its adapter's starter, then serve until stopped."""
    import threading

    from pydantic import ValidationError

    from connectors.registry import adapters, get_adapter

    try:
        spec = get_adapter(erp)
    except KeyError as exc:
        typer.echo(f"error: {exc.args[0]}", err=True)
        raise typer.Exit(2) from None
    if spec.sandbox is None:
        with_sandbox = ", ".join(n for n, s in adapters().items() if s.sandbox) or "none"
        typer.echo(f"error: {erp} has no sandbox (with one: {with_sandbox})", err=True)
        raise typer.Exit(2)
    try:
        url, stop = spec.sandbox(
            seed=seed,
            records=records,
            client_id=client_id,
            client_secret=client_secret,
            no_limits=no_limits,
            host=host,
            port=port,
            **options,
        )
    except (ValidationError, ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{spec.title} sandbox on {url} ({records} records, seed {seed})", err=True)
    try:
        threading.Event().wait(seconds)
    except KeyboardInterrupt:
        pass
    finally:
        stop()


@app.command("start")
def start(
    erp: Annotated[str, typer.Argument(help="Any installed adapter with a sandbox, e.g. xero.")],
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: a free one).")] = 0,
    seed: Seed = 1,
    records: Records = 200,
    client_id: ClientId = "sandbox-client",
    client_secret: ClientSecret = _SECRET,
    no_limits: NoLimits = False,
    seconds: Seconds = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A field of the ERP's sandbox configuration, FIELD=VALUE (a JSON value, or "
            "text); nested fields with dots, e.g. limits.per_window=3 or faults.error_rate=0.1. "
            "Repeat for more.",
        ),
    ] = None,
) -> None:
    """Serve the sandbox of any installed adapter.

    Example: hub sandbox start xero --port 8790 --seed 7 --records 1000 --set token_ttl=60

    An adapter declares its sandbox in its AdapterSpec.sandbox; the fields --set accepts are
    its sandbox configuration's (docs/sandboxes.md lists them per ERP).
    """
    _serve(
        erp,
        host=host,
        port=port,
        seed=seed,
        records=records,
        client_id=client_id,
        client_secret=client_secret,
        no_limits=no_limits,
        seconds=seconds,
        options=_options(setting or []),
    )


@app.command("xero")
def xero(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8790,
    seed: Seed = 1,
    records: Annotated[int, typer.Option(help="Invoices + bills to seed.")] = 200,
    client_id: ClientId = "sandbox-client",
    client_secret: ClientSecret = _SECRET,
    no_limits: NoLimits = False,
    seconds: Seconds = None,
    token_ttl: Annotated[float, typer.Option(help="Access token lifetime (s).")] = 1800.0,
    refresh_grace: Annotated[float, typer.Option(help="Old refresh token grace (s).")] = 1800.0,
    per_minute: Annotated[int, typer.Option(help="Calls per tenant per window.")] = 60,
    per_day: Annotated[int, typer.Option(help="Calls per tenant per day.")] = 5000,
    concurrent: Annotated[int, typer.Option(help="Calls in flight per tenant.")] = 5,
    app_per_minute: Annotated[int, typer.Option(help="Calls per window, all tenants.")] = 10_000,
    window: Annotated[float, typer.Option(help="Length of the 'minute' window (s).")] = 60.0,
    day: Annotated[float, typer.Option(help="Length of the 'day' window (s).")] = 86_400.0,
    error_rate: Annotated[float, typer.Option(help="Share of API calls answered 500.")] = 0.0,
    unavailable_rate: Annotated[float, typer.Option(help="Share answered 503.")] = 0.0,
    throttle_rate: Annotated[float, typer.Option(help="Share answered 429.")] = 0.0,
    drop_rate: Annotated[float, typer.Option(help="Share whose connection drops.")] = 0.0,
    malformed_rate: Annotated[float, typer.Option(help="Share with broken JSON.")] = 0.0,
    expired_token_rate: Annotated[float, typer.Option(help="Share answered 401 expired.")] = 0.0,
    slow_rate: Annotated[float, typer.Option(help="Share delayed by --slow-seconds.")] = 0.0,
    slow_seconds: Annotated[float, typer.Option(help="Delay of a slow response (s).")] = 1.0,
    fault_seed: Annotated[int | None, typer.Option(help="Makes faults reproducible.")] = None,
) -> None:
    r"""Serve the Xero sandbox (token, connections, Accounting API, /_sandbox controls).

    Example:
      hub sandbox xero --port 8790 --seed 7 --records 1000 --client-id demo \
        --client-secret demo-secret --window 5 --error-rate 0.05

    Point clients at http://HOST:PORT (token: /connect/token, tenants: /connections,
    API: /api.xro/2.0). The same as hub sandbox start xero with these fields set.
    See docs/sandboxes.md.
    """
    faults = {
        "error_rate": error_rate,
        "unavailable_rate": unavailable_rate,
        "throttle_rate": throttle_rate,
        "drop_rate": drop_rate,
        "malformed_rate": malformed_rate,
        "expired_token_rate": expired_token_rate,
        "slow_rate": slow_rate,
        "slow_seconds": slow_seconds,
        "seed": fault_seed,
    }
    limits = {
        "per_window": per_minute,
        "per_day": per_day,
        "concurrent": concurrent,
        "app_per_window": app_per_minute,
        "window_seconds": window,
        "day_seconds": day,
    }
    _serve(
        "xero",
        host=host,
        port=port,
        seed=seed,
        records=records,
        client_id=client_id,
        client_secret=client_secret,
        no_limits=no_limits,
        seconds=seconds,
        options={
            "token_ttl": token_ttl,
            "refresh_grace": refresh_grace,
            "limits": limits,
            "faults": faults,
        },
    )


@app.command("sap")
def sap(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8791,
    seed: Seed = 1,
    records: Annotated[int, typer.Option(help="Supplier invoices + billing documents.")] = 200,
    client_id: Annotated[
        str, typer.Option(help="OAuth client id, and the basic-auth user.")
    ] = "sandbox-client",
    client_secret: Annotated[
        str,
        typer.Option(
            help="OAuth client secret, and the basic-auth password.",
            envvar="LEDGERHUB_SANDBOX_SECRET",
        ),
    ] = _SECRET,
    no_limits: NoLimits = False,
    seconds: Seconds = None,
    server_page: Annotated[int, typer.Option(help="Rows per page without $top.")] = 100,
    max_page: Annotated[int, typer.Option(help="Most rows per page, whatever $top.")] = 5000,
) -> None:
    r"""Serve the SAP S/4HANA sandbox (OData V2 services, OAuth token, SOAP, /_sandbox controls).

    Example:
      hub sandbox sap --port 8791 --seed 7 --records 1000 --client-id demo \
        --client-secret demo-secret --no-limits

    Services at http://HOST:PORT/sap/opu/odata/sap/<SERVICE>/ (API_BUSINESS_PARTNER,
    API_SUPPLIERINVOICE_PROCESS_SRV, ...), basic auth with the client id and secret as user
    and password, or a bearer token from POST /oauth/token. Faults: POST /_sandbox/faults.
    The same as hub sandbox start sap with these fields set. See docs/sandboxes.md.
    """
    _serve(
        "sap",
        host=host,
        port=port,
        seed=seed,
        records=records,
        client_id=client_id,
        client_secret=client_secret,
        no_limits=no_limits,
        seconds=seconds,
        options={"server_page": server_page, "max_page": max_page},
    )


@app.command("netsuite")
def netsuite(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8792,
    seed: Seed = 1,
    records: Records = 200,
    client_id: Annotated[
        str, typer.Option(help="Integration record's client id (TBA consumer key, JWT iss).")
    ] = "sandbox-client",
    client_secret: Annotated[
        str,
        typer.Option(
            help="Integration record's secret (TBA consumer secret).",
            envvar="LEDGERHUB_SANDBOX_SECRET",
        ),
    ] = _SECRET,
    account_id: Annotated[str, typer.Option(help="Account id, the TBA realm.")] = "1234567_SB1",
    token_id: Annotated[str, typer.Option(help="The TBA access token id.")] = "sandbox-token",  # noqa: S107
    token_secret: Annotated[
        str, typer.Option(help="The TBA token secret.", envvar="LEDGERHUB_SANDBOX_TOKEN_SECRET")
    ] = "sandbox-token-secret",  # noqa: S107 - the sandbox's own fictional default
    jwt_public_key: Annotated[
        list[Path] | None,
        typer.Option(help="M2M certificate or public key (PEM); repeat, paired with --jwt-kid."),
    ] = None,
    jwt_kid: Annotated[
        list[str] | None, typer.Option(help="Certificate id (JWT kid) of each --jwt-public-key.")
    ] = None,
    time_zone: Annotated[str, typer.Option(help="The account's time zone.")] = (
        "America/Los_Angeles"
    ),
    concurrency: Annotated[int, typer.Option(help="Requests in flight per account.")] = 5,
    no_limits: Annotated[bool, typer.Option("--no-limits", help="No concurrency limit.")] = False,
    seconds: Seconds = None,
) -> None:
    r"""Serve the NetSuite sandbox (SuiteQL, record API, OAuth 2.0 M2M and TBA, /_sandbox).

    Example:
      hub sandbox netsuite --port 8792 --seed 7 --records 1000 --client-id demo \
        --client-secret demo-secret --account-id 1234567_SB1 --token-id t --token-secret s \
        --jwt-public-key cert.pem --jwt-kid my-cert-id

    Point clients at http://HOST:PORT/services/rest (token:
    /services/rest/auth/oauth2/v1/token). Faults: POST /_sandbox/faults. The same as
    hub sandbox start netsuite with these fields set. See docs/sandboxes.md.
    """
    keys, kids = jwt_public_key or [], jwt_kid or []
    if len(keys) != len(kids):
        typer.echo("error: give one --jwt-kid for each --jwt-public-key", err=True)
        raise typer.Exit(2)
    try:
        certificates = [
            {"kid": kid, "pem": path.read_text()} for path, kid in zip(keys, kids, strict=True)
        ]
    except OSError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    _serve(
        "netsuite",
        host=host,
        port=port,
        seed=seed,
        records=records,
        client_id=client_id,
        client_secret=client_secret,
        no_limits=no_limits,
        seconds=seconds,
        options={
            "account_id": account_id,
            "token_id": token_id,
            "token_secret": token_secret,
            "certificates": certificates,
            "time_zone": time_zone,
            "concurrency": concurrency,
        },
    )


def register(root: typer.Typer) -> None:
    """Add `hub sandbox` to the root command."""
    root.add_typer(app, name="sandbox")
