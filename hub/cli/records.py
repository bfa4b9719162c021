"""`hub records`, `hub exceptions`, `hub dlq`, `hub events`: what the hub holds, what failed."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hub.cli.common import JSON_OPTION, err, friendly_errors, get_runtime, print_json, table, when

if TYPE_CHECKING:
    from hub.jobs.runtime import Runtime
    from hub.store import WriteRequestView

records_app = typer.Typer(help="Canonical records the hub has synced.", no_args_is_help=True)
exceptions_app = typer.Typer(help="Exception cases: every failure, grouped.", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead-lettered jobs.", no_args_is_help=True)
events_app = typer.Typer(help="Events in the outbox.", no_args_is_help=True)


@records_app.command("list")
def records_list(
    connection: Annotated[
        str | None, typer.Option("--connection", help="Only this connection.")
    ] = None,
    object_name: Annotated[
        str | None, typer.Option("--object", help="e.g. invoice, supplier.")
    ] = None,
    after: Annotated[str | None, typer.Option("--after", help="Hub id to continue after.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 50,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List stored canonical records, oldest first (page with --after).

    Example: hub records list --object invoice --limit 20
    """
    if object_name is not None:
        _check_object(object_name)
    rows = get_runtime().store.records.list(connection, object_name, after=after, limit=limit)
    if as_json:
        print_json([{**r.data, "version": r.version} for r in rows])
        return
    table(
        "Records",
        ["hub id", "object", "remote id", "v", "deleted", "summary"],
        [
            (
                r.hub_id,
                r.object,
                r.remote_id,
                r.version,
                "yes" if r.remote_deleted else "",
                _summary(r.data),
            )
            for r in rows
        ],
        optional=["v", "deleted"],
    )


def _check_object(name: str) -> None:
    """Exit 2 with the canonical objects when `name` is none of them."""
    from canonical import OBJECTS

    if name in OBJECTS:
        return
    near = [o for o in OBJECTS if name.rstrip("s") == o or name.startswith(o)]
    hint = f" (did you mean {near[0]}?)" if near else ""
    err.print(
        f"[red]error:[/red] --object: '{name}' is not a canonical object{hint}; "
        f"one of {', '.join(OBJECTS)}"
    )
    raise typer.Exit(2)


def _summary(data: dict[str, object]) -> str:
    for key in ("name", "number", "reference", "code"):
        if data.get(key):
            extra = data.get("total") or data.get("amount")
            cur = data.get("currency") or ""
            return f"{data[key]}" + (f"  {extra} {cur}" if extra is not None else "")
    return str(data.get("amount", ""))


@records_app.command("show")
def records_show(
    hub_id: Annotated[str, typer.Argument(help="The record's hub id (inv_..., sup_...).")],
    raw: Annotated[bool, typer.Option("--raw", help="Include the ERP's raw payload.")] = False,
) -> None:
    """Show one record as canonical JSON.

    Example: hub records show inv_01J... --raw
    """
    view = get_runtime().store.records.get(hub_id)
    if view is None:
        err.print(f"[red]error:[/red] no record {hub_id}")
        raise typer.Exit(2)
    body: dict[str, object] = {
        **view.data,
        "version": view.version,
        "mapping_version": view.mapping_version,
    }
    if raw:
        body["remote_data"] = view.raw
    print_json(body)


@records_app.command("submit")
def records_submit(
    connection: Annotated[str, typer.Option("--connection", help="The connection to write to.")],
    object_name: Annotated[
        str, typer.Option("--object", help="The canonical object, e.g. invoice, payment.")
    ],
    file: Annotated[
        Path, typer.Option("--file", help="The canonical record as JSON; - reads stdin.")
    ],
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            "--idempotency-key",
            help="Same key, same request: written once. Default: derived from the content.",
        ),
    ] = None,
    operation: Annotated[
        str, typer.Option("--operation", help="create, or update (the record has remote_id).")
    ] = "create",
    wait: Annotated[
        bool,
        typer.Option("--wait", help="Send it here and now and print the ERP's answer."),
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Write one canonical record to a connection's ERP, exactly once.

    Example: hub records submit --connection con_01J... --object invoice --file bill.json --wait

    The record is validated against the canonical model (every problem named by its path) and
    the connection checked before anything is queued. Without --wait the write is queued for
    `hub worker`; with --wait it is sent here and the outcome printed (exit 1 if the ERP
    refused it, with the exception case). Submitting the same content (or key) again returns
    the first request and writes nothing.
    """
    from canonical import OBJECTS, jsonio
    from connectors.errors import ConnectorError
    from connectors.registry import get_adapter
    from hub.jobs.writes import submit_write

    if object_name not in OBJECTS:
        _check_object(object_name)
    if operation not in ("create", "update"):
        err.print("[red]error:[/red] --operation must be create or update")
        raise typer.Exit(2)
    runtime = get_runtime()
    with friendly_errors():
        text = sys.stdin.read() if str(file) == "-" else _read(file)
        try:
            payload = jsonio.loads(text)
        except ValueError as exc:
            raise ValueError(f"--file: {file} is not JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise ValueError(f"--file: {file} must hold one JSON object (a canonical record)")
        view = runtime.store.connections.get(connection)
        writes = get_adapter(view.erp).connector.WRITES
        if object_name not in writes:
            raise ValueError(
                f"--object: {view.erp} cannot write {object_name} (it writes {', '.join(writes)})"
            )
        key = idempotency_key or _content_key(object_name, operation, payload)
        try:
            request, created = submit_write(
                runtime, connection, object_name, payload, key, operation=operation
            )
        except ConnectorError as exc:  # the record does not validate: nothing was stored
            raise ValueError(f"--file: {exc}") from None
        if not wait:
            if created or request.status == "pending":
                from hub.jobs.sender import enqueue_write

                enqueue_write(request.id)
        else:
            request = _send_here(runtime, request.id)
    if as_json:
        print_json({"request": request, "new": created})
    else:
        state = "new" if created else "already submitted with this key"
        line = f"{request.id} ({state}): {request.status}"
        if request.remote_id:
            line += f", remote id {request.remote_id}, hub id {request.hub_id}"
        if request.error:
            line += f"; {request.error_category}: {request.error}"
        if not wait and request.status == "pending":
            line += "; queued for `hub worker`"
        err.print(line)
    if request.status == "failed":
        raise typer.Exit(1)


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"--file: cannot read {file}: {exc.strerror}") from None


def _content_key(object_name: str, operation: str, payload: dict[str, object]) -> str:
    from canonical import jsonio

    digest = hashlib.sha256(jsonio.dumps([object_name, operation, payload]).encode())
    return f"cli-{digest.hexdigest()[:32]}"


def _send_here(runtime: Runtime, request_id: str) -> WriteRequestView:
    """Send the write in this process; a refusal fails the request and opens its case."""
    from connectors.errors import ConnectorError
    from hub.jobs.writes import perform_write

    try:
        return perform_write(runtime, request_id)
    except ConnectorError as exc:
        request = runtime.store.writes.fail(
            request_id, error=str(exc), category=exc.category, final=True
        )
        runtime.store.cases.open_from_error(
            exc,
            connection_id=request.connection_id,
            object_name=request.object,
            source="write",
            record_ref=request_id,
        )
        return runtime.store.writes.get(request_id)


@exceptions_app.command("list")
def exceptions_list(
    status: Annotated[str, typer.Option("--status", help="open, resolved or all.")] = "open",
    category: Annotated[
        str | None, typer.Option("--category", help="e.g. auth, validation.")
    ] = None,
    connection: Annotated[
        str | None, typer.Option("--connection", help="Only this connection.")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List exception cases, most recent first, with their age against the class's SLA.

    Example: hub exceptions list --category validation
    """
    cases = get_runtime().store.cases.list(
        status=None if status == "all" else status, category=category, connection_id=connection
    )
    if as_json:
        print_json([c.model_dump(mode="json") | {"overdue": c.overdue} for c in cases])
        return
    table(
        "Exception cases",
        ["id", "class", "object", "occurrences", "affected", "age", "status", "action", "cause"],
        [
            (
                c.id,
                c.category,
                c.object,
                c.occurrences,
                c.affected,
                f"{int(c.age_seconds)}s" + (" OVERDUE" if c.overdue else ""),
                c.status,
                c.action,
                c.cause,
            )
            for c in cases
        ],
        optional=["occurrences", "affected", "object", "action"],
    )


@exceptions_app.command("show")
def exceptions_show(
    case_id: Annotated[str, typer.Argument(help="The case id (exc_...).")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Show a case: the ERP's own words, attempts, the records it affects, what resolves it.

    Example: hub exceptions show exc_01J...
    """
    with friendly_errors():
        case, records = get_runtime().store.cases.get(case_id)
    if as_json:
        print_json({"case": case.model_dump(mode="json"), "records": records})
        return
    table("Case", ["field", "value"], [(k, v) for k, v in case.model_dump().items()])
    table(
        "Affected records",
        ["record", "status", "occurrences", "last seen"],
        [(r.record_ref, r.status, r.occurrences, when(r.last_seen)) for r in records],
    )


@exceptions_app.command("retry")
def exceptions_retry(
    case_id: Annotated[str, typer.Argument(help="The case id (exc_...).")],
) -> None:
    """Re-enqueue the jobs of a case's open records (after fixing the cause).

    Example: hub exceptions retry exc_01J...
    """
    from hub.jobs.recovery import retry_case

    runtime = get_runtime()
    with friendly_errors():
        count = retry_case(runtime, case_id)
    err.print(f"re-enqueued {count} job(s) for {case_id}; it resolves itself when they succeed")


@exceptions_app.command("resolve")
def exceptions_resolve(
    case_id: Annotated[str, typer.Argument(help="The case id (exc_...).")],
) -> None:
    """Close a case by hand (the cause was dealt with outside the hub).

    Example: hub exceptions resolve exc_01J...
    """
    with friendly_errors():
        case = get_runtime().store.cases.resolve_manual(case_id)
    err.print(f"{case.id} is {case.status}")


@dlq_app.command("list")
def dlq_list(
    all_: Annotated[bool, typer.Option("--all", help="Include replayed ones.")] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List dead-lettered jobs.

    Example: hub dlq list
    """
    rows = get_runtime().store.dead_letters.list(include_replayed=all_)
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    table(
        "Dead letters",
        ["message", "actor", "kwargs", "error", "case", "died", "replayed"],
        [
            (
                r.id,
                r.actor,
                r.message_kwargs,
                r.error,
                r.case_id,
                when(r.created_at),
                when(r.replayed_at),
            )
            for r in rows
        ],
        ids=["message"],
        optional=["replayed", "kwargs"],
    )


@dlq_app.command("replay")
def dlq_replay(
    message_id: Annotated[
        str | None, typer.Argument(help="One message id (see hub dlq list).")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every dead letter not replayed yet.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Send dead-lettered jobs again (after fixing what killed them).

    Example: hub dlq replay MESSAGE_ID

    Example: hub dlq replay --all --yes

    Give one message id, or --all (which asks first unless --yes).
    """
    from hub.jobs.recovery import replay_dead_letter

    if (message_id is None) == (not all_):
        err.print("[red]error:[/red] give one MESSAGE_ID, or --all (not both)")
        raise typer.Exit(2)
    runtime = get_runtime()
    with friendly_errors():
        rows = (
            [runtime.store.dead_letters.get(message_id)]
            if message_id
            else runtime.store.dead_letters.list()
        )
        if all_ and not yes and rows:
            typer.confirm(f"Replay {len(rows)} dead-lettered job(s)?", abort=True, err=True)
        for row in rows:
            replay_dead_letter(runtime, row)
    err.print(f"replayed {len(rows)} job(s)")


@events_app.command("list")
def events_list(
    connection: Annotated[
        str | None, typer.Option("--connection", help="Only this connection.")
    ] = None,
    event_type: Annotated[str | None, typer.Option("--type", help="e.g. invoice.updated.")] = None,
    after: Annotated[int, typer.Option("--after", help="Sequence number to continue after.")] = 0,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 50,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List events in delivery order.

    Example: hub events list --type invoice.updated
    """
    rows = get_runtime().store.outbox.list(
        connection_id=connection, event_type=event_type, after_seq=after, limit=limit
    )
    if as_json:
        print_json([r.to_event().model_dump(mode="json") | {"seq": r.seq} for r in rows])
        return
    table(
        "Events",
        ["seq", "type", "id", "correlation", "at", "dispatched"],
        [
            (r.seq, r.type, r.id, r.correlation_id, when(r.created_at), when(r.dispatched_at))
            for r in rows
        ],
        optional=["dispatched", "correlation"],
    )


def register(root: typer.Typer) -> None:
    """Add `hub records`, `hub exceptions`, `hub dlq` and `hub events`."""
    root.add_typer(records_app, name="records")
    root.add_typer(exceptions_app, name="exceptions")
    root.add_typer(dlq_app, name="dlq")
    root.add_typer(events_app, name="events")
