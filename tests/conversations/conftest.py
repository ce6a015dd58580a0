"""End-to-end world: the real Application, polling the local Bot API emulator over loopback HTTP, or (with
``DONGNE_TEST_UPDATES=webhook``) taking its updates by webhook at the admin endpoint, as ``dongne run`` does
with ``DONGNE_WEBHOOK_URL`` set: the emulator POSTs them there through its stand-in for the TLS proxy."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.admin.app import AdminServer, build_admin_app
from bot.app import NOTIFIER_KEY, Runtime, build_application, build_runtime, start_bot, stop_bot
from bot.emulator import BotApiEmulator, BotMessage, EmulatedUser, parse_html
from bot.settings import Settings
from bot.webhook import WebhookReceiver
from core.clock import FixedClock
from core.services import Services
from core.texts.i18n import t
from storage.uow import UnitOfWorkFactory
from tests.builders import make_coordinator, make_executor, make_staff

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
STAFF_TELEGRAM_ID = 1001
# How the bot of these tests receives its updates: "polling" (the default) or "webhook".
UPDATES = os.environ.get("DONGNE_TEST_UPDATES", "polling")
if UPDATES not in ("polling", "webhook"):
    raise RuntimeError(f"DONGNE_TEST_UPDATES is {UPDATES!r}: use polling or webhook")
# The address the office's TLS proxy publishes the admin endpoint at; the emulator plays that proxy.
PUBLIC_URL = "https://dongne.test"


def shown(lang: str, key: str, **params: Any) -> str:
    """A catalog text as the user's Telegram shows it (HTML rendered to plain text)."""
    return parse_html(t(lang, key, **params)).text


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_test_bot") as emu:
        yield emu


@pytest.fixture
async def runtime(database_url: str, clock: FixedClock, tmp_path: Path) -> AsyncIterator[Runtime]:
    # The daily reminders have their own tests (tests/bot/test_reminders_job.py): here they would land in a chat.
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        persistence_interval=0.2,
        housing_reminder_hour=None,
        backup_hour=None,
        retention_hour=None,
        data_dir=tmp_path,
    )
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    await runtime.close()


@pytest.fixture
def services(runtime: Runtime) -> Services:
    return runtime.services


@pytest.fixture
def uow_factory(runtime: Runtime) -> UnitOfWorkFactory:
    return runtime.uow


class RunningBot:
    """The bot process, which a test may stop and start again like an operator would. In webhook mode each start
    serves the webhook from an admin endpoint of its own, as each ``dongne run`` does."""

    def __init__(self, runtime: Runtime, emulator: BotApiEmulator, *, updates: str = UPDATES) -> None:
        self._runtime = runtime
        self._emulator = emulator
        self.by_webhook = updates == "webhook"
        self.app: Any = None
        self.webhook: WebhookReceiver | None = None
        self._servers: list[AdminServer] = []

    async def start(self) -> None:
        self.app = build_application(
            self._runtime,
            token=TOKEN,
            api_root=self._emulator.api_root,
            on_update_handled=self._emulator.connect_handling(),
        )
        self.webhook = None
        if self.by_webhook:
            self.webhook = WebhookReceiver(TOKEN, PUBLIC_URL)
            endpoint = build_admin_app(self._runtime.services, self._runtime.engine)
            self.webhook.add_route(endpoint)
            server = AdminServer(endpoint, "127.0.0.1", 0)
            await server.start()
            self._servers.append(server)
            self._emulator.route_webhooks(PUBLIC_URL, f"http://127.0.0.1:{server.port}")
        await start_bot(self.app, self.webhook)

    @property
    def local_webhook_url(self) -> str:
        """Where the TLS proxy forwards Telegram's POSTs: this bot's endpoint, on loopback."""
        assert self.webhook is not None and self._servers
        return f"http://127.0.0.1:{self._servers[-1].port}{self.webhook.path}"

    async def stop_taking_updates(self) -> None:
        """As when the process dies: no more updates reach this Application (it is not stopped)."""
        if self.webhook is not None:
            self.webhook.close()
        else:
            await self.app.updater.stop()

    async def stop(self) -> None:
        if self.app is not None:
            await stop_bot(self.app, self.webhook)
            self.app = None
        for server in self._servers:
            await server.stop()
        self._servers.clear()

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@pytest.fixture
async def bot(runtime: Runtime, emulator: BotApiEmulator) -> AsyncIterator[RunningBot]:
    running = RunningBot(runtime, emulator)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def officer(bot: RunningBot, services: Services, emulator: BotApiEmulator) -> EmulatedUser:
    """A housing officer (공동주택과) already bound to Telegram, without the right to see personal data."""
    await make_staff(services, telegram_id=STAFF_TELEGRAM_ID)
    return emulator.user(STAFF_TELEGRAM_ID, first_name="길동")


COORDINATOR_TG, OFFICER_TG = 2001, 2002
Team = tuple[Any, Any, EmulatedUser, EmulatedUser]  # the coordinator's and officer's records, then their chats


@pytest.fixture
async def team(
    bot: RunningBot, services: Services, emulator: BotApiEmulator
) -> tuple[Any, Any, EmulatedUser, EmulatedUser]:
    """기획예산과's coordinator and 총무과's officer, both bound to Telegram and in a chat with the bot:
    (coordinator, officer, the coordinator's chat, the officer's chat)."""
    coordinator = await make_coordinator(services, telegram_id=COORDINATOR_TG)
    officer = await make_executor(services, telegram_id=OFFICER_TG)
    chats = emulator.user(COORDINATOR_TG, first_name="기획관"), emulator.user(OFFICER_TG, first_name="숙영")
    for chat in chats:  # Telegram lets a bot write only to those who started a chat with it
        await chat.send("/start")
    return (coordinator, officer, *chats)


async def notifications_settled(services: Services, within: float = 30.0) -> None:
    """Wait until every queued notification has gone out, so that it cannot land in the middle of the
    replies a test is about to read."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while await services.notifications.undelivered_count():
        if loop.time() > deadline:
            raise TimeoutError("notifications still queued")
        await asyncio.sleep(0.02)


async def answer_to(chat: EmulatedUser, message: BotMessage, data: str) -> tuple[str | None, bool]:
    """Press a button (real, replayed or forged) and return the bot's callback answer: (text, as alert)."""
    before = len(chat.callback_answers)
    await chat.press_data(message, data, expect_reply=False)
    await chat.wait_for_answers(before + 1)
    return chat.callback_answers[before]


async def file_from(chat: EmulatedUser, button: str, kind: str, message: BotMessage | None = None) -> BotMessage:
    """The file a button sends. Drawing loads matplotlib on first use and can outlast the emulator's wait
    after the "sending a photo" action on a slow, busy machine; the file then arrives after the press."""
    sent = [m for m in await chat.press(button, message=message, timeout=30) if m.kind == kind]
    return sent[-1] if sent else await chat.wait_for_message(lambda m: m.kind == kind, timeout=60)


async def nothing(*args: Any, **kwargs: Any) -> None:
    return None


def stop_saving(bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on nothing this process changes reaches the database, as when it dies before its next
    periodic flush."""
    for method in ("update_conversation", "update_user_data"):
        monkeypatch.setattr(bot.app.persistence, method, nothing)


@pytest.fixture
async def kill(bot: RunningBot) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """kill -9: the process stops where it is, and a new one starts from what was flushed. The dead one's
    connections are closed when the test ends."""
    dead = []

    async def kill_and_restart() -> None:
        dead.append(bot.app)
        await bot.app.bot_data[NOTIFIER_KEY].stop()
        await bot.stop_taking_updates()
        bot.app = None
        await bot.start()

    yield kill_and_restart
    for app in dead:
        await stop_bot(app)
