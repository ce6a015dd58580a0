"""대장 추가 — a new representative, group, support project, or the complex's management office.

The journey: ➕ 추가 on a list of the 수정 dialogue asks each field of the record in turn, the way the ledger
lists them (a representative: 직위 from the admin's list, 성명, 성별, 생년월일, 동호수, 휴대전화, 임기);
an optional field may be skipped with 건너뛰기. Typed values are checked as they come (a date that cannot
be read, a phone number that is not one), the whole record once all are in: a confirm screen shows it, 💾 저장
saves it, and a rule broken by the record as a whole (a term ending before it starts) is said there, the
record kept so that 취소 or a fresh start are the only ways to lose it. A rule that only warns asks to
confirm. Once saved, the card is shown again."""

from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import ConversationHandler

from conversations.buttons import ButtonData, number
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message
from conversations.housing import ledger_steps as steps
from conversations.housing.buttons import ADD
from conversations.housing.ledger_steps import LedgerDraft, StepButtons
from conversations.housing.ledger_view import label, refusal, value_text
from conversations.keyboards import button, markup
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.housing.fields import FIELDS, spec
from core.housing.ledger import NeedsConfirmation
from core.texts.i18n import t, t_plain

NAME = "housing_ledger_add"
DRAFT_KEY = "hl_add"
SAVE = ButtonData("hl:as")
KINDS = StepButtons(
    choice=ButtonData("hl:av", number("index", 3)),
    empty=ButtonData("hl:askip"),
    empty_key="hl.skip",
    cancel=ButtonData("hl:acancel"),
    confirm=ButtonData("hl:aok"),
)


class State(StrEnum):
    VALUE = "value"  # the next field's value
    REVIEW = "review"  # the whole record, before it is saved
    WARNED = "warned"  # a rule that only warns: confirm or cancel


def _draft(context: DongneContext) -> LedgerDraft | None:
    return steps.load(context, DRAFT_KEY)


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    draft = _draft(context)
    assert draft is not None and draft.record is not None
    lang = context.lang
    if state is State.VALUE:
        await steps.ask_value(update, context, DRAFT_KEY, draft, KINDS)
    elif state is State.REVIEW:
        values = draft.values()
        lines = [t(lang, "hl.review", record=t_plain(lang, f"hl.record.{draft.record}"))]
        for f in FIELDS[draft.record]:
            shown = value_text(lang, draft.record, f.name, values.get(f.name))
            lines.append(t(lang, "hl.field_line", label=label(lang, draft.record, f.name), value=shown))
        keyboard = markup([button(t_plain(lang, "hl.save"), SAVE())], steps.cancel_row(lang, KINDS))
        await show(update, context, "\n".join(lines), keyboard)
    else:
        await show(update, context, t(lang, "hl.screen_again"), steps.resolve_keyboard(lang, KINDS, conflict=False))
    return state


async def _refused(update: Update, context: DongneContext, state: State) -> State:
    await answer(update, context, "common.button_invalid", alert=True)
    return state


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = ADD.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    enter(context, NAME)
    complex_id, record = values
    try:
        await context.services.ledger.open(context.staff(), complex_id)
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    draft = LedgerDraft(complex_id=complex_id, record=record, asked=FIELDS[record][0].name)
    steps.keep(context, DRAFT_KEY, draft)
    return await _ask(update, context, State.VALUE)


async def _next(update: Update, context: DongneContext, draft: LedgerDraft) -> State:
    """The next field, or the whole record once every field is asked."""
    assert draft.record is not None
    draft.step += 1
    fields = FIELDS[draft.record]
    draft.asked = fields[draft.step].name if draft.step < len(fields) else None
    steps.keep(context, DRAFT_KEY, draft)
    return await _ask(update, context, State.VALUE if draft.asked else State.REVIEW)


async def on_text(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None or draft.asked is None:
        return ConversationHandler.END
    ok, value = await steps.typed_value(update, context, draft)
    if not ok:
        return State.VALUE
    draft.give(value)
    return await _next(update, context, draft)


async def on_choice(update: Update, context: DongneContext) -> State:
    query, draft = update.callback_query, _draft(context)
    ok, value = steps.chosen(draft, KINDS.choice.parse(query.data if query else None))
    if not ok or draft is None:
        return await _refused(update, context, State.VALUE)
    await answer(update, context)
    draft.give(value)
    return await _next(update, context, draft)


async def on_skip(update: Update, context: DongneContext) -> State:
    draft = _draft(context)
    if draft is None or draft.record is None or draft.asked is None or spec(draft.record, draft.asked).required:
        return await _refused(update, context, State.VALUE)
    await answer(update, context)
    return await _next(update, context, draft)


async def on_save(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None or draft.asked is not None:
        return await _refused(update, context, State.REVIEW)
    await answer(update, context)
    return await _save(update, context, draft)


async def on_confirm(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None or draft.warning is None:
        return await _refused(update, context, State.WARNED)
    await answer(update, context)
    draft.confirmed = sorted({*draft.confirmed, draft.warning})
    return await _save(update, context, draft)


async def _save(update: Update, context: DongneContext, draft: LedgerDraft) -> State | int:
    assert draft.record is not None
    lang = context.lang
    try:
        await context.services.ledger.add(
            context.staff(), draft.complex_id, draft.record, draft.values(), confirmed=draft.confirmed
        )
    except NeedsConfirmation as warned:
        await steps.show_warning(update, context, DRAFT_KEY, draft, warned, KINDS)
        return State.WARNED
    except DongneError as error:
        # Said beside the record, which stays on screen: 취소 leaves, nothing is half saved.
        await say(update, context, refusal(lang, draft.record, error))
        return State.REVIEW
    record = t_plain(lang, f"hl.record.{draft.record}")
    await steps.finish(update, context, DRAFT_KEY, draft, t(lang, "hl.added", record=record))
    return ConversationHandler.END


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    other = on_message(focus, NAME, ANY_MESSAGE, steps.use_buttons)

    return dialogue(
        NAME,
        focus,
        entry_points=[steps.press(ADD, start)],
        states={
            State.VALUE: [
                on_message(focus, NAME, TEXT, on_text),
                steps.press(KINDS.choice, on_choice),
                steps.press(KINDS.empty, on_skip),
                other,
            ],
            State.REVIEW: [steps.press(SAVE, on_save), other],
            State.WARNED: [steps.press(KINDS.confirm, on_confirm), other],
        },
        fallbacks=[steps.press(KINDS.cancel, cancel)],
        cancel=cancel,
        reshow=_ask,
    )
