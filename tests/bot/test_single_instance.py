"""Two ``dongne run`` on one bot token and one database: the second waits as a standby, says so in one line,
and when the first is killed (kill -9) takes over within seconds, with the dialogues as the first left them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot import serving
from bot.app import build_application
from bot.emulator import BotApiEmulator
from bot.instance import Instance
from core.texts.i18n import t_plain
from storage.bot_state.models import BotState
from storage.instance_lock import FileLock
from tests.bot.conftest import TOKEN, free_port
from tests.builders import make_staff
from tests.conversations.conftest import shown
from tests.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
STAFF_TG = 1001
# Starting a Python process that imports the bot takes a few seconds on a loaded machine.
START_WITHIN = 60.0


class RunProcess:
    """A ``dongne run`` subprocess whose output lines are collected as they come."""

    def __init__(self, process: asyncio.subprocess.Process, admin_port: int) -> None:
        self.process = process
        self.admin_port = admin_port
        self.out: list[str] = []
        self.err: list[str] = []
        assert process.stdout is not None and process.stderr is not None
        self._readers = [
            asyncio.create_task(self._collect(process.stdout, self.out)),
            asyncio.create_task(self._collect(process.stderr, self.err)),
        ]

    @staticmethod
    async def _collect(stream: asyncio.StreamReader, lines: list[str]) -> None:
        async for line in stream:
            lines.append(line.decode().rstrip("\n"))

    def said(self, line: str) -> Callable[[], bool]:
        def check() -> bool:
            if self.process.returncode is not None:
                raise AssertionError(f"dongne run ended ({self.process.returncode}): {self.out} {self.err}")
            return line in self.out

        return check

    async def health(self) -> dict[str, Any]:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{self.admin_port}/healthz") as response:
                report: dict[str, Any] = await response.json()
                return {"http": response.status, **report}

    async def end(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        await asyncio.gather(*self._readers)


@pytest.fixture
async def start_run(
    database_url: str, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Callable[[], Awaitable[RunProcess]]]:
    started: list[RunProcess] = []
    env = {name: value for name, value in os.environ.items() if not name.startswith("DONGNE_")}

    async def start() -> RunProcess:
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=tmp_path,  # no .env of the developer's
            env={
                **env,
                "PYTHONPATH": str(ROOT),
                "DONGNE_DATA_DIR": str(tmp_path / "data"),
                "DONGNE_DATABASE_URL": database_url,
                "DONGNE_BOT_TOKEN": TOKEN,
                "DONGNE_TELEGRAM_API_URL": emulator.api_root,
                "DONGNE_ADMIN_PORT": str(port),
                "DONGNE_PERSISTENCE_INTERVAL": "0.2",
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        started.append(RunProcess(process, port))
        return started[-1]

    yield start
    for run in started:
        with contextlib.suppress(ProcessLookupError):
            await run.end()


def cli(key: str, **params: object) -> str:
    return t_plain("ko", f"cli.{key}", **params)


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
