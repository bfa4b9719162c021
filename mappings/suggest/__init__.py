"""Mapping suggestions: propose canonical paths for any accounting system's fields.

    from mappings.suggest import Engine, FieldList, DecisionSet, Decision
    report = Engine().suggest(FieldList.model_validate(data), "invoice")

The engine tokenizes names (camelCase, snake_case, abbreviations), reads them through a finance
lexicon, compares descriptions, types, example values and list structure, ranks the canonical
paths with a small fitted model, assigns targets one-to-one per record context, and calibrates
its confidence. Pure Python; nothing is downloaded.
"""

from mappings.suggest.decisions import Decision, DecisionSet
from mappings.suggest.engine import Engine, UnknownObjectError
from mappings.suggest.models import (
    Alternative,
    FieldList,
    FieldSpec,
    Suggestion,
    SuggestionReport,
)
from mappings.suggest.sample import field_list_from_sample

__all__ = [
    "Alternative",
    "Decision",
    "DecisionSet",
    "Engine",
    "FieldList",
    "FieldSpec",
    "Suggestion",
    "SuggestionReport",
    "UnknownObjectError",
    "field_list_from_sample",
]
