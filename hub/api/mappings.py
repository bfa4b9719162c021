"""Mappings over HTTP: specs per connection and object, previews, suggestions, decisions, and
the tenant's custom fields with their bindings to each connection's ERP.

    POST   /v1/mappings/suggest                                   suggest for a connection's ERP
    GET    /v1/connections/{id}/mappings/{object}                 the current spec
    PUT    /v1/connections/{id}/mappings/{object}                 store the next version
    GET    /v1/connections/{id}/mappings/{object}/versions        every version
    POST   /v1/connections/{id}/mappings/{object}/preview         apply to records fetched now
    POST   /v1/connections/{id}/mappings/{object}/decisions       accept or reject a pair
    GET    /v1/custom-fields                                      the tenant's definitions
    PUT    /v1/custom-fields/{key}                                define or replace
    DELETE /v1/custom-fields/{key}
    GET    /v1/connections/{id}/custom-fields                     bindings and the ERP's places
    PUT    /v1/connections/{id}/custom-fields/{key}               bind
    DELETE /v1/connections/{id}/custom-fields/{key}               unbind

A spec that is not valid is a 422 problem whose `errors` name each rule and field, with the line
of the spec, exactly as `hub mappings check` prints them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, ValidationError, model_validator

from hub.api.deps import Reader, Rt, Writer, tenant_connection
from hub.api.problems import Problem, field_error
from hub.api.security import Caller
from hub.store import SpecVersionView
from mappings.customfields import Binding, CustomFieldDef
from mappings.spec import SpecError

router = APIRouter(tags=["mappings"])


def _spec_problem(exc: SpecError) -> Problem:
    errors = [
        {"path": p.where, "reason": p.message, **({"line": str(p.line)} if p.line else {})}
        for p in exc.problems
    ]
    return Problem(422, str(exc).splitlines()[0], errors=errors)


def _object(object_name: str) -> str:
    from canonical import OBJECTS

    if object_name not in OBJECTS:
        raise field_error(404, "object", f"unknown canonical object '{object_name}'")
    return object_name


class SpecOut(BaseModel):
    """One stored version of a spec."""

    connection_id: str
    object: str
    version: int
    spec: dict[str, Any] = Field(description="The spec as data.")
    text: str = Field(description="The spec as it was given (YAML or JSON).")
    created_by: str
    comment: str
    created_at: datetime


def _spec_out(view: SpecVersionView) -> SpecOut:
    from mappings.spec import load

    return SpecOut(
        connection_id=view.connection_id,
        object=view.object,
        version=view.version,
        spec=load(view.body).to_data(),
        text=view.body,
        created_by=view.created_by,
        comment=view.comment,
        created_at=view.created_at,
    )


class SpecIn(BaseModel):
    """A spec to store: as data (`spec`) or as YAML/JSON text (`text`)."""

    spec: dict[str, Any] | None = None
    text: str | None = None
    comment: str = Field("", max_length=2000)

    @model_validator(mode="after")
    def _one(self) -> SpecIn:
        if (self.spec is None) == (self.text is None):
            raise ValueError("give exactly one of spec (data) or text (YAML or JSON)")
        return self

    def body(self, object_name: str) -> str:
        if self.text is not None:
            return self.text
        data = dict(self.spec or {})
        data.setdefault("object", object_name)
        return json.dumps(data, indent=2, default=str)


def _who(caller: Caller) -> str:
    return f"api key {caller.key_id}"


@router.get(
    "/v1/connections/{connection_id}/mappings/{object_name}",
    summary="Show the current mapping spec",
)
def get_spec(connection_id: str, object_name: str, rt: Rt, caller: Reader) -> SpecOut:
    tenant_connection(rt, caller, connection_id)
    view = rt.store.mappings.current_spec(connection_id, _object(object_name))
    if view is None:
        raise Problem(404, f"{connection_id} has no {object_name} mapping spec")
    return _spec_out(view)


@router.put(
    "/v1/connections/{connection_id}/mappings/{object_name}",
    summary="Store the next version of a mapping spec",
    status_code=201,
)
def put_spec(connection_id: str, object_name: str, body: SpecIn, rt: Rt, caller: Writer) -> SpecOut:
    from hub.mapping import apply_spec, check_spec

    tenant_connection(rt, caller, connection_id)
    _object(object_name)
    text = body.body(object_name)
    try:
        spec = check_spec(rt.store, connection_id, text)
        if spec.object != object_name:
            raise field_error(
                422, "object", f"the spec is for {spec.object}, but the URL says {object_name}"
            )
        view = apply_spec(rt.store, connection_id, text, _who(caller), body.comment)
    except SpecError as exc:
        raise _spec_problem(exc) from None
    return _spec_out(view)


@router.get(
    "/v1/connections/{connection_id}/mappings/{object_name}/versions",
    summary="Every version of a mapping spec, newest first",
)
def spec_versions(
    connection_id: str, object_name: str, rt: Rt, caller: Reader
) -> dict[str, list[SpecOut]]:
    tenant_connection(rt, caller, connection_id)
    views = rt.store.mappings.spec_history(connection_id, _object(object_name))
    return {"data": [_spec_out(v) for v in views]}


class PreviewIn(BaseModel):
    """What to preview: the stored spec, or one given here; on how many records."""

    spec: dict[str, Any] | None = None
    text: str | None = None
    limit: int = Field(5, ge=1, le=100)


@router.post(
    "/v1/connections/{connection_id}/mappings/{object_name}/preview",
    summary="Apply a spec to records fetched from the ERP now (nothing is stored)",
)
def preview(
    connection_id: str, object_name: str, body: PreviewIn, rt: Rt, caller: Reader
) -> dict[str, Any]:
    from hub.mapping import check_spec, connection_mapping, preview_records

    tenant_connection(rt, caller, connection_id)
    _object(object_name)
    mapping = connection_mapping(rt.store, connection_id)
    if body.spec is not None or body.text is not None:
        text = SpecIn(spec=body.spec, text=body.text).body(object_name)
        try:
            spec = check_spec(rt.store, connection_id, text)
        except SpecError as exc:
            raise _spec_problem(exc) from None
        mapping.specs[object_name] = spec
    previews = preview_records(rt.connector(connection_id), mapping, object_name, body.limit)
    return {
        "data": [
            {
                "remote_id": p.remote_id,
                "raw": p.raw,
                "built_in": p.built_in,
                "mapped": p.mapped,
                "changes": {k: {"built_in": a, "mapped": b} for k, (a, b) in p.changes().items()},
                "error": p.error,
            }
            for p in previews
        ]
    }


class DecisionIn(BaseModel):
    """A reviewer's decision on a suggested pair."""

    source: str = Field(min_length=1, max_length=300)
    target: str | None = Field(None, max_length=300)
    accepted: bool


@router.post(
    "/v1/connections/{connection_id}/mappings/{object_name}/decisions",
    summary="Accept or reject a suggested mapping (an accepted pair joins the spec)",
    status_code=201,
)
def decide(
    connection_id: str, object_name: str, body: DecisionIn, rt: Rt, caller: Writer
) -> dict[str, Any]:
    from hub.mapping import record_decision

    tenant_connection(rt, caller, connection_id)
    try:
        view = record_decision(
            rt.store,
            connection_id,
            _object(object_name),
            body.source,
            body.target,
            body.accepted,
            _who(caller),
        )
    except SpecError as exc:
        raise _spec_problem(exc) from None
    return {"accepted": body.accepted, "spec": _spec_out(view) if view else None}


class SuggestIn(BaseModel):
    """Suggest canonical paths for the fields of a connection's ERP object."""

    connection_id: str
    object: str
    threshold: float | None = Field(None, ge=0, le=1)


@router.post("/v1/mappings/suggest", summary="Suggest mappings from a connection's ERP records")
def suggest(body: SuggestIn, rt: Rt, caller: Reader) -> dict[str, Any]:
    from hub.mapping import decisions_for, field_sample
    from mappings.suggest import Engine, field_list_from_sample

    view = tenant_connection(rt, caller, body.connection_id)
    _object(body.object)
    sample = field_sample(rt.connector(body.connection_id), body.object)
    if not sample:
        raise Problem(
            409, f"{body.connection_id} returned no {body.object} records to suggest from"
        )
    fields = field_list_from_sample(
        sample, system=view.erp, object_name=body.object, target_object=body.object
    )
    prior = decisions_for(
        rt.store, body.connection_id, body.object, shared=rt.settings.mapping_shared_defaults
    )
    report = Engine().suggest(fields, body.object, prior, body.threshold)
    return dict(report.model_dump(mode="json"))


# -- custom fields ------------------------------------------------------------------------------


@router.get("/v1/custom-fields", summary="The tenant's custom fields")
def list_fields(rt: Rt, caller: Reader) -> dict[str, list[CustomFieldDef]]:
    return {"data": rt.store.mappings.fields(caller.tenant_id)}


@router.put(
    "/v1/custom-fields/{key}",
    summary="Define or replace a custom field",
    responses={
        200: {"description": "Replaced: the definition as stored."},
        201: {"description": "Created: the definition as stored.", "model": CustomFieldDef},
    },
)
def put_field(
    key: str, body: dict[str, Any], rt: Rt, caller: Writer, response: Response
) -> CustomFieldDef:
    try:
        definition = CustomFieldDef.model_validate({**body, "key": key})
    except ValidationError as exc:
        errors = [
            {
                "path": ".".join(str(p) for p in e["loc"]) or "body",
                "reason": str(e["msg"]).removeprefix("Value error, "),
            }
            for e in exc.errors()
        ]
        raise Problem(422, f"custom field {key} is not valid", errors=errors) from None
    created = rt.store.mappings.define_field(caller.tenant_id, definition)
    response.status_code = 201 if created else 200
    return definition


@router.delete("/v1/custom-fields/{key}", summary="Remove a custom field and its bindings")
def delete_field(key: str, rt: Rt, caller: Writer) -> Response:
    if not rt.store.mappings.remove_field(caller.tenant_id, key):
        raise Problem(404, f"no custom field {key}")
    return Response(status_code=204)


class BindingIn(BaseModel):
    """Where the connection's ERP keeps the field."""

    place: str = Field(min_length=1, max_length=60)
    param: str | None = Field(None, max_length=200)


@router.get(
    "/v1/connections/{connection_id}/custom-fields",
    summary="The connection's custom-field bindings and its ERP's places",
)
def list_bindings(connection_id: str, rt: Rt, caller: Reader) -> dict[str, Any]:
    from hub.mapping import connector_class

    tenant_connection(rt, caller, connection_id)
    cls = connector_class(rt.store, connection_id)
    return {
        "data": [b.model_dump() for b in rt.store.mappings.bindings(connection_id)],
        "places": [
            {
                "place": p.name,
                "label": p.label,
                "holds": [
                    {"object": o, "level": lv, "path": path} for (o, lv), path in p.paths.items()
                ],
                "param": p.param,
                "example": p.example,
                "limit": p.limit,
                "description": p.description,
            }
            for p in cls.CUSTOM_FIELD_PLACES
        ],
    }


@router.put(
    "/v1/connections/{connection_id}/custom-fields/{key}",
    summary="Bind a custom field to a place of the connection's ERP",
)
def put_binding(
    connection_id: str, key: str, body: BindingIn, rt: Rt, caller: Writer
) -> dict[str, Any]:
    from hub.mapping import bind_field

    tenant_connection(rt, caller, connection_id)
    binding = Binding(key=key, place=body.place, param=body.param)
    try:
        bind_field(rt.store, connection_id, binding)
    except SpecError as exc:
        raise _spec_problem(exc) from None
    return binding.model_dump()


@router.delete(
    "/v1/connections/{connection_id}/custom-fields/{key}", summary="Unbind a custom field"
)
def delete_binding(connection_id: str, key: str, rt: Rt, caller: Writer) -> Response:
    tenant_connection(rt, caller, connection_id)
    if not rt.store.mappings.unbind(connection_id, key):
        raise Problem(404, f"{key} is not bound on {connection_id}")
    return Response(status_code=204)
