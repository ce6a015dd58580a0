"""민원 종결 — ✅ 종결 on an open complaint asks what was done (처리 결과) and closes it with today's date.

The result is checked as typed (empty or too long is asked again); the close is saved only over the version
the button was made with, so a complaint someone changed meanwhile is refused with who and how it reads now,
and 🔁 다시 적용 closes it with the same result on top (``complaint_list``). /cancel or ✖️ 취소 leaves."""

from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message, scratch
from conversations.housing.complaint_list import apply
from conversations.housing.complaint_view import CLOSE
from conversations.keyboards import button, markup
from conversations.replies import answer, report, say
from core.errors import DongneError
from core.housing.complaints import RESULT_LIMIT, read_result
from core.texts.i18n import t, t_plain

NAME = "complaint_close"
CLOSING_KEY = "hc_close"
CANCEL = ButtonData("hc:c:x")


class State(StrEnum):
    RESULT = "result"


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = CLOSE.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    complaint_id, version = values
    enter(context, NAME)
    assert context.user_data is not None
    context.user_data[CLOSING_KEY] = {"complaint_id": complaint_id, "version": version}
    return await _ask(update, context, State.RESULT)


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    lang = context.lang
    closing = scratch(context, CLOSING_KEY)
    keyboard = markup([button(t_plain(lang, "hc.button.cancel"), CANCEL())])
    await say(
        update,
        context,
        t(lang, "hc.close.ask_result", id=closing.get("complaint_id", ""), limit=RESULT_LIMIT),
        keyboard,
    )
    return state


async def on_result(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    closing = scratch(context, CLOSING_KEY)
    if "complaint_id" not in closing:
        return ConversationHandler.END
    try:
        result = read_result(update.message.text or "")
    except DongneError as error:
        await report(update, context, error)
        return State.RESULT
    assert context.user_data is not None
    context.user_data.pop(CLOSING_KEY, None)
    change = {"action": "close", "result": result}
    await apply(update, context, int(closing["complaint_id"]), int(closing["version"]), change)
    return ConversationHandler.END


async def use_text(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "hc.close.use_text"))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, CLOSING_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=CLOSE.pattern)],
        states={
            State.RESULT: [on_message(focus, NAME, TEXT, on_result), on_message(focus, NAME, ANY_MESSAGE, use_text)],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=CANCEL.pattern)],
        cancel=cancel,
        reshow=_ask,
    )
