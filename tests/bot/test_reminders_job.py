"""The housing staff's daily reminders run with the bot: scheduled at the configured hour in the office's time
zone, sent at start-up when the bot starts later in the day, once a day however often it restarts."""

import asyncio
import logging
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.app import REMINDERS_JOB, build_application, start_bot, stop_bot
from bot.settings import Settings, load_settings
from conversations.housing.reminders import render_reminders
from core.notifications.values import Notice
from storage.housing.models import ManagementOffice
from tests.bot.conftest import TOKEN
from tests.builders import NOW, make_complex, make_staff
from tests.conversations.conftest import shown
from tests.waiting import eventually

KEEPER_TG = 6001
ITEM = {"complex": "왕도단지", "manager": "이정호"}


def test_the_hour_is_a_setting_and_can_be_turned_off(monkeypatch):
    assert Settings(_env_file=None).housing_reminder_hour == 8  # type: ignore[call-arg]
    monkeypatch.setenv("DONGNE_HOUSING_REMINDER_HOUR", "7")
    assert load_settings(_env_file=None).housing_reminder_hour == 7
    monkeypatch.setenv("DONGNE_HOUSING_REMINDER_HOUR", "off")
    assert load_settings(_env_file=None).housing_reminder_hour is None
    monkeypatch.setenv("DONGNE_HOUSING_REMINDER_HOUR", "24")
    with pytest.raises(Exception, match="DONGNE_HOUSING_REMINDER_HOUR"):
        load_settings(_env_file=None)


async def test_the_job_runs_daily_at_the_configured_hour_in_the_office_time_zone(bot_runtime, emulator):
    runtime = replace(bot_runtime, settings=bot_runtime.settings.model_copy(update={"housing_reminder_hour": 7}))
    app = build_application(runtime, token=TOKEN, api_root=emulator.api_root)
    await start_bot(app)
    try:
        [daily] = app.job_queue.get_jobs_by_name(REMINDERS_JOB)
        next_run = daily.next_t.astimezone(ZoneInfo("Asia/Seoul"))
        assert (next_run.hour, next_run.minute) == (7, 0)
    finally:
        await stop_bot(app)
    assert not app.job_queue.scheduler.running
    off = replace(bot_runtime, settings=bot_runtime.settings.model_copy(update={"housing_reminder_hour": None}))
    quiet = build_application(off, token=TOKEN, api_root=emulator.api_root)
    assert not [job for job in quiet.job_queue.jobs() if job.name.startswith(REMINDERS_JOB)]


async def test_a_bot_started_after_the_hour_sends_the_days_reminders_once(bot_runtime, emulator, uow_factory):
    complex_id = await make_complex(uow_factory, name="왕도단지", with_office=True)
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(ManagementOffice).where(ManagementOffice.complex_id == complex_id).values(manager_license_no=None)
        )
        await uow.commit()
    services = bot_runtime.services
    keeper = await make_staff(
        services, saeol_id="keep01", roles=("housing.read", "housing.write"), telegram_id=KEEPER_TG
    )
    chat = emulator.user(KEEPER_TG)
    chat.send_nowait("/start")  # Telegram lets a bot write only to those who started a chat with it
    app = build_application(bot_runtime, token=TOKEN, api_root=emulator.api_root)  # 10:00 in Seoul, hour 8
    await start_bot(app)
    try:
        reminder = await chat.wait_for_message(lambda m: m.text.startswith("🔔"))
    finally:
        await stop_bot(app)
    expected = Notice(
        id=0, recipient_id=keeper.id, telegram_user_id=KEEPER_TG, language="ko", recipient_active=True,
        kind="housing_reminders", case_id=None, attempts=0, created_at=NOW,
        payload={"day": "2026-11-25", "sections": [{"key": "unlicensed_managers", "items": [ITEM], "total": 1}]},
    )  # fmt: skip
    text, keyboard = render_reminders(expected)
    assert reminder.html == text and keyboard is None
    assert shown("ko", "reminder.unlicensed_managers.line", complex="왕도단지", manager="이정호") in reminder.text
    # A restart the same day sends nothing again.
    again = build_application(bot_runtime, token=TOKEN, api_root=emulator.api_root)
    await start_bot(again)
    try:
        await eventually(
            lambda: not again.job_queue.get_jobs_by_name(f"{REMINDERS_JOB} at start-up"), "the start-up run"
        )
        assert await services.notifications.undelivered_count() == 0
    finally:
        await stop_bot(again)
    assert [m.text for m in chat.messages if m.text.startswith("🔔")] == [reminder.text]


async def test_a_start_up_run_that_comes_late_is_still_run(bot_runtime, emulator, uow_factory, caplog):
    # APScheduler drops a run more than a second late by default; a bot whose start took longer (a busy machine,
    # a slow migration) would then skip the day's reminders and log a warning.
    complex_id = await make_complex(uow_factory, name="왕도단지", with_office=True)
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(ManagementOffice).where(ManagementOffice.complex_id == complex_id).values(manager_license_no=None)
        )
        await uow.commit()
    await make_staff(
        bot_runtime.services, saeol_id="keep01", roles=("housing.read", "housing.write"), telegram_id=KEEPER_TG
    )
    chat = emulator.user(KEEPER_TG)
    chat.send_nowait("/start")
    app = build_application(bot_runtime, token=TOKEN, api_root=emulator.api_root)
    await asyncio.sleep(1.5)  # the start-up run's time passes before the scheduler starts
    await start_bot(app)
    try:
        await chat.wait_for_message(lambda m: m.text.startswith("🔔"))
    finally:
        await stop_bot(app)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "missed" in r.getMessage()]
