"""The finance lexicon: abbreviations, synonyms and the names each canonical path goes by.

Everything in `lexicon.json` is general accounting vocabulary (what an AP clerk or an ERP
consultant calls a field), not the field names of any one system. Tokens pass through
`ABBREVIATIONS` (`amt` -> `amount`), then `SYNONYMS` folds words that mean the same thing onto one
concept (`vendor` -> `supplier`, `bill` -> `invoice`). The aliases list, per canonical path, the
phrases an accounting system may use for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_DATA: dict[str, Any] = json.loads(
    Path(__file__).with_name("lexicon.json").read_text(encoding="utf-8")
)

ABBREVIATIONS: dict[str, str] = dict(_DATA["abbreviations"])
"""Abbreviation -> word(s); an empty expansion drops the token (`e` of `e_mail`)."""

SYNONYMS: dict[str, str] = dict(_DATA["synonyms"])
"""Word -> the concept word it is folded onto."""

STOPWORDS: frozenset[str] = frozenset(_DATA["stopwords"])
"""Words without meaning for matching."""

GENERIC_LEAVES: frozenset[str] = frozenset(_DATA["generic_leaves"])
"""Leaf names that say little alone: `entity.id`, `AccountRef.value` take the parent's name."""

REFERENCE_MARKERS: frozenset[str] = frozenset(_DATA["reference_markers"])
"""Trailing words that make a field a pointer to another record (`VendorRef`, `customer_id`)."""

NULL_CUES: frozenset[str] = frozenset(_DATA["null_cues"])
"""Words that mark internal metadata, workflow flags and organisational keys (mostly unmappable)."""

SECONDARY_CURRENCY: frozenset[str] = frozenset(_DATA["secondary_currency"])
"""Qualifiers of an amount in another currency than the document's (`AmountInCoCodeCrcy`)."""

LIST_KINDS: dict[str, frozenset[str]] = {
    kind: frozenset(words) for kind, words in _DATA["list_kinds"].items()
}
"""Words that name what a list holds; the canonical list it can map to has the same kind."""

_ALIASES: dict[str, dict[str, list[str]]] = _DATA["aliases"]

SHORT_WORDS: frozenset[str] = frozenset(
    {"id", "no", "po", "gl", "to", "of", "on", "by", "at", "in"}
)
"""The only words of one or two letters the segmenter may cut out of a run-together name."""


def _segment_words() -> frozenset[str]:
    words: set[str] = set(_DATA["words"])
    for phrases in _ALIASES.values():
        for names in phrases.values():
            for phrase in names:
                words.update(phrase.lower().split())
    for key, expansion in ABBREVIATIONS.items():
        words.add(key)
        words.update(expansion.split())
    for key, concept in SYNONYMS.items():
        words.add(key)
        words.update(concept.split())
    words.update(NULL_CUES, SECONDARY_CURRENCY, GENERIC_LEAVES, REFERENCE_MARKERS, STOPWORDS)
    for kind_words in LIST_KINDS.values():
        words.update(kind_words)
    return frozenset(w for w in words if w.isalpha() and (len(w) > 2 or w in SHORT_WORDS))


SEGMENT_WORDS: frozenset[str] = _segment_words()
"""Words a run-together name (`glaccountno`, `PAYMENTDATE`) may be split into.

The lexicon's own vocabulary plus `words` (general words of accounting field names): the segmenter
only needs to find the words the engine can match; a name made of other words stays whole and
counts as unknown.
"""


def aliases(object_name: str, path: str) -> list[str]:
    """Phrases that name canonical `path` (with object prefix) in accounting systems."""
    rel = path.split(".", 1)[1] if "." in path else path
    return list(_ALIASES.get(object_name, {}).get(rel, []))
