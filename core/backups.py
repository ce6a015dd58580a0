"""Backups of the whole office (``dongne backup``/``restore``, the daily job in ``dongne run``) and moving it to
another database (``dongne db copy``): who may, what the archives are called, how many are kept, and the audit
log's line for each. The rows and files themselves are storage's (``storage.archive``).

Archives in the backup folder are named ``dongne-backup-<UTC time>.tar.gz``; only files of that name are counted
(``newest_backup``) or deleted (``prune``), whatever else the folder holds."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import Clock
from core.errors import InvalidInput
from core.permissions import Permission, require
from core.values import StaffMember
from storage.archive.archive_file import ArchiveDamaged, Manifest
from storage.archive.backup import ArchiveExists, restore_archive, write_archive
from storage.archive.loading import RowsDiffer, TableSum, TargetNotEmpty
from storage.archive.transfer import SchemaMismatch, copy_database
from storage.migrate import is_known_revision
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

ARCHIVE_PREFIX = "dongne-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
_STAMP = "%Y%m%dT%H%M%SZ"
_ARCHIVE_NAME = re.compile(rf"^{ARCHIVE_PREFIX}(\d{{8}}T\d{{6}}Z){re.escape(ARCHIVE_SUFFIX)}$")


def archive_name(moment: datetime) -> str:
    return f"{ARCHIVE_PREFIX}{moment.astimezone(UTC):{_STAMP}}{ARCHIVE_SUFFIX}"


def _archives(directory: Path) -> list[tuple[datetime, Path]]:
    """Our archives in ``directory``, oldest first, by the UTC time in their names."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            found.append((datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC), path))
    return sorted(found)


def newest_backup(directory: Path) -> datetime | None:
    """When the newest archive in ``directory`` was written (UTC, from its name), or None when there is none:
    the "last backup time" a monitor watches."""
    archives = _archives(directory)
    return archives[-1][0] if archives else None


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives in ``directory``; other files are left alone."""
    archives = _archives(directory)
    gone = [path for _, path in archives[: max(len(archives) - keep, 0)]]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


@dataclass(frozen=True, slots=True)
class BackupWritten:
    path: Path
    manifest: Manifest
    size: int
    seconds: float


@dataclass(frozen=True, slots=True)
class RestoreDone:
    manifest: Manifest
    tables: list[TableSum]
    seconds: float


class Backups:
    """The office's database (``engine``) and its folders of files (name in the archive -> directory)."""

    def __init__(
        self,
        engine: AsyncEngine,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        folders: dict[str, Path],
        directory: Path,
        dongne_version: str,
    ) -> None:
        self._engine = engine
        self._uow = uow
        self._clock = clock
        self._folders = folders
        self.directory = directory
        self._version = dongne_version

    async def write(self, actor: StaffMember, destination: Path | None = None) -> BackupWritten:
        """A new archive at ``destination`` (default: the backup folder, named by the time); never overwrites."""
        require(actor, Permission.ADMIN)
        now = self._clock.now()
        path = destination or self.directory / archive_name(now)
        started = time.monotonic()
        try:
            manifest = await write_archive(
                self._engine, path, self._folders, dongne_version=self._version, created_at=now.astimezone(UTC)
            )
        except ArchiveExists:
            raise InvalidInput("backup.exists", path=str(path)) from None
        seconds = time.monotonic() - started
        size = path.stat().st_size
        log.info(
            "backup written to %s: %d tables, %d rows, %d files, %d bytes in %.1f s",
            path,
            len(manifest.tables),
            manifest.total_rows,
            len(manifest.files),
            size,
            seconds,
        )
        await self._audit(actor, "backup.write", path=str(path), rows=manifest.total_rows, files=len(manifest.files))
        return BackupWritten(path, manifest, size, seconds)

    async def daily(self, actor: StaffMember, keep: int) -> BackupWritten:
        """The day's archive in the backup folder, then only the ``keep`` newest archives kept."""
        written = await self.write(actor)
        for path in prune(self.directory, keep):
            log.info("old backup %s deleted (%d kept)", path, keep)
        return written

    async def restore(self, actor: StaffMember, archive: Path, *, replace: bool = False) -> RestoreDone:
        """``archive`` into the database, which must be empty unless ``replace``; nothing changes when refused."""
        require(actor, Permission.ADMIN)
        started = time.monotonic()
        try:
            restored = await restore_archive(self._engine, archive, self._folders, replace=replace)
        except OSError as error:
            raise InvalidInput("file_unreadable", error.strerror or str(error), path=str(archive)) from None
        except ArchiveDamaged as error:
            raise InvalidInput("backup.damaged", path=str(archive), reason=str(error)) from None
        except SchemaMismatch as error:
            raise self._schema_refusal(error, archive) from None
        except TargetNotEmpty as error:
            raise InvalidInput("backup.not_empty", tables=", ".join(error.tables[:5])) from None
        except RowsDiffer as error:
            raise InvalidInput("backup.differs", reason=str(error)) from None
        seconds = time.monotonic() - started
        manifest = restored.manifest
        log.info(
            "backup %s (written %s on %s) restored: %d rows, %d files in %.1f s",
            archive,
            manifest.created_at,
            manifest.engine,
            manifest.total_rows,
            len(manifest.files),
            seconds,
        )
        await self._audit(
            actor, "backup.restore", path=str(archive), created_at=manifest.created_at, rows=manifest.total_rows
        )
        return RestoreDone(manifest, restored.tables, seconds)

    def _schema_refusal(self, error: SchemaMismatch, archive: Path) -> InvalidInput:
        # The database is at this version's head (every command but ``db upgrade`` checks that first), so an
        # archive of a revision this version knows is older, and any other newer.
        code = "backup.schema_older" if is_known_revision(error.source) else "backup.schema_newer"
        return InvalidInput(code, path=str(archive), archive=error.source, database=error.target)

    async def copy_to(self, actor: StaffMember, target: AsyncEngine) -> list[TableSum]:
        """Every row into the (empty, migrated) ``target`` database in one transaction, checked there."""
        require(actor, Permission.ADMIN)
        url = target.url.render_as_string(hide_password=True)
        started = time.monotonic()
        try:
            tables = await copy_database(self._engine, target)
        except TargetNotEmpty as error:
            raise InvalidInput("backup.copy_not_empty", url=url, tables=", ".join(error.tables[:5])) from None
        except SchemaMismatch as error:
            raise InvalidInput("backup.copy_schema", url=url, source=error.source, target=error.target) from None
        except RowsDiffer as error:
            raise InvalidInput("backup.differs", reason=str(error)) from None
        rows = sum(t.rows for t in tables)
        log.info("database copied to %s: %d rows in %.1f s", url, rows, time.monotonic() - started)
        await self._audit(actor, "database.copy", url=url, rows=rows)
        return tables

    async def _audit(self, actor: StaffMember, action: str, **details: object) -> None:
        async with self._uow(write=True) as uow:
            await uow.audit.record(
                at=self._clock.now(), actor_staff_id=actor.id or None, action=action, details=details
            )
            await uow.commit()
