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
