"""``dongne run`` as an operator starts it, for the process tests: a subprocess with only the settings a test
gives (none of the developer's ``DONGNE_*`` variables or ``.env``), in a folder of its own, its output collected
line by line. The nightly jobs and the morning reminders are off unless a test turns them on."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from core.texts.i18n import t_plain
from tests.bot.conftest import TOKEN, free_port

ROOT = Path(__file__).resolve().parents[2]
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


Start = Callable[..., Awaitable[RunProcess]]


@contextlib.asynccontextmanager
async def dongne_runs(database_url: str, api_root: str, folder: Path) -> AsyncIterator[Start]:
    """Starts ``dongne run`` processes (``await start(DONGNE_X="...")`` to add or override a setting); each is
    killed, if still running, on exit."""
    started: list[RunProcess] = []
    env = {name: value for name, value in os.environ.items() if not name.startswith("DONGNE_")}

    async def start(**settings: str) -> RunProcess:
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=folder,  # no .env of the developer's
            env={
                **env,
                "PYTHONPATH": str(ROOT),
                "DONGNE_DATA_DIR": str(folder / "data"),
                "DONGNE_DATABASE_URL": database_url,
                "DONGNE_BOT_TOKEN": TOKEN,
                "DONGNE_TELEGRAM_API_URL": api_root,
                "DONGNE_ADMIN_PORT": str(port),
                "DONGNE_PERSISTENCE_INTERVAL": "0.2",
                "DONGNE_HOUSING_REMINDER_HOUR": "off",
                "DONGNE_BACKUP_HOUR": "off",
                "DONGNE_RETENTION_HOUR": "off",
                **settings,
            },
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        started.append(RunProcess(process, port))
        return started[-1]

    try:
        yield start
    finally:
        for run in started:
            with contextlib.suppress(ProcessLookupError):
                await run.end()


def cli(key: str, **params: object) -> str:
    return t_plain("ko", f"cli.{key}", **params)
