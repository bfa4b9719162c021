#!/usr/bin/env python3
"""Regenerate the field tables of docs/canonical.md from the path catalogue.

    .venv/bin/python docs/gen_canonical.py          rewrite the generated section in place
    .venv/bin/python docs/gen_canonical.py --check  exit 1 when the section is out of date

Only the text between the two GENERATED markers is touched; the rest of the guide is prose.
"""

from __future__ import annotations

import sys
from pathlib import Path

from canonical import OBJECTS, catalogue

DOC = Path(__file__).resolve().parent / "canonical.md"
BEGIN = "<!-- BEGIN GENERATED: fields (docs/gen_canonical.py) -->"
END = "<!-- END GENERATED: fields -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fields_section() -> str:
    """The Markdown tables of every object's paths, as the catalogue has them."""
    out: list[str] = []
    for name, model in OBJECTS.items():
        doc = (model.__doc__ or "").strip().splitlines()[0]
        out += [f"### {name}", "", doc, "", "| path | type | required | description |"]
        out.append("|---|---|---|---|")
        for entry in catalogue(name):
            kind = entry.type
            if entry.enum_values:
                kind = "enum: " + ", ".join(f"`{v}`" for v in entry.enum_values)
            if entry.read_only:
                kind += " (read-only)"
            required = "yes" if entry.required else ""
            row = f"| `{entry.path}` | {kind} | {required} | {_cell(entry.description)} |"
            out.append(row)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(text: str) -> str:
    """`text` with its generated section replaced by the current one."""
    head, sep, rest = text.partition(BEGIN)
    if not sep or END not in rest:
        raise SystemExit(f"{DOC}: the GENERATED markers are missing")
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{fields_section()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Rewrite the section, or with --check report whether it is current."""
    current = DOC.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            sys.stderr.write(f"{DOC} is out of date: run docs/gen_canonical.py\n")
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
