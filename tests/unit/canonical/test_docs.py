"""docs/canonical.md keeps up with the model: every catalogued path is documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from canonical import catalogue

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "canonical.md"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_canonical", ROOT / "docs" / "gen_canonical.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_user_guide_lists_every_canonical_path() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [p.path for p in catalogue() if f"`{p.path}`" not in text]
    assert missing == []


def test_generated_field_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert _generator().render(text) == text, "run: .venv/bin/python docs/gen_canonical.py"


def test_user_guide_quotes_the_contracts_example_messages() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "total 110.00 ≠ subtotal 100.00 + tax 9.00" in text
    assert "`journal_entry.lines`" in text
    assert "`invoice.lines[2].net_amount`" in text
