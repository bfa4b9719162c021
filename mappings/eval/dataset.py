"""Loading the labelled field lists shipped in `mappings/eval/data/`.

Each file holds one system: `{"system", "source", "objects": [{"system", "object",
"target_object", "title", "fields": [{"path", "type", "description", "examples", "target"}]}]}`;
`target` is a canonical path or null (no counterpart). The labelling rules are in
`docs/mappings-suggest.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from canonical import jsonio
from mappings.suggest.models import FieldList, FieldSpec

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class LabelledObject:
    """One object's field list with the right target of every field."""

    system: str
    field_list: FieldList
    target_object: str
    labels: tuple[str | None, ...]


def systems(data_dir: Path = DATA_DIR) -> list[str]:
    """Names of the systems with labelled data."""
    return sorted(p.stem for p in data_dir.glob("*.json"))


def load_file(path: Path) -> list[LabelledObject]:
    """Read one labelled file."""
    data = jsonio.loads(path.read_text(encoding="utf-8"))
    out: list[LabelledObject] = []
    for obj in data["objects"]:
        specs = [FieldSpec.model_validate(f) for f in obj["fields"]]
        labels = tuple(f.get("target") for f in obj["fields"])
        fl = FieldList(
            system=obj["system"],
            object=obj["object"],
            target_object=obj["target_object"],
            fields=specs,
        )
        out.append(LabelledObject(obj["system"], fl, obj["target_object"], labels))
    return out


def load_labelled(data_dir: Path = DATA_DIR, only: list[str] | None = None) -> list[LabelledObject]:
    """Every labelled object (optionally of the named systems only)."""
    out: list[LabelledObject] = []
    for name in systems(data_dir):
        if only is None or name in only:
            out.extend(load_file(data_dir / f"{name}.json"))
    return out
