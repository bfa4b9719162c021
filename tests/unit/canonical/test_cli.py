"""`hub schema paths|export` and `hub validate`, run through Typer's test runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from canonical import OBJECTS, catalogue
from hub.cli import app
from hub.cli.validate import object_for, validate_examples

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
runner = CliRunner()


def test_schema_paths_prints_every_path_as_json_lines() -> None:
    result = runner.invoke(app, ["schema", "paths", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["path"] for r in rows] == [p.path for p in catalogue()]
    status = next(r for r in rows if r["path"] == "invoice.status")
    assert status["values"] == [
        "draft",
        "submitted",
        "authorised",
        "partially_paid",
        "paid",
        "voided",
    ]
    net = next(r for r in rows if r["path"] == "invoice.lines[].net_amount")
    assert (net["type"], net["required"]) == ("money", True)


def test_schema_paths_of_one_object_as_a_table() -> None:
    result = runner.invoke(app, ["schema", "paths", "--object", "payment"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "payment.allocations[].amount" in result.output
    assert "payment.unallocated_amount" in result.output
    assert "invoice.lines" not in result.output


def test_schema_paths_of_an_unknown_object_fails() -> None:
    result = runner.invoke(app, ["schema", "paths", "--object", "bill"])
    assert result.exit_code == 2
    assert "unknown object 'bill'" in result.output


def test_schema_export_writes_one_draft_2020_12_schema_per_object(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "export", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert files == sorted(f"{name}.schema.json" for name in [*OBJECTS, "event"])
    invoice = json.loads((tmp_path / "schemas" / "invoice.schema.json").read_text())
    assert invoice["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert invoice["additionalProperties"] is False
    assert set(invoice["required"]) == {"direction", "currency"}


def test_validate_examples_folder_reports_the_broken_bill_and_exits_1() -> None:
    result = runner.invoke(app, ["validate", str(EXAMPLES)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    out = result.output
    for name in ("supplier.json", "payment.json", "journal_entry.json"):
        assert f"OK    {EXAMPLES / name}" in out
    assert "FAIL" in out
    assert "invoice.lines[1].net_amount: 120.555 has more than 2 decimal places" in out
    assert "invoice.total: total 800.00 ≠ subtotal 620.555 + tax 117.91" in out
    assert "5 documents: 4 valid, 1 invalid" in out


def test_validate_valid_file_exits_0() -> None:
    result = runner.invoke(app, ["validate", str(EXAMPLES / "bill.json")])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_validate_json_output_lists_paths_and_reasons() -> None:
    result = runner.invoke(app, ["validate", "--json", str(EXAMPLES / "broken" / "bill.json")])
    assert result.exit_code == 1
    (doc,) = json.loads(result.output)
    assert doc["object"] == "invoice"
    assert doc["ok"] is False
    assert {v["path"] for v in doc["violations"]} == {
        "invoice.status",
        "invoice.approved_by",
        "invoice.lines[1].net_amount",
        "invoice.total",
        "invoice.due_date",
    }


def test_validate_object_option_overrides_the_file_name(tmp_path: Path) -> None:
    doc = tmp_path / "scan-0001.json"
    shutil.copy(EXAMPLES / "bill.json", doc)
    assert runner.invoke(app, ["validate", str(doc)]).exit_code == 2
    result = runner.invoke(app, ["validate", "--object", "invoice", str(doc)])
    assert result.exit_code == 0, result.output
    wrong = runner.invoke(app, ["validate", "--object", "payment", str(doc)])
    assert wrong.exit_code == 1


def test_validate_prints_notices_of_unchecked_tax_numbers(tmp_path: Path) -> None:
    doc = tmp_path / "supplier.json"
    doc.write_text(
        json.dumps(
            {"name": "Penguin Logistics", "tax_number": "AQ-77", "addresses": [{"country": "AQ"}]}
        )
    )
    result = runner.invoke(app, ["validate", str(doc)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "note supplier.tax_number: no tax-number scheme known for AQ; not checked" in (
        result.output
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not valid JSON"), (b"\xff\xfe{", "not UTF-8"), (None, "no such file")],
)
def test_validate_unreadable_input_exits_2(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    doc = tmp_path / "bill.json"
    if isinstance(content, str):
        doc.write_text(content)
    elif isinstance(content, bytes):
        doc.write_bytes(content)
    result = runner.invoke(app, ["validate", str(doc)], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in result.output


def test_validate_a_json_array_is_an_invalid_document(tmp_path: Path) -> None:
    doc = tmp_path / "payment.json"
    doc.write_text("[]")
    result = runner.invoke(app, ["validate", "--json", str(doc)])
    assert result.exit_code == 1
    assert json.loads(result.output)[0]["violations"][0]["reason"] == (
        "a document must be a JSON object"
    )


def test_validate_unknown_object_option_exits_2() -> None:
    result = runner.invoke(app, ["validate", "--object", "bill", str(EXAMPLES)])
    assert result.exit_code == 2


def test_validate_empty_folder_exits_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate", str(tmp_path)]).exit_code == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("supplier.json", "supplier"),
        ("bill.json", "invoice"),
        ("bill-0412.json", "invoice"),
        ("credit_note.json", "invoice"),
        ("journal_entry.json", "journal_entry"),
        ("journal_entry_march.json", "journal_entry"),
        ("journal.json", "journal_entry"),
        ("tax_rate.json", "tax_rate"),
        ("supplier.nordwind.json", "supplier"),
        ("Payment.JSON", "payment"),
        ("billing.json", None),
        ("notes.json", None),
    ],
)
def test_object_is_inferred_from_the_file_name(name: str, expected: str | None) -> None:
    assert object_for(Path(name)) == expected


def test_validate_examples_returns_one_result_per_document() -> None:
    results = validate_examples(EXAMPLES)
    assert {r.path.relative_to(EXAMPLES).as_posix(): r.ok for r in results} == {
        "bill.json": True,
        "broken/bill.json": False,
        "journal_entry.json": True,
        "payment.json": True,
        "supplier.json": True,
    }


def test_help_of_every_command_has_an_example() -> None:
    for command in (["validate"], ["schema", "paths"], ["schema", "export"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        assert "Example: hub " in result.output
