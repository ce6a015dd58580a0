"""검토결과 입력 · 추진사항 승인요청 — the executing department's side.

The journey: on a case card the officer presses 검토결과 입력, picks the adoption (도입, 수정도입,
장기검토, 미도입) from buttons and types the review opinion; a summary offers 제출, 임시저장 (kept
on the case, not counted anywhere) or 취소. Later 추진사항 입력·승인요청 asks for the progress result
and what was done, and 승인요청 sends it to the coordinators with Approve/Return buttons. While a
request waits the case is frozen for the department; 승인요청 철회 takes it back."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.benchmark.view import adoption_label, case_keyboard, render_card, result_label
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message, scratch
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.benchmark.common import LONG_TEXT_LIMIT, clean_block
from core.benchmark.values import Adoption, Case, CaseAction, ProgressResult, WorkDraft
from core.errors import CaseLocked, DongneError, StaleRecord
from core.texts.i18n import t, t_plain

NAME = "benchmark_review"
WORK_KEY = "bm_work"


class State(StrEnum):
    ADOPTION = "adoption"
    OPINION = "opinion"
    RESULT = "result"
    NOTE = "note"
    CONFIRM = "confirm"


def _work(context: DongneContext) -> dict[str, Any]:
    return scratch(context, WORK_KEY)


def _cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "bm.work.cancel"), "br:cancel")]


async def _begin(update: Update, context: DongneContext, mode: str) -> State | int:
    """Open the review ("rv") or the progress report ("pg") of the case the button names."""
    query = update.callback_query
    assert query is not None
    match = re.fullmatch(r"br:(rv|pg):(\d{1,9}):(\d{1,9})", query.data or "")
    if match is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    enter(context, NAME)
    try:
        action = CaseAction.REVIEW if mode == "rv" else CaseAction.REQUEST_APPROVAL
        case = await context.services.cases.open_for(context.staff(), int(match[2]), action, int(match[3]))
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    draft = case.draft or WorkDraft()
    assert context.user_data is not None
    context.user_data[WORK_KEY] = {
        "mode": mode,
        "case_id": case.id,
        "case_no": case.case_no,
        "title": case.title,
        "version": case.version,
        "adoption": (draft.adoption or case.adoption or None),
        "opinion": draft.opinion or case.review_opinion,
        "result": draft.progress_result or case.progress_result,
        "note": draft.progress_note or case.progress_note,
    }
    return await _ask_choice(update, context, State.ADOPTION if mode == "rv" else State.RESULT)


async def _ask_choice(update: Update, context: DongneContext, state: State) -> State:
    """The adoption (for a review) or the progress result (for a progress report), from buttons."""
    lang, work = context.lang, _work(context)
    if state is State.ADOPTION:
        picks = [button(adoption_label(lang, a.value), f"br:ad:{a.value}") for a in Adoption]
        key, width = "bm.work.ask_adoption", 2
    else:
        picks = [button(result_label(lang, r.value), f"br:rs:{r.value}") for r in ProgressResult]
        key, width = "bm.work.ask_result", 3
    text = t(lang, key, case_no=work["case_no"], title=work.get("title", ""))
    await say(update, context, text, markup(*rows(picks, width), _cancel_row(lang)))
    return state


async def start_review(update: Update, context: DongneContext) -> State | int:
    return await _begin(update, context, "rv")


async def start_progress(update: Update, context: DongneContext) -> State | int:
    return await _begin(update, context, "pg")


async def on_adoption(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    value = (query.data or "").removeprefix("br:ad:")
    if value not in set(Adoption):
        await answer(update, context, "common.button_invalid", alert=True)
        return State.ADOPTION
    await answer(update, context)
    work, lang = _work(context), context.lang
    work["adoption"] = value
    await show(update, context, t(lang, "bm.work.chosen_adoption", adoption=adoption_label(lang, value)))
    return await _ask_text(update, context, "opinion", State.OPINION)


async def on_result(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    value = (query.data or "").removeprefix("br:rs:")
    if value not in set(ProgressResult):
        await answer(update, context, "common.button_invalid", alert=True)
        return State.RESULT
    await answer(update, context)
    work, lang = _work(context), context.lang
    work["result"] = value
    await show(update, context, t(lang, "bm.work.chosen_result", result=result_label(lang, value)))
    return await _ask_text(update, context, "note", State.NOTE)


async def _ask_text(update: Update, context: DongneContext, field: str, state: State) -> State:
    lang, work = context.lang, _work(context)
    keyboard_rows = []
    if work.get(field):
        keyboard_rows.append([button(t_plain(lang, "bm.work.keep"), "br:keep")])
        await say(update, context, t(lang, f"bm.work.current_{field}", text=work[field]))
    keyboard_rows.append(_cancel_row(lang))
    await say(update, context, t(lang, f"bm.work.ask_{field}", limit=LONG_TEXT_LIMIT), markup(*keyboard_rows))
    return state


def _text_step(field: str, state: State) -> Callable[[Update, DongneContext], Coroutine[Any, Any, State]]:
    async def on_text(update: Update, context: DongneContext) -> State:
        assert update.message is not None
        try:
            _work(context)[field] = clean_block(update.message.text or "", limit=LONG_TEXT_LIMIT, minimum=2)
        except DongneError as error:
            await report(update, context, error)
            return state
        return await _confirm(update, context)

    return on_text


on_opinion = _text_step("opinion", State.OPINION)
on_note = _text_step("note", State.NOTE)


async def on_keep(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await _confirm(update, context)


async def _confirm(update: Update, context: DongneContext) -> State:
    lang, work = context.lang, _work(context)
    if work["mode"] == "rv":
        text = t(
            lang,
            "bm.work.confirm_review",
            case_no=work["case_no"],
            adoption=adoption_label(lang, work.get("adoption")),
            opinion=work.get("opinion") or "",
        )
        submit = t_plain(lang, "bm.work.submit_review")
    else:
        text = t(
            lang,
            "bm.work.confirm_progress",
            case_no=work["case_no"],
            result=result_label(lang, work.get("result")),
            note=work.get("note") or "",
        )
        submit = t_plain(lang, "bm.work.submit_request")
    await say(
        update,
        context,
        text,
        markup(
            [button(submit, "br:submit"), button(t_plain(lang, "bm.work.save_draft"), "br:save")], _cancel_row(lang)
        ),
    )
    return State.CONFIRM


async def on_submit(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    work, lang = _work(context), context.lang
    decisions, actor = context.services.decisions, context.staff()
    try:
        if work["mode"] == "rv":
            case = await decisions.submit_review(
                actor, int(work["case_id"]), int(work["version"]), Adoption(work["adoption"]), work.get("opinion") or ""
            )
            done = t(lang, "bm.work.review_submitted", case_no=case.case_no)
        else:
            case = await decisions.request_approval(
                actor,
                int(work["case_id"]),
                int(work["version"]),
                ProgressResult(work["result"]),
                work.get("note") or "",
            )
            done = t(lang, "bm.work.request_sent", case_no=case.case_no)
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END if isinstance(error, StaleRecord | CaseLocked) else State.CONFIRM
    return await _finish(update, context, done, case)


async def on_save(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    work, lang = _work(context), context.lang
    draft = WorkDraft(
        adoption=Adoption(work["adoption"]) if work.get("adoption") else None,
        opinion=work.get("opinion"),
        progress_result=ProgressResult(work["result"]) if work.get("result") else None,
        progress_note=work.get("note"),
    )
    try:
        case = await context.services.decisions.save_draft(
            context.staff(), int(work["case_id"]), int(work["version"]), draft
        )
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END if isinstance(error, StaleRecord | CaseLocked) else State.CONFIRM
    return await _finish(update, context, t(lang, "bm.work.draft_saved", case_no=case.case_no), case)


async def _finish(update: Update, context: DongneContext, done: str, case: Case) -> int:
    assert context.user_data is not None
    context.user_data.pop(WORK_KEY, None)
    lang = context.lang
    await show(update, context, done)
    await say(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case))
    return ConversationHandler.END


async def _reshow(update: Update, context: DongneContext, state: State) -> State:
    if state is State.OPINION or state is State.NOTE:
        return await _ask_text(update, context, state.value, state)
    if state is State.CONFIRM:
        return await _confirm(update, context)
    return await _ask_choice(update, context, state)


async def on_withdraw(update: Update, context: DongneContext) -> None:
    """승인요청 철회, straight from the card's button."""
    query = update.callback_query
    assert query is not None
    match = re.fullmatch(r"br:wd:(\d{1,9}):(\d{1,9})", query.data or "")
    if match is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    lang = context.lang
    try:
        case = await context.services.decisions.withdraw(context.staff(), int(match[1]), int(match[2]))
    except DongneError as error:
        await report(update, context, error)
        return
    await show(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case))
    await say(update, context, t(lang, "bm.work.withdrawn", case_no=case.case_no))


async def buttons_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.work.use_buttons"))


async def text_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.new.text_expected"))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, WORK_KEY)


def build_handlers(focus: DialogueFocus) -> list[Any]:
    other = on_message(focus, NAME, ANY_MESSAGE, buttons_expected)
    not_text = on_message(focus, NAME, ANY_MESSAGE, text_expected)
    keep = CallbackQueryHandler(on_keep, pattern=r"^br:keep$")
    conversation = dialogue(
        NAME,
        focus,
        entry_points=[
            CallbackQueryHandler(start_review, pattern=r"^br:rv:"),
            CallbackQueryHandler(start_progress, pattern=r"^br:pg:"),
        ],
        states={
            State.ADOPTION: [CallbackQueryHandler(on_adoption, pattern=r"^br:ad:"), other],
            State.OPINION: [on_message(focus, NAME, TEXT, on_opinion), keep, not_text],
            State.RESULT: [CallbackQueryHandler(on_result, pattern=r"^br:rs:"), other],
            State.NOTE: [on_message(focus, NAME, TEXT, on_note), keep, not_text],
            State.CONFIRM: [
                CallbackQueryHandler(on_submit, pattern=r"^br:submit$"),
                CallbackQueryHandler(on_save, pattern=r"^br:save$"),
                other,
            ],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=r"^br:cancel$")],
        cancel=cancel,
        reshow=_reshow,
    )
    return [conversation, CallbackQueryHandler(on_withdraw, pattern=r"^br:wd:")]
