"""The engine's input and output, as pydantic models (the JSON the CLI reads and writes)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FieldSpec(BaseModel):
    """One field of a source system's object: dotted path (`[]` for list elements) and hints."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    path: str = Field(min_length=1, description="Dotted path, `[]` for list elements.")
    type: str = Field(default="", description="The system's type name (string, Edm.Decimal...).")
    description: str = Field(default="", description="The system's description; may be empty.")
    examples: list[Any] = Field(default_factory=list, description="Example values; may be empty.")

    @field_validator("type", "description", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value


class FieldList(BaseModel):
    """The field list of one object of an accounting system, to be mapped onto `target_object`."""

    model_config = ConfigDict(extra="ignore")

    system: str = ""
    object: str = ""
    target_object: str | None = None
    fields: list[FieldSpec]


class Alternative(BaseModel):
    """A weaker candidate for the same source field."""

    target: str | None
    confidence: float


class Suggestion(BaseModel):
    """The engine's proposal for one source field; `target` None means no canonical counterpart."""

    source: str
    target: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    alternatives: list[Alternative] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)


class SuggestionReport(BaseModel):
    """All proposals for one object, one per source field, in input order."""

    object: str
    suggestions: list[Suggestion]
