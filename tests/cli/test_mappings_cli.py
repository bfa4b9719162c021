"""`hub mappings suggest` and `hub mappings eval` through the real Typer app."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli import app
from mappings.eval.dataset import DATA_DIR, systems

runner = CliRunner()

FIELDS = {
    "system": "acme",
    "object": "PurchaseInvoice",
    "target_object": "invoice",
    "fields": [
        {"path": "DocNo", "type": "string", "description": "Invoice number"},
        {"path": "TxnDate", "type": "date", "examples": ["2024-01-31"]},
        {"path": "TotalAmt", "type": "decimal", "examples": [125.5]},
        {"path": "SyncToken", "type": "string"},
        {"path": "Line[].Qty", "type": "number"},
    ],
}


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return _write(tmp_path, "fields.json", json.dumps(FIELDS))


def test_suggest_prints_json_with_one_entry_per_field_in_order(source: Path) -> None:
    result = runner.invoke(
        app, ["mappings", "suggest", "--object", "invoice", "--source", str(source)]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["object"] == "invoice"
    assert [s["source"] for s in out["suggestions"]] == [f["path"] for f in FIELDS["fields"]]
    first = out["suggestions"][0]
    assert set(first) == {"source", "target", "confidence", "alternatives", "reasons"}
    assert first["target"] == "invoice.number"
    assert out["suggestions"][3]["target"] is None


def test_suggest_prints_a_table_for_people(source: Path) -> None:
    result = runner.invoke(
        app,
        [
            "mappings",
            "suggest",
            "--object",
            "invoice",
            "--source",
            str(source),
            "--format",
            "table",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "invoice.number" in result.stdout
    assert "DocNo" in result.stdout
    assert "- none -" in result.stdout


def test_target_object_may_come_from_the_field_list(source: Path) -> None:
    result = runner.invoke(app, ["mappings", "suggest", "--source", str(source)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["object"] == "invoice"


def test_sample_record_is_accepted(tmp_path: Path) -> None:
    sample = _write(
        tmp_path, "bill.json", json.dumps({"DocNumber": "B-1", "DueDate": "2024-02-01"})
    )
    result = runner.invoke(
        app, ["mappings", "suggest", "--object", "invoice", "--sample", str(sample)]
    )
    assert result.exit_code == 0, result.output
    got = {s["source"]: s["target"] for s in json.loads(result.stdout)["suggestions"]}
    assert got["DueDate"] == "invoice.due_date"


def test_decisions_file_is_applied(source: Path, tmp_path: Path) -> None:
    decisions = _write(
        tmp_path,
        "d.json",
        json.dumps([{"source": "DocNo", "target": "invoice.number", "accepted": False}]),
    )
    result = runner.invoke(
        app,
        [
            "mappings",
            "suggest",
            "--object",
            "invoice",
            "--source",
            str(source),
            "--decisions",
            str(decisions),
        ],
    )
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)["suggestions"][0]
    assert first["target"] != "invoice.number"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"system": "x"}', "has no 'fields' list"),
        ('{"fields": {"a": 1}}', "'fields' must be a list"),
        ('{"fields": [{"type": "string"}]}', "fields.0.path"),
        ("[1, 2]", "must hold a JSON object"),
    ],
)
def test_bad_source_files_exit_2_naming_the_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    path = _write(tmp_path, "bad.json", content)
    result = runner.invoke(
        app, ["mappings", "suggest", "--object", "invoice", "--source", str(path)]
    )
    assert result.exit_code == 2
    assert message in result.stderr


def test_unknown_target_object_exits_2(source: Path) -> None:
    result = runner.invoke(
        app, ["mappings", "suggest", "--object", "bill", "--source", str(source)]
    )
    assert result.exit_code == 2
    assert "unknown target object 'bill'" in result.stderr


def test_unknown_target_object_in_the_file_exits_2(tmp_path: Path) -> None:
    path = _write(tmp_path, "f.json", json.dumps({**FIELDS, "target_object": "purchase"}))
    result = runner.invoke(app, ["mappings", "suggest", "--source", str(path)])
    assert result.exit_code == 2
    assert "unknown target object 'purchase'" in result.stderr


def test_missing_file_threshold_and_source_choice_are_checked(source: Path, tmp_path: Path) -> None:
    missing = runner.invoke(
        app, ["mappings", "suggest", "--object", "invoice", "--source", str(tmp_path / "no.json")]
    )
    assert missing.exit_code == 2
    assert "cannot read source file" in missing.stderr
    neither = runner.invoke(app, ["mappings", "suggest", "--object", "invoice"])
    assert neither.exit_code == 2
    assert "exactly one of --source" in neither.stderr
    both = runner.invoke(
        app,
        [
            "mappings",
            "suggest",
            "--object",
            "invoice",
            "--source",
            str(source),
            "--sample",
            str(source),
        ],
    )
    assert both.exit_code == 2
    bad_t = runner.invoke(
        app,
        [
            "mappings",
            "suggest",
            "--object",
            "invoice",
            "--source",
            str(source),
            "--threshold",
            "1.5",
        ],
    )
    assert bad_t.exit_code == 2
    assert "--threshold must be between 0 and 1" in bad_t.stderr


def test_bad_sample_and_decisions_exit_2(source: Path, tmp_path: Path) -> None:
    sample = _write(tmp_path, "s.json", "[1, 2]")
    result = runner.invoke(
        app, ["mappings", "suggest", "--object", "invoice", "--sample", str(sample)]
    )
    assert result.exit_code == 2
    assert "sample" in result.stderr
    decisions = _write(tmp_path, "d.json", '{"source": "x"}')
    result = runner.invoke(
        app,
        [
            "mappings",
            "suggest",
            "--object",
            "invoice",
            "--source",
            str(source),
            "--decisions",
            str(decisions),
        ],
    )
    assert result.exit_code == 2
    assert "decisions file" in result.stderr


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["mappings", "suggest", "--help"])
    assert result.exit_code == 0
    assert "hub mappings suggest --object invoice" in result.stdout
    result = runner.invoke(app, ["mappings", "eval", "--help"])
    assert "hub mappings eval" in result.stdout


def test_eval_prints_leave_one_system_out_figures_on_a_small_fixture(tmp_path: Path) -> None:
    for name in systems():
        data = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        data["objects"] = data["objects"][:1]
        for obj in data["objects"]:
            obj["fields"] = obj["fields"][:20]
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(
        app, ["mappings", "eval", "--data", str(tmp_path), "--epochs", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == set(systems()) | {"pooled", "mean"}
    assert {"top1", "top3", "mrr", "abstain_f1", "accuracy", "ece"} <= set(out["pooled"])
    table = runner.invoke(app, ["mappings", "eval", "--data", str(tmp_path), "--epochs", "2"])
    assert table.exit_code == 0
    assert "pooled" in table.stdout
    assert "mean" in table.stdout
    assert "Leave-one-system-out" in table.stdout


def test_eval_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["mappings", "eval", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
