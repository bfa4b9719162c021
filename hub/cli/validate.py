"""`hub validate`: check JSON documents against the canonical model, naming each problem's path.

The functions here are also what `hub demo` uses to show the model at work on `examples/`:
`validate_examples(folder)` returns one `DocumentResult` per file and `print_results` prints them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from canonical import OBJECTS, ValidationReport, Violation, validate_document
from hub.cli.jsonsafe import DocumentError, load_document

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
"""The sample documents shipped with the repository."""

ALIASES = {"bill": "invoice", "credit_note": "invoice", "journal": "journal_entry"}
"""File-name stems that name an object by another word."""

_SEPARATORS = ("-", "_", ".")


def object_for(path: Path) -> str | None:
    """The canonical object a file holds, from its name: `bill-0412.json` -> `invoice`.

    The stem is an object name or an alias, alone or followed by `-`, `_` or `.` and anything;
    the longest name wins, so `journal_entry_march.json` is a journal entry.
    """
    stem = path.name.lower().removesuffix(".json")
    names = {**{name: name for name in OBJECTS}, **ALIASES}
    for name in sorted(names, key=len, reverse=True):
        if stem == name or any(stem.startswith(name + sep) for sep in _SEPARATORS):
            return names[name]
    return None


@dataclass(frozen=True)
class DocumentResult:
    """The validation of one file: its report, or why it could not be validated at all."""

    path: Path
    object_name: str | None
    report: ValidationReport | None
    error: str | None = None
    """Why the file was not validated (unreadable, not JSON, object unknown); None otherwise."""

    @property
    def ok(self) -> bool:
        """True when the document was read and is valid."""
        return self.report is not None and self.report.ok

    @property
    def unreadable(self) -> bool:
        """True when the document could not be validated at all."""
        return self.report is None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary: path, object, ok, violations, notices, error."""
        report = self.report
        return {
            "path": str(self.path),
            "object": self.object_name,
            "ok": self.ok,
            "violations": [_violation(v) for v in report.violations] if report else [],
            "notices": [_violation(v) for v in report.notices] if report else [],
            "error": self.error,
        }


def _violation(v: Violation) -> dict[str, str]:
    return {"path": v.path, "reason": v.reason, "code": v.code}


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, with every `*.json` under the folders named (sorted, recursive)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            files.append(path)
    return files


def validate_file(path: Path, object_name: str | None = None) -> DocumentResult:
    """Validate one JSON file as `object_name`, or as the object its file name says."""
    name = object_name or object_for(path)
    if name is None:
        known = ", ".join([*OBJECTS, *ALIASES])
        reason = f"cannot tell the object from the file name; name it {known}, or use --object"
        return DocumentResult(path, None, None, reason)
    if name not in OBJECTS:
        return DocumentResult(path, name, None, f"unknown object '{name}'")
    try:
        data = load_document(path.read_bytes())
    except OSError as exc:
        return DocumentResult(path, name, None, f"cannot read the file: {exc.strerror or exc}")
    except DocumentError as exc:
        return DocumentResult(path, name, None, str(exc))
    if not isinstance(data, dict):
        violation = Violation(name, "a document must be a JSON object", "type")
        return DocumentResult(path, name, ValidationReport(name, None, (violation,)))
    return DocumentResult(path, name, validate_document(name, data))


def validate_paths(paths: Sequence[Path], object_name: str | None = None) -> list[DocumentResult]:
    """Validate every file named and every `*.json` in the folders named."""
    results = []
    for path in collect_files(paths):
        if not path.exists():
            results.append(DocumentResult(path, object_name, None, "no such file or folder"))
        else:
            results.append(validate_file(path, object_name))
    return results


def validate_examples(folder: Path = EXAMPLES_DIR) -> list[DocumentResult]:
    """Validate the sample documents in `folder` (the repository's `examples/` by default)."""
    return validate_paths([folder])


def exit_code(results: Sequence[DocumentResult]) -> int:
    """2 when any input could not be validated, 1 when any document is invalid, else 0."""
    if any(r.unreadable for r in results):
        return 2
    return 1 if any(not r.ok for r in results) else 0


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def print_results(
    results: Sequence[DocumentResult], console: Console | None = None, *, root: Path | None = None
) -> None:
    """Print each document's outcome: OK, or every violation with its canonical path and reason.

    `root` shortens the file names shown (relative to it); notices are printed for valid and
    invalid documents alike.
    """
    out = console or Console()
    for result in results:
        name = escape(_display(result.path, root))
        kind = escape(result.object_name or "?")
        report = result.report
        if report is None:
            error = escape(result.error or "")
            out.print(f"[bold red]ERROR[/] {name} ({kind}): {error}", soft_wrap=True)
            continue
        if report.ok:
            out.print(f"[bold green]OK[/]    {name} ({kind})")
        else:
            count = len(report.violations)
            noun = "problem" if count == 1 else "problems"
            out.print(f"[bold red]FAIL[/]  {name} ({kind}): {count} {noun}")
            for v in report.violations:
                line = f"      [red]✗[/] [cyan]{escape(v.path)}[/]: {escape(v.reason)}"
                out.print(line, soft_wrap=True)
        for n in report.notices:
            line = f"      [yellow]note[/] [cyan]{escape(n.path)}[/]: {escape(n.reason)}"
            out.print(line, soft_wrap=True)
    valid = sum(r.ok for r in results)
    invalid = sum(not r.ok and not r.unreadable for r in results)
    unreadable = sum(r.unreadable for r in results)
    summary = f"{len(results)} documents: {valid} valid, {invalid} invalid"
    if unreadable:
        summary += f", {unreadable} not readable"
    out.print(summary)


def validate(
    paths: Annotated[
        list[Path], typer.Argument(help="JSON files, or folders to search for *.json files.")
    ],
    object_name: Annotated[
        str | None,
        typer.Option(
            "--object",
            help=f"Validate every file as this object: {', '.join(OBJECTS)}. "
            "Default: from the file name (bill.json is an invoice).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array of results instead of text.")
    ] = False,
) -> None:
    """Validate canonical JSON documents; name every problem by its canonical path.

    The object comes from the file name (supplier.json, bill-0412.json) unless --object is given.

    Exit status: 0 all valid, 1 a document is invalid, 2 an input could not be read.

    Example: hub validate examples/

    Example: hub validate scan.json --object invoice --json
    """
    if object_name is not None and object_name not in OBJECTS:
        typer.echo(f"error: unknown object '{object_name}'; known: {', '.join(OBJECTS)}", err=True)
        raise typer.Exit(2)
    results = validate_paths(paths, object_name)
    if not results:
        typer.echo("error: no JSON documents found", err=True)
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        print_results(results)
    raise typer.Exit(exit_code(results))


def register(root: typer.Typer) -> None:
    """Add `hub validate` to the root command."""
    root.command("validate")(validate)
