"""Mapping specs: declarative rules from ERP fields to canonical paths, per connection and object.

A spec is YAML or JSON:

    object: invoice
    rules:
      - target: custom_fields.po_number          # canonical path (the object's name optional)
        source: Reference                        # ERP path: a.b, List[].x, List[Key=Value].x
      - target: lines[].dimensions.cost_center
        source: LineItems[].Tracking[Name=Region].Option
        lookup: {North: CC-100, South: CC-200}   # ERP value -> canonical value
      - target: custom_fields.approved_on
        source: Approval.Date
        type: date
        date_format: "%d/%m/%Y"
      - target: custom_fields.channel
        expr: "Contact.ContactGroups[0].Name"    # JMESPath over the ERP record (reads only)
        when: "Type == 'ACCREC'"                 # JMESPath condition; the rule applies when true

Each rule takes its value from exactly one of `source`, `sources` (joined by `separator`),
`expr` (a JMESPath expression) or `constant`, then: `split` (take part N after splitting by
`separator`), `lookup` (a table; `on_unknown: error|keep|default`), `type` with `date_format` or
`decimal` (separators and scale), and `default` when nothing is found. `direction` (read, write
or both) says where it applies; a rule whose transforms cannot be inverted (expr, constant,
split, a many-to-one lookup) is read-only, and asking for it on writes is an error.

Expressions are JMESPath (the `jmespath` library): a maintained, side-effect-free query language
with a specification and compliance tests, which reads the nested JSON ERPs return and cannot
run code. Nothing in a spec is ever passed to `eval`.

Validation (`load` and `check`) reports every problem at once, each with the line of the spec,
the rule and the field, and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import jmespath
import yaml
from jmespath.exceptions import JMESPathError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from canonical.catalogue import OBJECTS, lookup
from mappings.paths import Path, PathError, parse

ValueType = Literal["string", "decimal", "integer", "date", "datetime", "boolean"]
Direction = Literal["read", "write", "both"]
SPEC_FORMAT: Literal[1] = 1


class DecimalFormat(BaseModel):
    """How an ERP writes a number as text: `1.234,50` is decimal_point ',' and group '.'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decimal_point: str = Field(".", min_length=1, max_length=1)
    group: str = Field("", max_length=1)
    scale: int | None = Field(None, ge=0, le=12, description="Digits after the point on writes.")


class Rule(BaseModel):
    """One binding of an ERP value to a canonical path."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str
    source: str | None = None
    sources: tuple[str, ...] | None = None
    expr: str | None = None
    constant: str | int | bool | Decimal | None = None
    separator: str = " "
    split: int | None = Field(None, ge=0)
    lookup: dict[str, str] | None = None
    on_unknown: Literal["error", "keep", "default"] = "error"
    type: ValueType | None = None
    date_format: str | None = None
    decimal: DecimalFormat | None = None
    default: str | int | bool | Decimal | None = None
    when: str | None = None
    direction: Direction = "both"
    write_source: str | None = None
    """The ERP path written on writes when it differs from `source` (OData V2 deep inserts
    take `Items[]` where reads answer `Items.results[]`)."""

    @model_validator(mode="after")
    def _one_origin(self) -> Rule:
        given = [
            name
            for name in ("source", "sources", "expr", "constant")
            if name in self.model_fields_set and getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a rule takes its value from exactly one of source, sources, expr or constant"
                + (f" (it has {', '.join(given)})" if given else "")
            )
        if self.date_format and self.type not in ("date", "datetime"):
            raise ValueError("date_format needs type: date or datetime")
        if self.decimal and self.type != "decimal":
            raise ValueError("decimal needs type: decimal")
        if self.sources is not None and len(self.sources) < 2:
            raise ValueError("sources needs at least two ERP paths (use source for one)")
        if self.write_source is not None and self.source is None:
            raise ValueError("write_source goes with source")
        return self

    @property
    def invertible(self) -> bool:
        """True when a write can run this rule backwards (canonical value -> ERP field)."""
        if self.expr is not None or self.constant is not None or self.split is not None:
            return False
        if self.lookup is not None:
            return len(set(self.lookup.values())) == len(self.lookup)
        return True

    @property
    def reads(self) -> bool:
        return self.direction in ("read", "both")

    @property
    def writes(self) -> bool:
        return self.direction in ("write", "both") and self.invertible

    def origins(self) -> tuple[str, ...]:
        """The ERP paths the rule reads."""
        if self.source is not None:
            return (self.source,)
        return self.sources or ()

    def written(self) -> str | None:
        """The ERP path a write sets (for `source` rules)."""
        return self.write_source or self.source


class MappingSpec(BaseModel):
    """A versioned set of rules for one canonical object of one connection."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = SPEC_FORMAT
    object: str
    description: str = ""
    rules: tuple[Rule, ...] = ()

    def read_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.reads]

    def write_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.writes]

    def with_rules(self, extra: Iterable[Rule]) -> MappingSpec:
        """This spec plus `extra`; a rule for a target already bound replaces the older one."""
        merged: dict[str, Rule] = {r.target: r for r in self.rules}
        for rule in extra:
            merged.pop(rule.target, None)
            merged[rule.target] = rule
        return self.model_copy(update={"rules": tuple(merged.values())})

    def to_data(self) -> dict[str, Any]:
        """Plain data (what `dump` writes), without defaults."""
        data: dict[str, Any] = {"format": SPEC_FORMAT}
        data.update(self.model_dump(mode="python", exclude_defaults=True))
        data["object"] = self.object
        return data


@dataclass(frozen=True)
class SpecProblem:
    """One thing wrong with a spec: where (line, rule field) and why."""

    where: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        at = f"line {self.line}: " if self.line else ""
        return f"{at}{self.where}: {self.message}"


class SpecError(ValueError):
    """A spec that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[SpecProblem], source: str = "spec") -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source} has {len(problems)} problem(s):\n{lines}")

    def as_list(self) -> list[dict[str, Any]]:
        """For problem+json and `--json` output."""
        return [{"line": p.line, "where": p.where, "message": p.message} for p in self.problems]


@dataclass(frozen=True)
class FieldCatalogue:
    """The fields an adapter knows for one canonical object: ERP paths in `[]` spelling."""

    erp: str
    paths: frozenset[str] = field(default_factory=frozenset)
    open_prefixes: tuple[str, ...] = ()

    def knows(self, path: Path) -> bool:
        """True when the path (selectors read as `[]`) is a known field or under an open prefix."""
        text = ".".join(
            f"{s.name}[]" if (s.each or s.key is not None) else s.name for s in path.steps
        )
        if text in self.paths or not self.paths:
            return True
        bare = text.replace("[]", "")
        return any(bare.startswith(p) or text.startswith(p) for p in self.open_prefixes)


# -- loading -------------------------------------------------------------------------------------


class _Lines:
    """Line numbers of a YAML/JSON document's nodes, by location (`rules.2.target`)."""

    def __init__(self) -> None:
        self.at: dict[tuple[str | int, ...], int] = {}

    def walk(self, node: yaml.Node, loc: tuple[str | int, ...]) -> None:
        self.at[loc] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
                self.at[(*loc, name)] = key.start_mark.line + 1
                self.walk(value, (*loc, name))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, (*loc, i))

    def line(self, loc: tuple[str | int, ...]) -> int | None:
        while loc:
            if loc in self.at:
                return self.at[loc]
            loc = loc[:-1]
        return self.at.get(())


class _DecimalLoader(yaml.SafeLoader):
    """YAML with numbers that have a point read as Decimal, never float."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _where(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "spec"


def load(
    text: str, *, source: str = "spec", catalogue: FieldCatalogue | None = None
) -> MappingSpec:
    """Parse and validate a YAML or JSON spec; raises SpecError naming each line and path."""
    lines = _Lines()
    try:
        node = yaml.compose(text, Loader=_DecimalLoader)
        data = yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SpecError(
            [SpecProblem("spec", f"not valid YAML or JSON: {exc}", line)], source
        ) from exc
    if node is not None:
        lines.walk(node, ())
    if not isinstance(data, dict):
        raise SpecError([SpecProblem("spec", "must be a mapping with object and rules", 1)], source)
    problems: list[SpecProblem] = []

    def invalid(exc: ValidationError, prefix: tuple[str | int, ...]) -> None:
        for e in exc.errors():
            loc = (*prefix, *e["loc"])
            problems.append(SpecProblem(_where(loc), _message(e), lines.line(loc)))

    raw_rules = data.get("rules") if isinstance(data.get("rules"), list) else None
    try:
        head = MappingSpec.model_validate(data if raw_rules is None else {**data, "rules": []})
    except ValidationError as exc:
        invalid(exc, ())
        head = None
    rules: list[tuple[int, Rule]] = []
    for i, raw in enumerate(raw_rules or []):
        try:
            rules.append((i, Rule.model_validate(raw)))
        except ValidationError as exc:
            invalid(exc, ("rules", i))
    if head is not None:
        for p in check_rules(head.object, rules, catalogue):
            problems.append(SpecProblem(p.where, p.message, lines.line(_loc(p.where))))
    if problems or head is None:
        problems.sort(key=lambda p: p.line or 0)
        raise SpecError(problems, source)
    return head.model_copy(update={"rules": tuple(r for _, r in rules)})


def spec_object(text: str) -> str | None:
    """The `object` a spec names, or None when the text does not say (no validation)."""
    try:
        data = yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return None
    found = data.get("object") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


def _loc(where: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for part in where.replace("]", "").replace("[", ".").split("."):
        if part:
            out.append(int(part) if part.isdigit() else part)
    return tuple(out)


def _message(error: Mapping[str, Any]) -> str:
    msg = str(error["msg"])
    return msg.removeprefix("Value error, ")


def from_data(data: Mapping[str, Any], *, catalogue: FieldCatalogue | None = None) -> MappingSpec:
    """Validate a spec given as data (the API's JSON body); raises SpecError."""
    return load(json.dumps(data, default=str), catalogue=catalogue)


def dump(spec: MappingSpec) -> str:
    """The spec as YAML, decimals exact."""
    return yaml.dump(spec.to_data(), Dumper=_DecimalDumper, sort_keys=False, allow_unicode=True)


class _DecimalDumper(yaml.SafeDumper):
    """Writes Decimal as its exact text."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))


_DecimalDumper.add_representer(Decimal, _represent_decimal)


# -- checking ------------------------------------------------------------------------------------


def check(spec: MappingSpec, catalogue: FieldCatalogue | None = None) -> list[SpecProblem]:
    """Every problem with a parsed spec against the canonical and the adapter's catalogues."""
    return check_rules(spec.object, list(enumerate(spec.rules)), catalogue)


def check_rules(
    object_name: str, rules: list[tuple[int, Rule]], catalogue: FieldCatalogue | None = None
) -> list[SpecProblem]:
    """Every problem with the rules (numbered as in the spec) of a spec for `object_name`."""
    problems: list[SpecProblem] = []
    if object_name not in OBJECTS:
        known = ", ".join(OBJECTS)
        return [SpecProblem("object", f"unknown canonical object '{object_name}' (known: {known})")]
    seen: dict[str, int] = {}
    for i, rule in rules:
        where = f"rules[{i}]"
        problems.extend(_check_target(object_name, rule, where))
        if rule.target in seen:
            problems.append(
                SpecProblem(
                    f"{where}.target",
                    f"'{rule.target}' is already bound by rules[{seen[rule.target]}]",
                )
            )
        seen.setdefault(rule.target, i)
        for n, origin in enumerate(rule.origins()):
            name = "source" if rule.source is not None else f"sources[{n}]"
            try:
                path = parse(origin)
            except PathError as exc:
                problems.append(SpecProblem(f"{where}.{name}", str(exc)))
                continue
            if catalogue is not None and not catalogue.knows(path):
                problems.append(
                    SpecProblem(
                        f"{where}.{name}",
                        f"'{origin}' is not a field {catalogue.erp} has on {object_name}",
                    )
                )
        if rule.write_source is not None:
            try:
                written = parse(rule.write_source)
                if rule.source is not None and written.levels != parse(rule.source).levels:
                    problems.append(
                        SpecProblem(
                            f"{where}.write_source",
                            f"'{rule.write_source}' must have as many list levels ([]) as "
                            f"'{rule.source}'",
                        )
                    )
            except PathError as exc:
                problems.append(SpecProblem(f"{where}.write_source", str(exc)))
        for name in ("expr", "when"):
            text = getattr(rule, name)
            if text is not None:
                try:
                    jmespath.compile(text)
                except JMESPathError as exc:
                    problems.append(
                        SpecProblem(f"{where}.{name}", f"not a JMESPath expression: {exc}")
                    )
        if rule.direction == "write" and not rule.invertible:
            problems.append(
                SpecProblem(
                    f"{where}.direction",
                    "this rule cannot run on writes (expr, constant, split and many-to-one "
                    "lookups have no inverse): use direction: read",
                )
            )
    return problems


def _check_target(object_name: str, rule: Rule, where: str) -> list[SpecProblem]:
    try:
        path = parse(rule.target, object_name=object_name)
    except PathError as exc:
        return [SpecProblem(f"{where}.target", str(exc))]
    if any(s.key is not None for s in path.steps):
        return [
            SpecProblem(f"{where}.target", "a canonical path takes [] for lists, not [Key=Value]")
        ]
    text = object_name + "." + ".".join(str(s) for s in path.steps)
    info = lookup(text)
    if info is None:
        return [
            SpecProblem(
                f"{where}.target",
                f"'{rule.target}' is not a canonical path of {object_name} "
                f"(see `hub schema paths --object {object_name}`)",
            )
        ]
    if info.read_only:
        return [SpecProblem(f"{where}.target", f"'{rule.target}' is computed by the hub")]
    if info.type in ("list", "object", "map"):
        return [SpecProblem(f"{where}.target", f"'{rule.target}' is a {info.type}, not a value")]
    levels = path.levels
    for n, origin in enumerate(rule.origins()):
        try:
            source_levels = parse(origin).levels
        except PathError:
            continue
        if source_levels != levels:
            name = "source" if rule.source is not None else f"sources[{n}]"
            return [
                SpecProblem(
                    f"{where}.{name}",
                    f"'{origin}' has {source_levels} list level(s) ([]) but the target "
                    f"'{rule.target}' has {levels}: element i maps to element i",
                )
            ]
    return []
