"""Rows into a target database inside one transaction, and the check that they arrived whole.

The caller holds the transaction (``restore`` and ``copy``); nothing here commits. A target must be empty
unless told to replace what it holds; the tables the migrations fill count as empty as they come."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Table, bindparam, delete, exists, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.archive.rows import (
    MIGRATION_SEEDED,
    RowChecksum,
    inserting,
    self_references,
    table_checksum,
    tables_in_order,
)


@dataclass(frozen=True, slots=True)
class TableSum:
    """What a table holds, in the form a manifest records and a restore checks: rows and their checksum."""

    name: str
    rows: int
    checksum: str


class TargetNotEmpty(Exception):
    """The target database holds data; ``tables`` name those that do."""

    def __init__(self, tables: list[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tables


class RowsDiffer(Exception):
    """A table's rows in the target are not the source's (count or checksum): the transaction is rolled back."""


async def tables_with_rows(connection: AsyncConnection) -> list[str]:
    """The tables holding rows, apart from what the migrations seed."""
    found = []
    for table in tables_in_order():
        if table.name not in MIGRATION_SEEDED and await connection.scalar(select(exists().select_from(table))):
            found.append(table.name)
    return found


async def clear(connection: AsyncConnection, *, replace: bool) -> None:
    """Empty every table, after checking that only the migrations' rows would go unless ``replace``."""
    if not replace:
        holding = await tables_with_rows(connection)
        if holding:
            raise TargetNotEmpty(holding)
    for table in reversed(tables_in_order()):
        await connection.execute(delete(table))


async def insert_rows(connection: AsyncConnection, table: Table, batches: AsyncIterable[list[dict[str, Any]]]) -> None:
    """One table's rows, a batch per statement. The rows triggers made of another table's go first; a column
    naming a row of the same table is set once all of them are in."""
    await connection.execute(delete(table))
    pointing = self_references(table)
    later: list[dict[str, Any]] = []
    async for batch in batches:
        if not batch:
            continue
        if pointing:
            for row in batch:
                key = {f"key_{c.name}": row[c.name] for c in table.primary_key.columns}
                later += [{**key, f"new_{name}": row[name]} for name in pointing if row[name] is not None]
            batch = [{**row, **dict.fromkeys(pointing)} for row in batch]
        await connection.execute(inserting(table), batch)
    for name in pointing:
        changes = [change for change in later if f"new_{name}" in change]
        if changes:
            where = [c == bindparam(f"key_{c.name}") for c in table.primary_key.columns]
            statement = update(table).where(*where).values({name: bindparam(f"new_{name}")})
            await connection.execute(statement, changes)


async def reset_sequences(connection: AsyncConnection) -> None:
    """PostgreSQL's id sequences past the ids inserted as they were; SQLite takes the largest id plus one itself."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables_in_order():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer) or key[0].autoincrement is False:
            continue
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), coalesce(max({key[0].name}), 0) + 1, false) "
                f'FROM "{table.name}"'
            ),
            {"table": table.name, "column": key[0].name},
        )


async def summarize(connection: AsyncConnection) -> list[TableSum]:
    """Every table's rows and checksum as the connection sees them."""
    sums = []
    for table in tables_in_order():
        checksum: RowChecksum = await table_checksum(connection, table)
        sums.append(TableSum(table.name, checksum.rows, checksum.hexdigest))
    return sums


async def check_arrived(connection: AsyncConnection, expected: Iterable[TableSum]) -> list[TableSum]:
    """The target's tables against what was sent: RowsDiffer naming the first that is not the same."""
    found = {s.name: s for s in await summarize(connection)}
    for sent in expected:
        there = found.get(sent.name)
        if there != sent:
            rows = there.rows if there else 0
            raise RowsDiffer(f"{sent.name}: {sent.rows} rows sent, {rows} there, or their checksum differs")
    return list(found.values())
