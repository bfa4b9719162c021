"""Code size of each ERP package: lines of code without blanks, comments and docstrings.

    .venv/bin/python benchmarks/size.py            # every package under connectors/
    .venv/bin/python benchmarks/size.py xero       # one

Prints, per ERP, the adapter (everything but `sandbox/`) and the sandbox, against the targets
of the connector framework v2 (an adapter in about 2,000 lines, its sandbox in about 1,500).
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"adapter": 2000, "sandbox": 1500}
SKIP = {"sandbox", "__pycache__"}


def code_lines(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        body = getattr(node, "body", None) if isinstance(node, kinds) else None
        first = body[0] if body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if first is not None and isinstance(value, ast.Constant) and isinstance(value.value, str):
            docstrings.update(range(first.lineno, (first.end_lineno or 0) + 1))
    ignored = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in ignored or token.type == tokenize.ENDMARKER:
            continue
        lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


def package_size(folder: Path) -> int:
    """Code lines of every .py file under `folder`."""
    return sum(code_lines(p.read_text()) for p in sorted(folder.rglob("*.py")))


def main(argv: list[str]) -> int:
    erps = argv or sorted(
        p.name
        for p in (ROOT / "connectors").iterdir()
        if (p / "__init__.py").exists() and p.name not in SKIP
    )
    print(f"{'package':<12}{'adapter':>10}{'sandbox':>10}   targets: adapter ~2000, sandbox ~1500")
    for erp in erps:
        folder = ROOT / "connectors" / erp
        total = package_size(folder)
        sandbox = package_size(folder / "sandbox") if (folder / "sandbox").exists() else 0
        print(f"{erp:<12}{total - sandbox:>10,}{sandbox:>10,}")
    every = sum(package_size(ROOT / "connectors" / e) for e in erps)
    print(f"{'shared':<12}{package_size(ROOT / 'connectors') - every:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
