"""Sending and editing messages the same way everywhere, and answering domain errors politely."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from conversations.context import DongneContext
from core.errors import DongneError
from core.texts.i18n import has_text, t, t_plain

log = logging.getLogger(__name__)

MessageKey = tuple[int, int]  # (chat id, message id)


class OpenQuestion:
    """While a dialogue handles one update: its open question (the latest message of a dialogue that asked
    something with buttons) and the screens shown with buttons meanwhile. The question's buttons go the moment
    a newer screen with buttons appears (before it, so the chat reads in order), or when ``close`` is called;
    an error reply or a nudge without buttons leaves the question, and its buttons, standing."""

    def __init__(self, context: DongneContext, question: MessageKey | None) -> None:
        self._context = context
        self.question = question
        self.closed = False
        self.shown: list[MessageKey] = []

    async def replacing(self, target: MessageKey | None) -> None:
        """Buttons are about to appear on ``target`` (None: a new message)."""
        if target is None or target != self.question:
            await self.close()

    async def close(self) -> None:
        if self.question is not None and not self.closed:
            self.closed = True
            await drop_buttons(self._context, *self.question)


# Set by conversations/dialogue.py around each of its handlers; say() and show() report to it.
OPEN_QUESTION: ContextVar[OpenQuestion | None] = ContextVar("open_question", default=None)


def _with_buttons(keyboard: InlineKeyboardMarkup | None) -> OpenQuestion | None:
    return OPEN_QUESTION.get() if keyboard is not None and keyboard.inline_keyboard else None


async def say(
    update: Update, context: DongneContext, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send a new message to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    sending = context.bot.send_message(
        chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
    )
    if question := _with_buttons(keyboard):
        # The earlier question's buttons come off while the new message goes out, not one round trip before
        # it. Should taking them off fail, the new message still stands; the old buttons are refused as stale.
        dropped, sent = await asyncio.gather(question.replacing(None), sending, return_exceptions=True)
        if isinstance(sent, BaseException):
            raise sent
        if isinstance(dropped, Exception):
            log.error("taking the buttons off the earlier question failed", exc_info=dropped)
        elif isinstance(dropped, BaseException):
            raise dropped
    else:
        sent = await sending
    if question:
        question.shown.append((sent.chat.id, sent.message_id))
    return sent


async def show(update: Update, context: DongneContext, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Replace the message a button was pressed on; send a new one when there is none to edit."""
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        await say(update, context, text, keyboard)
        return
    target = (query.message.chat.id, query.message.message_id)
    if question := _with_buttons(keyboard):
        await question.replacing(target)
    elif (asked := OPEN_QUESTION.get()) and asked.question == target:
        asked.closed = True  # the question turns into its answer, without buttons
    try:
        await query.message.edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
        )
    except BadRequest as exc:
        # A second tap on the same button asks for the screen already shown: nothing to do.
        if "not modified" not in exc.message.lower():
            raise
    if question:
        question.shown.append(target)


async def drop_buttons(context: DongneContext, chat_id: int, message_id: int) -> None:
    """Take the buttons off a message whose question was answered (or left behind)."""
    try:
        await context.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)
    except BadRequest as exc:  # already without buttons, or deleted by the staff member
        log.info("could not take the buttons off message %s: %s", message_id, exc.message)


# The plain acknowledgements of button presses still on their way for the update being handled: the bot's
# update processor opens the list (``acknowledgements``) and waits for them before the update counts as handled.
_acknowledging: ContextVar[list[asyncio.Task[None]] | None] = ContextVar("acknowledging", default=None)


@contextlib.asynccontextmanager
async def acknowledgements() -> AsyncIterator[None]:
    """While an update is handled, a press's plain acknowledgement goes out beside the work it asked for
    (the card's queries, the next screen) instead of before it; it has arrived when this ends."""
    pending: list[asyncio.Task[None]] = []
    token = _acknowledging.set(pending)
    try:
        yield
    finally:
        _acknowledging.reset(token)
        for outcome in await asyncio.gather(*pending, return_exceptions=True):
            if isinstance(outcome, Exception):  # the update's own work is done; its acknowledgement only failed
                log.error("answering a button press failed", exc_info=outcome)


async def answer(
    update: Update, context: DongneContext, key: str | None = None, *, alert: bool = False, **params: object
) -> None:
    """Answer a button press first, so the user's spinner stops even if the work below is slow. A plain
    acknowledgement (no text) does not hold the work up while an update processor awaits it (see above)."""
    query = update.callback_query
    if query is None:
        return
    text = t_plain(context.lang, key, **params) if key else None
    pending = _acknowledging.get()
    if text is None and pending is not None:
        pending.append(asyncio.create_task(_answer(query, None, alert=alert)))
        return
    await _answer(query, text, alert=alert)


async def _answer(query: CallbackQuery, text: str | None, *, alert: bool) -> None:
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        # Telegram forgets a press after ~15 s; the screen that follows still tells the user.
        log.info("callback answer failed: %s", exc.message)
    except TelegramError as exc:  # the work goes on without it: the screen that follows tells the user
        log.warning("could not answer a button press: %s", exc)


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
