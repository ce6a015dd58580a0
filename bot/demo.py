"""``dongne demo``: every dialogue offline, in a terminal.

It builds a throwaway SQLite database with the demo district, starts the local Bot API emulator and
the real bot against it, and opens a chat as a demo staff member: type messages, or a button's number
to press it. No token, no internet."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.app import build_application, build_runtime, start_bot, stop_bot
from bot.emulator import BotApiEmulator, run_console
from bot.settings import Settings
from conversations.i18n import t_plain
from core.demo_data import COORDINATING_DEPARTMENT, load_demo_district
from core.permissions import Permission
from core.staff import SYSTEM_ACTOR
from storage.migrate import upgrade

DEMO_TOKEN = "100200300:DEMO-offline-token-not-for-telegram"
DEMO_USER_ID = 10001
DEMO_SAEOL_ID = "demo01"
# The persona sits in 기획예산과 and holds both benchmarking roles, so one chat reaches every benchmarking
# dialogue: registering and deciding as the coordinator, reviewing and reporting as the executing officer.
DEMO_DEPARTMENT = COORDINATING_DEPARTMENT
BENCHMARK_ROLES = (Permission.BENCHMARK_COORDINATE.value, Permission.BENCHMARK_EXECUTE.value)


async def run_demo(
    settings: Settings,
    *,
    seed: int,
    language: str,
    pii: bool,
    read_line: Callable[[], Awaitable[str | None]] | None = None,
) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="dongne-demo-"))
    # The chat owns the terminal; the bot's log goes to a file that outlives the throwaway database.
    log_file = Path(tempfile.gettempdir()) / "dongne-demo.log"
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    file_handler = logging.FileHandler(log_file, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers = [file_handler]
    root.setLevel(logging.INFO)
    demo_settings = settings.model_copy(
        update={
            "database_url": f"sqlite+aiosqlite:///{workdir / 'demo.sqlite3'}",
            "persistence_interval": 1.0,
        }
    )
    runtime = build_runtime(demo_settings)
    try:
        print(t_plain(language, "demo.preparing"), flush=True)
        await upgrade(runtime.engine)
        roles = [Permission.HOUSING_READ.value, *([Permission.PII_VIEW.value] if pii else []), *BENCHMARK_ROLES]
        staff, _ = await runtime.services.staff.add_staff(
            SYSTEM_ACTOR,
            saeol_id=DEMO_SAEOL_ID,
            name=t_plain(language, "demo.staff_name"),
            department=DEMO_DEPARTMENT,
            permissions=roles,
            telegram_user_id=DEMO_USER_ID,
        )
        await runtime.services.staff.set_language(staff, language)
        # The persona exists first so the demo's desk cases (to review, to report on, returned, waiting for
        # approval) are loaded as theirs.
        summary = await load_demo_district(runtime.uow, runtime.services.clock, seed=seed, persona=staff.saeol_id)
        async with BotApiEmulator(token=DEMO_TOKEN, bot_username="dongne_demo_bot") as emulator:
            app = build_application(runtime, token=DEMO_TOKEN, api_root=emulator.api_root)
            await start_bot(app)
            try:
                user = emulator.user(DEMO_USER_ID, first_name="동네", language_code=language)
                await run_console(
                    user,
                    greeting=t_plain(
                        language,
                        "demo.intro",
                        data=t_plain(language, "cli.demo_data_loaded", **summary.figures()),
                        roles=", ".join(roles),
                        log=log_file,
                    ),
                    language=language,
                    read_line=read_line,
                )
            finally:
                await stop_bot(app)
    finally:
        await runtime.close()
        root.handlers, root.level = saved_handlers, saved_level
        file_handler.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0
