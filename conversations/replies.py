"""Sending and editing messages the same way everywhere, and answering domain errors politely."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from conversations.context import DongneContext
from conversations.i18n import has_text, t, t_plain
from core.errors import DongneError

log = logging.getLogger(__name__)


async def say(
    update: Update, context: DongneContext, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send a new message to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(
        chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
    )


async def show(update: Update, context: DongneContext, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Replace the message a button was pressed on; send a new one when there is none to edit."""
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        await say(update, context, text, keyboard)
        return
    try:
        await query.message.edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
        )
    except BadRequest as exc:
        # A second tap on the same button asks for the screen already shown: nothing to do.
        if "not modified" not in exc.message.lower():
            raise


async def answer(
    update: Update, context: DongneContext, key: str | None = None, *, alert: bool = False, **params: object
) -> None:
    """Answer a button press first, so the user's spinner stops even if the work below is slow."""
    query = update.callback_query
    if query is None:
        return
    text = t_plain(context.lang, key, **params) if key else None
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        # Telegram forgets a press after ~15 s; the screen that follows still tells the user.
        log.info("callback answer failed: %s", exc.message)


def error_key(lang: str, error: DongneError) -> str:
    """The catalog key that tells why: the error's own text, else the general apology."""
    key = f"error.{error.code}"
    return key if has_text(lang, key) else "error.unexpected"


def error_text(lang: str, error: DongneError) -> str:
    return t(lang, error_key(lang, error), **error.params)


async def report(update: Update, context: DongneContext, error: DongneError) -> None:
    """Tell the user, in their language, why nothing changed."""
    log.info("refused %s for user %s: %s", error.code, update.effective_user and update.effective_user.id, error)
    await say(update, context, error_text(context.lang, error))
