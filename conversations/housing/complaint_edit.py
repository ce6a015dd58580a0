"""민원 수정 — ✏️ 수정 on an open complaint corrects what was entered: 접수일, 접수경로, 민원인, 연락처 or 내용.

The officer picks the field, then types the new value (or picks the channel; 민원인 and 연락처 may be emptied).
A typing slip is answered and asked again. The correction is saved only over the version the button was made
with: a complaint someone changed meanwhile is refused with who and how it reads now, and 🔁 다시 적용 makes
the same correction on top (``complaint_list``). /cancel or ✖️ 취소 leaves."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData, one_of
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message, scratch
from conversations.housing.complaint_list import apply
from conversations.housing.complaint_view import EDIT, channel_label
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.housing.complaints import (
    CONTENT_LIMIT,
    NAME_LIMIT,
    OPTIONAL_FIELDS,
    read_complainant,
    read_contact,
    read_content,
)
from core.housing.values import COMPLAINT_CHANNELS
from core.texts.i18n import t, t_plain

NAME = "complaint_edit"
EDIT_KEY = "hc_edit"
FIELDS = ("received_on", "channel", "complainant", "contact", "content")

FIELD = ButtonData("hc:e:f", one_of("field", FIELDS))
CHANNEL = ButtonData("hc:e:ch", one_of("channel", COMPLAINT_CHANNELS))
CLEAR = ButtonData("hc:e:clear")
CANCEL = ButtonData("hc:e:x")


class State(StrEnum):
    FIELD = "field"
    VALUE = "value"
    CHANNEL = "channel"


def _edit(context: DongneContext) -> dict[str, Any]:
    return scratch(context, EDIT_KEY)


def _cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "hc.button.cancel"), CANCEL())]


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = EDIT.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    complaint_id, version = values
    enter(context, NAME)
    assert context.user_data is not None
    context.user_data[EDIT_KEY] = {"complaint_id": complaint_id, "version": version}
    return await _ask(update, context, State.FIELD)


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    lang, edit = context.lang, _edit(context)
    if state is State.FIELD:
        picks = [button(t_plain(lang, f"hc.edit.field.{name}"), FIELD(name)) for name in FIELDS]
        text = t(lang, "hc.edit.pick", id=edit.get("complaint_id", ""))
        await say(update, context, text, markup(*rows(picks, 3), _cancel_row(lang)))
    elif state is State.CHANNEL:
        picks = [button(channel_label(lang, code), CHANNEL(code)) for code in COMPLAINT_CHANNELS]
        await say(update, context, t(lang, "hc.new.ask_channel"), markup(*rows(picks, 3), _cancel_row(lang)))
    else:
        field = str(edit.get("field", "content"))
        label = t_plain(lang, f"hc.edit.field.{field}")
        limit = CONTENT_LIMIT if field == "content" else NAME_LIMIT
        extra = [button(t_plain(lang, "hc.button.clear"), CLEAR())] if field in OPTIONAL_FIELDS else []
        text = t(lang, f"hc.edit.ask_{'date' if field == 'received_on' else 'text'}", field=label, limit=limit)
        await say(update, context, text, markup([*extra, *_cancel_row(lang)]))
    return state


async def on_field(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = FIELD.parse(query.data)
    edit = _edit(context)
    if values is None or "complaint_id" not in edit:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.FIELD
    await answer(update, context)
    (edit["field"],) = values
    await show(
        update, context, t(context.lang, "hc.edit.chosen", field=t_plain(context.lang, f"hc.edit.field.{values[0]}"))
    )
    return await _ask(update, context, State.CHANNEL if values[0] == "channel" else State.VALUE)


async def on_value(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    edit = _edit(context)
    field, typed = edit.get("field"), update.message.text or ""
    if field not in FIELDS or field == "channel":
        return ConversationHandler.END
    try:
        if field == "received_on":
            value = context.services.complaints.read_received_on(typed).isoformat()
        elif field == "complainant":
            value = read_complainant(typed)
        elif field == "contact":
            value = read_contact(typed)
        else:
            value = read_content(typed)
    except DongneError as error:
        await report(update, context, error)
        return State.VALUE
    return await _save(update, context, value)


async def on_channel(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = CHANNEL.parse(query.data)
    if values is None or _edit(context).get("field") != "channel":
        await answer(update, context, "common.button_invalid", alert=True)
        return State.CHANNEL
    await answer(update, context)
    return await _save(update, context, values[0])


async def on_clear(update: Update, context: DongneContext) -> State | int:
    if _edit(context).get("field") not in OPTIONAL_FIELDS:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.VALUE
    await answer(update, context)
    return await _save(update, context, None)


async def _save(update: Update, context: DongneContext, value: str | None) -> int:
    edit = _edit(context)
    assert context.user_data is not None
    context.user_data.pop(EDIT_KEY, None)
    change = {"action": "edit", "field": edit["field"], "value": value}
    await apply(update, context, int(edit["complaint_id"]), int(edit["version"]), change)
    return ConversationHandler.END


async def use_buttons(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "hc.new.use_buttons"))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, EDIT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    other = on_message(focus, NAME, ANY_MESSAGE, use_buttons)
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=EDIT.pattern)],
        states={
            State.FIELD: [CallbackQueryHandler(on_field, pattern=FIELD.pattern), other],
            State.VALUE: [
                on_message(focus, NAME, TEXT, on_value),
                CallbackQueryHandler(on_clear, pattern=CLEAR.pattern),
                other,
            ],
            State.CHANNEL: [CallbackQueryHandler(on_channel, pattern=CHANNEL.pattern), other],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=CANCEL.pattern)],
        cancel=cancel,
        reshow=_ask,
    )
