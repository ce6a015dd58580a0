"""An office's whole database in one archive and back, on the other engine too, and moved between engines.

Every table holds rows (tests/archive_world.py), so each column type crosses: timestamps with their zone,
dates, decimals, bytes, booleans, JSON. "The same data" is each table's row count and checksum, computed the
same way on both engines (storage/archive/rows.py)."""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import JSON, Text, cast, func, insert, null, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.archive.archive_file import ArchiveDamaged, read_manifest
from storage.archive.backup import ArchiveExists, restore_archive, write_archive
from storage.archive.loading import TargetNotEmpty, summarize
from storage.archive.transfer import copy_database, snapshot
from storage.db import create_engine
from storage.schema import metadata
from tests.archive_world import load_full_district, other_url_fixture  # noqa: F401 (the other_url fixture)

DEPARTMENT = metadata.tables["department"]
AUDIT = metadata.tables["audit_log"]
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
async def other_engine(other_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(other_url)
    yield engine
    await engine.dispose()


@pytest.fixture(autouse=True)
def server_in_seoul(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's own clock in the office's zone, as an office's server often is: SQLite's timestamps, read
    back without a zone, must still be taken as UTC."""
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
async def district(engine, uow_factory, clock, tmp_path: Path) -> dict[str, Path]:
    await load_full_district(engine, uow_factory, clock)
    photos = tmp_path / "data" / "photos"
    (photos / "ab").mkdir(parents=True)
    (photos / "ab" / "ab12.png").write_bytes(PHOTO)
    return {"photos": photos}


async def _sums(engine: AsyncEngine) -> list:
    async with snapshot(engine) as connection:
        return await summarize(connection)


async def _audit_details_null(engine: AsyncEngine) -> tuple[int, int]:
    """Audit entries whose details are SQL NULL, and those whose details are the JSON document null."""
    async with engine.connect() as connection:
        sql_null = await connection.scalar(select(func.count()).where(AUDIT.c.details.is_(None)))
        json_null = await connection.scalar(
            select(func.count()).where(AUDIT.c.details.is_not(None), cast(AUDIT.c.details, Text) == "null")
        )
    return int(sql_null or 0), int(json_null or 0)


async def test_a_backup_restores_on_the_other_engine_with_every_table_the_same(
    engine, other_engine, district, clock, tmp_path
):
    async with engine.begin() as connection:
        entry = {"at": clock.now(), "action": "test.null"}
        await connection.execute(insert(AUDIT).values(**entry, details=null()))
        await connection.execute(insert(AUDIT).values(**entry, details=JSON.NULL))
    assert await _audit_details_null(engine) == (1, 1)
    before = await _sums(engine)
    assert all(table.rows for table in before), [t.name for t in before if not t.rows]
    archive = tmp_path / "office.tar.gz"
    manifest = await write_archive(engine, archive, district, dongne_version="9.9", created_at=clock.now())
    assert manifest.engine == engine.dialect.name and manifest.schema_revision
    assert [(t.name, t.rows, t.checksum) for t in manifest.tables] == [(s.name, s.rows, s.checksum) for s in before]
    assert [(f.path, f.size) for f in manifest.files] == [("photos/ab/ab12.png", len(PHOTO))]
    assert archive.stat().st_mode & 0o777 == 0o600

    restored_photos = tmp_path / "elsewhere" / "photos"
    restored = await restore_archive(other_engine, archive, {"photos": restored_photos})

    assert restored.tables == before
    assert await _sums(other_engine) == before
    assert await _audit_details_null(other_engine) == (1, 1)
    assert (restored_photos / "ab" / "ab12.png").read_bytes() == PHOTO
    # The ids went in as they were; the next row the office adds takes the next id, on either engine.
    async with other_engine.begin() as connection:
        largest = await connection.scalar(select(func.max(DEPARTMENT.c.id)))
        added = await connection.execute(insert(DEPARTMENT).values(name="새 부서").returning(DEPARTMENT.c.id))
        assert added.scalar_one() > largest


async def test_a_backup_never_overwrites_a_file(engine, district, clock, tmp_path):
    archive = tmp_path / "office.tar.gz"
    archive.write_bytes(b"someone's file")
    with pytest.raises(ArchiveExists):
        await write_archive(engine, archive, district, dongne_version="9.9", created_at=clock.now())
    assert archive.read_bytes() == b"someone's file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dongne")] == []


def _tampered(archive: Path, target: Path, member: str) -> None:
    """The archive with one character of ``member`` changed, its manifest as it was."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for info in source:
            content = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == member:
                content = content.replace(b"1", b"2", 1)
            info.size = len(content)
            out.addfile(info, io.BytesIO(content))


async def test_a_damaged_archive_is_refused_and_nothing_changes(engine, other_engine, district, clock, tmp_path):
    archive = tmp_path / "office.tar.gz"
    await write_archive(engine, archive, district, dongne_version="9.9", created_at=clock.now())
    empty = await _sums(other_engine)
    tampered = tmp_path / "tampered.tar.gz"
    _tampered(archive, tampered, "tables/complex.jsonl")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    photo_changed = tmp_path / "photo.tar.gz"
    _tampered(archive, photo_changed, "files/photos/ab/ab12.png")
    not_ours = tmp_path / "notes.tar.gz"
    not_ours.write_bytes(b"just some text")
    restored_photos = tmp_path / "elsewhere" / "photos"

    for damaged, reason in (
        (tampered, "tables/complex.jsonl does not match its checksum"),
        (truncated, "truncated"),
        (photo_changed, "files/photos/ab/ab12.png does not match its checksum"),
        (not_ours, "truncated or not a gzip'd tar"),
    ):
        with pytest.raises(ArchiveDamaged, match=reason):
            await restore_archive(other_engine, damaged, {"photos": restored_photos})
    assert await _sums(other_engine) == empty
    assert not restored_photos.exists()
    assert read_manifest(archive).format_version == 1


async def test_a_database_with_data_is_refused_unless_it_is_to_be_replaced(engine, district, clock, tmp_path):
    archive = tmp_path / "office.tar.gz"
    await write_archive(engine, archive, district, dongne_version="9.9", created_at=clock.now())
    before = await _sums(engine)
    async with engine.begin() as connection:
        await connection.execute(insert(DEPARTMENT).values(name="백업 뒤에 생긴 부서"))

    with pytest.raises(TargetNotEmpty) as refused:
        await restore_archive(engine, archive, district)
    assert "department" in refused.value.tables
    assert await _sums(engine) != before

    await restore_archive(engine, archive, district, replace=True)
    assert await _sums(engine) == before


async def test_db_copy_moves_every_row_to_the_other_engine_and_refuses_a_target_with_data(
    engine, other_engine, district
):
    before = await _sums(engine)
    copied = await copy_database(engine, other_engine)
    assert copied == before
    assert await _sums(other_engine) == before
    with pytest.raises(TargetNotEmpty):
        await copy_database(engine, other_engine)
    assert await _sums(other_engine) == before


async def test_a_backup_is_the_database_at_one_moment_while_others_write(
    engine, district, clock, tmp_path, monkeypatch
):
    """A row another connection commits while the archive is being read (after the first table, before the audit
    log) is not in it: every table is read in the one snapshot."""
    from storage.archive import backup

    before = {s.name: s.rows for s in await _sums(engine)}
    reading = backup.read_batches
    written = []

    async def read_then_write(connection, table):
        async for rows in reading(connection, table):
            yield rows
        if not written:
            async with engine.begin() as other:
                await other.execute(insert(AUDIT).values(at=clock.now(), action="test.during_backup"))
            written.append(table.name)

    monkeypatch.setattr(backup, "read_batches", read_then_write)
    manifest = await write_archive(
        engine, tmp_path / "office.tar.gz", district, dongne_version="9.9", created_at=clock.now()
    )

    assert written == ["admin_dong"]
    assert {t.name: t.rows for t in manifest.tables} == before
    assert {s.name: s.rows for s in await _sums(engine)}["audit_log"] == before["audit_log"] + 1
