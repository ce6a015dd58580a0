"""What the bot's process tests share: the Bot API emulator, a runtime wired to it, and a clean command line
(``dongne`` run with only the settings a test gives, in a folder of its own)."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Runtime, build_runtime
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from core.clock import FixedClock

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    """A loopback port nobody listens on now: to serve on, or to be refused by at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("DONGNE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONGNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DONGNE_BOT_USERNAME", "dongne_office_bot")
    return tmp_path


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="dongne_test_bot") as emu:
        yield emu


def bot_settings(database_url: str, api_root: str, data_dir: Path, **overrides: object) -> Settings:
    """``dongne run``'s settings against the emulator, with its files in ``data_dir``. The nightly backup and
    retention run have their own tests; here a run that happened to cross their hour would write there."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        bot_token=TOKEN,
        telegram_api_url=api_root,
        admin_port=free_port(),
        persistence_interval=0.2,
        data_dir=data_dir,
        backup_hour=None,
        retention_hour=None,
        **overrides,
    )


@pytest.fixture
async def bot_runtime(
    database_url: str, clock: FixedClock, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Runtime]:
    settings = bot_settings(database_url, emulator.api_root, tmp_path)
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    await runtime.close()
