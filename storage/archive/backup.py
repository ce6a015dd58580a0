"""``dongne backup`` and ``dongne restore`` at the storage level: a database and its folders of files into one
archive (``archive_file``), and an archive back into an empty database.

The rows are read in one snapshot (``transfer.snapshot``) and written to a table file each beside the archive,
a batch at a time on a worker thread, so neither a large database nor the bot's event loop suffers; the tar is
then written as ``<name>.partial`` and linked to its name only when whole, so a name never holds half an
archive and an existing file is never overwritten."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.archive.archive_file import (
    FILES,
    TABLES,
    ArchiveDamaged,
    FileEntry,
    Manifest,
    TableEntry,
    file_sha256,
    folder_files,
    members,
    verify,
    write_tar,
)
from storage.archive.loading import (
    TableSum,
    TargetNotEmpty,
    check_arrived,
    clear,
    insert_rows,
    reset_sequences,
    tables_with_rows,
)
from storage.archive.rows import RowChecksum, RowCodec, batch_size, read_batches, tables_in_order
from storage.archive.transfer import SchemaMismatch, schema_revision, snapshot, writing


class ArchiveExists(FileExistsError):
    """The archive's name is taken: a backup never overwrites a file."""


async def write_archive(
    engine: AsyncEngine, destination: Path, folders: dict[str, Path], *, dongne_version: str, created_at: datetime
) -> Manifest:
    """Every table (at one moment) and every file under ``folders`` (name in the archive -> directory) into a new
    archive at ``destination``."""
    if await asyncio.to_thread(destination.exists):
        raise ArchiveExists(str(destination))
    await asyncio.to_thread(destination.parent.mkdir, parents=True, exist_ok=True)
    work = Path(await asyncio.to_thread(tempfile.mkdtemp, dir=destination.parent, prefix=".dongne-backup-"))
    try:
        table_files: dict[str, Path] = {}
        tables = []
        async with snapshot(engine) as connection:
            revision = await schema_revision(connection)
            for table in tables_in_order():
                path = work / f"{table.name}.jsonl"
                codec, checksum = RowCodec(table), RowChecksum()
                with path.open("w", encoding="utf-8", newline="\n") as out:
                    async for rows in read_batches(connection, table):
                        await asyncio.to_thread(_write_lines, out, codec, checksum, rows)
                _, sha256 = await asyncio.to_thread(file_sha256, path)
                table_files[table.name] = path
                tables.append(TableEntry(table.name, codec.columns, checksum.rows, checksum.hexdigest, sha256))
        found = await asyncio.to_thread(folder_files, folders)
        files = [FileEntry(name, *await asyncio.to_thread(file_sha256, path)) for name, path in found]
        manifest = Manifest(
            dongne_version=dongne_version,
            schema_revision=revision,
            engine=engine.dialect.name,
            created_at=created_at.isoformat(),
            tables=tables,
            files=files,
        )
        partial = work / "archive.partial"
        await asyncio.to_thread(write_tar, partial, manifest, table_files, dict(found))
        try:
            await asyncio.to_thread(os.link, partial, destination)
        except FileExistsError:
            raise ArchiveExists(str(destination)) from None
        return manifest
    finally:
        await asyncio.to_thread(shutil.rmtree, work, ignore_errors=True)


def _write_lines(out: IO[str], codec: RowCodec, checksum: RowChecksum, rows: Any) -> None:
    for row in rows:
        line = codec.line(row)
        checksum.add(line)
        out.write(line)
        out.write("\n")


@dataclass(frozen=True, slots=True)
class Restored:
    manifest: Manifest
    tables: list[TableSum]


async def restore_archive(
    engine: AsyncEngine, archive: Path, folders: dict[str, Path], *, replace: bool = False
) -> Restored:
    """The archive, once checked whole (ArchiveDamaged), into ``engine``'s database at the archive's schema
    revision (SchemaMismatch), which must be empty unless ``replace`` (TargetNotEmpty): files first (each
    written whole, so a failure leaves only unused files), then every table in one transaction checked by rows
    and checksums before it commits."""
    manifest = await asyncio.to_thread(verify, archive)
    async with snapshot(engine) as connection:
        revision = await schema_revision(connection)
        if revision != manifest.schema_revision:
            raise SchemaMismatch(manifest.schema_revision, revision)
        tables = {t.name: t for t in tables_in_order()}
        if [t.name for t in manifest.tables] != list(tables):
            raise ArchiveDamaged("its tables are not this schema's")
        for entry in manifest.tables:
            if entry.columns != RowCodec(tables[entry.name]).columns:
                raise ArchiveDamaged(f"the columns of {entry.name} are not this schema's")
        if not replace:
            await _check_empty(connection)
    await asyncio.to_thread(_restore_files, archive, folders)
    async with writing(engine) as connection:
        await clear(connection, replace=replace)
        async for name, lines in _table_lines(archive):
            table = tables[name]
            await insert_rows(connection, table, _decoded(RowCodec(table), lines, batch_size(table)))
        await reset_sequences(connection)
        arrived = await check_arrived(connection, [TableSum(t.name, t.rows, t.checksum) for t in manifest.tables])
    return Restored(manifest, arrived)


async def _check_empty(connection: AsyncConnection) -> None:
    holding = await tables_with_rows(connection)
    if holding:
        raise TargetNotEmpty(holding)


def _restore_files(archive: Path, folders: dict[str, Path]) -> None:
    for name, handle in members(archive):
        if not name.startswith(FILES):
            continue
        folder, _, inside = name[len(FILES) :].partition("/")
        root = folders.get(folder)
        if root is None:
            continue
        target = root / inside
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                shutil.copyfileobj(handle, out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


async def _table_lines(archive: Path) -> AsyncIterator[tuple[str, AsyncIterator[list[str]]]]:
    """Each table's name and its lines a chunk at a time, read from the archive on a worker thread."""
    stream = members(archive)

    def following() -> tuple[str, IO[bytes]] | None:
        for name, handle in stream:
            if name.startswith(TABLES):
                return name[len(TABLES) : -len(".jsonl")], handle
            if name.startswith(FILES):
                return None
        return None

    while (found := await asyncio.to_thread(following)) is not None:
        name, handle = found

        async def lines(handle: IO[bytes] = handle) -> AsyncIterator[list[str]]:
            while chunk := await asyncio.to_thread(handle.readlines, 4 * 1024 * 1024):
                yield [line.decode("utf-8") for line in chunk]

        yield name, lines()


async def _decoded(codec: RowCodec, chunks: AsyncIterator[list[str]], size: int) -> AsyncIterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    async for lines in chunks:
        for line in lines:
            batch.append(codec.values(line))
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch
