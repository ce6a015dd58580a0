"""대장 수정 — a housing officer keeps a complex's ledger current from its card.

The journey: ✏️ 수정 on the card (shown only to a member holding ``housing.write`` for the complex's dong)
asks what to change: 단지정보, 관리사무소, 입주자대표, 단체 or 지원사업. A list offers its records and ➕ 추가
(the ``add`` dialogue); a record shows its fields, each a button, and 🗑 삭제 (the ``remove`` dialogue). A
field is typed (dates as 2016.03.14, phones as 01012345678, amounts in 천원) or chosen from buttons, or
emptied when it may be; the change is saved at once and the card shown again.

Every save names the version the officer read. If someone else saved the record in between, the officer is
told who, with the record as it now stands, and may apply the same change again on top of it or drop it.
A rule that only warns (the area bands not adding up to the households, a project above a 지원기준 that
warns) asks to confirm. The draft lives in the user's data, so a restart loses nothing."""

from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import ConversationHandler

from conversations.buttons import ButtonData, number, one_of
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message
from conversations.housing import ledger_steps as steps
from conversations.housing.buttons import ADD, LEDGER, REMOVE
from conversations.housing.ledger_steps import LedgerDraft, StepButtons
from conversations.housing.ledger_view import former_managers_text, label, refusal, render_record, title
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.housing.fields import FIELDS, LEDGER_RECORDS, LIST_RECORDS, spec
from core.housing.ledger import ChangedMeanwhile, NeedsConfirmation
from core.housing.values import LedgerRecord
from core.texts.i18n import t, t_plain

NAME = "housing_ledger"
DRAFT_KEY = "hl_draft"
# A refusal that names a field the same change must also give: asked next, and saved with it.
NEEDS_ALSO = {"management_type_required": "management_type"}
ALL_FIELDS = sorted({f.name for fields in FIELDS.values() for f in fields})

RECORD = ButtonData("hl:k", one_of("record", LEDGER_RECORDS))
PICK = ButtonData("hl:r", number("record_id"))
FIELD = ButtonData("hl:f", one_of("field", ALL_FIELDS))
KINDS = StepButtons(
    choice=ButtonData("hl:v", number("index", 3)),
    empty=ButtonData("hl:clear"),
    empty_key="hl.clear",
    cancel=ButtonData("hl:cancel"),
    back=ButtonData("hl:back"),
    again=ButtonData("hl:again"),
    drop=ButtonData("hl:drop"),
    confirm=ButtonData("hl:ok"),
)


class State(StrEnum):
    RECORDS = "records"  # which part of the ledger
    PICK = "pick"  # which record of a list
    FIELD = "field"  # which field of the record
    VALUE = "value"  # the field's new value
    CONFLICT = "conflict"  # someone saved in between: apply again or drop
    WARNED = "warned"  # a rule that only warns: confirm or cancel


def _draft(context: DongneContext) -> LedgerDraft | None:
    return steps.load(context, DRAFT_KEY)


async def _current(context: DongneContext, draft: LedgerDraft) -> LedgerRecord:
    assert draft.record is not None and draft.record_id is not None
    return await context.services.ledger.record(context.staff(), draft.complex_id, draft.record, draft.record_id)


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    """Show ``state``'s question with its buttons (also when an older screen's button was pressed)."""
    draft = _draft(context)
    if draft is None:
        raise ChangedMeanwhile(None)
    lang, cid = context.lang, draft.complex_id
    if state is State.RECORDS:
        ledger = await context.services.ledger.open(context.staff(), cid)
        picks = [button(t_plain(lang, f"hl.record.{r}"), RECORD(r)) for r in LEDGER_RECORDS]
        cancel = [button(t_plain(lang, "hl.cancel"), KINDS.cancel())]
        await show(update, context, t(lang, "hl.pick_record", name=ledger.name), markup(*rows(picks, 2), cancel))
    elif state is State.PICK:
        assert draft.record is not None
        found = (await context.services.ledger.open(context.staff(), cid)).records(draft.record)
        picks = [button(title(lang, r), PICK(r.id)) for r in found]
        can_add = draft.record in LIST_RECORDS or not found
        extra = [button(t_plain(lang, "hl.add"), ADD(cid, draft.record))] if can_add else []
        text = t(lang, "hl.pick_item", record=t_plain(lang, f"hl.record.{draft.record}"), count=len(found))
        await show(update, context, text, markup(*rows(picks, 1), extra, steps.cancel_row(lang, KINDS)))
    elif state is State.FIELD:
        item = await _current(context, draft)
        draft.version = item.version
        steps.keep(context, DRAFT_KEY, draft)
        picks = [button(label(lang, item.record, f.name), FIELD(f.name)) for f in FIELDS[item.record]]
        remove = REMOVE(cid, item.record, item.id, item.version) if item.record != "complex" else None
        removable = [button(t_plain(lang, "hl.remove"), remove)] if remove else []
        parts = [render_record(lang, item)]
        if item.record == "office":
            former = await context.services.ledger.former_managers(context.staff(), cid)
            if former:
                parts.append(former_managers_text(lang, former))
        text = "\n\n".join([*parts, t(lang, "hl.pick_field")])
        await show(update, context, text, markup(*rows(picks, 2), removable, steps.cancel_row(lang, KINDS)))
    elif state is State.VALUE:
        await steps.ask_value(update, context, DRAFT_KEY, draft, KINDS)
    else:
        keyboard = steps.resolve_keyboard(lang, KINDS, conflict=state is State.CONFLICT)
        await show(update, context, t(lang, "hl.screen_again"), keyboard)
    return state


async def _guarded(update: Update, context: DongneContext, state: State) -> State | int:
    """Ask ``state``; a refusal (the grant withdrawn, the record gone) ends the dialogue politely."""
    try:
        return await _ask(update, context, state)
    except DongneError as error:
        await steps.end_with(update, context, DRAFT_KEY, _draft(context), error)
        return ConversationHandler.END


async def _refused(update: Update, context: DongneContext, state: State) -> State:
    await answer(update, context, "common.button_invalid", alert=True)
    return state


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = LEDGER.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    enter(context, NAME)
    try:
        await context.services.ledger.open(context.staff(), values[0])
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    steps.keep(context, DRAFT_KEY, LedgerDraft(complex_id=values[0]))
    return await _guarded(update, context, State.RECORDS)


async def on_record(update: Update, context: DongneContext) -> State | int:
    query, draft = update.callback_query, _draft(context)
    values = RECORD.parse(query.data if query else None)
    if values is None or draft is None:
        return await _refused(update, context, State.RECORDS)
    await answer(update, context)
    draft.record, draft.record_id, draft.asked = values[0], None, None
    if draft.record == "complex":
        draft.record_id = draft.complex_id
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.FIELD if draft.record == "complex" else State.PICK)


async def on_pick(update: Update, context: DongneContext) -> State | int:
    query, draft = update.callback_query, _draft(context)
    values = PICK.parse(query.data if query else None)
    if values is None or draft is None or draft.record is None:
        return await _refused(update, context, State.PICK)
    await answer(update, context)
    draft.record_id = values[0]
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.FIELD)


async def on_field(update: Update, context: DongneContext) -> State | int:
    query, draft = update.callback_query, _draft(context)
    values = FIELD.parse(query.data if query else None)
    if values is None or draft is None or draft.record is None:
        return await _refused(update, context, State.FIELD)
    if values[0] not in {f.name for f in FIELDS[draft.record]}:
        return await _refused(update, context, State.FIELD)
    await answer(update, context)
    draft.asked, draft.changes, draft.confirmed = values[0], {}, []
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.VALUE)


async def on_back(update: Update, context: DongneContext) -> State | int:
    """From a value back to its record, from a record back to its list, from a list back to the parts."""
    draft = _draft(context)
    if draft is None:
        return await _refused(update, context, State.RECORDS)
    await answer(update, context)
    if draft.asked is not None:
        draft.asked, target = None, State.FIELD
    elif draft.record_id is not None and draft.record != "complex":
        draft.record_id, target = None, State.PICK
    else:
        draft.record, draft.record_id, target = None, None, State.RECORDS
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, target)


async def on_text(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None or draft.record is None or draft.asked is None:
        return ConversationHandler.END
    ok, value = await steps.typed_value(update, context, draft)
    return await _save(update, context, draft, value) if ok else State.VALUE


async def on_choice(update: Update, context: DongneContext) -> State | int:
    query, draft = update.callback_query, _draft(context)
    ok, value = steps.chosen(draft, KINDS.choice.parse(query.data if query else None))
    if not ok or draft is None:
        return await _refused(update, context, State.VALUE)
    await answer(update, context)
    return await _save(update, context, draft, value)


async def on_clear(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None or draft.record is None or draft.asked is None or spec(draft.record, draft.asked).required:
        return await _refused(update, context, State.VALUE)
    await answer(update, context)
    return await _save(update, context, draft, None)


async def on_again(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None or draft.record is None or not draft.changes:
        return await _refused(update, context, State.CONFLICT)
    await answer(update, context)
    return await _save(update, context, draft)


async def on_confirm(update: Update, context: DongneContext) -> State | int:
    draft = _draft(context)
    if draft is None or draft.warning is None or not draft.changes:
        return await _refused(update, context, State.WARNED)
    await answer(update, context)
    draft.confirmed = sorted({*draft.confirmed, draft.warning})
    return await _save(update, context, draft)


async def on_drop(update: Update, context: DongneContext) -> int:
    await answer(update, context)
    await steps.dropped(update, context, DRAFT_KEY)
    return ConversationHandler.END


_UNSET = object()


async def _save(update: Update, context: DongneContext, draft: LedgerDraft, value: object = _UNSET) -> State | int:
    """Save the change (with ``value`` given for the asked field), or say why not and what may follow."""
    if value is not _UNSET:
        draft.give(value)
    steps.keep(context, DRAFT_KEY, draft)
    assert draft.record is not None and draft.record_id is not None and draft.version is not None
    try:
        await context.services.ledger.edit(
            context.staff(),
            draft.complex_id,
            draft.record,
            draft.record_id,
            draft.version,
            draft.values(),
            confirmed=draft.confirmed,
        )
    except ChangedMeanwhile as conflict:
        shown = await steps.show_conflict(update, context, DRAFT_KEY, draft, conflict, KINDS)
        return State.CONFLICT if shown else ConversationHandler.END
    except NeedsConfirmation as warned:
        await steps.show_warning(update, context, DRAFT_KEY, draft, warned, KINDS)
        return State.WARNED
    except DongneError as error:
        await say(update, context, refusal(context.lang, draft.record, error))
        needed = NEEDS_ALSO.get(error.code)
        if needed is not None and needed not in draft.changes:
            # An apartment needs its management type: asked now, and saved with the kind in one change.
            draft.asked = needed
            steps.keep(context, DRAFT_KEY, draft)
            return await _guarded(update, context, State.VALUE)
        return State.VALUE  # the question stands: the value may be typed again
    await steps.finish(update, context, DRAFT_KEY, draft, t(context.lang, "hl.saved"))
    return ConversationHandler.END


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    other = on_message(focus, NAME, ANY_MESSAGE, steps.use_buttons)

    back = steps.press(KINDS.back, on_back)
    return dialogue(
        NAME,
        focus,
        entry_points=[steps.press(LEDGER, start)],
        states={
            State.RECORDS: [steps.press(RECORD, on_record), other],
            State.PICK: [steps.press(PICK, on_pick), back, other],
            State.FIELD: [steps.press(FIELD, on_field), back, other],
            State.VALUE: [
                on_message(focus, NAME, TEXT, on_text),
                steps.press(KINDS.choice, on_choice),
                steps.press(KINDS.empty, on_clear),
                back,
                other,
            ],
            State.CONFLICT: [steps.press(KINDS.again, on_again), steps.press(KINDS.drop, on_drop), other],
            State.WARNED: [steps.press(KINDS.confirm, on_confirm), other],
        },
        fallbacks=[steps.press(KINDS.cancel, cancel)],
        cancel=cancel,
        reshow=_ask,
    )
