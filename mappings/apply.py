"""Running mapping specs: on reads (ERP record -> canonical) and on writes (canonical -> ERP).

The adapter's built-in translation runs first and stays the default; a spec overrides or
extends it. On reads `apply_read` sets canonical paths from the ERP document; on writes
`apply_write` runs each invertible rule backwards and sets the ERP fields in the payload the
adapter built. `ConnectionMapping` holds one connection's specs by object, with their versions,
and turns records.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import jmespath

from canonical import CanonicalValidationError, Record
from mappings.paths import Path, parse, put, values
from mappings.spec import DecimalFormat, MappingSpec, Rule

R = TypeVar("R", bound=Record)
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class MappingApplyError(ValueError):
    """A rule that could not run on a record: names the canonical path and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


# -- values ----------------------------------------------------------------------------------------


def cast(value: Any, rule: Rule, where: str) -> Any:
    """The ERP value as the rule's `type` says (reads)."""
    if value is None or rule.type is None:
        return value
    text = str(value).strip() if not isinstance(value, bool | Decimal | int) else value
    try:
        if rule.type == "string":
            return str(value)
        if rule.type == "decimal":
            return _parse_decimal(value, rule.decimal or DecimalFormat())
        if rule.type == "integer":
            if isinstance(value, bool):
                raise ValueError("a boolean is not an integer")
            number = Decimal(str(text))
            if number != number.to_integral_value():
                raise ValueError("has a fraction")
            return int(number)
        if rule.type == "boolean":
            if isinstance(value, bool):
                return value
            if str(text).lower() in _TRUE:
                return True
            if str(text).lower() in _FALSE:
                return False
            raise ValueError("is not true/false, yes/no or 1/0")
        if rule.type == "date":
            if isinstance(value, datetime):
                return value.astimezone(UTC).date() if value.tzinfo else value.date()
            if isinstance(value, date):
                return value
            if rule.date_format:
                parsed = datetime.strptime(str(text), rule.date_format)  # noqa: DTZ007 - a date
                return parsed.date()
            return date.fromisoformat(str(text)[:10])
        # datetime
        if isinstance(value, datetime):
            moment = value
        elif rule.date_format:
            moment = datetime.strptime(str(text), rule.date_format)  # noqa: DTZ007 - UTC below
        else:
            moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, InvalidOperation, TypeError) as exc:
        expected = rule.type + (f" in format {rule.date_format!r}" if rule.date_format else "")
        raise MappingApplyError(where, f"{value!r} is not a {expected} ({exc})") from exc


def _parse_decimal(value: Any, fmt: DecimalFormat) -> Decimal:
    if isinstance(value, float):
        raise ValueError("a float is not an exact amount")
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    text = str(value).strip()
    if fmt.group:
        text = text.replace(fmt.group, "")
    if fmt.decimal_point != ".":
        if "." in text and fmt.group != ".":
            raise ValueError(f"uses '.' but the decimal point is {fmt.decimal_point!r}")
        text = text.replace(fmt.decimal_point, ".")
    return Decimal(text)


def render(value: Any, rule: Rule) -> Any:
    """The canonical value as the ERP takes it (writes): the inverse of `cast`."""
    if value is None:
        return None
    if rule.type in ("date", "datetime") and rule.date_format and isinstance(value, date):
        return value.strftime(rule.date_format)
    if rule.type == "date" and isinstance(value, date):
        return value.isoformat()[:10]
    if rule.type == "datetime" and isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if rule.type == "decimal" and rule.decimal is not None:
        return _format_decimal(Decimal(value), rule.decimal)
    if rule.type == "string":
        return str(value)
    return value


def _format_decimal(value: Decimal, fmt: DecimalFormat) -> str:
    if fmt.scale is not None:
        value = value.quantize(Decimal(1).scaleb(-fmt.scale))
    sign, digits = ("-", -value) if value < 0 else ("", value)
    whole, _, fraction = f"{digits:f}".partition(".")
    if fmt.group:
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = fmt.group.join([whole, *groups])
    return sign + whole + (fmt.decimal_point + fraction if fraction else "")


def _lookup(value: Any, rule: Rule, where: str) -> Any:
    assert rule.lookup is not None
    key = str(value)
    if key in rule.lookup:
        return rule.lookup[key]
    if rule.on_unknown == "keep":
        return value
    if rule.on_unknown == "default":
        return None
    known = ", ".join(sorted(rule.lookup)) or "none"
    raise MappingApplyError(where, f"{value!r} is not in the lookup table (known: {known})")


def _unlookup(value: Any, rule: Rule, where: str) -> Any:
    assert rule.lookup is not None
    for erp_value, ours in rule.lookup.items():
        if str(value) == ours:
            return erp_value
    if rule.on_unknown in ("keep", "default"):
        return value if rule.on_unknown == "keep" else None
    known = ", ".join(sorted(rule.lookup.values())) or "none"
    raise MappingApplyError(
        where, f"{value!r} has no ERP value in the lookup table (known: {known})"
    )


# -- reads -----------------------------------------------------------------------------------------


def _found(
    rule: Rule, doc: Mapping[str, Any], target: Path, canonical: dict[str, Any]
) -> Iterator[tuple[tuple[int, ...], Any]]:
    if rule.source is not None:
        yield from values(doc, parse(rule.source))
    elif rule.sources is not None:
        parts = [dict(values(doc, parse(s))) for s in rule.sources]
        indexes = sorted({i for p in parts for i in p})
        for index in indexes:
            pieces = [str(p[index]) for p in parts if p.get(index) not in (None, "")]
            yield index, rule.separator.join(pieces) if pieces else None
    elif rule.expr is not None:
        result = jmespath.search(rule.expr, doc)
        if target.levels == 0:
            yield (), result
        elif target.levels == 1 and isinstance(result, list):
            yield from (((i,), v) for i, v in enumerate(result))
    else:
        for index in _element_indexes(canonical, target):
            yield index, rule.constant


def _element_indexes(doc: Mapping[str, Any], target: Path) -> list[tuple[int, ...]]:
    """The index tuples of the elements a target with `[]` steps points into (constants)."""
    if target.levels == 0:
        return [()]
    last = max(i for i, s in enumerate(target.steps) if s.each)
    prefix = Path(target.text, target.steps[: last + 1])
    return [index for index, _ in values(doc, prefix)]


def apply_read(
    spec: MappingSpec, doc: Mapping[str, Any], canonical: Mapping[str, Any]
) -> dict[str, Any]:
    """`canonical` (the built-in translation, as data) with the spec's read rules applied."""
    out = copy.deepcopy(dict(canonical))
    for rule in spec.read_rules():
        if rule.when is not None and not jmespath.search(rule.when, doc):
            continue
        target = parse(rule.target, object_name=spec.object)
        where = f"{spec.object}.{rule.target.removeprefix(spec.object + '.')}"
        found = list(_found(rule, doc, target, out))
        if not found and rule.default is not None:
            found = [(index, None) for index in _element_indexes(out, target)]
        for index, raw in found:
            value = raw
            if value is not None and rule.split is not None:
                parts = str(value).split(rule.separator)
                value = parts[rule.split] if rule.split < len(parts) else None
            if value is not None and rule.lookup is not None:
                value = _lookup(value, rule, where)
            value = cast(value, rule, where)
            if value is None:
                value = rule.default
            if value is not None:
                put(out, target, index, value)
    return out


# -- writes ----------------------------------------------------------------------------------------


def apply_write(
    spec: MappingSpec, canonical: Mapping[str, Any], payload: Mapping[str, Any]
) -> dict[str, Any]:
    """The ERP `payload` the adapter built, with the spec's rules run backwards into it."""
    out = copy.deepcopy(dict(payload))
    for rule in spec.write_rules():
        if rule.when is not None and not jmespath.search(rule.when, out):
            continue
        target = parse(rule.target, object_name=spec.object)
        where = f"{spec.object}.{rule.target.removeprefix(spec.object + '.')}"
        for index, found in list(values(canonical, target)):
            value = found
            if value is not None and rule.lookup is not None:
                value = _unlookup(value, rule, where)
            if value is None:
                continue
            value = render(value, rule)
            written = rule.written()
            if written is not None:
                put(out, parse(written), index, value)
            elif rule.sources is not None:
                parts = str(value).split(rule.separator, len(rule.sources) - 1)
                for source, part in zip(rule.sources, parts, strict=False):
                    put(out, parse(source), index, part)
    return out


# -- one connection's specs ------------------------------------------------------------------------


@dataclass
class ConnectionMapping:
    """A connection's specs by canonical object, with the version of each."""

    specs: dict[str, MappingSpec] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.specs)

    def version(self, object_name: str) -> int | None:
        """The version of the spec that shapes `object_name`, or None (built-in only)."""
        return self.versions.get(object_name)

    def field_names(self) -> set[str]:
        """The last names of every ERP path the specs read or write (`custbody_project`)."""
        out: set[str] = set()
        for spec in self.specs.values():
            for rule in spec.rules:
                for path in (*rule.origins(), rule.write_source or ""):
                    if path:
                        out.add(parse(path).steps[-1].name)
        return out

    def read(self, record: R, doc: Mapping[str, Any]) -> R:
        """The record with the object's spec applied to what the ERP sent (`doc`)."""
        spec = self.specs.get(record.OBJECT)
        if spec is None or not spec.read_rules():
            return record
        data = apply_read(spec, doc, record.model_dump(mode="python"))
        try:
            return type(record).parse(data)
        except CanonicalValidationError as exc:
            raise MappingApplyError(
                record.OBJECT,
                f"the mapping spec (version {self.version(record.OBJECT)}) "
                f"made an invalid record: {exc}",
            ) from exc

    def write(self, record: Record, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The adapter's ERP payload for `record` with the object's spec run backwards into it."""
        spec = self.specs.get(record.OBJECT)
        if spec is None or not spec.write_rules():
            return dict(payload)
        return apply_write(spec, record.model_dump(mode="python"), payload)
