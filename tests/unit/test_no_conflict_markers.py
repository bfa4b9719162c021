"""No file of the project keeps a merge's conflict markers (a docstring once did)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
SKIP = {".venv", ".git", "node_modules", "__pycache__", "data"}


def test_no_conflict_markers_in_sources_and_docs() -> None:
    found = []
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".md", ".toml", ".yaml", ".yml", ".cfg", ".txt"}:
            continue
        if SKIP & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if MARKER.search(text):
            found.append(str(path.relative_to(ROOT)))
    assert found == []
