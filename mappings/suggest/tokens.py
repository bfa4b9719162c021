"""Name tokenization: split source paths into normalized word tokens.

`LineItems[].TaxAmount` -> segments `[["line", "item"], ["tax", "amount"]]` with the list marker
kept per segment; `SWIFTCode` -> `swift code`; `tax1Amt` -> `tax 1 amount`; `addr_line_1` ->
`address line 1`. Abbreviations are expanded and plurals folded so that names from different
systems meet on the same words.

Names written without word boundaries (`datedue`, `glaccountno`, `PAYMENTDATE`) are split by a
segmenter driven by the lexicon's vocabulary (`segment`): the fewest known words that spell the
whole run. A run that cannot be spelled with known words stays whole, and counts as unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mappings.suggest.lexicon import ABBREVIATIONS, SEGMENT_WORDS, STOPWORDS, SYNONYMS

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD = re.compile(r"[A-Za-z]+|\d+")


def _fold(word: str) -> str:
    """Lower-case, expand an abbreviation, fold a plural, then map a synonym to its concept."""
    w = word.lower()
    w = ABBREVIATIONS.get(w, w)
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("sses", "xes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    w = ABBREVIATIONS.get(w, w)
    return SYNONYMS.get(w, w)


_MIN_SEGMENTED = 5
"""Shortest run of one case that the segmenter tries to split (`docno`)."""


def _known(word: str) -> bool:
    return word in SEGMENT_WORDS or _fold(word) in SEGMENT_WORDS


@lru_cache(maxsize=65536)
def segment(run: str) -> tuple[str, ...]:
    """Split a run-together lower- or upper-case word into known words: `glaccountno` -> gl
    account no. The split with the fewest words wins (ties: the longer first word); a run that is
    a known word itself, or that known words cannot spell completely, comes back whole.
    """
    word = run.lower()
    if len(word) < _MIN_SEGMENTED or not word.isalpha() or _known(word):
        return (run,)
    n = len(word)
    # best[i]: (number of words, pieces) for word[:i]
    best: list[tuple[int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = (0, ())
    for i in range(1, n + 1):
        for j in range(i):
            prev = best[j]
            piece = word[j:i]
            if prev is None or not _known(piece):
                continue
            cand = (prev[0] + 1, (*prev[1], piece))
            cur = best[i]
            if cur is None or cand[0] < cur[0]:
                best[i] = cand
    done = best[n]
    if done is None or done[0] < 2:
        return (run,)
    return done[1]


def _words(chunk: str) -> list[str]:
    """camelCase pieces of one chunk, each single-case run split into words where it can be."""
    out: list[str] = []
    for piece in _CAMEL.findall(chunk):
        if piece.isdigit() or not (piece.islower() or piece.isupper() or piece[1:].islower()):
            out.append(piece)
        else:
            out.extend(segment(piece))
    return out


def _expand(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        folded = _fold(w)
        out.extend(folded.split())
    return out


@lru_cache(maxsize=65536)
def split_name(name: str) -> tuple[str, ...]:
    """Tokens of one identifier (camelCase, snake_case, kebab-case, digits), normalized."""
    raw: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        raw.extend(_words(chunk))
    return tuple(t for t in _expand(raw) if t not in STOPWORDS)


_QUALIFIER_START = frozenset({"in", "of", "for", "by", "per", "from", "at"})


@lru_cache(maxsize=65536)
def head_phrase(name: str) -> tuple[str, ...]:
    """The tokens before a qualifying preposition: `AmountInTransactionCurrency` -> `amount`.

    Empty when the name has no such preposition (or starts with one).
    """
    raw: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        raw.extend(_words(chunk))
    for i, word in enumerate(raw):
        if i and word.lower() in _QUALIFIER_START:
            return tuple(t for t in _expand(raw[:i]) if t not in STOPWORDS)
    return ()


@lru_cache(maxsize=65536)
def split_text(text: str) -> tuple[str, ...]:
    """Tokens of free text (a description), normalized, without stop words."""
    words = []
    for w in _WORD.findall(text):
        words.extend(_CAMEL.findall(w) if not w.islower() and not w.isupper() else [w])
    return tuple(t for t in _expand(words) if t not in STOPWORDS)


@dataclass(frozen=True)
class Segment:
    """One dotted segment of a source path."""

    raw: str
    tokens: tuple[str, ...]
    is_list: bool


@lru_cache(maxsize=16384)
def split_path(path: str) -> tuple[Segment, ...]:
    """Segments of a dotted source path; `[]` marks a list element (`Line[].Amount`)."""
    out: list[Segment] = []
    for part in path.split("."):
        if not part:
            continue
        is_list = part.endswith("[]")
        name = part[:-2] if is_list else part
        out.append(Segment(name, split_name(name), is_list))
    return tuple(out)


def dice(a: tuple[str, ...] | frozenset[str], b: tuple[str, ...] | frozenset[str]) -> float:
    """Dice overlap of two token sets (0 when either is empty)."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return 2.0 * len(sa & sb) / (len(sa) + len(sb))


def containment(needle: tuple[str, ...] | frozenset[str], hay: set[str] | frozenset[str]) -> float:
    """Share of `needle`'s tokens found in `hay`."""
    sn = set(needle)
    if not sn:
        return 0.0
    return len(sn & hay) / len(sn)
