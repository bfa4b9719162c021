"""Tenant custom fields: their definitions, their validation on writes, and their ERP bindings.

A tenant declares a field once (`CustomFieldDef`: key, type, required, allowed values, the
canonical objects and the level — header or lines — it lives on). Every write is checked
against the definitions (`check_record`) with errors naming the canonical path
(`invoice.lines[0].custom_fields.cost_center`).

Each field is bound per connection to the ERP's own place for it (`Binding`). An adapter
declares the places it has (`Place`: a Xero tracking category, a NetSuite `custbody_` field, an
SAP `YY1_` field, ...), each with the ERP path pattern on each object and how many such fields
the ERP allows. A binding becomes two-way mapping rules (`binding_rules`), so the field is
written on every write and read back on every sync by the same spec machinery as any mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from canonical.catalogue import OBJECTS
from mappings.spec import MappingSpec, Rule, SpecProblem

FieldType = Literal["string", "decimal", "integer", "date", "boolean"]
Level = Literal["header", "line"]
KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
LINE_OBJECTS = {"invoice": "lines", "journal_entry": "lines"}
"""Canonical objects that have lines, and the list that holds them."""


class CustomFieldDef(BaseModel):
    """One tenant custom field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="snake_case key under custom_fields, e.g. cost_center")
    label: str = ""
    type: FieldType = "string"
    required: bool = False
    allowed: tuple[str, ...] = Field((), description="The only values accepted, when given.")
    objects: tuple[str, ...] = Field(("invoice",), min_length=1)
    level: Level = "header"
    description: str = ""

    @model_validator(mode="after")
    def _valid(self) -> CustomFieldDef:
        if not KEY.match(self.key):
            raise ValueError(
                f"key '{self.key}' must be snake_case: a lower-case letter, then letters, "
                "digits or _ (at most 63)"
            )
        unknown = [o for o in self.objects if o not in OBJECTS]
        if unknown:
            raise ValueError(
                f"unknown canonical object(s) {', '.join(unknown)} (known: {', '.join(OBJECTS)})"
            )
        if self.level == "line":
            flat = [o for o in self.objects if o not in LINE_OBJECTS]
            if flat:
                raise ValueError(
                    f"{', '.join(flat)} has no lines: a line field fits {', '.join(LINE_OBJECTS)}"
                )
        if self.allowed and self.type not in ("string", "integer", "decimal"):
            raise ValueError(
                f"allowed values need type string, integer or decimal, not {self.type}"
            )
        return self

    def paths(self, object_name: str) -> str:
        """The canonical path of the field on `object_name` (`lines[].custom_fields.x`)."""
        if self.level == "line":
            return f"{LINE_OBJECTS[object_name]}[].custom_fields.{self.key}"
        return f"custom_fields.{self.key}"


@dataclass(frozen=True)
class FieldIssue:
    """A custom-field value that a write may not carry: the canonical path and the reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _type_issue(value: Any, kind: FieldType) -> str | None:
    if value is None:
        return None
    ok = {
        "string": isinstance(value, str),
        "decimal": isinstance(value, Decimal | int) and not isinstance(value, bool),
        "integer": (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, Decimal) and value == value.to_integral_value()),
        "date": isinstance(value, date),
        "boolean": isinstance(value, bool),
    }[kind]
    return None if ok else f"must be a {kind}, not {type(value).__name__} {value!r}"


def check_record(
    definitions: Iterable[CustomFieldDef], object_name: str, data: Mapping[str, Any]
) -> list[FieldIssue]:
    """Every custom-field problem of one canonical record (as data) against the definitions."""
    issues: list[FieldIssue] = []
    for d in definitions:
        if object_name not in d.objects:
            continue
        if d.level == "header":
            holders = [(object_name, data)]
        else:
            lines = data.get(LINE_OBJECTS[object_name]) or []
            holders = [
                (f"{object_name}.{LINE_OBJECTS[object_name]}[{i}]", line)
                for i, line in enumerate(lines)
                if isinstance(line, Mapping)
            ]
        for where, holder in holders:
            values = holder.get("custom_fields") or {}
            path = f"{where}.custom_fields.{d.key}"
            value = values.get(d.key)
            if value is None or value == "":
                if d.required:
                    issues.append(FieldIssue(path, f"is required ({d.label or d.key})"))
                continue
            problem = _type_issue(value, d.type)
            if problem:
                issues.append(FieldIssue(path, problem))
            elif d.allowed and str(value) not in d.allowed:
                issues.append(
                    FieldIssue(path, f"{value!r} is not allowed (allowed: {', '.join(d.allowed)})")
                )
    return issues


# -- places and bindings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where an ERP keeps a custom value, declared by its adapter.

    `paths` gives, per canonical object and level, the ERP path pattern; `{param}` in it is
    replaced by what the binding names (a tracking category, a field id). `param_pattern` says
    what a valid name looks like; `limit` how many fields the ERP allows in this place per
    organisation, with `limit_reason` saying why.
    """

    name: str
    label: str
    paths: Mapping[tuple[str, Level], str]
    param: str | None = None
    param_pattern: str | None = None
    example: str | None = None
    limit: int | None = None
    limit_reason: str = ""
    description: str = ""
    prefixes: tuple[str, ...] = ()
    """Field-name prefixes the ERP keeps open for custom fields (`custbody_`), for spec checks."""
    example_value: str | None = None
    """A value the ERP's sandbox accepts in this place (the demo writes it)."""
    write_paths: Mapping[tuple[str, Level], str] = field(default_factory=dict)
    """Where writes put the value, when the ERP's write body differs from what it reads."""

    def levels(self, object_name: str) -> list[Level]:
        return [level for (obj, level) in self.paths if obj == object_name]

    def path(self, object_name: str, level: Level, param: str | None) -> str | None:
        """The ERP path the value is read from."""
        pattern = self.paths.get((object_name, level))
        if pattern is None:
            return None
        return pattern.replace("{param}", param or "")

    def paths_for_writes(self, object_name: str, level: Level, param: str | None) -> str | None:
        """The ERP path a write puts the value at."""
        pattern = self.write_paths.get((object_name, level)) or self.paths.get((object_name, level))
        return None if pattern is None else pattern.replace("{param}", param or "")


class Binding(BaseModel):
    """A custom field bound to one place of one connection's ERP."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    place: str
    param: str | None = None


@dataclass
class BindingCheck:
    """The outcome of checking a binding; `problems` is empty when it can be stored."""

    problems: list[SpecProblem] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(SpecProblem(where, message))


def check_binding(
    definition: CustomFieldDef,
    binding: Binding,
    places: Sequence[Place],
    existing: Iterable[Binding],
    erp: str,
) -> list[SpecProblem]:
    """Why `binding` cannot be stored for `definition` (empty when it can)."""
    found = BindingCheck()
    place = next((p for p in places if p.name == binding.place), None)
    if place is None:
        known = ", ".join(p.name for p in places) or "none"
        found.add("place", f"{erp} has no custom-field place '{binding.place}' (places: {known})")
        return found.problems
    if place.param and not binding.param:
        found.add(
            "param", f"the {place.label} place needs the {place.param} (e.g. {place.example})"
        )
    if (
        binding.param
        and place.param_pattern
        and not re.fullmatch(place.param_pattern, binding.param)
    ):
        found.add(
            "param",
            f"'{binding.param}' is not a valid {place.param} for {erp} "
            f"(expected {place.param_pattern})",
        )
    # The place must hold the field on at least one of its objects; it is carried on those.
    if not any((obj, definition.level) in place.paths for obj in definition.objects):
        levels = ", ".join(f"{o} {lv}" for (o, lv) in place.paths) or "nothing"
        found.add(
            "place",
            f"{erp}'s {place.label} cannot hold a {definition.level} field of "
            f"{', '.join(definition.objects)} (it holds: {levels})",
        )
    others = [b for b in existing if b.place == place.name and b.key != binding.key]
    if place.limit is not None:
        params = {b.param for b in others}
        if binding.param not in params and len(params) >= place.limit:
            used = ", ".join(sorted(f"{b.key} ({b.param})" for b in others))
            found.add(
                "place",
                f"{erp} allows at most {place.limit} {place.label} field(s) and "
                f"{len(params)} are bound already: {used}. {place.limit_reason}".rstrip(),
            )
    clash = [b for b in others if b.param == binding.param and (binding.param or not place.param)]
    if clash:
        found.add(
            "place",
            f"{place.label} {binding.param or ''} already holds custom field "
            f"'{clash[0].key}'".replace("  ", " "),
        )
    return found.problems


def binding_rules(
    definitions: Iterable[CustomFieldDef],
    bindings: Iterable[Binding],
    places: Sequence[Place],
    object_name: str,
) -> list[Rule]:
    """The two-way rules that carry each bound field of `object_name` to and from the ERP."""
    by_key = {d.key: d for d in definitions}
    by_name = {p.name: p for p in places}
    rules: list[Rule] = []
    for b in bindings:
        d = by_key.get(b.key)
        place = by_name.get(b.place)
        if d is None or place is None or object_name not in d.objects:
            continue
        source = place.path(object_name, d.level, b.param)
        if source is None:
            continue
        kind = d.type if d.type != "string" else None
        written = place.paths_for_writes(object_name, d.level, b.param)
        rules.append(
            Rule(
                target=d.paths(object_name),
                source=source,
                type=kind,
                write_source=written if written != source else None,
            )
        )
    return rules


def with_bindings(
    spec: MappingSpec | None, rules: Sequence[Rule], object_name: str
) -> MappingSpec | None:
    """The connection's spec for `object_name` extended with its custom-field rules."""
    if not rules:
        return spec
    base = spec or MappingSpec(object=object_name)
    return base.with_rules(rules)
