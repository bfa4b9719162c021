"""Field paths into nested JSON-like documents, on both sides of a mapping.

A path is dot-separated names. A name followed by `[]` steps into every element of a list
(`LineItems[].AccountCode`); a name followed by `[Key=Value]` steps into the one element whose
`Key` equals `Value` (`Tracking[Name=Department].Option`), and creates it on write when it is
missing. Canonical paths use the catalogue's spelling (`lines[].custom_fields.project`), with or
without the object's name in front.

Reads return every value a path reaches with the list indexes that lead to it, so a rule from
`LineItems[].AccountCode` to `lines[].gl_code` maps element i to element i. On reads a list step
also passes through OData V2's wrapper of expanded lists (`{"results": [...]}`), so one path
(`to_Item[].CostCenter`) serves both what SAP answers and the deep insert it takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_STEP = re.compile(
    r"^(?P<name>[A-Za-z_@$][\w@$-]*)(?:\[(?:(?P<each>\*?)|(?P<key>[\w@$-]+)=(?P<value>[^\]]*))\])?$"
)


class PathError(ValueError):
    """A path that cannot be parsed; the message names the part and the reason."""


@dataclass(frozen=True)
class Step:
    """One name of a path, with how it steps into a list."""

    name: str
    each: bool = False
    key: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        if self.each:
            return f"{self.name}[]"
        if self.key is not None:
            return f"{self.name}[{self.key}={self.value}]"
        return self.name


@dataclass(frozen=True)
class Path:
    """A parsed path."""

    text: str
    steps: tuple[Step, ...]

    @property
    def levels(self) -> int:
        """How many `[]` steps the path has: the length of the index tuples it reads and writes."""
        return sum(1 for s in self.steps if s.each)

    def __str__(self) -> str:
        return self.text


def parse(text: str, *, object_name: str | None = None) -> Path:
    """Parse `text`; a leading `object_name.` (the canonical object) is dropped."""
    if not isinstance(text, str) or not text.strip():
        raise PathError("a path must be a non-empty string")
    raw = text.strip()
    if object_name and raw.startswith(object_name + "."):
        raw = raw[len(object_name) + 1 :]
    steps: list[Step] = []
    for part in raw.split("."):
        m = _STEP.match(part)
        if m is None:
            raise PathError(
                f"'{part}' in path '{text}' is not a field name, name[] or name[Key=Value]"
            )
        if m.group("key") is not None:
            steps.append(Step(m.group("name"), key=m.group("key"), value=m.group("value")))
        else:
            steps.append(Step(m.group("name"), each=m.group("each") is not None))
    return Path(text.strip(), tuple(steps))


def values(doc: Any, path: Path) -> Iterator[tuple[tuple[int, ...], Any]]:
    """Every (list indexes, value) the path reaches in `doc`; missing parts reach nothing."""
    yield from _walk(doc, path.steps, ())


def _walk(
    node: Any, steps: tuple[Step, ...], index: tuple[int, ...]
) -> Iterator[tuple[tuple[int, ...], Any]]:
    if not steps:
        yield index, node
        return
    if not isinstance(node, dict):
        return
    step, rest = steps[0], steps[1:]
    if step.name not in node:
        return
    child = node[step.name]
    if (step.each or step.key is not None) and isinstance(child, dict):
        child = child.get("results")  # OData V2: an expanded list is {"results": [...]}
    if step.each:
        if isinstance(child, list):
            for i, element in enumerate(child):
                yield from _walk(element, rest, (*index, i))
        return
    if step.key is not None:
        if isinstance(child, list):
            for element in child:
                if isinstance(element, dict) and _text(element.get(step.key)) == step.value:
                    yield from _walk(element, rest, index)
                    return
        return
    yield from _walk(child, rest, index)


def first(doc: Any, path: Path) -> Any:
    """The value at a path without `[]` steps, or None when missing."""
    for _, value in values(doc, path):
        return value
    return None


def put(doc: dict[str, Any], path: Path, index: tuple[int, ...], value: Any) -> None:
    """Set the value at `path` for the list indexes `index`, creating what is missing.

    Lists are extended with empty objects up to the index; a `[Key=Value]` element is appended
    when no element matches.
    """
    if len(index) != path.levels:
        raise PathError(f"path '{path}' has {path.levels} list levels, got {len(index)} indexes")
    node: Any = doc
    remaining = list(index)
    for n, step in enumerate(path.steps):
        last = n == len(path.steps) - 1
        if not isinstance(node, dict):
            raise PathError(
                f"'{step.name}' in path '{path}' is inside a value that is not an object"
            )
        if step.each:
            items = node.setdefault(step.name, [])
            if not isinstance(items, list):
                raise PathError(f"'{step.name}' in path '{path}' is not a list")
            i = remaining.pop(0)
            while len(items) <= i:
                items.append({})
            if last:
                items[i] = value
                return
            node = items[i]
        elif step.key is not None:
            items = node.setdefault(step.name, [])
            if not isinstance(items, list):
                raise PathError(f"'{step.name}' in path '{path}' is not a list")
            match = next(
                (e for e in items if isinstance(e, dict) and _text(e.get(step.key)) == step.value),
                None,
            )
            if match is None:
                match = {step.key: step.value}
                items.append(match)
            if last:
                raise PathError(f"path '{path}' must name a field inside '{step}'")
            node = match
        elif last:
            node[step.name] = value
        else:
            node = node.setdefault(step.name, {})


def remove(doc: dict[str, Any], path: Path) -> None:
    """Delete the value at every place the path reaches (used by `drop` rules)."""
    *head, leaf = path.steps
    if leaf.each or leaf.key is not None:
        raise PathError(f"path '{path}' must end in a field name to be removed")
    parent = Path(path.text, tuple(head))
    targets = [doc] if not head else [v for _, v in values(doc, parent)]
    for node in targets:
        if isinstance(node, dict):
            node.pop(leaf.name, None)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
