"""추진사항 입력·승인요청 — the executing department reports what was done and asks for approval.

The journey: on a reviewed case's card the officer presses 추진사항 입력·승인요청, picks the progress result
from buttons and types what was done; a summary offers 승인요청, 임시저장 or 취소. 승인요청 sends it to the
coordinators with Approve/Return buttons; while it waits the case is frozen for the department, and 승인요청
철회 on the card takes it back. The steps shared with the review are ``work``."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.benchmark import work
from conversations.benchmark.buttons import PROGRESS, WITHDRAW
from conversations.benchmark.view import case_keyboard, render_card, result_label
from conversations.buttons import ButtonData, one_of
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, leave, on_message, on_shared_button
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.benchmark.values import CaseAction, ProgressResult
from core.errors import DongneError
from core.texts.i18n import t, t_plain

NAME = "benchmark_progress"
WORK_KEY = "bm_progress"
RESULT = ButtonData("br:rs", one_of("result", (r.value for r in ProgressResult)))


class State(StrEnum):
    RESULT = "result"
    NOTE = "note"
    CONFIRM = "confirm"


async def start(update: Update, context: DongneContext) -> State | int:
    if await work.begin(update, context, NAME, WORK_KEY, PROGRESS, CaseAction.REQUEST_APPROVAL) is None:
        return ConversationHandler.END
    return await _ask_result(update, context)


async def _ask_result(update: Update, context: DongneContext) -> State:
    lang, case = context.lang, work.load(context, WORK_KEY)
    picks = [button(result_label(lang, r.value), RESULT(r.value)) for r in ProgressResult]
    text = t(lang, "bm.work.ask_result", case_no=case.case_no, title=case.title)
    await say(update, context, text, markup(*rows(picks, 3), work.cancel_row(lang)))
    return State.RESULT


def _choose_result(lang: str, case: work.Work, value: str) -> str:
    case.result = ProgressResult(value)
    return t(lang, "bm.work.chosen_result", result=result_label(lang, case.result))


async def _ask_note(update: Update, context: DongneContext) -> State:
    return await work.ask_text(update, context, WORK_KEY, "note", State.NOTE)


on_result = work.choice_step(WORK_KEY, RESULT, State.RESULT, _choose_result, _ask_note)


async def on_keep(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await _confirm(update, context)


async def _confirm(update: Update, context: DongneContext) -> State:
    lang, case = context.lang, work.load(context, WORK_KEY)
    text = t(
        lang,
        "bm.work.confirm_progress",
        case_no=case.case_no,
        result=result_label(lang, case.result),
        note=case.note or "",
    )
    await say(update, context, text, work.confirm_keyboard(lang, t_plain(lang, "bm.work.submit_request")))
    return State.CONFIRM


on_note = work.text_step(WORK_KEY, "note", State.NOTE, _confirm)


async def on_submit(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    case = work.load(context, WORK_KEY)
    assert case.result is not None
    try:
        done = await context.services.decisions.request_approval(
            context.staff(), case.case_id, case.version, case.result, case.note or ""
        )
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END if work.ends_work(error) else State.CONFIRM
    sent = t(context.lang, "bm.work.request_sent", case_no=done.case_no)
    return await work.finish(update, context, WORK_KEY, sent, done)


async def on_save(update: Update, context: DongneContext) -> State | int:
    return await work.save(update, context, WORK_KEY, State.CONFIRM)


async def _reshow(update: Update, context: DongneContext, state: State) -> State:
    if state is State.NOTE:
        return await _ask_note(update, context)
    if state is State.CONFIRM:
        return await _confirm(update, context)
    return await _ask_result(update, context)


async def on_withdraw(update: Update, context: DongneContext) -> None:
    """승인요청 철회, straight from the card's button."""
    query = update.callback_query
    assert query is not None
    values = WITHDRAW.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    lang = context.lang
    try:
        case = await context.services.decisions.withdraw(context.staff(), *values)
    except DongneError as error:
        await report(update, context, error)
        return
    await show(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case))
    await say(update, context, t(lang, "bm.work.withdrawn", case_no=case.case_no))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, WORK_KEY)


def build_handlers(focus: DialogueFocus) -> list[Any]:
    other = on_message(focus, NAME, ANY_MESSAGE, work.buttons_expected)
    not_text = on_message(focus, NAME, ANY_MESSAGE, work.text_expected)
    conversation = dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=PROGRESS.pattern)],
        states={
            State.RESULT: [CallbackQueryHandler(on_result, pattern=RESULT.pattern), other],
            State.NOTE: [
                on_message(focus, NAME, TEXT, on_note),
                on_shared_button(focus, NAME, work.OWNER_KEY, work.KEEP, on_keep),
                not_text,
            ],
            State.CONFIRM: [
                on_shared_button(focus, NAME, work.OWNER_KEY, work.SUBMIT, on_submit),
                on_shared_button(focus, NAME, work.OWNER_KEY, work.SAVE, on_save),
                other,
            ],
        },
        fallbacks=[on_shared_button(focus, NAME, work.OWNER_KEY, work.CANCEL, cancel)],
        cancel=cancel,
        reshow=_reshow,
    )
    return [conversation, CallbackQueryHandler(on_withdraw, pattern=WITHDRAW.pattern)]
