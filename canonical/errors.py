"""Validation errors that name the canonical path of each field and say what is wrong with it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this object",
}


@dataclass(frozen=True)
class Violation:
    """One thing wrong with a document: the canonical path, the reason and a machine code."""

    path: str
    reason: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def loc_to_path(object_name: str, loc: Sequence[int | str]) -> str:
    """`("lines", 2, "net_amount")` of an invoice becomes `invoice.lines[2].net_amount`."""
    path = object_name
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("function-") or part.endswith("]"):
            continue  # pydantic's names for validator steps and union members, not fields
        else:
            path += f".{part}"
    return path


class CanonicalValidationError(ValueError):
    """A document broke the contract; `violations` lists every problem, each with its path."""

    def __init__(self, object_name: str, violations: Iterable[Violation]) -> None:
        self.object_name = object_name
        self.violations = tuple(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        count = len(self.violations)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{object_name} is not valid ({count} {noun}):\n{lines}")

    @classmethod
    def from_pydantic(cls, object_name: str, exc: ValidationError) -> CanonicalValidationError:
        """Translate pydantic's errors into violations with canonical paths."""
        violations = []
        for err in exc.errors(include_url=False):
            reason = _REASONS.get(err["type"], err["msg"])
            quoted = repr(err.get("input")) in err["msg"]
            if err["type"] == "enum" and err["msg"].startswith("Input should be "):
                allowed = err["msg"].removeprefix("Input should be ")
                reason = f"{err['input']!r} is not one of {allowed}"
            elif err["type"] == "value_error":
                reason = err["msg"].removeprefix("Value error, ")
            elif err["type"] == "string_pattern_mismatch" and "\x00" in str(err.get("input")):
                reason = "contains U+0000 (NUL), which is not text"
            elif err["type"] in {"int_type", "bool_type"} and isinstance(err.get("input"), bool):
                reason = f"expected a whole number, got {err['input']!r}"
            elif err["type"].endswith("_parsing") and not quoted:
                reason = f"{err['msg']} (got {err['input']!r})"
            violations.append(Violation(loc_to_path(object_name, err["loc"]), reason, err["type"]))
        return cls(object_name, violations)

    def as_dicts(self) -> list[dict[str, str]]:
        """The violations as JSON-ready dicts `{path, reason, code}`."""
        return [{"path": v.path, "reason": v.reason, "code": v.code} for v in self.violations]
