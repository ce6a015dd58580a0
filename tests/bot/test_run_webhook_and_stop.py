"""``dongne run`` as an operator runs it: in webhook mode beside a standby, and stopped by SIGTERM (systemd,
docker stop) while an update is being handled: it finishes that update, saves the dialogues and exits in time."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot import serving
from bot.emulator import BotApiEmulator
from bot.webhook import SECRET_HEADER, WebhookReceiver
from storage.bot_state.models import BotState
from tests.bot.conftest import TOKEN
from tests.bot.dongne_run import START_WITHIN, RunProcess, Start, cli, dongne_runs
from tests.builders import make_staff
from tests.conversations.conftest import shown
from tests.waiting import eventually

STAFF_TG = 1001
PUBLIC_URL = "https://dongne.test"


@pytest.fixture
async def start_run(database_url: str, emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Start]:
    async with dongne_runs(database_url, emulator.api_root, tmp_path) as start:
        yield start


async def dialogue_saved(uow_factory) -> bool:
    async with uow_factory() as uow:
        return (await uow._session.scalar(select(BotState.key).where(BotState.name == "complex_lookup"))) is not None


async def post_update(run: RunProcess, receiver: WebhookReceiver) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"http://127.0.0.1:{run.admin_port}{receiver.path}",
            data=b'{"update_id": 1}',
            headers={"Content-Type": "application/json", SECRET_HEADER: receiver.secret_token},
        ) as response:
            return response.status


async def test_run_in_webhook_mode_with_a_standby_that_answers_503_and_takes_over(
    start_run, emulator, services, uow_factory
):
    await make_staff(services, telegram_id=STAFF_TG)
    officer = emulator.user(STAFF_TG, first_name="길동")
    running = cli("running", username="dongne_test_bot")
    receiver = WebhookReceiver(TOKEN, PUBLIC_URL)  # what every process serving this token derives

    first = await start_run(DONGNE_WEBHOOK_URL=PUBLIC_URL, DONGNE_PERSISTENCE_INTERVAL="0.2")
    emulator.route_webhooks(PUBLIC_URL, f"http://127.0.0.1:{first.admin_port}")  # the TLS proxy
    await eventually(first.said(running), "the first to serve the bot", within=START_WITHIN)
    [registered] = emulator.calls("setWebhook")
    assert registered["url"] == receiver.url and registered["secret_token"] == receiver.secret_token
    [asked] = await officer.send("/complex", timeout=30)
    assert asked.text == shown("ko", "lookup.ask_name")
    assert emulator.calls("getUpdates") == []

    second = await start_run(DONGNE_WEBHOOK_URL=PUBLIC_URL, DONGNE_PERSISTENCE_INTERVAL="0.2")
    await eventually(second.said(cli("standby")), "the second to stand by", within=START_WITHIN)
    assert await post_update(second, receiver) == 503  # Telegram keeps the update and tries again
    await eventually(lambda: dialogue_saved(uow_factory), "the dialogue state to be saved")

    first.process.kill()
    await first.end()
    emulator.route_webhooks(PUBLIC_URL, f"http://127.0.0.1:{second.admin_port}")  # the proxy fails over
    await eventually(second.said(running), "the standby to take over", within=START_WITHIN)
    assert len(emulator.calls("setWebhook")) == 2 and emulator.calls("deleteWebhook") == []
    [reply] = await officer.send("없는단지", timeout=30)
    assert reply.text == shown("ko", "lookup.no_match", query="없는단지")
    assert not [line for line in first.err + second.err if "Traceback" in line]


async def sigterm_while_handling(run: RunProcess, emulator: BotApiEmulator, officer) -> tuple[asyncio.Task, float]:
    """Send ``/complex`` and SIGTERM the process while the bot's reply is on its way; returns the officer's send
    and how long the process took to exit after the signal."""
    sending = asyncio.create_task(officer.send("/complex", timeout=60, expect_reply=False))
    await eventually(lambda: emulator.holding == 1, "the bot to be in the middle of its reply", within=START_WITHIN)
    loop = asyncio.get_running_loop()
    signalled = loop.time()
    run.process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(run.process.wait(), 30)
    return sending, loop.time() - signalled


async def test_sigterm_finishes_the_update_in_hand_saves_the_dialogue_and_exits_cleanly(
    start_run, emulator, services, uow_factory
):
    await make_staff(services, telegram_id=STAFF_TG)
    officer = emulator.user(STAFF_TG, first_name="길동")
    # No periodic flush within the test: the dialogue reaches the database only by the stop's last flush.
    run = await start_run(DONGNE_PERSISTENCE_INTERVAL="60")
    await eventually(run.said(cli("running", username="dongne_test_bot")), "the bot to run", within=START_WITHIN)
    emulator.hold_next("sendMessage", 2.0)
    sending, took = await sigterm_while_handling(run, emulator, officer)
    await run.end()
    assert run.process.returncode == 0, run.err
    assert took < serving.STOP_BOUND
    sending.cancel()
    # The process answered before it exited: the reply was not cut off.
    assert officer.last_message is not None and officer.last_message.text == shown("ko", "lookup.ask_name")
    assert await dialogue_saved(uow_factory)
    assert run.out[-1] == cli("stopped")
    assert not [line for line in run.err if "Traceback" in line]


async def test_an_update_that_will_not_finish_is_cancelled_and_the_stop_still_ends_in_time(
    start_run, emulator, services, uow_factory
):
    await make_staff(services, telegram_id=STAFF_TG)
    officer = emulator.user(STAFF_TG, first_name="길동")
    run = await start_run(DONGNE_PERSISTENCE_INTERVAL="60")
    await eventually(run.said(cli("running", username="dongne_test_bot")), "the bot to run", within=START_WITHIN)
    emulator.hold_next("sendMessage", 120.0)  # Telegram hangs on the reply
    sending, took = await sigterm_while_handling(run, emulator, officer)
    await run.end()
    sending.cancel()
    assert took < serving.STOP_BOUND
    assert run.process.returncode == 0, run.err
    assert any("still being handled after" in line and "command /complex" in line for line in run.err), run.err
    assert run.out[-1] == cli("stopped")  # the rest of the stop (the last flush too) went on as usual
