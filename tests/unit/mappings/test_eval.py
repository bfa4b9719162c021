"""The leave-one-ERP-out evaluation on a small fixture cut from the labelled data."""

import json
from pathlib import Path

from mappings.eval import leave_one_erp_out, load_labelled
from mappings.eval.dataset import DATA_DIR, systems
from mappings.eval.loeo import Outcome, metrics


def _fixture(tmp_path: Path, per_object: int = 25) -> Path:
    for name in systems():
        data = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        data["objects"] = data["objects"][:2]
        for obj in data["objects"]:
            obj["fields"] = obj["fields"][:per_object]
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def test_labelled_data_covers_three_erps_and_every_target_is_canonical() -> None:
    from canonical import lookup

    objects = load_labelled()
    assert {o.system for o in objects} == {"xero", "netsuite", "sap_s4hana"}
    for obj in objects:
        assert len(obj.labels) == len(obj.field_list.fields)
        for label in obj.labels:
            assert label is None or lookup(label) is not None, label
            assert label is None or label.startswith(obj.target_object + ".")


def test_leave_one_erp_out_reports_every_erp_and_pooled(tmp_path: Path) -> None:
    results = leave_one_erp_out(load_labelled(_fixture(tmp_path)), epochs=3)
    assert set(results) == {"xero", "netsuite", "sap_s4hana", "pooled"}
    pooled = results["pooled"]
    assert pooled.fields == sum(results[s].fields for s in ("xero", "netsuite", "sap_s4hana"))
    for m in results.values():
        for value in (m.top1, m.top3, m.mrr, m.abstain_f1, m.accuracy, m.ece):
            assert 0.0 <= value <= 1.0
        assert m.top3 >= m.top1


def _outcome(
    expected: str | None, got: str | None, ranked: tuple[str, ...], conf: float
) -> Outcome:
    return Outcome("s", "o", "f", expected, got, ranked, conf, ())


def test_metrics_follow_their_definitions() -> None:
    results = [
        _outcome("a.x", "a.x", ("a.x",), 0.9),
        _outcome("a.y", "a.z", ("a.z", "a.y"), 0.6),
        _outcome(None, None, (), 0.8),
        _outcome(None, "a.w", ("a.w",), 0.7),
        _outcome("a.v", None, ("a.q", "a.r", "a.v"), 0.5),
    ]
    m = metrics(results)
    assert m.mappable == 3
    assert m.top1 == 1 / 3
    assert m.top3 == 1.0
    assert abs(m.mrr - (1 + 1 / 2 + 1 / 3) / 3) < 1e-9
    assert m.abstain_precision == 1 / 2
    assert m.abstain_recall == 1 / 2
    assert m.accuracy == 2 / 5
    assert m.mistakes[0].got == "a.w"
