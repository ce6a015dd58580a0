"""전송결과 조회, 전송예약 조회, 전송결과 상세조회 — what became of the messages a staff member sent.

The journey: ``/sms_results`` (or the buttons under 문자 보내기) lists the batches, newest first, each with
대상 · 발송 · 전달 · 실패 · 대기; 예약 목록 lists scheduled batches with a cancel button. A batch opens to
its recipients, ten per page, each with its state and the failure reason, and an Excel download of them
all. A batch already handed to the UMS cannot be cancelled, and the answer says so. Every screen says
plainly when no UMS is configured and nothing was really sent. No typed input: plain handlers."""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations.context import DongneContext
from conversations.dialogue import DialogueFocus, route
from conversations.files import send_file
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, error_text, report, say, show
from conversations.sms.view import batch_line, not_configured, render_batch
from core.errors import DongneError
from core.sms.labels import export_labels
from core.sms.values import MessageState
from core.texts.i18n import t, t_plain

_ROUTES = {
    "list": re.compile(r"^sr:l:(-?\d{1,4})$"),
    "scheduled": re.compile(r"^sr:s:(-?\d{1,4})$"),
    "batch": re.compile(r"^sr:b:(\d{1,9}):(-?\d{1,4})(:f)?$"),  # :f — only the failed recipients
    "excel": re.compile(r"^sr:x:(\d{1,9})$"),
    "cancel": re.compile(r"^sr:c:(\d{1,9})$"),
    "confirm_cancel": re.compile(r"^sr:cy:(\d{1,9})$"),
}


async def show_list(update: Update, context: DongneContext, page: int, *, scheduled: bool, edit: bool) -> None:
    lang, clock = context.lang, context.services.clock
    try:
        found = await context.services.sms.list_batches(context.staff(), max(page, 0), scheduled_only=scheduled)
    except DongneError as error:
        await report(update, context, error)
        return
    # Each batch says whether its sender had a UMS; this process's settings say nothing of batches already made.
    configured = all(b.ums_configured for b in found.items)
    lines = [t(lang, "sms.scheduled.head" if scheduled else "sms.results.head", total=found.total)]
    if not configured:
        lines.append(not_configured(lang))
    if not found.items:
        lines.append(t(lang, "sms.scheduled.empty" if scheduled else "sms.results.empty"))
    lines += [batch_line(lang, clock, b) for b in found.items]
    picks: list[InlineKeyboardButton] = []
    for b in found.items:
        picks.append(button(t_plain(lang, "sms.results.open", id=b.id), f"sr:b:{b.id}:0"))
        if scheduled and b.cancellable:
            picks.append(button(t_plain(lang, "sms.results.cancel_one", id=b.id), f"sr:c:{b.id}"))
    prefix = "sr:s" if scheduled else "sr:l"
    pager = page_row(lang, found, (f"{prefix}:{found.number - 1}", f"{prefix}:{found.number + 1}"))
    other = (
        button(t_plain(lang, "sms.new.results"), "sr:l:0")
        if scheduled
        else button(t_plain(lang, "sms.new.scheduled"), "sr:s:0")
    )
    keyboard = markup(
        *rows(picks, 2 if scheduled else 3), pager, [other, button(t_plain(lang, "sms.results.compose"), "menu:sms")]
    )
    await (show if edit else say)(update, context, "\n".join(lines), keyboard)


async def show_batch(
    update: Update, context: DongneContext, batch_id: int, page: int, *, edit: bool = True, failed_only: bool = False
) -> None:
    lang = context.lang
    state = MessageState.FAILED if failed_only else None
    try:
        batch = await context.services.sms.batch(context.staff(), batch_id)
        messages = await context.services.sms.recipients(context.staff(), batch_id, max(page, 0), state=state)
    except DongneError as error:
        await report(update, context, error)
        return
    first = messages.number * messages.size + 1
    text = render_batch(lang, context.services.clock, batch, messages.items, first, failed_only=failed_only)
    flag = ":f" if failed_only else ""
    pager = page_row(
        lang, messages, (f"sr:b:{batch_id}:{messages.number - 1}{flag}", f"sr:b:{batch_id}:{messages.number + 1}{flag}")
    )
    work = [
        button(t_plain(lang, "sms.results.excel"), f"sr:x:{batch_id}"),
        button(t_plain(lang, "sms.results.refresh"), f"sr:b:{batch_id}:{messages.number}{flag}"),
    ]
    # In a batch to hundreds, the few failures would sit pages apart: they can be listed alone.
    if failed_only:
        work.append(button(t_plain(lang, "sms.results.show_all"), f"sr:b:{batch_id}:0"))
    elif batch.counts.failed:
        work.append(button(t_plain(lang, "sms.results.failed_only", count=batch.counts.failed), f"sr:b:{batch_id}:0:f"))
    if batch.cancellable:
        work.append(button(t_plain(lang, "sms.results.cancel"), f"sr:c:{batch_id}"))
    back = [button(t_plain(lang, "sms.results.back"), "sr:l:0")]
    await (show if edit else say)(update, context, text, markup(pager, work, back))


async def ask_cancel(update: Update, context: DongneContext, batch_id: int) -> None:
    lang = context.lang
    try:
        batch = await context.services.sms.batch(context.staff(), batch_id)
    except DongneError as error:
        await report(update, context, error)
        return
    if not batch.cancellable:
        await say(update, context, t(lang, "sms.results.not_cancellable", id=batch_id))
        await show_batch(update, context, batch_id, 0, edit=False)
        return
    at = context.services.clock.local(batch.scheduled_at).strftime("%Y-%m-%d %H:%M") if batch.scheduled_at else ""
    keyboard = markup(
        [
            button(t_plain(lang, "sms.results.cancel_yes"), f"sr:cy:{batch_id}"),
            button(t_plain(lang, "sms.results.cancel_no"), f"sr:b:{batch_id}:0"),
        ]
    )
    await show(
        update, context, t(lang, "sms.results.cancel_ask", id=batch_id, count=batch.counts.total, at=at), keyboard
    )


async def do_cancel(update: Update, context: DongneContext, batch_id: int) -> None:
    lang = context.lang
    try:
        await context.services.sms.cancel(context.staff(), batch_id)
    except DongneError as error:
        # Too late (already handed to the UMS) or already cancelled: the reason, then the batch as it stands.
        await say(update, context, error_text(lang, error))
        await show_batch(update, context, batch_id, 0, edit=False)
        return
    await say(update, context, t(lang, "sms.results.cancelled", id=batch_id))
    await show_batch(update, context, batch_id, 0)


async def send_excel(update: Update, context: DongneContext, batch_id: int) -> None:
    chat = update.effective_chat
    assert chat is not None
    try:
        content = await context.services.sms.export_results(context.staff(), batch_id, export_labels(context.lang))
        batch = await context.services.sms.batch(context.staff(), batch_id)
    except DongneError as error:
        await report(update, context, error)
        return
    await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    lang = context.lang
    caption = t(lang, "sms.results.excel_caption", id=batch_id)
    if not batch.ums_configured:
        caption += "\n" + not_configured(lang)
    stamp = context.services.clock.local(batch.created_at).strftime("%Y%m%d")
    await send_file(update, context, t_plain(lang, "sms.results.file_name", id=batch_id, date=stamp), content, caption)


async def start(update: Update, context: DongneContext) -> None:
    """/sms_results."""
    await show_list(update, context, 0, scheduled=False, edit=False)


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    found = route(_ROUTES, query.data)
    if found is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    action, match = found
    if action in ("list", "scheduled"):
        await show_list(update, context, int(match[1]), scheduled=action == "scheduled", edit=True)
    elif action == "batch":
        await show_batch(update, context, int(match[1]), int(match[2]), failed_only=bool(match[3]))
    elif action == "excel":
        await send_excel(update, context, int(match[1]))
    elif action == "cancel":
        await ask_cancel(update, context, int(match[1]))
    else:
        await do_cancel(update, context, int(match[1]))


def build_handlers(focus: DialogueFocus) -> list[Any]:
    """No typed input here, so no conversation and nothing for the focus to decide."""
    del focus
    return [CommandHandler("sms_results", start), CallbackQueryHandler(on_button, pattern=r"^sr:")]
