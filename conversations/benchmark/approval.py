"""추진결과 승인처리 — the coordinator decides on a progress report.

The journey: an approval request arrives as a message with 승인 and 반려 buttons (the same buttons are
on the case card). 승인 approves at once; the message turns into the case as it now stands, and every
other coordinator's copy of the request loses its buttons and says who decided when. A second tap,
another approver's tap or a tap on an old message (of this request or an earlier one) changes nothing and
says who decided and when.
반려 asks for the reason, then sends the case back to the department. ``/approvals`` (내 승인 대기 in
the menu, with the count) lists what waits."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import menu
from conversations.benchmark.buttons import APPROVE, RETURN
from conversations.benchmark.view import case_button, case_keyboard, list_line, render_card
from conversations.buttons import ButtonData, page
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message
from conversations.keyboards import button, markup, page_row, rows
from conversations.layout import when
from conversations.replies import answer, error_key, report, say, show
from core.benchmark.common import REASON_LIMIT
from core.errors import AlreadyDecided, DongneError
from core.notifications.service import MessageRef
from core.texts.i18n import t, t_plain

NAME = "benchmark_approval"
RETURN_KEY = "bm_return"
# A request that is no longer open: the tapped message turns into the case as it now stands.
ENDED = frozenset({"approval_round_stale", "approval_withdrawn"})
CANCEL = ButtonData("ap:cancel")
PENDING_PAGE = ButtonData("ap:p", page())


class State(StrEnum):
    AWAIT_REASON = "await_reason"


async def _answer_error(update: Update, context: DongneContext, error: DongneError) -> None:
    await answer(update, context, error_key(context.lang, error), alert=True, **error.params)


async def _show_current(update: Update, context: DongneContext, case_id: int) -> None:
    """Turn the tapped message into the case as it stands, so its stale buttons disappear."""
    try:
        case = await context.services.cases.get(context.staff(), case_id)
    except DongneError:
        return
    await show(
        update, context, render_card(context.lang, context.services.clock, case), case_keyboard(context.lang, case)
    )


async def on_approve(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    values = APPROVE.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    case_id, round_ = values
    pressed = query.message
    seen_on = MessageRef(pressed.chat.id, pressed.message_id) if pressed is not None else None
    try:
        case = await context.services.decisions.approve(context.staff(), case_id, round_, seen_on=seen_on)
    except DongneError as error:
        # The answer carries the outcome ("already approved by … at …"), so it waits for the decision.
        await _answer_error(update, context, error)
        if isinstance(error, AlreadyDecided) or error.code in ENDED:
            await _show_current(update, context, case_id)
        return
    await answer(update, context, "bm.approval.approved_toast", case_no=case.case_no)
    lang = context.lang
    await show(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case))


async def start_return(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = RETURN.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    case_id, round_ = values
    try:
        case = await context.services.decisions.check_decidable(context.staff(), case_id, round_)
    except DongneError as error:
        await _answer_error(update, context, error)
        if isinstance(error, AlreadyDecided) or error.code in ENDED:
            await _show_current(update, context, case_id)
        return ConversationHandler.END
    await answer(update, context)
    enter(context, NAME)
    assert context.user_data is not None
    context.user_data[RETURN_KEY] = [case.id, round_, case.case_no]
    await say(
        update,
        context,
        t(context.lang, "bm.approval.ask_reason", case_no=case.case_no, title=case.title, limit=REASON_LIMIT),
        markup([button(t_plain(context.lang, "bm.work.cancel"), CANCEL())]),
    )
    return State.AWAIT_REASON


async def on_reason(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None and context.user_data is not None
    target = context.user_data.get(RETURN_KEY)
    if not target:
        return ConversationHandler.END
    lang = context.lang
    try:
        case = await context.services.decisions.return_case(
            context.staff(), int(target[0]), int(target[1]), update.message.text or ""
        )
    except DongneError as error:
        await report(update, context, error)
        return State.AWAIT_REASON if error.code.startswith("text_") else ConversationHandler.END
    context.user_data.pop(RETURN_KEY, None)
    await say(update, context, t(lang, "bm.approval.returned", case_no=case.case_no))
    await say(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case))
    return ConversationHandler.END


async def reason_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.approval.reason_expected"))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, RETURN_KEY)


async def show_pending(update: Update, context: DongneContext) -> None:
    """내 승인 대기: /approvals, the menu button, or its pages."""
    query = update.callback_query
    number = 0
    from_menu = query is None or menu.APPROVALS.parse(query.data) is not None
    if not from_menu:
        values = PENDING_PAGE.parse(query.data if query else None)
        if values is None or values[0] < 0:  # the pager's step before the first page is never shown
            await answer(update, context, "common.button_invalid", alert=True)
            return
        (number,) = values
    await answer(update, context)
    lang = context.lang
    try:
        found = await context.services.decisions.pending_approvals(context.staff(), number)
    except DongneError as error:
        await report(update, context, error)
        return
    lines = [t(lang, "bm.approval.pending_head", total=found.total)]
    if not found.items:
        lines.append(t(lang, "bm.approval.pending_empty"))
    for offset, row in enumerate(found.items):
        lines.append(list_line(lang, number * found.size + offset + 1, row))
        if row.approval_requested_at:
            lines.append(
                t(
                    lang,
                    "bm.approval.pending_requested",
                    at=when(context.services.clock, row.approval_requested_at),
                    by=row.approval_requested_by or t_plain(lang, "bm.none"),
                )
            )
    keyboard = markup(
        *rows([case_button(row) for row in found.items], 1),
        page_row(lang, found, (PENDING_PAGE(number - 1), PENDING_PAGE(number + 1))),
    )
    if not from_menu:
        await show(update, context, "\n".join(lines), keyboard)
    else:
        await say(update, context, "\n".join(lines), keyboard)


def build_handlers(focus: DialogueFocus) -> list[Any]:
    conversation = dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start_return, pattern=RETURN.pattern)],
        states={
            State.AWAIT_REASON: [
                on_message(focus, NAME, TEXT, on_reason),
                on_message(focus, NAME, ANY_MESSAGE, reason_expected),
            ],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=CANCEL.pattern)],
        cancel=cancel,
    )
    return [
        conversation,
        CallbackQueryHandler(on_approve, pattern=APPROVE.pattern),
        CommandHandler("approvals", show_pending),
        CallbackQueryHandler(show_pending, pattern=menu.APPROVALS.pattern),
        CallbackQueryHandler(show_pending, pattern=PENDING_PAGE.pattern),
    ]
