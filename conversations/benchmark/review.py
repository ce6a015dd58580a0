"""검토결과 입력 — the executing department's review of a case.

The journey: on a case card the officer presses 검토결과 입력, picks the adoption (도입, 수정도입, 장기검토,
미도입) from buttons and types the review opinion; a summary offers 제출, 임시저장 (kept on the case, not
counted anywhere) or 취소. The later progress report is ``progress``; the steps both share are ``work``."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.benchmark import work
from conversations.benchmark.buttons import REVIEW
from conversations.benchmark.view import adoption_label
from conversations.buttons import ButtonData, one_of
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, leave, on_message, on_shared_button
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say
from core.benchmark.values import Adoption, CaseAction
from core.errors import DongneError
from core.texts.i18n import t, t_plain

# Not "benchmark_review", the name of the one dialogue both were until migration 0012, which moved each
# conversation saved under it to this dialogue or to the progress report's by the work it held.
NAME = "benchmark_review_result"
WORK_KEY = "bm_work"
ADOPT = ButtonData("br:ad", one_of("adoption", (a.value for a in Adoption)))


class State(StrEnum):
    ADOPTION = "adoption"
    OPINION = "opinion"
    CONFIRM = "confirm"


async def start(update: Update, context: DongneContext) -> State | int:
    if await work.begin(update, context, NAME, WORK_KEY, REVIEW, CaseAction.REVIEW) is None:
        return ConversationHandler.END
    return await _ask_adoption(update, context)


async def _ask_adoption(update: Update, context: DongneContext) -> State:
    lang, case = context.lang, work.load(context, WORK_KEY)
    picks = [button(adoption_label(lang, a.value), ADOPT(a.value)) for a in Adoption]
    text = t(lang, "bm.work.ask_adoption", case_no=case.case_no, title=case.title)
    await say(update, context, text, markup(*rows(picks, 2), work.cancel_row(lang)))
    return State.ADOPTION


def _choose_adoption(lang: str, case: work.Work, value: str) -> str:
    case.adoption = Adoption(value)
    return t(lang, "bm.work.chosen_adoption", adoption=adoption_label(lang, case.adoption))


async def _ask_opinion(update: Update, context: DongneContext) -> State:
    return await work.ask_text(update, context, WORK_KEY, "opinion", State.OPINION)


on_adoption = work.choice_step(WORK_KEY, ADOPT, State.ADOPTION, _choose_adoption, _ask_opinion)


async def on_keep(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await _confirm(update, context)


async def _confirm(update: Update, context: DongneContext) -> State:
    lang, case = context.lang, work.load(context, WORK_KEY)
    text = t(
        lang,
        "bm.work.confirm_review",
        case_no=case.case_no,
        adoption=adoption_label(lang, case.adoption),
        opinion=case.opinion or "",
    )
    await say(update, context, text, work.confirm_keyboard(lang, t_plain(lang, "bm.work.submit_review")))
    return State.CONFIRM


on_opinion = work.text_step(WORK_KEY, "opinion", State.OPINION, _confirm)


async def on_submit(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    case = work.load(context, WORK_KEY)
    assert case.adoption is not None
    try:
        done = await context.services.decisions.submit_review(
            context.staff(), case.case_id, case.version, case.adoption, case.opinion or ""
        )
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END if work.ends_work(error) else State.CONFIRM
    return await work.finish(
        update, context, WORK_KEY, t(context.lang, "bm.work.review_submitted", case_no=done.case_no), done
    )


async def on_save(update: Update, context: DongneContext) -> State | int:
    return await work.save(update, context, WORK_KEY, State.CONFIRM)


async def _reshow(update: Update, context: DongneContext, state: State) -> State:
    if state is State.OPINION:
        return await _ask_opinion(update, context)
    if state is State.CONFIRM:
        return await _confirm(update, context)
    return await _ask_adoption(update, context)


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, WORK_KEY)


def build_handler(focus: DialogueFocus) -> Any:
    other = on_message(focus, NAME, ANY_MESSAGE, work.buttons_expected)
    not_text = on_message(focus, NAME, ANY_MESSAGE, work.text_expected)
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=REVIEW.pattern)],
        states={
            State.ADOPTION: [CallbackQueryHandler(on_adoption, pattern=ADOPT.pattern), other],
            State.OPINION: [
                on_message(focus, NAME, TEXT, on_opinion),
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
