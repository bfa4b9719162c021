"""Hostile documents for `hub validate` and `hub mappings suggest`: one clear line, a non-zero
exit, no traceback (huge integers, huge exponents, deep nesting, bytes that are not UTF-8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli import app

HOSTILE: dict[str, tuple[bytes, str]] = {
    "huge-integer": (b'{"number": ' + b"9" * 5000 + b"}", "digits"),
    "huge-exponent": (b'{"total": 1e999999999, "number": "x"}', "out of range"),
    "tiny-exponent": (b'{"total": 1e-999999999}', "out of range"),
    "deep-arrays": (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
    "deep-objects": (b'{"a":' * 3000 + b"1" + b"}" * 3000, "nested deeper"),
    "not-utf8": (b'\xff\xfe{"number": "x"}', "not UTF-8"),
    "not-json": (b'{"number": ', "JSON"),
    "nan": (b'{"total": NaN}', "not"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_validate_refuses_a_hostile_document_in_one_line(case: str, tmp_path: Path) -> None:
    body, reason = HOSTILE[case]
    path = tmp_path / "invoice.json"
    path.write_bytes(body)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert reason in " ".join(result.output.split()), result.output
    assert "1 not readable" in result.output


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_suggest_refuses_a_hostile_sample_in_one_line(case: str, tmp_path: Path) -> None:
    body, reason = HOSTILE[case]
    path = tmp_path / "sample.json"
    path.write_bytes(body)
    result = CliRunner().invoke(app, ["mappings", "suggest", "--sample", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert reason in lines[0], lines


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SPOILED: dict[str, tuple[str, str, object, str, str]] = {
    # case: (example, canonical path, value, object, what the one line says)
    "money-with-blanks": ("bill.json", "total", "  3267.26 ", "invoice", "blanks around"),
    "money-with-underscore": ("bill.json", "lines.0.net_amount", "1_200.00", "invoice", "not a"),
    "money-huge-exponent": ("bill.json", "lines.0.quantity", "1e999999999", "invoice", "too large"),
    "line-number-true": ("bill.json", "lines.0.line_number", True, "invoice", "whole number"),
    "days-true": ("supplier.json", "payment_terms_days", True, "supplier", "whole number"),
    "days-10e30": ("supplier.json", "payment_terms_days", 10**30, "supplier", "3650"),
    "days-negative": ("supplier.json", "payment_terms_days", -1, "supplier", "0"),
    "nul-in-name": ("supplier.json", "name", "Nord\x00wind", "supplier", "U+0000"),
    "nul-in-memo": ("bill.json", "memo", "ok\x00", "invoice", "U+0000"),
}


@pytest.mark.parametrize("case", sorted(SPOILED))
def test_validate_names_the_field_of_a_strictly_wrong_value(case: str, tmp_path: Path) -> None:
    import json

    example, path, value, obj, says = SPOILED[case]
    document = json.loads((EXAMPLES / example).read_text())
    *parents, leaf = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = document
    for part in parents:
        target = target[part]
    target[leaf] = value
    file = tmp_path / f"{obj}.json"
    file.write_text(json.dumps(document))
    result = CliRunner().invoke(app, ["validate", str(file)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    canonical_path = obj + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in path.split("."))
    problems = [line for line in result.output.splitlines() if "✗" in line]
    assert len(problems) == 1, result.output
    assert canonical_path in problems[0], problems
    assert says in problems[0], problems
