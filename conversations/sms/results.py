"""전송결과 조회, 전송예약 조회, 전송결과 상세조회 — what became of the messages a staff member sent.

The journey: ``/sms_results`` (or the buttons under 문자 보내기) lists the batches, newest first, each with
대상 · 발송 · 전달 · 실패 · 대기; 예약 목록 lists scheduled batches with a cancel button. A batch opens to
its recipients, ten per page, each with its state and the failure reason, and an Excel download of them
all. A batch already handed to the UMS cannot be cancelled, and the answer says so. Every screen says
plainly when no UMS is configured and nothing was really sent. No typed input: plain handlers."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations import menu
from conversations.buttons import namespace, which
from conversations.context import DongneContext
from conversations.dialogue import DialogueFocus
from conversations.files import send_file
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, error_text, report, say, show
from conversations.sms.buttons import (
    BATCH,
    CANCEL_BATCH,
    CONFIRM_CANCEL,
    EXCEL,
    FAILED,
    RESULTS,
    SCHEDULED,
)
from conversations.sms.view import batch_line, not_configured, render_batch
from core.errors import DongneError
from core.sms.labels import export_labels
from core.sms.values import MessageState
from core.texts.i18n import t, t_plain


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
        picks.append(button(t_plain(lang, "sms.results.open", id=b.id), BATCH(b.id, 0)))
        if scheduled and b.cancellable:
            picks.append(button(t_plain(lang, "sms.results.cancel_one", id=b.id), CANCEL_BATCH(b.id)))
    kind = SCHEDULED if scheduled else RESULTS
    pager = page_row(lang, found, (kind(found.number - 1), kind(found.number + 1)))
    other = (
        button(t_plain(lang, "sms.new.results"), RESULTS(0))
        if scheduled
        else button(t_plain(lang, "sms.new.scheduled"), SCHEDULED(0))
    )
    keyboard = markup(
        *rows(picks, 2 if scheduled else 3), pager, [other, button(t_plain(lang, "sms.results.compose"), menu.SMS())]
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

    def at(number: int) -> str:
        return FAILED(batch_id, number, "f") if failed_only else BATCH(batch_id, number)

    pager = page_row(lang, messages, (at(messages.number - 1), at(messages.number + 1)))
    work = [
        button(t_plain(lang, "sms.results.excel"), EXCEL(batch_id)),
        button(t_plain(lang, "sms.results.refresh"), at(messages.number)),
    ]
    # In a batch to hundreds, the few failures would sit pages apart: they can be listed alone.
    if failed_only:
        work.append(button(t_plain(lang, "sms.results.show_all"), BATCH(batch_id, 0)))
    elif batch.counts.failed:
        work.append(
            button(t_plain(lang, "sms.results.failed_only", count=batch.counts.failed), FAILED(batch_id, 0, "f"))
        )
    if batch.cancellable:
        work.append(button(t_plain(lang, "sms.results.cancel"), CANCEL_BATCH(batch_id)))
    back = [button(t_plain(lang, "sms.results.back"), RESULTS(0))]
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
            button(t_plain(lang, "sms.results.cancel_yes"), CONFIRM_CANCEL(batch_id)),
            button(t_plain(lang, "sms.results.cancel_no"), BATCH(batch_id, 0)),
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


KINDS = (RESULTS, SCHEDULED, BATCH, FAILED, EXCEL, CANCEL_BATCH, CONFIRM_CANCEL)


async def start(update: Update, context: DongneContext) -> None:
    """/sms_results."""
    await show_list(update, context, 0, scheduled=False, edit=False)


async def on_button(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    kind, values = found
    if kind is RESULTS or kind is SCHEDULED:
        await show_list(update, context, *values, scheduled=kind is SCHEDULED, edit=True)
    elif kind is BATCH:
        await show_batch(update, context, *values)
    elif kind is FAILED:
        await show_batch(update, context, *values[:2], failed_only=True)
    elif kind is EXCEL:
        await send_excel(update, context, *values)
    elif kind is CANCEL_BATCH:
        await ask_cancel(update, context, *values)
    else:
        await do_cancel(update, context, *values)


def build_handlers(focus: DialogueFocus) -> list[Any]:
    """No typed input here, so no conversation and nothing for the focus to decide."""
    del focus
    return [CommandHandler("sms_results", start), CallbackQueryHandler(on_button, pattern=namespace("sr"))]
