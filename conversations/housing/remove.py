"""대장 삭제 — a representative, group, support project or the management office taken off the ledger.

The journey: 🗑 삭제 on a record of the 수정 dialogue shows the record once more and asks to confirm. The
removal names the version the officer saw: if someone changed the record meanwhile, the officer is told who,
with the record as it now stands, and may remove it all the same or keep it. What the record held stays in
the audit log. Once removed, the card is shown again."""

from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData, number
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, DialogueFocus, dialogue, enter, leave, on_message
from conversations.housing import ledger_steps as steps
from conversations.housing.buttons import REMOVE
from conversations.housing.ledger_steps import LedgerDraft, StepButtons
from conversations.housing.ledger_view import render_record
from conversations.keyboards import button, markup
from conversations.replies import answer, show
from core.errors import DongneError
from core.housing.ledger import ChangedMeanwhile
from core.texts.i18n import t, t_plain

NAME = "housing_ledger_remove"
DRAFT_KEY = "hl_remove"
YES = ButtonData("hl:xok")
KINDS = StepButtons(
    choice=ButtonData("hl:xv", number("index", 3)),
    empty=ButtonData("hl:xskip"),
    empty_key="hl.skip",
    cancel=ButtonData("hl:xcancel"),
    again=ButtonData("hl:xagain"),
    drop=ButtonData("hl:xdrop"),
)


class State(StrEnum):
    CONFIRM = "confirm"  # 삭제 asked once more
    CONFLICT = "conflict"  # changed meanwhile: remove all the same, or keep it


def _draft(context: DongneContext) -> LedgerDraft | None:
    return steps.load(context, DRAFT_KEY)


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    draft = _draft(context)
    if draft is None or draft.record is None:
        raise ChangedMeanwhile(None)
    lang = context.lang
    if state is State.CONFLICT:
        await show(update, context, t(lang, "hl.screen_again"), steps.resolve_keyboard(lang, KINDS, conflict=True))
        return state
    assert draft.record_id is not None
    item = await context.services.ledger.record(context.staff(), draft.complex_id, draft.record, draft.record_id)
    keyboard = markup([button(t_plain(lang, "hl.remove_yes"), YES())], steps.cancel_row(lang, KINDS))
    await show(update, context, "\n\n".join([render_record(lang, item), t(lang, "hl.remove_ask")]), keyboard)
    return state


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = REMOVE.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    enter(context, NAME)
    complex_id, record, record_id, version = values
    draft = LedgerDraft(complex_id=complex_id, record=record, record_id=record_id, version=version)
    steps.keep(context, DRAFT_KEY, draft)
    try:
        return await _ask(update, context, State.CONFIRM)
    except DongneError as error:
        await steps.end_with(update, context, DRAFT_KEY, draft, error)
        return ConversationHandler.END


async def on_yes(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.CONFIRM
    await answer(update, context)
    return await _remove(update, context, draft)


async def on_again(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.CONFLICT
    await answer(update, context)
    return await _remove(update, context, draft)


async def on_drop(update: Update, context: DongneContext) -> int:
    await answer(update, context)
    await steps.dropped(update, context, DRAFT_KEY)
    return ConversationHandler.END


async def _remove(update: Update, context: DongneContext, draft: LedgerDraft) -> State | int:
    assert draft.record is not None and draft.record_id is not None and draft.version is not None
    try:
        await context.services.ledger.remove(
            context.staff(), draft.complex_id, draft.record, draft.record_id, draft.version
        )
    except ChangedMeanwhile as conflict:
        shown = await steps.show_conflict(update, context, DRAFT_KEY, draft, conflict, KINDS)
        return State.CONFLICT if shown else ConversationHandler.END
    except DongneError as error:
        await steps.end_with(update, context, DRAFT_KEY, draft, error)
        return ConversationHandler.END
    await steps.finish(update, context, DRAFT_KEY, draft, t(context.lang, "hl.removed"))
    return ConversationHandler.END


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    other = on_message(focus, NAME, ANY_MESSAGE, steps.use_buttons)
    assert KINDS.again is not None and KINDS.drop is not None
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=REMOVE.pattern)],
        states={
            State.CONFIRM: [CallbackQueryHandler(on_yes, pattern=YES.pattern), other],
            State.CONFLICT: [
                CallbackQueryHandler(on_again, pattern=KINDS.again.pattern),
                CallbackQueryHandler(on_drop, pattern=KINDS.drop.pattern),
                other,
            ],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=KINDS.cancel.pattern)],
        cancel=cancel,
        reshow=_ask,
    )
