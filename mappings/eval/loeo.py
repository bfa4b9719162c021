"""Fitting on some systems, measuring on another: the leave-one-ERP-out protocol and its metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mappings.eval.dataset import LabelledObject
from mappings.suggest.engine import Engine
from mappings.suggest.model import (
    Example,
    Weights,
    expected_calibration_error,
    fit_constant,
    fit_platt,
    fit_weights,
)


@dataclass(frozen=True)
class Mistake:
    """A wrong suggestion, for the error analysis."""

    system: str
    object: str
    source: str
    expected: str | None
    got: str | None
    confidence: float
    reasons: tuple[str, ...]


@dataclass
class Metrics:
    """The evaluation figures of one held-out system (or pooled)."""

    fields: int = 0
    mappable: int = 0
    top1: float = 0.0
    top3: float = 0.0
    mrr: float = 0.0
    abstain_precision: float = 0.0
    abstain_recall: float = 0.0
    abstain_f1: float = 0.0
    accuracy: float = 0.0
    ece: float = 0.0
    mistakes: list[Mistake] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | int]:
        """The figures without the mistakes."""
        return {
            "fields": self.fields,
            "mappable": self.mappable,
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "mrr": round(self.mrr, 4),
            "abstain_precision": round(self.abstain_precision, 4),
            "abstain_recall": round(self.abstain_recall, 4),
            "abstain_f1": round(self.abstain_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "ece": round(self.ece, 4),
        }


@dataclass(frozen=True)
class Outcome:
    """One field's result: label, suggestion, ranked targets, confidence and raw share."""

    system: str
    object: str
    source: str
    expected: str | None
    got: str | None
    ranked: tuple[str, ...]
    confidence: float
    reasons: tuple[str, ...]
    share: float = 0.0
    displaced: bool = False


def _examples(engine: Engine, objects: Sequence[LabelledObject]) -> list[Example]:
    out: list[Example] = []
    for obj in objects:
        out.extend(engine.examples(obj.field_list, obj.target_object, obj.labels))
    return out


NULL_WEIGHT = 0.5
"""Training weight of an unmappable field relative to a mappable one.

The systems differ widely in their share of unmappable fields (SAP's entities carry hundreds of
organisational keys); down-weighting them keeps the model from learning one system's share as a
prior. Calibration, fitted afterwards on held-out systems, corrects the confidence.
"""


def _weights_only(objects: Sequence[LabelledObject], epochs: int) -> list[float]:
    engine = Engine(Weights([0.0]))
    examples = _examples(engine, objects)
    for ex in examples:
        if ex.gold == len(ex.options) - 1:
            ex.weight = NULL_WEIGHT
    return fit_weights(examples, epochs=epochs)


def outcomes(engine: Engine, objects: Sequence[LabelledObject]) -> list[Outcome]:
    """Run the engine over labelled objects and pair every suggestion with its label."""
    out: list[Outcome] = []
    for obj in objects:
        report, traces = engine.suggest_traced(obj.field_list, obj.target_object)
        for s, tr, gold in zip(report.suggestions, traces, obj.labels, strict=True):
            ranked = tuple(t for t in [s.target, *(a.target for a in s.alternatives)] if t)
            out.append(
                Outcome(
                    obj.system,
                    obj.field_list.object,
                    s.source,
                    gold,
                    s.target,
                    ranked,
                    s.confidence,
                    tuple(s.reasons),
                    tr.share,
                    tr.displaced,
                )
            )
    return out


def fit(objects: Sequence[LabelledObject], epochs: int = 30) -> Weights:
    """Fit weights on all `objects`; calibrate on leave-one-system-out predictions among them."""
    names = sorted({o.system for o in objects})
    weights = _weights_only(objects, epochs)
    pairs: dict[str, list[tuple[float, bool]]] = {"target": [], "null": [], "displaced": []}
    if len(names) > 1:
        for held in names:
            inner = Weights(_weights_only([o for o in objects if o.system != held], epochs))
            for oc in outcomes(Engine(inner), [o for o in objects if o.system == held]):
                kind = "displaced" if oc.displaced else "target" if oc.got else "null"
                pairs[kind].append((oc.share, oc.got == oc.expected))
    return Weights(
        weights,
        fit_platt(pairs["target"]),
        fit_platt(pairs["null"]),
        fit_constant(pairs["displaced"]),
        names,
    )


def metrics(results: Sequence[Outcome]) -> Metrics:
    """Top-1, top-3, MRR on mappable fields; abstention P/R/F1; accuracy; ECE."""
    m = Metrics(fields=len(results))
    mappable = [r for r in results if r.expected is not None]
    m.mappable = len(mappable)
    if mappable:
        m.top1 = sum(r.got == r.expected for r in mappable) / len(mappable)
        m.top3 = sum(r.expected in r.ranked[:3] for r in mappable) / len(mappable)
        m.mrr = sum(
            1.0 / (r.ranked.index(r.expected) + 1) if r.expected in r.ranked else 0.0
            for r in mappable
        ) / len(mappable)
    abstained = [r for r in results if r.got is None]
    unmappable = [r for r in results if r.expected is None]
    hits = sum(1 for r in abstained if r.expected is None)
    m.abstain_precision = hits / len(abstained) if abstained else 0.0
    m.abstain_recall = hits / len(unmappable) if unmappable else 0.0
    pr = m.abstain_precision + m.abstain_recall
    m.abstain_f1 = 2 * m.abstain_precision * m.abstain_recall / pr if pr else 0.0
    m.accuracy = sum(r.got == r.expected for r in results) / len(results) if results else 0.0
    m.ece = expected_calibration_error([(r.confidence, r.got == r.expected) for r in results])
    wrong = sorted((r for r in results if r.got != r.expected), key=lambda r: -r.confidence)
    m.mistakes = [
        Mistake(r.system, r.object, r.source, r.expected, r.got, r.confidence, r.reasons)
        for r in wrong
    ]
    return m


def evaluate(weights: Weights, objects: Sequence[LabelledObject]) -> Metrics:
    """Measure given weights on labelled objects."""
    return metrics(outcomes(Engine(weights), objects))


def leave_one_erp_out(objects: Sequence[LabelledObject], epochs: int = 30) -> dict[str, Metrics]:
    """Fit on all systems but one, measure on that one, for each; plus `pooled` over all three."""
    names = sorted({o.system for o in objects})
    per: dict[str, Metrics] = {}
    pooled: list[Outcome] = []
    for held in names:
        weights = fit([o for o in objects if o.system != held], epochs)
        results = outcomes(Engine(weights), [o for o in objects if o.system == held])
        per[held] = metrics(results)
        pooled.extend(results)
    per["pooled"] = metrics(pooled)
    return per
