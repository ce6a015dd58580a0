"""The labels updates are counted under: every command and button the bot answers has its own, and anything a
user can make up falls into one of three, so the series Prometheus keeps stay as few as the bot's handlers."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

import conversations
from bot import serving
from bot.app import Runtime, build_application, build_runtime
from bot.emulator import BotApiEmulator
from bot.gate import build_gate
from bot.metrics import ProcessMetrics, handled_kinds
from conversations.buttons import ButtonData
from conversations.dialogue import DialogueFocus
from conversations.handlers import build_handlers
from conversations.menu import COMMANDS
from core.backups import archive_name
from core.clock import FixedClock
from tests.bot.conftest import TOKEN, bot_settings
from tests.builders import make_staff
from tests.scraping import scraped, value
from tests.waiting import eventually


def the_bots_handlers() -> list:
    return [build_gate(), *build_handlers(DialogueFocus())]


def button_namespaces() -> set[str]:
    """The namespace of every kind of button the dialogues define (conversations/buttons.py)."""
    found = set()
    for module_info in pkgutil.walk_packages(conversations.__path__, "conversations."):
        module = importlib.import_module(module_info.name)
        found.update(kind.prefix.split(":", 1)[0] for kind in vars(module).values() if isinstance(kind, ButtonData))
    return found


def test_every_command_and_button_the_bot_answers_has_a_label_of_its_own():
    kinds = handled_kinds(the_bots_handlers())
    assert {f"command /{command.name}" for command in COMMANDS} <= kinds
    namespaces = button_namespaces()
    assert len(namespaces) > 10
    assert {f"button {namespace}" for namespace in namespaces} <= kinds


def test_anything_else_counts_as_other_and_adds_no_series():
    metrics = ProcessMetrics()
    metrics.learn_handlers(the_bots_handlers())
    assert metrics.handler_label("command /complex") == "command /complex"
    assert metrics.handler_label("text message") == "text message"
    assert metrics.handler_label("command /홍길동") == "command other"
    assert metrics.handler_label("button zz") == "button other"
    assert metrics.handler_label("ChatMemberUpdated") == "other"
    for n in range(500):
        metrics.handled(f"command /guess{n}", 0.01)
        metrics.handled(f"button x{n}", 0.01)
        metrics.failed(f"button x{n}")
    metrics.handled("command /complex", 0.02)
    series = {
        (sample.name, sample.labels.get("handler"))
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name.startswith("dongne_update")
    }
    assert {handler for _, handler in series} == {"command other", "button other", "command /complex"}


METRICS_TOKEN = "9b1e6f3a0c7d42e8a5f1b3c9d7e2a4f6"


@pytest.fixture
async def run_runtime(
    database_url: str, clock: FixedClock, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[Runtime]:
    """``dongne run``'s settings, with a token for a Prometheus server elsewhere."""
    settings = bot_settings(
        database_url, emulator.api_root, tmp_path, housing_reminder_hour=None, metrics_token=METRICS_TOKEN
    )
    runtime = build_runtime(settings, clock=clock)
    yield runtime
    await runtime.close()


async def test_dongne_run_serves_the_bots_own_metrics(run_runtime, emulator, services):
    await make_staff(services, telegram_id=1001)
    last_night = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # the daily backup, 02:00 in Seoul
    run_runtime.settings.effective_backup_dir.mkdir()
    (run_runtime.settings.effective_backup_dir / archive_name(last_night)).write_bytes(b"")
    app = build_application(
        run_runtime, token=TOKEN, api_root=emulator.api_root, on_update_handled=emulator.connect_handling()
    )
    stop = asyncio.Event()
    run = asyncio.create_task(serving.run_bot_with_admin(run_runtime, app, stop))
    url = f"http://127.0.0.1:{run_runtime.settings.admin_port}/metrics"
    try:
        await eventually(lambda: bool(app.running), "the bot to run")
        await emulator.user(1001).send("/complex")
        async with aiohttp.ClientSession() as http:

            async def read(token: str) -> tuple[int, str]:
                async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
                    return response.status, await response.text()

            await eventually(lambda: _listening(run_runtime.settings.admin_port), "the endpoint to listen")
            status, text = await read(METRICS_TOKEN)
            assert status == 200
            assert (await read("not-the-token"))[0] == 403
    finally:
        stop.set()
        assert await asyncio.wait_for(run, 30) == 0
    samples = scraped(text)
    assert value(samples, "dongne_bot_role", role="active") == 1 and value(samples, "dongne_bot_running") == 1
    assert value(samples, "dongne_updates_handled_total", handler="command /complex") == 1
    assert value(samples, "dongne_last_backup_timestamp_seconds") == last_night.timestamp()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
