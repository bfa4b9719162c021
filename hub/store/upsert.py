"""`INSERT ... ON CONFLICT` for whichever database the session talks to."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import FromClause, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session, table: FromClause) -> Any:
    """The dialect's own `insert(table)`, which offers `on_conflict_do_nothing/do_update`."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(cast(Table, table))
    if name == "sqlite":
        return sqlite.insert(cast(Table, table))
    raise NotImplementedError(f"the store supports PostgreSQL and SQLite, not {name}")


def insert_ignore(
    session: Session, table: FromClause, rows: list[dict[str, Any]], keys: list[str]
) -> int:
    """Insert `rows`, skipping those whose `keys` already exist; the number inserted."""
    if not rows:
        return 0
    # Counted from RETURNING: rowcount is not reliable for multi-row inserts on every driver.
    stmt = (
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(table.c[keys[0]])
    )
    return len(session.execute(stmt, rows).all())


def chunks(items: list[Any], size: int = 400) -> list[list[Any]]:
    """`items` cut into lists of at most `size` (SQLite caps the bound parameters per query)."""
    return [items[i : i + size] for i in range(0, len(items), size)]
