"""`hub extract`: read one connection through its adapter and write canonical JSON lines."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:  # the framework loads when the command runs, not when `hub` starts
    from connectors.base import Page
    from connectors.pull import PullStats
    from hub.singer import SingerWriter

err = Console(stderr=True)


def _since_cursor(since: str | None) -> str | None:
    from connectors.base import ReadState

    if since is None:
        return None
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(
            f"'{since}' is not an ISO 8601 time", param_hint="--since"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return ReadState(since=None, next_since=moment, page=0, done=True).dump()


def extract(
    erp: Annotated[str, typer.Argument(help="The adapter, e.g. xero (see `hub connectors list`).")],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The ERP's (or sandbox's) base URL; refused as by `hub connections add` "
            "unless public (LEDGERHUB_ERP_ALLOWED_HOSTS allows a private or loopback one).",
        ),
    ] = None,
    client_id: Annotated[
        str | None, typer.Option("--client-id", help="OAuth client id (an OAuth mode's field).")
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret", help="OAuth client secret.", envvar="LEDGERHUB_CLIENT_SECRET"
        ),
    ] = None,
    credential: Annotated[
        list[str] | None,
        typer.Option("--credential", "-c", help="A credentials field as NAME=VALUE (repeat)."),
    ] = None,
    auth_mode: Annotated[
        str | None, typer.Option("--auth-mode", help="The adapter's auth mode (default: first).")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option", "-o", help="A connection option as NAME=VALUE (repeat), e.g. time_zone."
        ),
    ] = None,
    tap_config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="JSON with base_url, client_id, client_secret, tenant (a Singer tap's config).",
        ),
    ] = None,
    out: Annotated[str, typer.Option("--out", help="Output file, or - for standard output.")] = "-",
    tenant: Annotated[str | None, typer.Option("--tenant", help="The ERP's tenant id.")] = None,
    objects: Annotated[
        str | None,
        typer.Option("--objects", help="Comma-separated resources (default: every one)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only records changed since this ISO 8601 time.")
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format", help="jsonl (canonical JSON lines) or singer (SCHEMA/RECORD/STATE)."
        ),
    ] = "jsonl",
    state: Annotated[
        Path | None,
        typer.Option("--state", help='Singer state to start from ({"bookmarks": ...}).'),
    ] = None,
    catalog_file: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            "--properties",
            help="Singer catalog: read only the streams it selects.",
        ),
    ] = None,
    discover: Annotated[
        bool, typer.Option("--discover", help="Print the Singer catalog of the streams and exit.")
    ] = False,
    per_minute: Annotated[
        int | None,
        typer.Option("--per-minute", help="Client-side limit per window (default: ERP's)."),
    ] = None,
    per_day: Annotated[
        int | None, typer.Option("--per-day", help="Client-side daily limit.")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", help="Calls in flight.")
    ] = None,
    window: Annotated[
        float, typer.Option("--window-seconds", help="Length of the minute window.")
    ] = 60.0,
    no_limits: Annotated[
        bool,
        typer.Option("--no-limits", help="No client-side budget (for a sandbox without limits)."),
    ] = False,
    with_remote_data: Annotated[
        bool, typer.Option("--with-remote-data", help="Include each record's raw ERP payload.")
    ] = False,
) -> None:
    r"""Read every record of one connection and write canonical JSON lines.

    Example:
      hub extract xero --base-url http://127.0.0.1:8701 --client-id demo --client-secret s3cret \
        --objects contacts,invoices --since 2026-01-01T00:00:00Z --out invoices.jsonl

    Example (another auth mode, its credentials and connection options):
      hub extract netsuite --base-url http://127.0.0.1:8792 --auth-mode token_based \
        -c account_id=1234567_SB1 -c consumer_key=ck -c consumer_secret=cs -c token_id=t \
        -c token_secret=ts -o time_zone=America/Los_Angeles --out netsuite.jsonl

    Example (a Singer tap, as Meltano runs one):
      hub extract xero --config tap.json --format singer --state state.json > messages.jsonl

    Each line is {"object": ..., "resource": ..., "record": {...}}; with --format singer the
    lines are Singer SCHEMA, RECORD and STATE messages (streams are canonical objects; a STATE
    after every page), and --state resumes from a STATE's bookmarks. A progress bar and a
    summary (records per object, calls, retries, time) go to stderr. It runs the same read path
    as the hub's sync jobs.
    """
    from connectors.base import ConnectionConfig
    from connectors.errors import ConnectorError
    from connectors.ids import StableIds
    from connectors.ratelimit import Budget, MemoryRateLimiter
    from connectors.registry import get_adapter
    from hub.cli.common import name_values
    from hub.erpnet import check_base_url, guarded_connector
    from hub.settings import get_settings

    try:
        spec = get_adapter(erp)
    except KeyError as exc:
        err.print(f"[red]error:[/red] {exc.args[0]}")
        raise typer.Exit(2) from None
    names = (
        [n.strip() for n in objects.split(",")]
        if objects
        else [r.name for r in spec.connector.RESOURCES if r.objects]
    )
    known = {r.name for r in spec.connector.RESOURCES}
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(sorted(known))
        err.print(f"[red]error:[/red] --objects: unknown {', '.join(unknown)} (known: {listed})")
        raise typer.Exit(2)
    if output_format not in ("jsonl", "singer"):
        err.print("[red]error:[/red] --format must be jsonl or singer")
        raise typer.Exit(2)
    if discover:
        from hub.singer import catalog

        by_name = {r.name: r for r in spec.connector.RESOURCES}
        produced = dict.fromkeys(o for n in names for o in by_name[n].objects)
        typer.echo(json.dumps(catalog(produced), indent=2))
        return
    selected: set[str] | None = None
    if catalog_file is not None:
        from hub.singer import selected_streams

        try:
            selected = selected_streams(catalog_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            err.print(f"[red]error:[/red] --catalog: {exc}")
            raise typer.Exit(2) from None
        by_name = {r.name: r for r in spec.connector.RESOURCES}
        names = [n for n in names if set(by_name[n].objects) & selected]
    settings = _tap_config(tap_config)
    base_url = base_url or settings.get("base_url")
    client_id = client_id or settings.get("client_id")
    client_secret = client_secret or settings.get("client_secret")
    tenant = tenant or settings.get("tenant")
    if not base_url:
        err.print("[red]error:[/red] --base-url is required (or its key in --config)")
        raise typer.Exit(2)
    credentials: dict[str, str] = name_values(credential or [], "--credential")
    if client_id:
        credentials.setdefault("client_id", client_id)
    if client_secret:
        credentials.setdefault("client_secret", client_secret)
    cursors: dict[str, str | None] = dict.fromkeys(names, _since_cursor(since))
    bookmarks: dict[str, str] = {}
    if state is not None:
        from hub.singer import read_state

        try:
            bookmarks = read_state(state.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            err.print(f"[red]error:[/red] --state: {exc}")
            raise typer.Exit(2) from None
        cursors.update({n: c for n, c in bookmarks.items() if n in cursors})
    if no_limits:
        budget = Budget.unlimited()
    elif per_minute or per_day or concurrency:
        budget = Budget.from_limits(
            per_minute=per_minute,
            per_day=per_day,
            concurrency=concurrency,
            window_seconds=window,
        )
    else:
        budget = spec.budget
    connection_id = f"extract:{erp}:{tenant or base_url}"
    # A read-only run: hub ids derived, none remembered (memory stays flat however many records).
    ids = StableIds(connection_id, remember=False)
    try:
        check_base_url(get_settings(), base_url)  # before anything reads it
        config = ConnectionConfig(
            connection_id=connection_id,
            base_url=base_url,
            auth_mode=auth_mode,
            credentials=credentials,
            tenant_id=tenant,
            options=name_values(option or [], "--option"),
        )
        # The credentials go to the base URL: the same SSRF guard as `hub connections add`.
        connector = guarded_connector(
            get_settings(), spec, config, limiter=MemoryRateLimiter(budget), ids=ids
        )
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    stream: TextIO = sys.stdout if out == "-" else Path(out).open("w", encoding="utf-8")  # noqa: SIM115
    try:
        singer = None
        if output_format == "singer":
            from hub.singer import SingerWriter

            singer = SingerWriter(stream, bookmarks, selected)
        stats = _run(connector, names, stream, cursors, with_remote_data, singer)
    except ConnectorError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        if stream is not sys.stdout:
            stream.close()
        connector.close()
    _summary(stats, connector)


def _tap_config(path: Path | None) -> dict[str, str]:
    """The keys of a --config file (a Singer tap's config); {} without one."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] --config: cannot read {path}: {exc}")
        raise typer.Exit(2) from None
    if not isinstance(data, dict):
        err.print(f"[red]error:[/red] --config: {path} must hold a JSON object")
        raise typer.Exit(2)
    return {str(k): str(v) for k, v in data.items() if v is not None}


def _run(
    connector: object,
    names: list[str],
    stream: TextIO,
    cursors: dict[str, str | None],
    raw: bool,
    singer: SingerWriter | None = None,
) -> PullStats:
    from connectors.base import Connector
    from connectors.pull import pull

    assert isinstance(connector, Connector)
    with Progress(
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TextColumn("{task.fields[records]:>8} records  page {task.fields[page]}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        tasks = {n: progress.add_task(n, total=None, records=0, page=0) for n in names}

        exclude = None if raw else {"remote_data"}

        def sink(page: Page) -> None:
            resource = json.dumps(page.resource)
            for record in page.records:
                # The record's JSON straight from pydantic-core (money as decimal strings, as
                # `to_json_dict` gives it), not through a dict and `json.dumps`.
                body = record.model_dump_json(exclude=exclude)
                if singer is not None:
                    singer.record(type(record).OBJECT, body)
                    continue
                head = f'{{"object":"{type(record).OBJECT}","resource":{resource},"record":'
                stream.write(f"{head}{body}}}\n")
            if singer is None:
                for gone in page.deleted:
                    # A record the ERP deleted outright: no payload, its id and when.
                    stamp = gone.deleted_at.isoformat() if gone.deleted_at else None
                    line = {"remote_id": gone.remote_id, "deleted_at": stamp}
                    stream.write(
                        f'{{"object":"{gone.object}","resource":{resource},'
                        f'"deleted":{json.dumps(line)}}}\n'
                    )
            if singer is not None and page.cursor and not page.partial:
                singer.state(page.resource, page.cursor)
            for failure in page.failures:
                err.print(
                    f"[yellow]skipped[/yellow] {page.resource} {failure.remote_id}: {failure.error}"
                )

        def on_page(page: Page) -> None:
            task = tasks[page.resource]
            done = progress.tasks[task].fields["records"] + len(page.records)
            progress.update(task, records=done, page=page.number)
            if page.last:
                progress.update(task, total=1, completed=1)

        return pull(connector, names, sink, cursors=cursors, on_page=on_page)


def _summary(stats: PullStats, connector: object) -> None:
    http = getattr(connector, "http", None)
    calls = http.stats.as_dict() if http is not None else {}
    table = Table("object", "records", title="Extracted")
    for name, count in sorted(stats.records.items()):
        table.add_row(name, str(count))
    err.print(table)
    failures = sum(stats.failures.values())
    err.print(
        f"calls {calls.get('calls', '?')}  retries {calls.get('retries', '?')}  "
        f"failures {failures}  time {stats.seconds:.2f}s"
    )


def register(root: typer.Typer) -> None:
    """Add `hub extract` to the root command."""
    root.command("extract")(extract)
