"""`hub mappings`: suggest canonical mappings for a system's fields, and measure the engine."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from canonical import OBJECTS
from hub.cli.jsonsafe import DocumentError, load_document
from mappings.eval.dataset import DATA_DIR, load_labelled
from mappings.eval.loeo import CALIBRATION_FOLDS, EPOCHS, Metrics, leave_one_system_out
from mappings.suggest import (
    DecisionSet,
    Engine,
    FieldList,
    SuggestionReport,
    UnknownObjectError,
    field_list_from_sample,
)

app = typer.Typer(
    help="Mappings: declarative specs per connection, previews, suggestions and decisions.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    """How to print results."""

    json = "json"
    table = "table"


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _read_json(path: Path, what: str) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {what} file '{path}': {exc.strerror or exc}")
    try:
        return load_document(raw)
    except DocumentError as exc:
        problem = str(exc)
        if problem.startswith("not valid JSON"):
            problem = "is not JSON" + problem.removeprefix("not valid JSON")
        _fail(f"{what} file '{path}': {problem}")


def _field_list(source: Path | None, sample: Path | None) -> FieldList:
    if (source is None) == (sample is None):
        _fail("give exactly one of --source FILE (a field list) or --sample FILE (a record)")
    if sample is not None:
        data = _read_json(sample, "sample")
        try:
            return field_list_from_sample(data, object_name=sample.stem)
        except ValueError as exc:
            _fail(f"sample file '{sample}': {exc}")
    assert source is not None
    data = _read_json(source, "source")
    if not isinstance(data, dict):
        _fail(f"source file '{source}' must hold a JSON object with a 'fields' list")
    if "fields" not in data:
        _fail(f"source file '{source}' has no 'fields' list")
    if not isinstance(data["fields"], list):
        _fail(f"source file '{source}': 'fields' must be a list")
    try:
        return FieldList.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        _fail(f"source file '{source}': {where}: {first['msg']}")


def _print_table(report: SuggestionReport) -> None:
    table = Table(
        "source",
        "target",
        "confidence",
        "alternatives",
        "why",
        title=f"Suggested mappings onto '{report.object}'",
    )
    for s in report.suggestions:
        alts = ", ".join(f"{a.target} ({a.confidence:.2f})" for a in s.alternatives[:2])
        table.add_row(
            s.source,
            s.target or "[dim]- none -[/dim]",
            f"{s.confidence:.2f}",
            alts,
            "; ".join(s.reasons),
        )
    Console(width=200).print(table)


@app.command("suggest")
def suggest(
    object_name: Annotated[
        str | None,
        typer.Option("--object", help=f"Canonical object to map onto: {', '.join(OBJECTS)}."),
    ] = None,
    source: Annotated[
        Path | None,
        typer.Option("--source", help="Field list JSON: {system, object, target_object, fields}."),
    ] = None,
    sample: Annotated[
        Path | None, typer.Option("--sample", help="A sample record (JSON) to infer fields from.")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="json (machines) or table (people).")
    ] = OutputFormat.json,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Abstain when a target's confidence is below T (0-1)."),
    ] = None,
    decisions: Annotated[
        Path | None,
        typer.Option("--decisions", help='Prior decisions: [{"source", "target", "accepted"}].'),
    ] = None,
    connection: Annotated[
        str | None,
        typer.Option(
            "--connection",
            "-c",
            help="Suggest from this connection's ERP records, with its tenant's decisions.",
        ),
    ] = None,
) -> None:
    """Propose a canonical path (or none) for every field, with calibrated confidence.

    With --connection (and --object), the fields come from records fetched from the connected
    ERP, and the tenant's accepted and rejected pairs (`hub mappings accept|reject`) are reused.

    Example: hub mappings suggest --object invoice --source bill_fields.json --format table

    Example: hub mappings suggest --connection con_01J... --object invoice --format table
    """
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        _fail(f"--threshold must be between 0 and 1, got {threshold}")
    if object_name is not None and object_name not in OBJECTS:
        _fail(f"unknown target object '{object_name}' (known: {', '.join(OBJECTS)})")
    prior = DecisionSet()
    if connection is not None:
        if object_name is None or source is not None or sample is not None:
            _fail("--connection takes --object and neither --source nor --sample")
        from hub.cli.mapspec import suggest_input

        field_list, prior = suggest_input(connection, object_name)
    else:
        field_list = _field_list(source, sample)
    if decisions is not None:
        try:
            prior = DecisionSet.from_json(decisions.read_bytes())
        except OSError as exc:
            _fail(f"cannot read decisions file '{decisions}': {exc.strerror or exc}")
        except ValidationError as exc:
            _fail(
                f"decisions file '{decisions}' is not a list of "
                f"{{source, target, accepted}}: {exc.errors()[0]['msg']}"
            )
    try:
        report = Engine().suggest(field_list, object_name, prior, threshold)
    except UnknownObjectError as exc:
        _fail(str(exc))
    if output is OutputFormat.table:
        _print_table(report)
    else:
        typer.echo(report.model_dump_json(indent=2))


def _metrics_table(results: dict[str, Metrics]) -> Table:
    table = Table(
        "held-out",
        "fields",
        "mappable",
        "top-1",
        "top-3",
        "MRR",
        "abst. P",
        "abst. R",
        "abst. F1",
        "accuracy",
        "ECE",
        title="Leave-one-system-out (fit on the others, measured on the held-out system)",
    )
    for name, m in results.items():
        if name == "pooled":
            table.add_section()
        table.add_row(
            name,
            str(m.fields),
            str(m.mappable),
            f"{m.top1:.3f}",
            f"{m.top3:.3f}",
            f"{m.mrr:.3f}",
            f"{m.abstain_precision:.3f}",
            f"{m.abstain_recall:.3f}",
            f"{m.abstain_f1:.3f}",
            f"{m.accuracy:.3f}",
            f"{m.ece:.3f}",
        )
    return table


@app.command("eval")
def evaluate(
    data: Annotated[
        Path, typer.Option("--data", help="Folder of labelled field lists, one JSON per system.")
    ] = DATA_DIR,
    output: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
    mistakes: Annotated[
        int,
        typer.Option("--mistakes", min=0, help="Show the N worst mistakes per held-out system."),
    ] = 3,
    epochs: Annotated[
        int, typer.Option("--epochs", min=1, help="Training passes per fit.")
    ] = EPOCHS,
    folds: Annotated[
        int,
        typer.Option(
            "--folds",
            min=0,
            help="Groups of systems the calibration is fitted on held-out predictions of "
            "(0: one system per group).",
        ),
    ] = CALIBRATION_FOLDS,
) -> None:
    """Leave-one-system-out: fit on all systems but one, measure on it, for each.

    Prints each held-out system's figures, the pooled ones and the mean over systems.

    Weights and calibration never see the held-out system; the lexicon is fixed, not learned.

    About 80 s of CPU.

    Example: hub mappings eval --mistakes 5
    """
    if not data.is_dir():
        _fail(f"labelled data folder '{data}' does not exist")
    try:
        objects = load_labelled(data)
    except (ValueError, KeyError, ValidationError) as exc:
        _fail(f"labelled data in '{data}' is malformed: {exc}")
    if len({o.system for o in objects}) < 2:
        _fail(f"need labelled field lists of at least two systems in '{data}'")
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("held out: {task.fields[system]:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("eval", total=len({o.system for o in objects}), system="")

        def on_system(system: str, index: int, total: int) -> None:
            progress.update(task, completed=index, system=system)

        results = leave_one_system_out(
            objects, epochs=epochs, folds=folds or None, on_system=on_system
        )
    if output is OutputFormat.json:
        payload = {
            name: {
                **m.as_dict(),
                "worst_mistakes": [
                    {
                        "system": x.system,
                        "object": x.object,
                        "source": x.source,
                        "expected": x.expected,
                        "got": x.got,
                        "confidence": x.confidence,
                        "reasons": list(x.reasons),
                    }
                    for x in m.mistakes[:mistakes]
                ],
            }
            for name, m in results.items()
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    console = Console(width=160)
    console.print(_metrics_table(results))
    for name, m in results.items():
        if name in ("pooled", "mean") or not mistakes:
            continue
        console.print(f"\n[bold]{name}[/bold]: worst mistakes (most confident first)")
        for x in m.mistakes[:mistakes]:
            console.print(
                f"  {x.object} {x.source}: expected {x.expected}, got {x.got} "
                f"({x.confidence:.2f}) - {'; '.join(x.reasons)}"
            )


def register(root: typer.Typer) -> None:
    """Attach `hub mappings` to the root command."""
    from hub.cli.mapspec import register_mappings

    register_mappings(app)
    root.add_typer(app, name="mappings")
