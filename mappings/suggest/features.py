"""Candidate targets and the feature vector of each (source field, canonical path) pair.

Features are plain floats in [-1, 1]; a linear model weighs them (see `model.py`). The last
block of features belongs to the "no counterpart" option, which competes with the targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from canonical import catalogue
from mappings.suggest.lexicon import (
    GENERIC_LEAVES,
    NULL_CUES,
    REFERENCE_MARKERS,
    SECONDARY_CURRENCY,
    aliases,
)
from mappings.suggest.models import FieldSpec
from mappings.suggest.profile import profile, profile_fit
from mappings.suggest.structure import Context, normalize_type, source_context, target_context
from mappings.suggest.structure import type_fit as _type_fit
from mappings.suggest.tokens import (
    containment,
    dice,
    head_phrase,
    split_name,
    split_path,
    split_text,
)

_FEATURE_SIGNS: tuple[tuple[str, int], ...] = (
    # (name, sign): +1 can only help a target, -1 can only hurt it, 0 free.
    ("name", 1), ("name_strong", 1), ("alias_in_name", 1), ("path_cover", 1),
    ("desc_alias", 1), ("desc_strong", 1), ("desc_canonical", 1), ("type_fit", 1),
    ("profile_fit", 1), ("same_list", 1), ("flat_beside_list", -1), ("list_conflict", -1),
    ("object_key", 1), ("other_currency", -1), ("ref_to_id", 1), ("id_to_code", -1),
    ("qualified_name", -1),
    # the "no counterpart" option's own features
    ("null_bias", 0), ("null_cues", 1), ("null_list_orphan", 1), ("null_unknown_words", 1),
)  # fmt: skip

FEATURES: tuple[str, ...] = tuple(name for name, _ in _FEATURE_SIGNS)
"""Names of the feature vector's positions, in order."""

N_FEATURES = len(FEATURES)

SIGNS: tuple[int, ...] = tuple(sign for _, sign in _FEATURE_SIGNS)
"""Known direction of each feature's effect; the fit keeps it.

Prior knowledge, not tuning: a better name match never makes a target less likely, a list
conflict never makes it more likely. Holding the signs keeps the model sane on systems whose
naming differs from the training systems'.
"""

_SKIP = {"id", "connection_id", "created_at", "updated_at", "version", "remote_data"}
_CUSTOM_FIELDS = frozenset({"custom_fields", "lines[].custom_fields"})
_FLAT_KIND_WORDS = frozenset({"address", "bank"})
_KEY_WORDS = frozenset({"id", "key", "guid", "number", "internal"})
_NOISE_PREFIX = frozenset({"a", "i", "c", "to"})
_POINTER_TARGET_TYPES = frozenset({"id", "string", "currency", "country", "enum"})


@dataclass(frozen=True)
class Candidate:
    """A canonical path the engine may propose, with its prepared name material."""

    path: str
    type: str
    description: str
    alias_tokens: tuple[tuple[str, ...], ...]
    desc_tokens: frozenset[str]
    list_kind: str | None
    list_depth: int


@lru_cache(maxsize=32)
def candidates(object_name: str) -> tuple[Candidate, ...]:
    """Every mappable canonical path of `object_name` (hub bookkeeping and containers left out)."""
    out: list[Candidate] = []
    for info in catalogue(object_name):
        rel = info.path.split(".", 1)[1]
        # The custom fields as a whole (a map) are a target; a key inside them is the tenant's.
        whole_map = rel in _CUSTOM_FIELDS
        if (
            rel in _SKIP
            or info.read_only
            or (info.type in ("list", "object", "map") and not whole_map)
        ):
            continue
        if "custom_fields" in rel and not whole_map:
            continue
        names = aliases(object_name, info.path) or [rel.rsplit(".", 1)[-1].replace("_", " ")]
        alias_tokens = tuple(t for t in (split_name(a) for a in names) if t)
        kind, depth = target_context(info.path)
        out.append(
            Candidate(
                info.path,
                info.type,
                info.description,
                alias_tokens,
                frozenset(split_text(info.description)),
                kind,
                depth,
            )
        )
    return tuple(out)


@lru_cache(maxsize=32)
def vocabulary(object_name: str) -> frozenset[str]:
    """All words the lexicon knows for an object's paths."""
    words: set[str] = set()
    for c in candidates(object_name):
        for toks in c.alias_tokens:
            words.update(toks)
    return frozenset(words)


@dataclass(frozen=True)
class FieldView:
    """A source field prepared for scoring."""

    spec: FieldSpec
    variants: tuple[tuple[str, ...], ...]
    path_tokens: frozenset[str]
    leaf_tokens: tuple[str, ...]
    desc_tokens: frozenset[str]
    source_type: str
    value_kind: str | None
    context: Context
    names_object: bool
    is_reference: bool
    object_alias: tuple[tuple[str, ...], ...] = ()
    pointer_variants: tuple[tuple[str, ...], ...] = ()
    head_variant: tuple[str, ...] = ()


def object_tokens(object_name: str) -> frozenset[str]:
    """Words of the source object's name (`A_SupplierInvoice` -> supplier, invoice)."""
    return frozenset(t for t in split_name(object_name) if t not in _NOISE_PREFIX and len(t) > 1)


def view(spec: FieldSpec, obj_tokens: frozenset[str]) -> FieldView:
    """Prepare one source field: name variants, description words, type, examples, context."""
    segs = split_path(spec.path)
    leaf = segs[-1].tokens if segs else ()
    variants: list[tuple[str, ...]] = [leaf]
    is_ref = False
    if len(segs) > 1 and (not leaf or set(leaf) <= GENERIC_LEAVES):
        parent = segs[-2].tokens
        variants = [parent + leaf, parent]
        is_ref = "id" in leaf or "key" in leaf or "value" in leaf
    elif len(segs) > 1 and not segs[-2].is_list:
        variants.append(segs[-2].tokens + leaf)
    # Many systems repeat the object's or the list's name in each field (SAP
    # `BillingDocumentItemText` under `to_Item`): the rest of the name is what tells.
    context_words = set(obj_tokens)
    for seg in segs[:-1]:
        context_words.update(seg.tokens)
    for strip in (obj_tokens, context_words):
        rest = tuple(t for t in leaf if t not in strip)
        if rest and rest != leaf and rest not in variants:
            variants.append(rest)
    if len(leaf) > 1 and leaf[-1] == "1":
        # `Phone1`, `Email1`: the first of several numbered slots names the thing itself.
        variants.append(leaf[:-1])
    if len(leaf) > 1 and "value" in leaf:
        # `total_value`, `NetValue`: a value beside other words is an amount.
        variants.append(tuple("amount" if t == "value" else t for t in leaf))
    kind_words = [t for t in leaf if t in _FLAT_KIND_WORDS]
    if kind_words and len(leaf) > len(kind_words):
        # `addressCity`, `bankIban`: a flat field named with its record's kind.
        variants.append(tuple(t for t in leaf if t not in _FLAT_KIND_WORDS))
    head = head_phrase(segs[-1].raw) if segs else ()
    # `VendorRef`, `customer_id`, `AccountRef.value`: a pointer named after what it points to.
    pointer_variants = tuple(
        var[:-1]
        for var in variants
        if len(var) > 1 and var[-1] in REFERENCE_MARKERS and var[:-1] not in variants
    )
    path_tokens = frozenset(t for s in segs for t in s.tokens)
    source_type = normalize_type(spec.type or "")
    if source_type in ("id", "ref") or (leaf and leaf[-1] in ("id", "guid", "reference")):
        is_ref = True
    depth = sum(1 for s in segs if s.is_list)
    named = set(leaf) - _KEY_WORDS
    names_object = (
        depth == 0
        and len(segs) == 1
        and bool(leaf)
        and ((bool(named) and named <= obj_tokens) or not named)
    )
    return FieldView(
        spec,
        tuple(v for v in variants if v),
        path_tokens,
        leaf,
        frozenset(split_text(spec.description or "")),
        source_type,
        profile(spec.examples),
        source_context(spec.path),
        names_object,
        is_ref,
        (tuple(sorted(obj_tokens)),) if obj_tokens else (),
        pointer_variants,
        head if head not in variants else (),
    )


def _alias_scores(
    field: FieldView, cand: Candidate
) -> tuple[float, float, float, float, float, float]:
    name = exact = inside = cover = desc = 0.0
    names = cand.alias_tokens
    if cand.path.endswith(".remote_id"):
        # The record's key is often named after the object itself (SAP `SupplierInvoice`).
        names = names + field.object_alias
    # A pointer's name without its `Ref`/`Id` names the record pointed to: it may match a
    # reference or a code, never an amount or a date.
    variants = field.variants
    if cand.type in _POINTER_TARGET_TYPES:
        variants = variants + field.pointer_variants
    for alias in names:
        aset = frozenset(alias)
        for var in variants:
            name = max(name, dice(var, alias))
            if frozenset(var) == aset:
                exact = 1.0
            if len(aset) > 1 and aset <= frozenset(var):
                inside = max(inside, len(aset) / len(frozenset(var)))
                # The whole phrase plus qualifiers (`AbsltAccountingExchangeRate`) is nearly
                # as good as the phrase alone.
                name = max(name, 0.9)
        weight = len(aset) / (len(aset) + 0.5)
        cover = max(cover, containment(alias, field.path_tokens) * weight)
        if field.desc_tokens:
            desc = max(desc, containment(alias, field.desc_tokens) * weight)
    qualified = 0.0
    if field.head_variant:
        # `BillingQuantityInBaseUnit`: the head (`billing quantity`) names the target, the rest
        # qualifies it; it should lose to a field named by the head alone.
        head_name = max((dice(field.head_variant, a) for a in names), default=0.0)
        if head_name > max(name, exact) + 0.05:
            qualified = 1.0
            name = max(name, head_name - 0.1)
    return name, exact, inside, cover, desc, qualified


def _strong(x: float) -> float:
    # A second, steeper response so that a near-perfect match counts for more than a fair one.
    return max(0.0, (x - 0.6) / 0.4)


def pair_features(
    field: FieldView, cand: Candidate, source_kinds: frozenset[str | None] = frozenset()
) -> list[float]:
    """The feature vector of proposing `cand` for `field`.

    `source_kinds` are the list kinds the source object has: a top-level field of an object
    that has its own line list is a header field (`flat_beside_list`), while in a flat
    item-level record (one record per journal line) it may well be a line field.
    """
    name, exact, inside, cover, desc, qualified = _alias_scores(field, cand)
    desc_canon = dice(tuple(field.desc_tokens), tuple(cand.desc_tokens))
    ctx = field.context
    flat = ctx.depth == 0 and cand.list_depth > 0
    beside = 1.0 if flat and cand.list_kind in source_kinds else 0.0
    # A flat record with no list of the target's kind is item-level (one record per journal
    # line): structure says nothing against a line target there.
    same_list = 1.0 if ctx.kind == cand.list_kind or (flat and not beside) else 0.0
    conflict = 1.0 if ctx.depth > 0 and ctx.kind != cand.list_kind else 0.0
    is_key = 1.0 if field.names_object and cand.path.endswith(".remote_id") else 0.0
    other_ccy = (
        1.0
        if (
            cand.type in ("money", "decimal", "currency")
            and len(field.path_tokens & SECONDARY_CURRENCY) > 0
        )
        else 0.0
    )
    ref_to_id = 1.0 if field.is_reference and cand.type == "id" else 0.0
    id_to_code = (
        1.0
        if (field.source_type == "id" and cand.type != "id" and not cand.path.endswith("remote_id"))
        else 0.0
    )
    vec = [
        max(name, exact),
        _strong(max(name, exact)),
        inside,
        cover,
        desc,
        _strong(desc),
        desc_canon,
        _type_fit(field.source_type, cand.type),
        # A reference's examples are the referenced record's ids, not the target's values.
        0.0 if field.is_reference else profile_fit(field.value_kind, cand.type),
        same_list,
        beside,
        conflict,
        is_key,
        other_ccy,
        ref_to_id,
        id_to_code,
        qualified,
    ]
    return vec + [0.0] * (N_FEATURES - len(vec))


def null_features(
    field: FieldView, object_name: str, list_kinds: frozenset[str | None], lifted: bool = False
) -> list[float]:
    """The feature vector of the "no canonical counterpart" option for `field`.

    `lifted` when the field fills a scalar from its list (`lift_scalars`): its list then
    is no evidence that it has no counterpart.
    """
    # The name proper: the leaf, or the parent's name for a generic leaf (`AccountRef.value`).
    leaf = set(field.variants[0]) if field.variants else set(field.path_tokens)
    cues = len(leaf & NULL_CUES) / len(leaf) if leaf else 0.0
    in_orphan_list = field.context.depth > 0 and field.context.kind not in list_kinds
    orphan = 1.0 if in_orphan_list and not lifted else 0.0
    vocab = vocabulary(object_name)
    names = [set(v) for v in field.variants + field.pointer_variants if v]
    unknown = min((len(v - vocab) / len(v) for v in names), default=1.0)
    head = [0.0] * (N_FEATURES - 4)
    return [*head, 1.0, cues, orphan, unknown]


def prefilter_score(vec: list[float]) -> float:
    """A cheap hand-set score used only to shortlist candidates before the model ranks them."""
    return (
        2 * vec[0]
        + vec[1]
        + vec[2]
        + vec[3]
        + vec[4]
        + 0.5 * vec[6]
        + 0.5 * vec[7]
        + 0.3 * vec[9]
        - vec[11]
        + vec[12]
        + 0.3 * vec[14]
    )


_LIFT_NAME = 0.9
"""How well a field in a list must name a scalar target to fill it when nothing else does."""


def lift_scalars(scored: list[list[tuple[Candidate, list[float]]]]) -> set[int]:
    """Let a field inside a list fill a record-level scalar that no field outside names as well.

    Labelling rule 10: a list the canonical object has no list for is no counterpart, except
    the one element a canonical scalar stands for. MYOB keeps a supplier's e-mail and phone in
    its address list (`Addresses[].Email`), Xero its phone in `Phones[].PhoneNumber`, SAP the
    tax number in `to_BusinessPartnerTax[]`; where the record also has a field of its own that
    names the scalar (Chargebee's `email` beside `billing_address.email`), that one is the
    primary and the list's copy stays in conflict. Only a party (a canonical object with
    addresses) is lifted: a party's lists hold its contact details, of which one is the
    primary, while a document's lists (lines, taxes, notes, linked orders) hold one value per
    element, never the document's own. Per (field, scalar) pair whose name
    matches at least `_LIFT_NAME` and beats every field outside a conflicting list, the list
    conflict is lifted (in place). Returns the indices of the fields lifted for some target.
    """
    name_i, conflict_i = FEATURES.index("name"), FEATURES.index("list_conflict")
    rival: dict[str, float] = {}
    if not any(cand.list_kind == "address" for row in scored[:1] for cand, _ in row):
        return set()
    for row in scored:
        for cand, vec in row:
            if not vec[conflict_i] and cand.list_depth == 0:
                rival[cand.path] = max(rival.get(cand.path, 0.0), vec[name_i])
    lifted: set[int] = set()
    for i, row in enumerate(scored):
        for cand, vec in row:
            if (
                vec[conflict_i]
                and cand.list_depth == 0
                and vec[name_i] >= _LIFT_NAME
                and vec[name_i] > rival.get(cand.path, 0.0)
            ):
                vec[conflict_i] = 0.0
                lifted.add(i)
    return lifted
