"""SuiteQL for each NetSuite resource: one query a page, lines joined, a unique ORDER BY.

A resource is declared (`Query`): its driving table and alias, its columns, its joins, the
filter that picks its rows, the key it pages by and the column its incremental cursor reads.
`Query.sql` writes the statement for one page: the cursor as a local-time `TO_DATE` (SuiteQL
compares `lastmodifieddate` in the account's time zone) and, past the offset cap, `key > after`.
Rows of one record (a document's lines, a vendor's bank accounts) share the key and arrive
together because the key leads the ORDER BY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["STAMP", "Query", "local_stamp"]

STAMP = "YYYY-MM-DD HH24:MI:SS"
"""The format every datetime is read in (`TO_CHAR`) and every cursor is written in."""


def local_stamp(moment: datetime) -> str:
    """A moment as `YYYY-MM-DD HH24:MI:SS`, already converted to the account's zone."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Query:
    """One resource's SuiteQL, declared.

    `columns` are select expressions with their output names; `{custom}` columns are added per
    connection (custom fields by script id). `key` is `alias.column` of the unique, increasing
    key that leads the ORDER BY (`key_name` is its output name); `order` lists the columns after
    it (line ids) that make the order unique. `cursor` is the last-modified column (None: the
    resource is read whole every time).
    """

    table: str
    alias: str
    columns: tuple[tuple[str, str], ...]
    key: str
    key_name: str = "id"
    joins: tuple[str, ...] = ()
    where: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    cursor: str | None = None
    custom_prefixes: tuple[str, ...] = field(default=())

    def sql(
        self,
        *,
        since_local: str | None = None,
        after: str | None = None,
        custom: tuple[tuple[str, str], ...] = (),
        extra: tuple[str, ...] = (),
    ) -> str:
        """The statement for one page: changed since `since_local`, keys after `after`, and
        the `extra` conditions (written by the adapter, never from input)."""
        select = ", ".join(f"{expr} AS {name}" for expr, name in (*self.columns, *custom))
        conditions = [*self.where, *extra]
        if since_local is not None and self.cursor is not None:
            conditions.append(f"{self.cursor} >= TO_DATE('{since_local}', '{STAMP}')")
        if after is not None:
            if not after.isdigit():
                raise ValueError(f"a SuiteQL page key must be an internal id, not {after!r}")
            conditions.append(f"{self.key} > {after}")
        # Every piece is declared in code or checked above (digits, a formatted timestamp).
        text = f"SELECT {select} FROM {self.table} {self.alias}"  # noqa: S608
        if self.joins:
            text += " " + " ".join(self.joins)
        if conditions:
            text += " WHERE " + " AND ".join(conditions)
        return text + " ORDER BY " + ", ".join((self.key, *self.order))
