"""The last line of defence: log what went wrong with its context, then apologise politely."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.metrics import METRICS_KEY, NO_UPDATE, ProcessMetrics
from bot.update_kinds import update_kind
from conversations.context import DongneContext
from core.texts.i18n import t

log = logging.getLogger("dongne.errors")


async def on_error(update: object, context: DongneContext) -> None:
    error = context.error
    if isinstance(error, (NetworkError, TimedOut, RetryAfter)) and not isinstance(update, Update):
        log.warning("Telegram connection problem: %s", error)  # polling retries by itself: not counted as an error
        return
    metrics = context.bot_data.get(METRICS_KEY)
    if isinstance(metrics, ProcessMetrics):
        metrics.failed(NO_UPDATE if update is None else update_kind(update))
    who = None
    if isinstance(update, Update) and update.effective_user:
        who = update.effective_user.id
    log.error("error handling update %s from user %s", getattr(update, "update_id", None), who, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None or isinstance(error, Forbidden):
        return
    try:
        await context.bot.send_message(update.effective_chat.id, t(context.lang, "error.unexpected"), parse_mode="HTML")
    except Exception:  # telling the user failed too; the log above has the story
        log.exception("could not tell user %s about the error", who)
