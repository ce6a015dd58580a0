"""``dongne backup``, ``dongne restore`` and ``dongne db copy`` as an IT admin runs them: an archive by the time
in the backup folder, restored into a new database, refused in one line when it is damaged, when the database
holds data (unless --force) or when the file name is taken; the office moved to the other engine and back."""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from core.texts.i18n import t_plain
from storage.archive.archive_file import read_manifest
from storage.archive.loading import summarize
from storage.archive.transfer import snapshot
from storage.db import create_engine
from tests.archive_world import other_url_fixture  # noqa: F401 (the other_url fixture)
from tests.bot.conftest import free_port

PHOTO = b"\x89PNG\r\n\x1a\n" + b"site photo" * 100


def _sums(url: str) -> list:
    async def read() -> list:
        engine = create_engine(url)
        try:
            async with snapshot(engine) as connection:
                return await summarize(connection)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _execute(url: str, statement: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(run())


def _office(cli_env: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> str:
    url = f"sqlite+aiosqlite:///{cli_env / name}"
    monkeypatch.setenv("DONGNE_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    return url


def test_a_backup_goes_to_the_backup_folder_and_restores_into_a_new_database(cli_env, monkeypatch, capsys):
    office = _office(cli_env, monkeypatch, "office.sqlite3")
    assert main(["demo-data"]) == 0
    photo = cli_env / "data" / "photos" / "ab" / "ab34.png"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(PHOTO)
    before = _sums(office)
    capsys.readouterr()

    assert main(["backup"]) == 0
    [archive] = (cli_env / "data" / "backups").iterdir()
    assert archive.name.startswith("dongne-backup-") and archive.name.endswith("Z.tar.gz")
    out = capsys.readouterr().out
    assert out.startswith(f"백업을 만들었습니다: {archive} (테이블 39개, ")
    manifest = read_manifest(archive)
    assert manifest.engine == "sqlite" and [f.path for f in manifest.files] == ["photos/ab/ab34.png"]

    assert main(["backup", str(archive)]) == 1
    assert capsys.readouterr().err == t_plain("ko", "cli_error.backup.exists", path=archive) + "\n"

    photo.unlink()
    restored = _office(cli_env, monkeypatch, "restored.sqlite3")
    capsys.readouterr()
    assert main(["restore", str(archive)]) == 0
    assert "백업을 복원했습니다" in capsys.readouterr().out
    after = _sums(restored)
    # The same rows, and one line more in the audit log: the restore's (the backup's came after its snapshot).
    assert [s for s in after if s.name != "audit_log"] == [s for s in before if s.name != "audit_log"]
    audit = {s.name: s.rows for s in after}["audit_log"]
    assert audit == {s.name: s.rows for s in before}["audit_log"] + 1
    assert photo.read_bytes() == PHOTO


def test_restore_refuses_a_damaged_archive_and_a_database_with_data_unless_forced(cli_env, monkeypatch, capsys):
    office = _office(cli_env, monkeypatch, "office.sqlite3")
    assert main(["demo-data"]) == 0
    archive = cli_env / "office.tar.gz"
    assert main(["backup", str(archive)]) == 0
    damaged = cli_env / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[:-4000])
    _execute(office, "UPDATE complex SET name = '바뀐 이름' WHERE id = 1")
    changed = _sums(office)
    capsys.readouterr()

    assert main(["restore", str(damaged)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(damaged) in err and "손상" in err
    assert main(["restore", str(cli_env / "missing.tar.gz")]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["restore", str(archive)]) == 1
    assert capsys.readouterr().err.startswith("데이터베이스가 비어 있지 않아 복원하지 않았습니다(자료가 있는 테이블: ")
    assert _sums(office) == changed

    assert main(["restore", str(archive), "--force"]) == 0
    restored = {s.name: s for s in _sums(office)}
    assert restored["complex"] != {s.name: s for s in changed}["complex"]


def test_db_copy_moves_the_office_to_the_other_engine(database_url, other_url, cli_env, monkeypatch, capsys):
    monkeypatch.setenv("DONGNE_DATABASE_URL", database_url)
    assert main(["demo-data"]) == 0
    before = _sums(database_url)
    capsys.readouterr()

    assert main(["db", "copy", "--to", other_url]) == 0
    assert "행 수와 체크섬을 모두 확인했습니다" in capsys.readouterr().out
    after = _sums(other_url)
    assert [s for s in after if s.name != "audit_log"] == [s for s in before if s.name != "audit_log"]

    assert main(["db", "copy", "--to", other_url]) == 1
    assert "비어 있지 않아" in capsys.readouterr().err
    assert main(["db", "copy", "--to", "mysql://dongne:secret@office/dongne"]) == 2
    assert main(["db", "copy", "--to", database_url]) == 2
    assert main(["db", "copy", "--to", f"postgresql+asyncpg://dongne:secret@127.0.0.1:{free_port()}/dongne"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "secret" not in err
    assert "옮겨 갈 데이터베이스(postgresql+asyncpg://dongne:***@127.0.0.1:" in err


def _with_revision(archive: Path, target: Path, revision: str) -> None:
    """The archive as another schema revision would have written it (its tables as they are)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for info in source:
            content = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == "manifest.json":
                manifest = json.loads(content)
                manifest["schema_revision"] = revision
                content = json.dumps(manifest).encode()
            info.size = len(content)
            out.addfile(info, io.BytesIO(content))


def test_an_archive_of_another_schema_revision_is_refused_with_the_way_through(cli_env, monkeypatch, capsys):
    _office(cli_env, monkeypatch, "office.sqlite3")
    archive = cli_env / "office.tar.gz"
    assert main(["backup", str(archive)]) == 0
    _office(cli_env, monkeypatch, "restored.sqlite3")
    head = read_manifest(archive).schema_revision
    older, newer = cli_env / "older.tar.gz", cli_env / "newer.tar.gz"
    _with_revision(archive, older, "0021")
    _with_revision(archive, newer, "0999")
    capsys.readouterr()

    assert main(["restore", str(older)]) == 1
    assert capsys.readouterr().err == (
        t_plain("ko", "cli_error.backup.schema_older", path=older, archive="0021", database=head) + "\n"
    )
    assert main(["restore", str(newer)]) == 1
    assert capsys.readouterr().err == (
        t_plain("ko", "cli_error.backup.schema_newer", path=newer, archive="0999", database=head) + "\n"
    )
    assert main(["restore", str(archive)]) == 0
