"""The daily backup of ``dongne run``: at the configured hour in the office's time zone, into DONGNE_BACKUP_DIR,
keeping the DONGNE_BACKUP_KEEP newest archives and nothing else of the folder's files touched; off when told."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import build_application, start_bot, stop_bot
from bot.backups import BACKUP_JOB, build_backups
from bot.settings import Settings, load_settings
from core.backups import archive_name, newest_backup
from core.errors import PermissionDenied
from core.staff.directory import SYSTEM_ACTOR
from storage.schema import metadata
from tests.bot.conftest import TOKEN

AUDIT = metadata.tables["audit_log"]


def test_the_backup_settings_have_defaults_and_the_job_can_be_turned_off(monkeypatch, tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert (settings.backup_hour, settings.backup_keep, settings.effective_backup_dir) == (2, 14, tmp_path / "backups")
    monkeypatch.setenv("DONGNE_BACKUP_HOUR", "off")
    monkeypatch.setenv("DONGNE_BACKUP_DIR", str(tmp_path / "elsewhere"))
    settings = load_settings(_env_file=None)
    assert (settings.backup_hour, settings.effective_backup_dir) == (None, tmp_path / "elsewhere")
    monkeypatch.setenv("DONGNE_BACKUP_KEEP", "0")
    with pytest.raises(Exception, match="DONGNE_BACKUP_KEEP"):
        load_settings(_env_file=None)


async def test_the_daily_backup_keeps_only_the_newest_archives(bot_runtime, emulator, clock, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("the IT department's own file")
    (folder / "dongne-backup-before-upgrade.tar.gz").write_bytes(b"a backup an admin named")
    settings = bot_runtime.settings.model_copy(
        update={"backup_hour": 3, "backup_keep": 2, "backup_dir": folder, "data_dir": tmp_path / "data"}
    )
    app = build_application(replace(bot_runtime, settings=settings), token=TOKEN, api_root=emulator.api_root)
    await start_bot(app)
    try:
        [daily] = app.job_queue.get_jobs_by_name(BACKUP_JOB)
        next_run = daily.next_t.astimezone(ZoneInfo("Asia/Seoul"))
        assert (next_run.hour, next_run.minute) == (3, 0)
    finally:
        await stop_bot(app)
    assert newest_backup(folder) is None

    days = []
    for _ in range(3):
        await daily.callback(None)  # type: ignore[arg-type]
        days.append(clock.now())
        clock.advance(timedelta(days=1))

    kept = sorted(p.name for p in folder.iterdir())
    assert kept == sorted(
        [archive_name(days[1]), archive_name(days[2]), "notes.txt", "dongne-backup-before-upgrade.tar.gz"]
    )
    assert newest_backup(folder) == days[2].astimezone(UTC)
    async with bot_runtime.engine.connect() as connection:
        written = await connection.scalar(
            select(func.count()).select_from(AUDIT).where(AUDIT.c.action == "backup.write")
        )
    assert written == 3


async def test_no_daily_backup_when_it_is_off(bot_runtime, emulator):
    settings = bot_runtime.settings.model_copy(update={"backup_hour": None})
    app = build_application(replace(bot_runtime, settings=settings), token=TOKEN, api_root=emulator.api_root)
    assert app.job_queue.get_jobs_by_name(BACKUP_JOB) == ()


async def test_only_an_admin_backs_up_restores_or_copies(bot_runtime, tmp_path):
    runtime = bot_runtime
    backups = build_backups(runtime.settings, runtime.engine, runtime.uow, runtime.services.clock)
    clerk = replace(SYSTEM_ACTOR, saeol_id="clerk", permissions=frozenset({"housing.read"}))
    with pytest.raises(PermissionDenied):
        await backups.write(clerk, tmp_path / "office.tar.gz")
    with pytest.raises(PermissionDenied):
        await backups.restore(clerk, tmp_path / "office.tar.gz")
    with pytest.raises(PermissionDenied):
        await backups.copy_to(clerk, runtime.engine)
    assert not (tmp_path / "office.tar.gz").exists()
