"""What each ``dongne`` command does; ``bot.cli`` only parses arguments."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import datetime

from telegram import Bot
from telegram.error import TelegramError

from bot.app import Runtime, build_application, build_runtime, start_bot, stop_bot
from bot.settings import Settings
from conversations.i18n import DEFAULT_LANGUAGE, has_text, t_plain
from core.errors import DongneError
from core.staff import SYSTEM_ACTOR
from core.values import LinkCodeIssued
from storage.migrate import is_up_to_date, upgrade


def say(key: str, **params: object) -> None:
    print(t_plain(DEFAULT_LANGUAGE, f"cli.{key}", **params))


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "demo":
        from bot.demo import run_demo

        code: int = await run_demo(settings, seed=args.seed, language="en" if args.english else "ko", pii=args.pii)
        return code
    runtime = build_runtime(settings)
    try:
        if args.command == "db":
            await upgrade(runtime.engine)
            say("db_upgraded", url=runtime.engine.url.render_as_string(hide_password=True))
            return 0
        if not await is_up_to_date(runtime.engine):
            say("schema_outdated")
            return 2
        if args.command == "staff":
            return await _staff(args, runtime)
        if args.command == "demo-data":
            from core.demo_data import load_demo_district

            summary = await load_demo_district(runtime.uow, runtime.services.clock, seed=args.seed)
            say("demo_data_loaded", **summary.figures())
            return 0
        if args.command == "run":
            return await _run(runtime)
    except DongneError as error:
        key = f"cli_error.{error.code}"
        key = key if has_text(DEFAULT_LANGUAGE, key) else "cli_error.other"
        print(t_plain(DEFAULT_LANGUAGE, key, detail=str(error)), file=sys.stderr)
        return 1
    finally:
        await runtime.close()
    return 2


async def _staff(args: argparse.Namespace, runtime: Runtime) -> int:
    directory = runtime.services.staff
    if args.staff_command == "add":
        roles = [part.strip() for value in args.role for part in value.split(",") if part.strip()]
        staff, issued = await directory.add_staff(
            SYSTEM_ACTOR,
            saeol_id=args.saeol_id,
            name=args.name,
            department=args.department,
            permissions=roles,
            telegram_user_id=args.telegram_id,
        )
        say("staff_added", name=staff.name, saeol_id=staff.saeol_id, roles=", ".join(sorted(staff.permissions)) or "-")
        if issued is None:
            say("staff_bound", telegram_id=args.telegram_id)
        else:
            await _print_code(issued, runtime.settings)
        return 0
    issued = await directory.issue_link_code(SYSTEM_ACTOR, args.saeol_id)
    await _print_code(issued, runtime.settings)
    return 0


async def _print_code(issued: LinkCodeIssued, settings: Settings) -> None:
    say("link_code", code=issued.code, expires=_minute(issued.expires_at))
    username = await bot_username(settings)
    if username:
        say("deep_link", url=f"https://t.me/{username}?start={issued.code}")
    else:
        say("deep_link_unknown", code=issued.code)


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")


async def bot_username(settings: Settings) -> str | None:
    """The bot's @username for deep links: from settings, else asked of Telegram once."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if settings.bot_token is None:
        return None
    bot = Bot(settings.require_token(), base_url=f"{settings.telegram_api_url}/bot")
    try:
        async with bot:
            return bot.username
    except (TelegramError, OSError):
        return None


async def _run(runtime: Runtime) -> int:
    settings = runtime.settings
    token = settings.require_token()
    app = build_application(runtime, token=token, api_root=settings.telegram_api_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await start_bot(app)
    say("running", username=app.bot.username)
    try:
        await stop.wait()
    finally:
        await stop_bot(app)
        say("stopped")
    return 0
