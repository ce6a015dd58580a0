"""벤치마킹 수정 — the coordinator corrects a case or hands it to another department or officer.

The journey: 수정 on a case card offers the fields; the coordinator types the new title, description
or source, or picks a department and officer from buttons. The change is saved only if nobody changed
the case since the card was shown (otherwise the coordinator is told to look again), goes into the
history with old and new values, and a newly assigned officer is notified. Approved cases and cases
waiting for approval cannot be edited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.benchmark.buttons import EDIT
from conversations.benchmark.view import case_keyboard, render_card
from conversations.buttons import ButtonData, number, one_of
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message, scratch
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.benchmark.common import LONG_TEXT_LIMIT, SOURCE_LIMIT, TITLE_LIMIT
from core.benchmark.values import CaseAction, CaseEdit, Officer
from core.errors import DongneError
from core.texts.i18n import t, t_plain

NAME = "benchmark_edit"
EDIT_KEY = "bm_edit"
TEXT_FIELDS = {"title": TITLE_LIMIT, "summary": LONG_TEXT_LIMIT, "source": SOURCE_LIMIT}
FIELD = ButtonData("be:f", one_of("field", (*TEXT_FIELDS, "assign")))
DEPARTMENT = ButtonData("be:d", number("department_id"))
OFFICER = ButtonData("be:o", number("officer_id"))
CANCEL = ButtonData("be:cancel")


class State(StrEnum):
    FIELD = "field"
    TEXT = "text"
    DEPARTMENT = "department"
    OFFICER = "officer"


def _edit(context: DongneContext) -> dict[str, Any]:
    return scratch(context, EDIT_KEY)


def _cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "bm.work.cancel"), CANCEL())]


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = EDIT.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    enter(context, NAME)
    try:
        case_id, version = values
        case = await context.services.cases.open_for(context.staff(), case_id, CaseAction.EDIT, version)
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[EDIT_KEY] = {
        "case_id": case.id,
        "version": case.version,
        "case_no": case.case_no,
        "title": case.title,
    }
    return await _ask(update, context, State.FIELD, say)


Reply = Callable[[Update, DongneContext, str, InlineKeyboardMarkup | None], Awaitable[object]]


async def _ask(update: Update, context: DongneContext, state: State, reply: Reply = show) -> State:
    """Ask for ``state``'s input: the field to change, its new text, the department or the officer."""
    lang, edit = context.lang, _edit(context)
    if state is State.FIELD:
        fields = [button(t_plain(lang, f"bm.edit.field_{name}"), FIELD(name)) for name in (*TEXT_FIELDS, "assign")]
        text = t(lang, "bm.edit.pick", case_no=edit["case_no"], title=edit.get("title", ""))
        await reply(update, context, text, markup(*rows(fields, 2), _cancel_row(lang)))
    elif state is State.TEXT:
        field = edit["field"]
        text = t(lang, "bm.edit.ask_text", field=t_plain(lang, f"bm.edit.field_{field}"), limit=TEXT_FIELDS[field])
        await reply(update, context, text, markup(_cancel_row(lang)))
    elif state is State.DEPARTMENT:
        departments = await context.services.cases.executing_departments(context.staff())
        picks = [button(d.name, DEPARTMENT(d.id)) for d in departments]
        await reply(update, context, t(lang, "bm.new.ask_department"), markup(*rows(picks, 2), _cancel_row(lang)))
    else:
        officers = await context.services.cases.officers(context.staff(), int(edit["department_id"]))
        await _ask_officer(update, context, officers, reply)
    return state


async def _ask_officer(update: Update, context: DongneContext, officers: Sequence[Officer], reply: Reply) -> None:
    lang = context.lang
    picks = [
        button(t_plain(lang, "bm.new.officer_button", name=o.name, bound="" if o.bound else " ⚠"), OFFICER(o.id))
        for o in officers
    ]
    await reply(update, context, t(lang, "bm.edit.ask_officer"), markup(*rows(picks, 2), _cancel_row(lang)))


async def on_field(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = FIELD.parse(query.data)
    edit = _edit(context)
    if values is None or "case_id" not in edit:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.FIELD
    (field,) = values
    await answer(update, context)
    if field == "assign":
        try:
            return await _ask(update, context, State.DEPARTMENT)
        except DongneError as error:
            await report(update, context, error)
            return ConversationHandler.END
    edit["field"] = field
    return await _ask(update, context, State.TEXT)


async def on_text(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    edit = _edit(context)
    field = edit.get("field")
    if field not in TEXT_FIELDS:
        return ConversationHandler.END
    typed = update.message.text or ""
    change = (
        CaseEdit(title=typed)
        if field == "title"
        else CaseEdit(summary=typed)
        if field == "summary"
        else CaseEdit(source=typed)
    )
    return await _save(update, context, change, State.TEXT)


async def on_department(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = DEPARTMENT.parse(query.data)
    edit = _edit(context)
    try:
        officers = await context.services.cases.officers(context.staff(), *values) if values else []
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    if values is None or not officers:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.DEPARTMENT
    await answer(update, context)
    (edit["department_id"],) = values
    await _ask_officer(update, context, officers, show)
    return State.OFFICER


async def on_officer(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = OFFICER.parse(query.data)
    edit = _edit(context)
    if values is None or "department_id" not in edit:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.OFFICER
    await answer(update, context)
    change = CaseEdit(department_id=int(edit["department_id"]), officer_id=values[0])
    return await _save(update, context, change, State.OFFICER)


async def _save(update: Update, context: DongneContext, change: CaseEdit, state: State) -> State | int:
    edit, lang = _edit(context), context.lang
    try:
        case = await context.services.cases.edit(context.staff(), int(edit["case_id"]), int(edit["version"]), change)
    except DongneError as error:
        await report(update, context, error)
        # A text that breaks a rule may be typed again; anything else ends the edit.
        return state if error.code.startswith("text_") else ConversationHandler.END
    assert context.user_data is not None
    context.user_data.pop(EDIT_KEY, None)
    await say(update, context, t(lang, "bm.edit.saved", case_no=case.case_no))
    await say(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case))
    return ConversationHandler.END


async def use_buttons(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.work.use_buttons"))


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
            State.TEXT: [on_message(focus, NAME, TEXT, on_text), other],
            State.DEPARTMENT: [CallbackQueryHandler(on_department, pattern=DEPARTMENT.pattern), other],
            State.OFFICER: [CallbackQueryHandler(on_officer, pattern=OFFICER.pattern), other],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=CANCEL.pattern)],
        cancel=cancel,
        reshow=_ask,
    )
