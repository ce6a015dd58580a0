"""Start-up: from the operator's ``dongne run`` (a new process) to the first update answered.

A staff member's lookup is already waiting at the emulated Telegram when the process starts, as after a
restart in office hours; the figure is the time until the emulator has stored the bot's reply. It covers the
interpreter and imports, settings, the database engine and the instance lock, the bot's start (getMe, the
command menus) and the first getUpdates. The process is the one an operator runs (``bot.cli.main(["run"])``),
with the database of the engine's run, the admin endpoint on a free loopback port and pacing as configured."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import Actor
from bot.emulator import BotApiEmulator

CHECKOUT = Path(__file__).resolve().parents[1]
RUN = "from bot.cli import main; raise SystemExit(main(['run']))"
STARTUP_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def startup_seconds(emulator: BotApiEmulator, actor: Actor, token: str, database_url: str, term: str) -> float:
    """Seconds from starting the process to the reply to ``/complex term`` sent just before it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONGNE_")}
    # The checkout this benchmark runs from, not whatever an installed dongne would import.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="dongne-startup-") as data_dir:
        env.update(
            DONGNE_BOT_TOKEN=token,
            DONGNE_TELEGRAM_API_URL=emulator.api_root,
            DONGNE_DATABASE_URL=database_url,
            DONGNE_DATA_DIR=data_dir,
            DONGNE_ADMIN_PORT=str(_free_port()),
            DONGNE_LOG_LEVEL="WARNING",
            # Keep the daily reminders out of the first seconds: they are not the first answer.
            DONGNE_HOUSING_REMINDER_HOUR="off",
        )
        loop = asyncio.get_running_loop()
        started = loop.time()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", RUN, env=env, cwd=Path(data_dir), stdout=asyncio.subprocess.DEVNULL
        )
        try:
            _, arrival = await actor.send(f"/complex {term}", timeout=STARTUP_TIMEOUT)
            return arrival.at - started
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except TimeoutError:
                    process.kill()
                    await process.wait()
