"""The retention run's wiring (``core.retention``): its periods from the settings, and its daily job in
``dongne run`` (PTB's job queue, started and stopped with the Application, so a standby process runs none)."""

from __future__ import annotations

import logging
from datetime import time
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.settings import Settings
from core.audit_labels import audit_labels
from core.clock import Clock
from core.retention import Retention, RetentionPeriods
from core.staff.directory import SYSTEM_ACTOR
from core.texts.i18n import DEFAULT_LANGUAGE
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

RETENTION_JOB = "retention of personal data"


def retention_service(settings: Settings, uow: UnitOfWorkFactory, clock: Clock) -> Retention:
    periods = RetentionPeriods(
        contact_years=settings.retention_contact_years,
        complaint_years=settings.retention_complaint_years,
        sms_days=settings.retention_sms_days,
        audit_years=settings.retention_audit_years,
    )
    return Retention(uow, clock, periods)


def schedule_retention(
    app: Application[Any, Any, Any, Any, Any, Any], retention: Retention, settings: Settings
) -> None:
    """The retention run every day at ``retention_hour`` o'clock in the office's time zone, unless it is off. A day
    missed (the bot was down) is caught up by the next run: the periods are measured from the run's day, not
    counted in runs."""
    hour = settings.retention_hour
    if hour is None:
        return
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot's job-queue extra is a dependency"
    archive_dir = settings.effective_retention_archive_dir

    async def run(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            done = await retention.run(SYSTEM_ACTOR, audit_labels(DEFAULT_LANGUAGE), archive_dir)
        except Exception:  # the database or the archive's disk: tomorrow's run tries again, nothing was changed
            log.exception("the retention run failed; nothing was changed")
            return
        log.info("retention run: %s", ", ".join(f"{k}={v}" for k, v in done.counts.as_details().items()))

    queue.run_daily(
        run, time=time(hour, tzinfo=settings.zone), name=RETENTION_JOB, job_kwargs={"misfire_grace_time": None}
    )
