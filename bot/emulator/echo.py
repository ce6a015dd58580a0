"""A bare python-telegram-bot echo bot pointed at the emulator, and polling helpers for any bot.

This is the baseline for benchmarks (the cost of PTB + HTTP + emulator without our bot's logic)
and the way the emulator's own tests drive it with a real Bot API client.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters


def emulator_builder(api_root: str, token: str) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """An ApplicationBuilder aimed at an emulator; callers may add handlers and settings."""
    return ApplicationBuilder().token(token).base_url(f"{api_root}/bot").base_file_url(f"{api_root}/file/bot")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def build_echo_application(api_root: str, token: str) -> Application[Any, Any, Any, Any, Any, Any]:
    app = emulator_builder(api_root, token).build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


async def start_polling_app(
    app: Application[Any, Any, Any, Any, Any, Any], *, poll_timeout: int = 10, **polling_kwargs: Any
) -> None:
    """Initialize, start and poll `app` with no delay between polls (works for any Application)."""
    await app.initialize()
    await app.start()
    if app.updater is None:
        raise RuntimeError("the application has no Updater; build it with an updater to poll")
    await app.updater.start_polling(poll_interval=0, timeout=poll_timeout, **polling_kwargs)


async def stop_polling_app(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Undo start_polling_app, whatever stage it reached, so no task or connection is left open."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
