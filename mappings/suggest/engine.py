"""The suggestion engine: score every field against the catalogue, assign, calibrate, explain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from canonical import OBJECTS
from mappings.suggest.assign import Ranked, assign
from mappings.suggest.decisions import ACCEPTED_CONFIDENCE, DecisionSet
from mappings.suggest.features import (
    Candidate,
    FieldView,
    candidates,
    lift_scalars,
    null_features,
    object_tokens,
    pair_features,
    prefilter_score,
    view,
)
from mappings.suggest.lexicon import NULL_CUES
from mappings.suggest.model import Example, Weights, dot, platt, softmax
from mappings.suggest.models import Alternative, FieldList, Suggestion, SuggestionReport
from mappings.suggest.tokens import split_name

SHORTLIST = 12
"""Candidates per field kept for the model after the cheap prefilter."""


class UnknownObjectError(ValueError):
    """The target object is not a canonical object."""


@dataclass
class Option:
    """One option for a field: a candidate (None = no counterpart), its features and probability."""

    candidate: Candidate | None
    features: list[float]
    probability: float = 0.0

    @property
    def target(self) -> str | None:
        """The canonical path, or None."""
        return self.candidate.path if self.candidate else None


@dataclass(frozen=True)
class Trace:
    """What calibration needs to know about one suggestion: the raw share and whether displaced.

    `unknown` is the share of the field's name the lexicon cannot read.
    """

    share: float
    displaced: bool
    target: str | None
    unknown: float = 0.0


@dataclass
class ScoredField:
    """A field with its options, best first."""

    view: FieldView
    options: list[Option]

    @property
    def unknown(self) -> float:
        """Share of the name's words the lexicon does not know (from the no-counterpart option)."""
        null = next((o for o in self.options if o.candidate is None), None)
        return null.features[-1] if null is not None else 0.0

    def copy(self) -> ScoredField:
        """A fresh copy of the options (scoring sorts them and fills in probabilities)."""
        return ScoredField(self.view, [Option(o.candidate, o.features) for o in self.options])


def resolve_object(field_list: FieldList, target_object: str | None) -> str:
    """The canonical object to map onto (argument first, then the field list's own)."""
    name = target_object or field_list.target_object
    if not name:
        raise UnknownObjectError("no target object given (use --object or 'target_object')")
    if name not in OBJECTS:
        known = ", ".join(OBJECTS)
        raise UnknownObjectError(f"unknown target object '{name}' (known: {known})")
    return name


class Engine:
    """Proposes canonical paths for the fields of one object of any accounting system."""

    def __init__(self, weights: Weights | None = None, shortlist: int = SHORTLIST) -> None:
        self.weights = weights if weights is not None else Weights.shipped()
        self.shortlist = shortlist

    def options(
        self, field_list: FieldList, object_name: str, keep: Sequence[str | None] = ()
    ) -> list[ScoredField]:
        """Every field's shortlisted options with features (unscored); `keep` forces a target in."""
        cands = candidates(object_name)
        kinds = frozenset(c.list_kind for c in cands)
        obj = object_tokens(field_list.object)
        views = [view(spec, obj) for spec in field_list.fields]
        source_kinds = frozenset(v.context.kind for v in views if v.context.depth)
        all_scored = [[(c, pair_features(fv, c, source_kinds)) for c in cands] for fv in views]
        lifted = lift_scalars(all_scored)
        out: list[ScoredField] = []
        for i, fv in enumerate(views):
            scored = all_scored[i]
            scored.sort(key=lambda cv: prefilter_score(cv[1]), reverse=True)
            short = scored[: self.shortlist]
            forced = keep[i] if i < len(keep) else None
            if forced is not None and all(c.path != forced for c, _ in short):
                short += [cv for cv in scored if cv[0].path == forced]
            opts = [Option(c, v) for c, v in short]
            opts.append(Option(None, null_features(fv, object_name, kinds, lifted=i in lifted)))
            out.append(ScoredField(fv, opts))
        return out

    def _readable_null(self, f: ScoredField) -> float:
        return _readable_null_share(self.weights.weights, f)

    def score(self, fields: list[ScoredField]) -> list[ScoredField]:
        """Fill in each option's probability and sort options best first."""
        w = self.weights.weights
        for f in fields:
            probs = softmax([dot(w, o.features) for o in f.options])
            for o, p in zip(f.options, probs, strict=True):
                o.probability = p
            f.options.sort(key=lambda o: o.probability, reverse=True)
        return fields

    def examples(
        self, field_list: FieldList, object_name: str, labels: Sequence[str | None]
    ) -> list[Example]:
        """Training examples: each field's options with the labelled one marked."""
        out: list[Example] = []
        for f, gold in zip(self.options(field_list, object_name, labels), labels, strict=True):
            idx = next((i for i, o in enumerate(f.options) if o.target == gold), None)
            if idx is not None:
                out.append(Example([o.features for o in f.options], idx))
        return out

    def suggest(
        self,
        field_list: FieldList,
        target_object: str | None = None,
        decisions: DecisionSet | None = None,
        threshold: float | None = None,
    ) -> SuggestionReport:
        """One suggestion per source field, in input order."""
        return self.suggest_traced(field_list, target_object, decisions, threshold)[0]

    def suggest_traced(
        self,
        field_list: FieldList,
        target_object: str | None = None,
        decisions: DecisionSet | None = None,
        threshold: float | None = None,
    ) -> tuple[SuggestionReport, list[Trace]]:
        """`suggest`, plus each suggestion's uncalibrated share (used to fit the calibration)."""
        object_name = resolve_object(field_list, target_object)
        return self.decide(object_name, self.options(field_list, object_name), decisions, threshold)

    def decide(
        self,
        object_name: str,
        fields: list[ScoredField],
        decisions: DecisionSet | None = None,
        threshold: float | None = None,
    ) -> tuple[SuggestionReport, list[Trace]]:
        """Score prepared options (from `options`), assign, calibrate and explain."""
        decisions = decisions or DecisionSet()
        scored = self.score(fields)
        ranked: list[Ranked] = []
        for i, f in enumerate(scored):
            src = f.view.spec.path
            f.options = [o for o in f.options if not decisions.rejected(src, o.target)]
            total = sum(o.probability for o in f.options) or 1.0
            opts = [(o.target, o.probability / total) for o in f.options]
            is_fixed, fixed = decisions.accepted(src)
            ranked.append(Ranked(i, f.view.context.container, opts, fixed, is_fixed))
        results = assign(ranked)
        suggestions: list[Suggestion] = []
        traces: list[Trace] = []
        cal_t, cal_n = self.weights.target_calibration, self.weights.null_calibration
        cal_d = self.weights.displaced_calibration
        for f, r, res in zip(scored, ranked, results, strict=True):
            src = f.view.spec.path
            if r.is_fixed:
                conf = ACCEPTED_CONFIDENCE
                reasons = ["accepted before by a reviewer"]
                traces.append(Trace(1.0, False, res.target))
            else:
                displaced = res.displaced
                cal = cal_d if displaced else cal_t if res.target else cal_n
                share = res.share if res.target or displaced else self._readable_null(f)
                conf = platt(share, cal, f.unknown)
                reasons = explain(f, res.target, res.lost_to, scored)
                traces.append(Trace(share, displaced, res.target, f.unknown))
            target = res.target
            if target is not None and threshold is not None and conf < threshold and not r.is_fixed:
                reasons.append(f"confidence {conf:.2f} below threshold {threshold:.2f}: abstained")
                target, conf = None, platt(self._readable_null(f), cal_n, f.unknown)
            alts = [
                Alternative(
                    target=o.target, confidence=round(platt(o.probability, cal_t, f.unknown), 3)
                )
                for o in f.options
                if o.target is not None and o.target != target
            ][:3]
            suggestions.append(
                Suggestion(
                    source=src,
                    target=target,
                    confidence=round(min(max(conf, 0.0), 1.0), 3),
                    alternatives=alts,
                    reasons=reasons,
                )
            )
        return SuggestionReport(object=object_name, suggestions=suggestions), traces


def _readable_null_share(w: Sequence[float], f: ScoredField) -> float:
    """The no-counterpart option's share without its unknown-words evidence.

    Unknown words push the ranking towards "no counterpart" (rightly: most unreadable fields
    have none), but they are no evidence that the engine *knows* the field has none. The
    abstention's confidence is calibrated from what the engine could read; the unknown share
    enters the calibration separately and can only lower it.
    """
    scores = []
    for o in f.options:
        score = dot(w, o.features)
        if o.candidate is None:
            score -= w[-1] * o.features[-1]
        scores.append(score)
    probs = softmax(scores) if scores else []
    return next((p for o, p in zip(f.options, probs, strict=True) if o.candidate is None), 1.0)


def _best_alias(fv: FieldView, cand: Candidate) -> str:
    best, phrase = -1.0, ""
    for alias in cand.alias_tokens:
        for var in fv.variants:
            overlap = len(set(var) & set(alias)) / max(len(set(var) | set(alias)), 1)
            if overlap > best:
                best, phrase = overlap, " ".join(alias)
    return phrase


def explain(
    f: ScoredField, target: str | None, lost_to: dict[str, int], fields: Sequence[ScoredField]
) -> list[str]:
    """Human-readable reasons for the outcome of one field."""
    fv = f.view
    reasons: list[str] = []
    opt = next((o for o in f.options if o.target == target), None)
    if target is None or opt is None or opt.candidate is None:
        best = max((o.features[0] for o in f.options if o.candidate), default=0.0)
        reasons.append(f"no canonical path matches the name well (best name match {best:.2f})")
        cues = sorted(set(fv.leaf_tokens) & NULL_CUES)
        if cues:
            reasons.append(
                f"looks like internal metadata or an organisational key ({', '.join(cues)})"
            )
        if fv.context.depth and fv.context.kind not in ("line", "address", "bank", "allocation"):
            reasons.append(
                f"inside list '{fv.context.container}', which has no canonical counterpart"
            )
    else:
        x, cand = opt.features, opt.candidate
        name = " ".join(split_name(fv.spec.path.rsplit(".", 1)[-1].replace("[]", "")))
        if x[0] >= 0.5:
            reasons.append(f"name '{name}' matches '{_best_alias(fv, cand)}'")
        if x[4] >= 0.5:
            reasons.append("the description says so too")
        if x[12]:
            reasons.append("names the record itself: the system's own id")
        if x[7] >= 1.0:
            reasons.append(f"type '{fv.spec.type}' fits {cand.type}")
        elif x[7] <= 0.3:
            reasons.append(f"type '{fv.spec.type}' is a weak fit for {cand.type}")
        if x[8] >= 1.0:
            reasons.append(f"example values look like {fv.value_kind}")
        elif x[8] < 0:
            reasons.append(f"example values ({fv.value_kind}) do not look like {cand.type}")
        if x[9] and cand.list_kind and fv.context.depth:
            article = "an" if cand.list_kind[0] in "aeiou" else "a"
            reasons.append(f"inside {article} {cand.list_kind} list, like the target")
        elif x[9] and cand.list_kind:
            reasons.append(f"the source has no {cand.list_kind} list: a flat field fills one")
        if x[13]:
            reasons.append("an amount in another currency than the document's")
    for t, idx in lost_to.items():
        reasons.append(f"'{t}' is taken by the stronger match '{fields[idx].view.spec.path}'")
    return reasons
