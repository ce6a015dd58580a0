"""Reading a whole database at one moment, and moving it to another database (``dongne db copy``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.archive.loading import TableSum, check_arrived, clear, insert_rows, reset_sequences
from storage.archive.rows import RowChecksum, RowCodec, read_batches, tables_in_order
from storage.db import WRITE_OPTION


class SchemaMismatch(Exception):
    """Source and target (or archive and database) are not at the same schema revision."""

    def __init__(self, source: str | None, target: str | None) -> None:
        super().__init__(f"{source} against {target}")
        self.source = source
        self.target = target


@contextlib.asynccontextmanager
async def snapshot(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in one read transaction, so every table is read as of the same moment while the bot goes on
    writing: PostgreSQL's REPEATABLE READ, read only; SQLite's WAL keeps the snapshot its first read took."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = await connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        async with connection.begin():
            yield connection


@contextlib.asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in one transaction that writes (SQLite takes the write lock at its start), committed when
    the block ends without an error."""
    async with engine.connect() as connection:
        connection = await connection.execution_options(**{WRITE_OPTION: True})
        async with connection.begin():
            yield connection


async def schema_revision(connection: AsyncConnection) -> str | None:
    def read(sync: Connection) -> str | None:
        return MigrationContext.configure(sync).get_current_revision()

    return await connection.run_sync(read)


async def _normalized(
    source: AsyncConnection, table: Table, checksum: RowChecksum
) -> AsyncIterator[list[dict[str, Any]]]:
    """The source's rows as the target takes them, through the archive's canonical form (a zone on SQLite's
    timestamps, say), counted into ``checksum`` as they go."""
    codec = RowCodec(table)
    async for rows in read_batches(source, table):
        batch = []
        for row in rows:
            line = codec.line(row)
            checksum.add(line)
            batch.append(codec.values(line))
        yield batch


async def copy_database(source: AsyncEngine, target: AsyncEngine, *, replace: bool = False) -> list[TableSum]:
    """Every row of ``source`` (read at one moment) into ``target`` in one transaction, checked there by rows and
    checksums before it commits. The target must be at the source's schema revision and empty (TargetNotEmpty)
    unless ``replace``."""
    async with snapshot(source) as reading, writing(target) as written:
        source_revision, target_revision = await schema_revision(reading), await schema_revision(written)
        if source_revision != target_revision:
            raise SchemaMismatch(source_revision, target_revision)
        await clear(written, replace=replace)
        sent = []
        for table in tables_in_order():
            checksum = RowChecksum()
            await insert_rows(written, table, _normalized(reading, table, checksum))
            sent.append(TableSum(table.name, checksum.rows, checksum.hexdigest))
        await reset_sequences(written)
        return await check_arrived(written, sent)
