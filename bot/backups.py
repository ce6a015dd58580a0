"""Backups from the command line (``dongne backup``, ``dongne restore``, ``dongne db copy``) and the daily backup
job of ``dongne run``; what they do is core's (core/backups.py)."""

from __future__ import annotations

import argparse
import logging
from datetime import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, ContextTypes

from bot.console import complain, say
from bot.settings import Settings
from core.backups import Backups
from core.clock import Clock
from core.staff.directory import OPERATOR, SYSTEM_ACTOR
from storage.db import create_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

BACKUP_JOB = "daily backup"
# The data directory's folders of files that belong in a backup (housing photos); the database's own file
# and the backups themselves do not.
FILE_FOLDERS = ("photos",)
ENGINE_URLS = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


def dongne_version() -> str:
    try:
        return version("dongne")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_backups(settings: Settings, engine: AsyncEngine, uow: UnitOfWorkFactory, clock: Clock) -> Backups:
    folders = {name: settings.data_dir / name for name in FILE_FOLDERS}
    return Backups(
        engine, uow, clock, folders=folders, directory=settings.effective_backup_dir, dongne_version=dongne_version()
    )


async def backup_command(args: argparse.Namespace, backups: Backups) -> int:
    if args.command == "backup":
        written = await backups.write(OPERATOR, Path(args.file) if args.file else None)
        manifest = written.manifest
        say(
            "backup.written",
            path=written.path,
            tables=len(manifest.tables),
            rows=f"{manifest.total_rows:,}",
            files=f"{len(manifest.files):,}",
            size=f"{written.size / 1024 / 1024:,.1f}",
            seconds=f"{written.seconds:.1f}",
        )
        return 0
    path = Path(args.file)
    restored = await backups.restore(OPERATOR, path, replace=args.force)
    say(
        "backup.restored",
        path=path,
        created_at=restored.manifest.created_at,
        engine=restored.manifest.engine,
        rows=f"{restored.manifest.total_rows:,}",
        files=f"{len(restored.manifest.files):,}",
        seconds=f"{restored.seconds:.1f}",
    )
    return 0


async def copy_command(url: str, source_url: str, backups: Backups) -> int:
    """The whole database into the database at ``url``, migrated first; its rows and checksums compared."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or not url.startswith(ENGINE_URLS):
        complain("backup.copy_url", url=parsed.render_as_string(hide_password=True) if parsed else url.split("@")[-1])
        return 2
    shown = parsed.render_as_string(hide_password=True)
    if parsed == make_url(source_url):
        complain("backup.copy_same", url=shown)
        return 2
    target = create_engine(url)
    try:
        try:
            await upgrade(target)
        except (DBAPIError, OSError) as error:
            # Said here: the command line's own line would name DONGNE_DATABASE_URL, the source.
            complain(
                "backup.copy_unreachable",
                url=shown,
                detail=" ".join(str(getattr(error, "orig", None) or error).split()),
            )
            return 2
        tables = await backups.copy_to(OPERATOR, target)
    finally:
        await target.dispose()
    say("backup.copied", url=shown, tables=len(tables), rows=f"{sum(t.rows for t in tables):,}")
    return 0


def schedule_backups(app: Application[Any, Any, Any, Any, Any, Any], backups: Backups, settings: Settings) -> None:
    """The day's backup at ``backup_hour`` o'clock in the office's time zone while the bot runs (PTB's job queue:
    only the active instance runs the bot), keeping the ``backup_keep`` newest archives."""
    hour, keep = settings.backup_hour, settings.backup_keep
    if hour is None:
        return
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot's job-queue extra is a dependency"

    async def back_up(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await backups.daily(SYSTEM_ACTOR, keep)
        except Exception:  # a full disk or a database hiccup must not end the job; tomorrow's run tries again
            log.exception("the daily backup failed")

    queue.run_daily(
        back_up, time=time(hour, tzinfo=settings.zone), name=BACKUP_JOB, job_kwargs={"misfire_grace_time": None}
    )
