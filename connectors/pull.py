"""Reading resources page by page into a sink: the one path `hub extract` and sync jobs share.

`pull` asks the connector for pages after each resource's cursor and hands every page to a
sink; the sink decides what committing means (a JSON-lines file for `hub extract`, one database
transaction per page for the hub). Only after the sink returns does the page's cursor count as
reached, so a crash resumes at the last page the sink committed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from connectors.base import Connector, Page


class PageSink(Protocol):
    """Receives each page; returns once the page (and its cursor) is durably handled."""

    def __call__(self, page: Page) -> None:
        """Commit one page."""
        ...


@dataclass
class PullStats:
    """What a pull did, per resource and canonical object."""

    pages: Counter[str] = field(default_factory=Counter)
    fetched: Counter[str] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    cursors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, page: Page) -> None:
        """Count one page (or slice of one: the page counts with its last slice)."""
        if not page.partial:
            self.pages[page.resource] += 1
        self.fetched[page.resource] += page.fetched
        for record in page.records:
            self.records[type(record).OBJECT] += 1
        self.failures[page.resource] += len(page.failures)
        self.cursors[page.resource] = page.cursor


def pull(
    connector: Connector,
    resources: Iterable[str],
    sink: PageSink,
    *,
    cursors: Mapping[str, str | None] | None = None,
    full: bool = False,
    on_page: Callable[[Page], None] | None = None,
) -> PullStats:
    """Read each resource from its cursor (or in full) and give every page to `sink`."""
    stats = PullStats()
    start = time.perf_counter()
    for name in resources:
        cursor = None if cursors is None else cursors.get(name)
        for page in connector.read(name, cursor, full=full):
            sink(page)
            stats.add(page)
            if on_page is not None:
                on_page(page)
            del page  # not held while the next page is fetched: one page in memory at a time
    stats.seconds = time.perf_counter() - start
    return stats
