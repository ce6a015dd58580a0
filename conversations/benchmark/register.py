"""벤치마킹 등록 — the coordinator registers a policy seen elsewhere.

The journey: ``/newcase`` (or 벤치마킹 등록 in the menu) asks for the title (사업명), then what it is
(내용) and where it was seen (출처) — both may be skipped — then the executing department and its
officer from buttons, then any documents or photos to attach. A summary follows with buttons to change
any part; 등록 numbers the case (year-quarter-serial) and a notice to the officer goes out at once. The draft
lives in the user's data, so a restart in the middle loses nothing."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import menu
from conversations.benchmark.view import case_keyboard, render_card
from conversations.buttons import ButtonData, number, one_of
from conversations.context import DongneContext
from conversations.dialogue import (
    ANY_MESSAGE,
    FILES,
    TEXT,
    DialogueFocus,
    Focused,
    dialogue,
    enter,
    leave,
    on_message,
    scratch,
)
from conversations.files import receive_file
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.benchmark.attachments import MAX_ATTACHMENTS_PER_CASE
from core.benchmark.common import LONG_TEXT_LIMIT, SOURCE_LIMIT, TITLE_LIMIT, clean_block, clean_line
from core.benchmark.values import CaseDraft
from core.errors import DongneError, InvalidInput
from core.texts.i18n import t, t_plain

NAME = "benchmark_register"
DRAFT_KEY = "bm_new"


class State(StrEnum):
    TITLE = "title"
    SUMMARY = "summary"
    SOURCE = "source"
    DEPARTMENT = "department"
    OFFICER = "officer"
    FILES = "files"
    CONFIRM = "confirm"


# Each optional field has its own 건너뛰기, so a press on an earlier step's button never skips this one.
SKIP = {"summary": ButtonData("bm:skip:summary"), "source": ButtonData("bm:skip:source")}
DEPARTMENT = ButtonData("bm:dept", number("department_id"))
OFFICER = ButtonData("bm:off", number("officer_id"))
FILES_DONE = ButtonData("bm:done")
REGISTER = ButtonData("bm:ok")
CANCEL = ButtonData("bm:cancel")


def _draft(context: DongneContext) -> dict[str, Any]:
    return scratch(context, DRAFT_KEY)


def _cancel_row(lang: str) -> list[Any]:
    return [button(t_plain(lang, "bm.new.cancel"), CANCEL())]


def _skip_keyboard(lang: str, field: str) -> InlineKeyboardMarkup:
    return markup([button(t_plain(lang, "bm.new.skip"), SKIP[field]())], _cancel_row(lang))


async def _next(update: Update, context: DongneContext, state: State) -> State:
    """Ask for ``state``'s input, unless the coordinator was changing one field from the summary."""
    draft = _draft(context)
    if draft.get("editing") and state is not State.OFFICER:
        draft["editing"] = False
        return await _confirm(update, context)
    return await _ask(update, context, state)


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    lang = context.lang
    if state is State.TITLE:
        await say(update, context, t(lang, "bm.new.ask_title", limit=TITLE_LIMIT), markup(_cancel_row(lang)))
    elif state is State.SUMMARY:
        await say(
            update, context, t(lang, "bm.new.ask_summary", limit=LONG_TEXT_LIMIT), _skip_keyboard(lang, "summary")
        )
    elif state is State.SOURCE:
        await say(update, context, t(lang, "bm.new.ask_source", limit=SOURCE_LIMIT), _skip_keyboard(lang, "source"))
    elif state is State.DEPARTMENT:
        departments = await context.services.cases.executing_departments(context.staff())
        if not departments:
            raise InvalidInput("no_executing_departments")
        picks = [button(d.name, DEPARTMENT(d.id)) for d in departments]
        await say(update, context, t(lang, "bm.new.ask_department"), markup(*rows(picks, 2), _cancel_row(lang)))
    elif state is State.OFFICER:
        draft = _draft(context)
        officers = await context.services.cases.officers(context.staff(), int(draft["department_id"]))
        picks = [
            button(t_plain(lang, "bm.new.officer_button", name=o.name, bound="" if o.bound else " ⚠"), OFFICER(o.id))
            for o in officers
        ]
        await say(
            update,
            context,
            t(lang, "bm.new.ask_officer", department=draft["department"]),
            markup(*rows(picks, 2), _cancel_row(lang)),
        )
    elif state is State.FILES:
        await say(
            update,
            context,
            t(lang, "bm.new.ask_files", limit=MAX_ATTACHMENTS_PER_CASE),
            markup([button(t_plain(lang, "bm.new.files_done"), FILES_DONE())], _cancel_row(lang)),
        )
    return state


async def _confirm(update: Update, context: DongneContext) -> State:
    lang, draft = context.lang, _draft(context)
    files = draft.get("files", [])
    text = t(
        lang,
        "bm.new.confirm",
        title=draft.get("title", ""),
        summary=draft.get("summary") or t_plain(lang, "bm.none"),
        source=draft.get("source") or t_plain(lang, "bm.none"),
        department=draft.get("department", ""),
        officer=draft.get("officer", ""),
        files=", ".join(name for _, name in files) or t_plain(lang, "bm.none"),
    )
    edits = [button(t_plain(lang, f"bm.new.edit_{field}"), CHANGE(field)) for field in EDITABLE]
    await say(
        update,
        context,
        text,
        markup([button(t_plain(lang, "bm.new.register"), REGISTER())], *rows(edits, 3), _cancel_row(lang)),
    )
    return State.CONFIRM


async def _reshow(update: Update, context: DongneContext, state: State) -> State:
    return await _confirm(update, context) if state is State.CONFIRM else await _ask(update, context, state)


EDITABLE = {
    "title": State.TITLE,
    "summary": State.SUMMARY,
    "source": State.SOURCE,
    "department": State.DEPARTMENT,
    "files": State.FILES,
}
CHANGE = ButtonData("bm:ed", one_of("field", EDITABLE))

# -- handlers ----------------------------------------------------------------------------------------


async def start(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    enter(context, NAME)
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = {}
    try:
        # Asked first so a staff member without the role, or an office without executing departments,
        # learns it now rather than after typing everything.
        if not await context.services.cases.executing_departments(context.staff()):
            raise InvalidInput("no_executing_departments")
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    return await _ask(update, context, State.TITLE)


def _text_step(
    field: str, limit: int, state: State, following: State, *, block: bool = False, minimum: int = 1
) -> Callable[[Update, DongneContext], Coroutine[Any, Any, State]]:
    async def on_text(update: Update, context: DongneContext) -> State:
        assert update.message is not None
        try:
            clean = clean_block if block else clean_line
            value = clean(update.message.text or "", limit=limit, minimum=minimum)
        except DongneError as error:
            await report(update, context, error)
            return state
        _draft(context)[field] = value
        return await _next(update, context, following)

    return on_text


on_title = _text_step("title", TITLE_LIMIT, State.TITLE, State.SUMMARY, minimum=2)
on_summary = _text_step("summary", LONG_TEXT_LIMIT, State.SUMMARY, State.SOURCE, block=True)
on_source = _text_step("source", SOURCE_LIMIT, State.SOURCE, State.DEPARTMENT)


def _skip(field: str, following: State) -> Callable[[Update, DongneContext], Coroutine[Any, Any, State]]:
    async def on_skip(update: Update, context: DongneContext) -> State:
        await answer(update, context)
        _draft(context)[field] = None
        return await _next(update, context, following)

    return on_skip


on_skip_summary = _skip("summary", State.SOURCE)
on_skip_source = _skip("source", State.DEPARTMENT)


async def on_department(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = DEPARTMENT.parse(query.data)
    departments = await context.services.cases.executing_departments(context.staff()) if values else []
    chosen = next((d for d in departments if values and d.id == values[0]), None)
    if chosen is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.DEPARTMENT
    await answer(update, context)
    draft = _draft(context)
    draft.update(department_id=chosen.id, department=chosen.name)
    draft.pop("officer_id", None)
    await show(update, context, t(context.lang, "bm.new.chosen_department", department=chosen.name))
    return await _ask(update, context, State.OFFICER)


async def on_officer(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = OFFICER.parse(query.data)
    draft = _draft(context)
    officers = (
        await context.services.cases.officers(context.staff(), int(draft["department_id"]))
        if values and "department_id" in draft
        else []
    )
    chosen = next((o for o in officers if values and o.id == values[0]), None)
    if chosen is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.OFFICER
    await answer(update, context)
    draft.update(officer_id=chosen.id, officer=chosen.name)
    await show(update, context, t(context.lang, "bm.new.chosen_officer", officer=chosen.name))
    return await _next(update, context, State.FILES)


async def on_file(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    draft = _draft(context)
    files: list[list[Any]] = draft.setdefault("files", [])
    try:
        if len(files) >= MAX_ATTACHMENTS_PER_CASE:
            raise InvalidInput("too_many_attachments", limit=MAX_ATTACHMENTS_PER_CASE)
        incoming = await receive_file(update.message, context)
        stored = await context.services.cases.stage_attachment(
            context.staff(),
            incoming.file_name,
            incoming.content,
            photo=incoming.photo,
            telegram_file_id=incoming.telegram_file_id,
        )
    except DongneError as error:
        await report(update, context, error)
        return State.FILES
    files.append([stored.id, stored.file_name])
    await say(
        update,
        context,
        t(context.lang, "bm.new.file_saved", name=stored.file_name, count=len(files), limit=MAX_ATTACHMENTS_PER_CASE),
        markup([button(t_plain(context.lang, "bm.new.files_done"), FILES_DONE())], _cancel_row(context.lang)),
    )
    return State.FILES


async def files_expected(update: Update, context: DongneContext) -> State:
    await say(
        update,
        context,
        t(context.lang, "bm.new.files_expected"),
        markup([button(t_plain(context.lang, "bm.new.files_done"), FILES_DONE())], _cancel_row(context.lang)),
    )
    return State.FILES


async def text_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.new.text_expected"))


async def buttons_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.new.use_buttons"))


async def on_files_done(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    _draft(context)["editing"] = False
    return await _confirm(update, context)


async def on_edit(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = CHANGE.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.CONFIRM
    (field,) = values
    await answer(update, context)
    _draft(context)["editing"] = field != "files"
    return await _ask(update, context, EDITABLE[field])


async def on_register(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    draft = _draft(context)
    try:
        if "department_id" not in draft or "officer_id" not in draft or "title" not in draft:
            raise InvalidInput("registration_incomplete")
        registered = await context.services.cases.register(
            context.staff(),
            CaseDraft(
                title=draft["title"],
                summary=draft.get("summary"),
                source=draft.get("source"),
                department_id=int(draft["department_id"]),
                officer_id=int(draft["officer_id"]),
                attachment_ids=tuple(int(file_id) for file_id, _ in draft.get("files", [])),
            ),
        )
    except DongneError as error:
        await report(update, context, error)
        return State.CONFIRM
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    case, lang = registered.case, context.lang
    # The notice is only queued now; the bot sends it after this reply, so "on its way" is all that is true yet.
    key = "bm.new.registered_notice_queued" if registered.officer_notice_queued else "bm.new.registered_not_notified"
    await show(update, context, t(lang, key, case_no=case.case_no, officer=draft.get("officer", "")))
    await say(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case, back=None))
    return ConversationHandler.END


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    def typed(callback: Any) -> Focused:
        return on_message(focus, NAME, TEXT, callback)

    other = on_message(focus, NAME, ANY_MESSAGE, buttons_expected)
    not_text = on_message(focus, NAME, ANY_MESSAGE, text_expected)
    return dialogue(
        NAME,
        focus,
        entry_points=[CommandHandler("newcase", start), CallbackQueryHandler(start, pattern=menu.NEW_CASE.pattern)],
        states={
            State.TITLE: [typed(on_title), not_text],
            State.SUMMARY: [
                typed(on_summary),
                CallbackQueryHandler(on_skip_summary, pattern=SKIP["summary"].pattern),
                not_text,
            ],
            State.SOURCE: [
                typed(on_source),
                CallbackQueryHandler(on_skip_source, pattern=SKIP["source"].pattern),
                not_text,
            ],
            State.DEPARTMENT: [CallbackQueryHandler(on_department, pattern=DEPARTMENT.pattern), other],
            State.OFFICER: [CallbackQueryHandler(on_officer, pattern=OFFICER.pattern), other],
            State.FILES: [
                on_message(focus, NAME, FILES, on_file),
                CallbackQueryHandler(on_files_done, pattern=FILES_DONE.pattern),
                on_message(focus, NAME, ANY_MESSAGE, files_expected),
            ],
            State.CONFIRM: [
                CallbackQueryHandler(on_register, pattern=REGISTER.pattern),
                CallbackQueryHandler(on_edit, pattern=CHANGE.pattern),
                other,
            ],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=CANCEL.pattern)],
        cancel=cancel,
        reshow=_reshow,
    )
