"""The retention run goes with the bot: daily at DONGNE_RETENTION_HOUR in the office's time zone, or not at all
when turned off; a run of the job removes what the periods allow no longer, audited as the system."""

from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import build_application, start_bot, stop_bot
from bot.retention import RETENTION_JOB
from bot.settings import Settings, load_settings
from storage.audit.models import AuditEntry
from storage.housing.models import Representative
from tests.bot.conftest import TOKEN
from tests.builders import make_complex


def test_the_periods_and_the_hour_are_settings_checked_at_start_up(monkeypatch, tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert (settings.retention_contact_years, settings.retention_sms_days, settings.retention_hour) == (3, 365, 4)
    assert settings.effective_retention_archive_dir == tmp_path / "audit-archive"
    monkeypatch.setenv("DONGNE_RETENTION_HOUR", "off")
    assert load_settings(_env_file=None).retention_hour is None
    monkeypatch.setenv("DONGNE_RETENTION_SMS_DAYS", "30")  # a batch may still wait to go out
    with pytest.raises(Exception, match="DONGNE_RETENTION_SMS_DAYS"):
        load_settings(_env_file=None)


async def test_the_job_runs_daily_at_the_hour_and_removes_what_it_should(bot_runtime, emulator, uow_factory, tmp_path):
    complex_id = await make_complex(uow_factory, representatives=1)  # a term that ended in 2018
    settings = bot_runtime.settings.model_copy(update={"retention_hour": 3, "retention_archive_dir": tmp_path})
    app = build_application(replace(bot_runtime, settings=settings), token=TOKEN, api_root=emulator.api_root)
    await start_bot(app)
    try:
        [daily] = app.job_queue.get_jobs_by_name(RETENTION_JOB)
        next_run = daily.next_t.astimezone(ZoneInfo("Asia/Seoul"))
        assert (next_run.hour, next_run.minute) == (3, 0)
        await daily.run(app)
    finally:
        await stop_bot(app)
    async with uow_factory() as uow:
        phone = await uow._session.scalar(select(Representative.phone).where(Representative.complex_id == complex_id))
        runs = list(
            await uow._session.scalars(select(AuditEntry.actor_staff_id).where(AuditEntry.action == "retention.run"))
        )
    assert phone is None and runs == [None]
    off = replace(bot_runtime, settings=bot_runtime.settings.model_copy(update={"retention_hour": None}))
    assert not build_application(off, token=TOKEN, api_root=emulator.api_root).job_queue.get_jobs_by_name(RETENTION_JOB)
