"""The base of every canonical model: frozen, no unknown fields, invariants checked together.

A record's invariants run even when some of its fields are malformed, so a document's every
problem is reported at once: pydantic's field errors and the contract's cross-field rules land in
one `ValidationError`, each located at the field it concerns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, Rounded, localcontext
from functools import partial
from typing import Any, ClassVar, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from canonical.errors import CanonicalValidationError
from canonical.ids import check_id, id_for
from canonical.jsonio import ExactJsonModel
from canonical.money import exact_arithmetic, fits_minor_units, is_currency, minor_units
from canonical.types import MAX_MAGNITUDE, MIN_MAGNITUDE, CustomValue, Kind, UtcDatetime, to_decimal

Loc = tuple[int | str, ...]

_EXACT_SUM = Context(prec=100, traps=[Rounded])
"""A sum that would lose a digit raises instead."""


@dataclass(frozen=True)
class Breach:
    """An invariant broken at `loc` (relative to the record), with a reason in finance words."""

    loc: Loc
    reason: str


def _attribute(model: BaseModel, key: str) -> Any:
    return getattr(model, key, None)


class Doc:
    """A tolerant read-only view of a document for invariant checks.

    It reads validated records (attributes, without dumping them) and raw input (mappings)
    alike; a value that cannot be read as the wanted type reads as None, and the checks that
    need it are skipped (pydantic reports the value itself).
    """

    __slots__ = ("raw",)

    def __init__(self, data: Mapping[str, Any] | BaseModel) -> None:
        self.raw: Callable[[str], Any]
        """The value at `key` as given (None when absent)."""
        if isinstance(data, BaseModel):
            self.raw = partial(_attribute, data)
        else:
            self.raw = data.get

    def dec(self, key: str) -> Decimal | None:
        """The value as a Decimal, or None."""
        value = self.raw(key)
        if type(value) is Decimal:  # a validated amount: the common case, decided at once
            return value if value.is_finite() else None
        return as_decimal(value)

    def day(self, key: str) -> date | None:
        """The value as a date, or None."""
        value = self.raw(key)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
        return None

    def text(self, key: str) -> str | None:
        """The value as a string (enums give their value), or None."""
        value = self.raw(key)
        if isinstance(value, str):
            return str(value)
        return None

    def items(self, key: str) -> list[Doc]:
        """The list at `key` as Docs; elements that are not documents read as empty."""
        value = self.raw(key)
        if not isinstance(value, list | tuple):
            return []
        return [Doc(v if isinstance(v, Mapping | BaseModel) else {}) for v in value]


def reference_breach(
    loc: Loc, value: str | None, prefixes: tuple[str, ...], what: str
) -> Breach | None:
    """A Breach when `value` is not the hub id of `what` (one of `prefixes`), else None."""
    if not value:
        return None
    for prefix in prefixes:
        try:
            check_id(value, prefix)
        except ValueError:
            continue
        return None
    kinds = " or ".join(f"{p}_..." for p in prefixes)
    return Breach(loc, f"'{value}' is not the hub id of {what} ({kinds})")


def as_decimal(value: Any) -> Decimal | None:
    """Read Decimal, int or a decimal string exactly, as the money fields would; anything they
    refuse (float, blanks, out of range) is None, so a derived sum never overflows."""
    if (
        type(value) is Decimal
        and value.is_finite()
        and MIN_MAGNITUDE <= value.adjusted() < MAX_MAGNITUDE
    ):
        return value  # the common case, decided at once
    try:
        return to_decimal(value)
    except PydanticCustomError:
        return None


def _is_money(annotation: Any, metadata: list[Any]) -> bool:
    return any(isinstance(m, Kind) and m.name == "money" for m in metadata) or any(
        isinstance(m, Kind) and m.name == "money" for m in getattr(annotation, "__metadata__", ())
    )


def _nested_model(annotation: Any) -> type[CanonicalModel] | None:
    """The model class inside `list[Model]` (or `Model | None`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, CanonicalModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


class CanonicalModel(ExactJsonModel):
    """Frozen, unknown fields refused; JSON numbers read exactly as Decimal."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False)

    @classmethod
    def money_plan(cls) -> tuple[tuple[str, bool, type[CanonicalModel] | None], ...]:
        """Per field: its name, whether it is money, and the model of its list elements."""
        plan = cls.__dict__.get("_money_plan")
        if plan is None:
            plan = tuple(
                (
                    name,
                    _is_money(field.annotation, field.metadata),
                    _nested_model(field.annotation),
                )
                for name, field in cls.model_fields.items()
            )
            plan = tuple(p for p in plan if p[1] or p[2] is not None)
            type.__setattr__(cls, "_money_plan", plan)
        return plan

    @classmethod
    def money_within(cls, model: CanonicalModel, places: int) -> bool:
        """True when no money value of a validated `model` has digits beyond `places`.

        Decided in one exact sum: a sum's exponent is the smallest of its terms' (the decimal
        standard), so one exponent speaks for every amount. A False only means some amount
        needs the full check (`1.500` has three places yet fits USD; a sum too long to be
        exact is not trusted).
        """
        amounts: list[Decimal] = []
        cls._collect_money(model, amounts)
        try:
            with localcontext(_EXACT_SUM):
                total = sum(amounts, Decimal(0))
        except Rounded:
            return False
        exponent = total.as_tuple().exponent
        return isinstance(exponent, int) and exponent >= -places

    @classmethod
    def _collect_money(cls, model: CanonicalModel, into: list[Decimal]) -> None:
        plan = cls.__dict__.get("_money_getters")
        if plan is None:
            names = tuple(name for name, is_money, _ in cls.money_plan() if is_money)
            nested = tuple((name, sub) for name, _, sub in cls.money_plan() if sub is not None)
            plan = (names, nested)
            type.__setattr__(cls, "_money_getters", plan)
        names, nested = plan
        for name in names:
            value = getattr(model, name)
            if value is not None:
                into.append(value)
        for name, sub in nested:
            value = getattr(model, name)
            if value is None:
                continue
            for item in value if isinstance(value, list | tuple) else (value,):
                sub._collect_money(item, into)

    @classmethod
    def money_locs(cls, doc: Doc, prefix: Loc = ()) -> Iterator[tuple[Loc, Decimal]]:
        """Every money value of the document with its location."""
        for name, is_money, nested in cls.money_plan():
            if is_money:
                value = doc.dec(name)
                if value is not None:
                    yield (*prefix, name), value
            elif nested is not None:
                for i, item in enumerate(doc.items(name)):
                    yield from nested.money_locs(item, (*prefix, name, i))


class Record(CanonicalModel):
    """Fields every canonical record has, and the machinery that checks the record's invariants."""

    OBJECT: ClassVar[str] = ""
    PREFIX: ClassVar[str] = ""
    GENERATED: ClassVar[frozenset[str]] = frozenset({"id"})
    """Fields filled in when left out of the input (so not required on input)."""

    id: str = Field(description="Hub id, stable for the record's life.")
    connection_id: str | None = Field(
        None, description="The ERP connection (tenant, ERP, organisation) the record belongs to."
    )
    remote_id: str | None = Field(None, description="The ERP's own id of the record.")
    remote_updated_at: UtcDatetime | None = Field(
        None, description="When the ERP last changed the record (the incremental-sync cursor)."
    )
    remote_deleted: bool = Field(
        False, description="True once the ERP deleted, archived or voided the record."
    )
    custom_fields: dict[str, CustomValue] = Field(
        default_factory=dict,
        description="Tenant-defined attributes such as GL code, cost center or project id.",
    )
    remote_data: dict[str, Any] | None = Field(
        None, description="The raw ERP payload, returned only when asked for.", repr=False
    )
    created_at: UtcDatetime | None = Field(
        None, description="When the hub first stored the record."
    )
    updated_at: UtcDatetime | None = Field(
        None, description="When the hub last changed the record."
    )
    version: int = Field(
        1, ge=1, description="Increments on every change (optimistic concurrency)."
    )

    @field_validator("id")
    @classmethod
    def _check_prefix(cls, value: str) -> str:
        return check_id(value, cls.PREFIX)

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        """Fill what can be derived from the input (a new id, computed totals) before validation."""
        if "id" not in data:
            data["id"] = id_for(cls.OBJECT)
        return data

    @classmethod
    def invariants(cls, doc: Doc) -> Iterator[Breach]:
        """The contract's cross-field rules; each broken rule yields a Breach."""
        return iter(())

    @classmethod
    def _minor_unit_breaches(cls, doc: Doc, record: Record | None = None) -> Iterator[Breach]:
        currency = doc.text("currency")
        if currency is None or not is_currency(currency):
            return
        places = minor_units(currency)
        if record is not None and cls.money_within(record, places):
            return  # the common case: every amount of a valid record has few enough digits
        for loc, value in cls.money_locs(doc):
            if fits_minor_units(value, currency):
                continue
            if places == 0:
                reason = f"{value} is not a whole amount: {currency} has no decimal places"
                yield Breach(loc, reason)
            else:
                yield Breach(
                    loc, f"{value} has more than {places} decimal places, the most {currency} has"
                )

    @model_validator(mode="wrap")
    @classmethod
    def _validate_record(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if isinstance(data, cls):
            return data
        # Sums of 30-digit amounts must not round at Python's default 28 digits.
        with exact_arithmetic():
            return cls._validate_exactly(data, handler)

    @classmethod
    def _validate_exactly(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        derived: set[str] = set()
        given_computed: dict[str, Any] = {}
        if isinstance(data, Mapping):
            given = set(data)
            data = cls.prepare(dict(data))
            derived = set(data) - given
            # Computed fields (payment.unallocated_amount) come back in a record's own JSON: take
            # them on input so a dump reads back, and check them rather than trust them.
            given_computed = {k: data.pop(k) for k in cls.model_computed_fields if k in data}
        errors: list[InitErrorDetails] = []
        record: Self | None = None
        try:
            record = handler(data)
        except ValidationError as exc:
            errors.extend(_reraisable(exc))
        doc = Doc(record if record is not None else data if isinstance(data, Mapping) else {})
        # A value the record derived itself repeats its inputs' precision: report the inputs only.
        minor = (b for b in cls._minor_unit_breaches(doc, record) if b.loc[0] not in derived)
        breaches = [*minor, *cls.invariants(doc)]
        if record is not None:
            breaches.extend(_computed_breaches(record, given_computed))
        for breach in breaches:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError("invariant", _escape(breach.reason)),
                    loc=breach.loc,
                    input=None,
                )
            )
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        assert record is not None
        return record

    @classmethod
    def parse(cls, data: Mapping[str, Any] | str | bytes) -> Self:
        """Validate a mapping or JSON text; raise CanonicalValidationError naming paths."""
        try:
            if isinstance(data, str | bytes):
                return cls.model_validate_json(data)
            return cls.model_validate(data)
        except ValidationError as exc:
            raise CanonicalValidationError.from_pydantic(cls.OBJECT, exc) from None

    def to_json_dict(self, *, include_remote_data: bool = False) -> dict[str, Any]:
        """The record as JSON-ready data (money as strings); `remote_data` only when asked for."""
        exclude = None if include_remote_data else {"remote_data"}
        return self.model_dump(mode="json", exclude=exclude)


def _computed_breaches(record: Record, given: Mapping[str, Any]) -> Iterator[Breach]:
    for name, value in given.items():
        actual = getattr(record, name)
        same = as_decimal(value) == actual if isinstance(actual, Decimal) else value == actual
        if not same:
            yield Breach((name,), f"{name} is computed as {actual}, not {value}")


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _reraisable(exc: ValidationError) -> Iterator[InitErrorDetails]:
    for err in exc.errors(include_url=False):
        yield InitErrorDetails(
            type=PydanticCustomError(err["type"], _escape(err["msg"])),
            loc=err["loc"],
            input=err.get("input"),
        )
