"""Two ``dongne run`` on one bot token and one database: the second waits as a standby, says so in one line,
and when the first is killed (kill -9) takes over within seconds, with the dialogues as the first left them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import serving
from bot.app import build_application
from bot.emulator import BotApiEmulator
from bot.instance import Instance
from core.texts.i18n import t_plain
from storage.bot_state.models import BotState
from storage.instance_lock import FileLock
from tests.bot.conftest import TOKEN
from tests.bot.dongne_run import START_WITHIN, Start, cli, dongne_runs
from tests.builders import make_staff
from tests.conversations.conftest import shown
from tests.waiting import eventually

STAFF_TG = 1001


@pytest.fixture
async def start_run(database_url: str, emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Start]:
    async with dongne_runs(database_url, emulator.api_root, tmp_path) as start:
        yield start


async def test_a_second_run_stands_by_and_takes_over_when_the_first_is_killed(
    start_run, emulator, services, uow_factory
):
    await make_staff(services, telegram_id=STAFF_TG)
    officer = emulator.user(STAFF_TG, first_name="길동")
    running = cli("running", username="dongne_test_bot")

    first = await start_run()
    await eventually(first.said(running), "the first to serve the bot", within=START_WITHIN)
    second = await start_run()
    await eventually(second.said(cli("standby")), "the second to stand by", within=START_WITHIN)
    assert second.out == [cli("admin_serving", url=f"http://127.0.0.1:{second.admin_port}/"), cli("standby")]
    assert (await second.health())["role"] == "standby" and (await first.health())["role"] == "active"
    assert await second.health() == {
        "http": 200,
        "status": "ok",
        "database": "ok",
        "schema": "ok",
        "admin_pages": "ok",
        "bot": "standby",
        "role": "standby",
    }

    # A dialogue begun with the first instance, and saved in the database.
    [asked] = await officer.send("/complex")
    assert asked.text == shown("ko", "lookup.ask_name")

    async def dialogue_saved() -> bool:
        async with uow_factory() as uow:
            return (
                await uow._session.scalar(select(BotState.key).where(BotState.name == "complex_lookup"))
            ) is not None

    await eventually(dialogue_saved, "the dialogue state to be saved")

    first.process.kill()
    await first.end()
    await eventually(second.said(running), "the standby to take over", within=START_WITHIN)
    assert (await second.health())["role"] == "active"
    # The standby loaded the dialogues when it took over, so the reply continues the dialogue.
    [reply] = await officer.send("없는단지", timeout=15)
    assert reply.text == shown("ko", "lookup.no_match", query="없는단지")
    assert not [line for line in second.err if "Traceback" in line]


async def test_an_active_instance_that_lost_its_lock_stops_serving(bot_runtime, emulator, tmp_path, capsys):
    runtime = bot_runtime
    lock = FileLock(tmp_path / "bot.lock")
    instance = Instance(lock, check=0.05)
    app = build_application(runtime, token=TOKEN, api_root=emulator.api_root)
    try:
        run = asyncio.create_task(serving.run_bot_with_admin(runtime, app, asyncio.Event(), instance))
        await eventually(lambda: bool(app.running), "the bot to run")
        # As when the lock's database session ended and another process took the lock meanwhile.
        lock.path.unlink()
        assert await asyncio.wait_for(run, 30) == 1
    finally:
        await lock.release()
    assert capsys.readouterr().err.strip() == t_plain("ko", "cli_error.instance_lost")
    assert not app.running
