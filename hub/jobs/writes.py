"""Push: validate a canonical record, keep the write request, send it exactly once.

The ERP is given the write request's id as its idempotency key, so a job retried after a crash
or a dropped response finds the ERP's first answer instead of writing twice.
"""

from __future__ import annotations

from typing import Any

from canonical import OBJECTS, CanonicalValidationError, Record
from connectors.context import correlation
from connectors.errors import ValidationError
from hub.jobs.runtime import Runtime
from hub.mapping import check_custom_fields, connection_mapping
from hub.store import WriteRequestView


def validate_record(object_name: str, payload: dict[str, Any]) -> Record:
    """The canonical record, or a ValidationError naming every problem by its path."""
    if object_name not in OBJECTS:
        raise ValidationError(f"unknown object '{object_name}' (known: {', '.join(OBJECTS)})")
    try:
        return OBJECTS[object_name].parse(payload)
    except CanonicalValidationError as exc:
        raise ValidationError(str(exc), details=[str(v) for v in exc.violations]) from None


def submit_write(
    runtime: Runtime,
    connection_id: str,
    object_name: str,
    payload: dict[str, Any],
    idempotency_key: str,
    correlation_id: str | None = None,
    operation: str = "create",
) -> tuple[WriteRequestView, bool]:
    """Validate, then store the request under its key; (request, created). Enqueue if created.

    `operation` is `create` or `update` (the record then carries its `remote_id`).
    """
    record = validate_record(object_name, payload)
    runtime.store.connections.get(connection_id)  # NotFound before anything is written
    issues = check_custom_fields(runtime.store, connection_id, record)
    if issues:
        raise ValidationError(
            f"{object_name} has {len(issues)} custom-field problem(s): "
            + "; ".join(str(i) for i in issues),
            details=[str(i) for i in issues],
        )
    stored = record.to_json_dict()
    if "id" not in payload:
        # The id validation minted is new on every call: keeping it would make a replay of
        # the same request look like a different one.
        stored.pop("id")
    return runtime.store.writes.create_or_get(
        connection_id=connection_id,
        object_name=object_name,
        idempotency_key=idempotency_key,
        payload=stored,
        correlation_id=correlation_id,
        operation=operation,
    )


def perform_write(runtime: Runtime, request_id: str) -> WriteRequestView:
    """Send one write request; raises the connector's error when the ERP does not take it."""
    store = runtime.store
    request = store.writes.begin_attempt(request_id)
    if request.status == "succeeded":
        return request
    with correlation(request.correlation_id) as cid:
        record = validate_record(request.object, request.payload)
        connector = runtime.connector(request.connection_id)
        mapping = connection_mapping(store, request.connection_id)
        connector.mapping = mapping
        (result,) = connector.write(request.object, [record], idempotency_key=request.id)
        if result.error is not None:
            raise result.error
        assert result.remote_id is not None
        hub_id = None
        if result.record is not None:
            hub_id = result.record.id
            store.records.apply_records(
                request.connection_id, [result.record], cid, mapping_versions=mapping.versions
            )
        done = store.writes.succeed(request.id, result.remote_id, hub_id)
        store.cases.resolve_auto(
            connection_id=request.connection_id, object_name=request.object, record_ref=request.id
        )
        return done
