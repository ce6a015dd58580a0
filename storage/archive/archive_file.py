"""The archive itself: a gzip'd tar holding ``manifest.json`` first, then ``tables/<table>.jsonl`` (one canonical
line per row, ``storage.archive.rows``) in restore order, then ``files/<folder>/...`` (the data directory's
files). The manifest records the format, the Dongne version and schema revision that wrote it, the engine it
came from, when, and for each table its columns, rows, row checksum and the file's SHA-256, for each file its
size and SHA-256. ``verify`` reads it all once and compares; nothing is restored from an archive that fails."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "dongne-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES = "tables/"
FILES = "files/"
CHUNK = 1024 * 1024


class ArchiveDamaged(Exception):
    """The archive is not one of ours, or it is truncated or altered; the message says where."""


@dataclass(frozen=True, slots=True)
class TableEntry:
    name: str
    columns: list[str]
    rows: int
    checksum: str  # the rows' checksum (storage.archive.rows.RowChecksum), the same on either engine
    sha256: str  # the table's file in the archive


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str  # "<folder>/<path inside it>", with forward slashes
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    dongne_version: str
    schema_revision: str | None
    engine: str
    created_at: str  # ISO 8601, UTC
    tables: list[TableEntry]
    files: list[FileEntry] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, content: bytes) -> Manifest:
        try:
            raw: dict[str, Any] = json.loads(content)
            if raw.get("format") != FORMAT:
                raise ArchiveDamaged("not a Dongne backup (its manifest names no Dongne format)")
            if raw.get("format_version") != FORMAT_VERSION:
                raise ArchiveDamaged(f"backup format {raw.get('format_version')}, this Dongne reads {FORMAT_VERSION}")
            tables = [TableEntry(**entry) for entry in raw.pop("tables")]
            files = [FileEntry(**entry) for entry in raw.pop("files")]
            return cls(tables=tables, files=files, **raw)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise ArchiveDamaged(f"its manifest cannot be read ({error})") from error

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


def file_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def folder_files(folders: dict[str, Path]) -> list[tuple[str, Path]]:
    """Every file under each folder, as (its name in the archive, its path), sorted; temporary files of a write
    in progress (``.incoming-*``) left out."""
    found = []
    for name, root in sorted(folders.items()):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith(".incoming-"):
                found.append((f"{name}/{path.relative_to(root).as_posix()}", path))
    return found


def write_tar(partial: Path, manifest: Manifest, table_files: dict[str, Path], files: dict[str, Path]) -> None:
    """The archive at ``partial``, written and synced to disk; the caller moves it to its name."""
    with partial.open("xb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        # Every phone number and name of the office, unmasked: for the account that runs Dongne only.
        os.fchmod(raw.fileno(), 0o600)
        content = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(content)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(content))
        for table in manifest.tables:
            tar.add(table_files[table.name], arcname=TABLES + table.name + ".jsonl", recursive=False)
        for stored in manifest.files:
            tar.add(files[stored.path], arcname=FILES + stored.path, recursive=False)
        tar.close()
        raw.flush()
        os.fsync(raw.fileno())


def members(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """Each member's name and content, in order, reading the archive once from start to end. A member's content
    is read before the next member is asked for; reading it may raise what ``unreadable`` turns into ArchiveDamaged."""
    with unreadable(), tarfile.open(path, mode="r|gz") as tar:
        for info in tar:
            if not info.isfile():
                raise ArchiveDamaged(f"unexpected entry {info.name!r}")
            handle = tar.extractfile(info)
            if handle is None:
                raise ArchiveDamaged(f"unreadable entry {info.name!r}")
            yield info.name, handle


@contextlib.contextmanager
def unreadable() -> Iterator[None]:
    """What a truncated or foreign file raises while it is read, as ArchiveDamaged; the file system's own errors
    (no such file, no permission) stay what they are."""
    try:
        yield
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveDamaged(f"truncated or not a gzip'd tar ({error})") from error


def read_manifest(path: Path) -> Manifest:
    for name, handle in members(path):
        if name != MANIFEST:
            break
        return Manifest.from_json(handle.read())
    raise ArchiveDamaged(f"no {MANIFEST} at its start")


def verify(path: Path) -> Manifest:
    """The manifest, once every table and file in the archive matched it (checksums, rows, sizes) and nothing
    is missing or extra. Reads the whole archive; ArchiveDamaged naming the first difference."""
    with unreadable():
        return _verify(path)


def _verify(path: Path) -> Manifest:
    stream = members(path)
    first = next(stream, None)
    if first is None or first[0] != MANIFEST:
        raise ArchiveDamaged(f"no {MANIFEST} at its start")
    manifest = Manifest.from_json(first[1].read())
    expected: dict[str, tuple[int | None, str]] = {}
    for table in manifest.tables:
        expected[TABLES + table.name + ".jsonl"] = (None, table.sha256)
    for entry in manifest.files:
        if PurePosixPath(entry.path).is_absolute() or ".." in PurePosixPath(entry.path).parts:
            raise ArchiveDamaged(f"a file outside the data directory: {entry.path!r}")
        expected[FILES + entry.path] = (entry.size, entry.sha256)
    rows = {TABLES + t.name + ".jsonl": t.rows for t in manifest.tables}
    for name, handle in stream:
        if name not in expected:
            raise ArchiveDamaged(f"{name} is not in its manifest")
        size, sha256 = expected.pop(name)
        digest = hashlib.sha256()
        read = lines = 0
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            read += len(chunk)
            lines += chunk.count(b"\n")
        if digest.hexdigest() != sha256 or (size is not None and read != size):
            raise ArchiveDamaged(f"{name} does not match its checksum")
        if name in rows and lines != rows[name]:
            raise ArchiveDamaged(f"{name} holds {lines} rows, its manifest says {rows[name]}")
    if expected:
        raise ArchiveDamaged(f"{len(expected)} entries of its manifest are missing, first {next(iter(expected))}")
    return manifest
