"""Webhook mode end to end: the bot registers its webhook with a secret, Telegram (the emulator) POSTs each
update to the admin endpoint's unguessable path, and anything without the secret is refused unread."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Update
from telegram.error import Conflict

from bot.webhook import SECRET_HEADER
from tests.builders import make_staff
from tests.conversations.conftest import PUBLIC_URL, STAFF_TELEGRAM_ID, TOKEN, RunningBot, shown
from tests.waiting import eventually


@pytest.fixture
async def bot(runtime, emulator) -> AsyncIterator[RunningBot]:
    running = RunningBot(runtime, emulator, updates="webhook")
    await running.start()
    yield running
    await running.stop()


async def post(bot: RunningBot, body: bytes, secret: str | None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with aiohttp.ClientSession() as http:
        async with http.post(bot.local_webhook_url, data=body, headers=headers) as response:
            return response.status, await response.read()


def an_update(update_id: int, text: str = "/help") -> bytes:
    chat = {"id": STAFF_TELEGRAM_ID, "type": "private", "first_name": "길동"}
    sender = {"id": STAFF_TELEGRAM_ID, "is_bot": False, "first_name": "길동"}
    message = {"message_id": 1, "date": 1764900000, "chat": chat, "from": sender, "text": text}
    message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def test_the_bot_registers_its_webhook_with_a_secret_and_never_polls(bot, emulator):
    [registered] = emulator.calls("setWebhook")
    assert registered["url"] == bot.webhook.url
    assert registered["url"].startswith(f"{PUBLIC_URL}/telegram/") and len(registered["url"]) > len(PUBLIC_URL) + 40
    assert registered["secret_token"] == bot.webhook.secret_token and len(bot.webhook.secret_token) >= 32
    assert sorted(registered["allowed_updates"]) == sorted(Update.ALL_TYPES)
    assert registered.get("drop_pending_updates") in (None, False, "false")
    secret_part = TOKEN.split(":")[1]
    assert secret_part not in registered["url"] and secret_part not in registered["secret_token"]
    assert emulator.calls("getUpdates") == []


async def test_the_officer_is_answered_by_webhook(bot, services, emulator):
    await make_staff(services, telegram_id=STAFF_TELEGRAM_ID)
    officer = emulator.user(STAFF_TELEGRAM_ID, first_name="길동")
    [asked] = await officer.send("/complex")
    assert asked.text == shown("ko", "lookup.ask_name")
    assert emulator.webhook.attempts and all(status == 200 for _id, status in emulator.webhook.attempts)


async def test_a_request_without_the_right_secret_gets_403_and_is_not_processed(bot, services, emulator, caplog):
    await make_staff(services, telegram_id=STAFF_TELEGRAM_ID)
    await emulator.user(STAFF_TELEGRAM_ID, first_name="길동").send("/help")
    answered = len(emulator.calls("sendMessage"))
    for secret in (None, "", "wrong", bot.webhook.secret_token[:-1]):
        assert await post(bot, an_update(7001), secret) == (403, b"")
    # The same kind of update with the secret is handled; the refused one never was.
    assert await post(bot, an_update(7002), bot.webhook.secret_token) == (200, b"")
    await eventually(lambda: 7002 in emulator.world.handled, "the update with the secret to be handled")
    assert 7001 not in emulator.world.handled
    assert len(emulator.calls("sendMessage")) == answered + 1  # the one answer, to 7002
    assert "secret token" in caplog.text and bot.webhook.secret_token not in caplog.text


async def test_a_body_that_is_no_update_gets_400_logged_without_a_traceback(bot, emulator, caplog):
    caplog.set_level(logging.WARNING, "dongne.webhook")
    secret = bot.webhook.secret_token
    for body in (b"not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": 5, "message": {"chat": 3}}'):
        assert (await post(bot, body, secret))[0] == 400
    refusals = [r for r in caplog.records if r.name == "dongne.webhook"]
    assert len(refusals) == 4 and not any(r.exc_info for r in refusals)
    assert emulator.calls("sendMessage") == []


async def test_while_the_receiver_is_closed_telegram_hears_503_and_delivers_again_later(bot, services, emulator):
    await make_staff(services, telegram_id=STAFF_TELEGRAM_ID)
    officer = emulator.user(STAFF_TELEGRAM_ID, first_name="길동")
    bot.webhook.close()  # as a standby, or a bot that is stopping
    assert await post(bot, an_update(7003), bot.webhook.secret_token) == (503, b"")
    sending = asyncio.create_task(officer.send("/complex", timeout=30))
    await eventually(lambda: any(status == 503 for _id, status in emulator.webhook.attempts), "a refused delivery")
    assert "503" in (await bot.app.bot.get_webhook_info()).last_error_message
    bot.webhook.open(bot.app)
    [asked] = await sending
    assert asked.text == shown("ko", "lookup.ask_name")
    assert 7003 not in emulator.world.handled


async def test_getupdates_is_refused_while_a_webhook_is_set(bot):
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.app.bot.get_updates()
