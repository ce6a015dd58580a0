"""What the bot's process tests share: the Bot API emulator and a runtime wired to it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime, build_runtime
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from core.clock import FixedClock

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_test_bot") as emu:
        yield emu


@pytest.fixture
async def bot_runtime(database_url: str, clock: FixedClock, emulator: BotApiEmulator) -> AsyncIterator[Runtime]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        bot_token=TOKEN,
        telegram_api_url=emulator.api_root,
        admin_port=free_port(),
        persistence_interval=0.2,
    )
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    await runtime.close()
