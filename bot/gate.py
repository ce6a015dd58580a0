"""The access gate: runs before every other handler and lets only bound, active staff through (and, for
someone not yet bound, the code to bind with and the guest's /help and /language).

It also records who is acting on the update's context, so handlers and core services see the staff
member's current roles: a grant or a deactivation takes effect on the very next update, in the chat's
command menu too (conversations/command_menu.py). And it is the
bot's edge for the one text rule (core/safe_text.py): a message or button carrying a NUL or another control
character is answered politely here and reaches no dialogue, whatever step it arrives at."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.logs import name_staff
from conversations.command_menu import menus_of
from conversations.context import DongneContext
from conversations.menu import GUEST_COMMANDS
from core.safe_text import is_safe_text
from core.texts.i18n import t, t_plain

log = logging.getLogger(__name__)

GATE_GROUP = -1


def _is_binding_attempt(update: Update) -> bool:
    message = update.message  # new messages only: an edited "/start CODE" is not a fresh attempt
    if message is None or not message.text:
        return False
    command, _, payload = message.text.partition(" ")
    return command.split("@")[0] == "/start" and bool(payload.strip())


def _is_guest_command(update: Update) -> bool:
    """/help and /language, which the guest's command menu offers before binding too."""
    message = update.message
    if message is None or not message.text:
        return False
    command = message.text.split(maxsplit=1)[0].split("@")[0]
    # /start passes only with a code to try (_is_binding_attempt): without one there is nothing to do.
    return command != "/start" and command in {f"/{c.name}" for c in GUEST_COMMANDS}


def _has_unsafe_text(update: Update) -> bool:
    if update.callback_query is not None:
        texts = [update.callback_query.data]
    else:
        message = update.message
        texts = [message.text, message.caption] if message is not None else []
    return any(text and not is_safe_text(text) for text in texts)


async def _refuse_unsafe_text(update: Update, context: DongneContext) -> None:
    if not _has_unsafe_text(update):
        return
    log.info("refused a control character from telegram user %s", update.effective_user and update.effective_user.id)
    if update.callback_query is not None:
        await update.callback_query.answer(t_plain(context.lang, "error.unsafe_text"), show_alert=True)
    elif update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, t(context.lang, "error.unsafe_text"), parse_mode="HTML"
        )
    raise ApplicationHandlerStop


async def gate(update: Update, context: DongneContext) -> None:
    user = update.effective_user
    if user is None:  # channel posts, polls and the like: nobody to serve
        raise ApplicationHandlerStop
    context.telegram_language = user.language_code
    staff = await context.services.staff.identify(user.id)
    if staff is not None:
        name_staff(staff.id)
    if update.effective_chat is not None and update.effective_chat.type == "private":
        # The command menu follows roles granted or revoked elsewhere since this chat's was last set.
        await menus_of(context.bot_data).refresh(context.bot, user.id, staff)
    if staff is not None and staff.active:
        context.actor = staff
        if update.edited_message is not None:
            # Telegram lets a message be edited after it was answered; acting on it again would
            # repeat or contradict what was done, so an edit is never a new request.
            await context.bot.send_message(
                update.edited_message.chat_id, t(context.lang, "common.edited_ignored"), parse_mode="HTML"
            )
            raise ApplicationHandlerStop
        await _refuse_unsafe_text(update, context)
        return
    if staff is None and (_is_binding_attempt(update) or _is_guest_command(update)):
        await _refuse_unsafe_text(update, context)
        return
    key = "gate.inactive" if staff is not None else "gate.not_bound"
    log.info("refused telegram user %s (%s)", user.id, key)
    if update.callback_query is not None:
        await update.callback_query.answer(t_plain(context.lang, key), show_alert=True)
    elif update.effective_chat is not None and update.effective_chat.type == "private":
        await context.bot.send_message(update.effective_chat.id, t(context.lang, key), parse_mode="HTML")
    raise ApplicationHandlerStop


def build_gate() -> TypeHandler[Update, DongneContext, None]:
    return TypeHandler(Update, gate)
