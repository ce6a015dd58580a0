"""대장 수정 — a housing officer keeps a complex's ledger current from its card.

The journey: ✏️ 수정 on the card (shown only to a member holding ``housing.write`` for the complex's dong)
asks what to change: 단지정보, 관리사무소, 입주자대표, 단체 or 지원사업. A list offers its records and ➕ 추가;
a record shows its fields, each a button, and 🗑 삭제. A field is typed (dates as 2016.03.14, phones as
01012345678, amounts in 천원) or chosen from buttons, or emptied when it may be. ➕ 추가 asks each field in
turn, the optional ones skippable, and shows the whole record before saving it; 🗑 삭제 asks once more.

Every save names the version the officer read. If someone else saved the record in between, the officer is
told who, with the record as it now stands, and may apply the same change again on top of it or drop it.
A rule that only warns (the area bands not adding up to the households, a project above a 지원기준 that
warns) asks to confirm. Once saved, the card is shown again. The draft lives in the user's data, so a
restart loses nothing."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData, number, one_of
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message
from conversations.housing.buttons import LEDGER
from conversations.housing.ledger_view import label, refusal, render_record, title, value_text
from conversations.housing.lookup import send_card
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.housing.fields import FIELDS, LEDGER_RECORDS, LIST_RECORDS, spec
from core.housing.fields import parse as parse_field
from core.housing.ledger import ChangedMeanwhile, NeedsConfirmation, from_json, json_value
from core.housing.values import LedgerComplex, LedgerRecord
from core.texts.i18n import t, t_plain

NAME = "housing_ledger"
DRAFT_KEY = "hl_draft"
ALL_FIELDS = sorted({f.name for fields in FIELDS.values() for f in fields})

RECORD = ButtonData("hl:k", one_of("record", LEDGER_RECORDS))
PICK = ButtonData("hl:r", number("record_id"))
ADD = ButtonData("hl:add")
FIELD = ButtonData("hl:f", one_of("field", ALL_FIELDS))
CHOICE = ButtonData("hl:v", number("index", 3))
CLEAR = ButtonData("hl:clear")
SKIP = ButtonData("hl:skip")
SAVE = ButtonData("hl:save")
REMOVE = ButtonData("hl:del")
REMOVE_YES = ButtonData("hl:delok")
AGAIN = ButtonData("hl:again")
DROP = ButtonData("hl:drop")
CONFIRM = ButtonData("hl:ok")
BACK = ButtonData("hl:back")
CANCEL = ButtonData("hl:cancel")


class State(StrEnum):
    RECORDS = "records"  # which part of the ledger
    PICK = "pick"  # which record of a list
    FIELD = "field"  # which field of the record
    VALUE = "value"  # the field's new value
    ADDING = "adding"  # a new record's fields, one by one
    REVIEW = "review"  # the new record as a whole, before it is saved
    REMOVING = "removing"  # 삭제 asked once more
    CONFLICT = "conflict"  # someone saved in between: apply again or drop
    WARNED = "warned"  # a rule that only warns: confirm or cancel


@dataclass
class LedgerDraft:
    """What the officer is changing, as JSON in the user's data: the record and the version read, the
    fields changed (or, when adding, given so far) and the warnings confirmed."""

    complex_id: int
    record: str | None = None
    record_id: int | None = None
    version: int | None = None
    asked: str | None = None  # the field asked for
    adding: bool = False
    step: int = 0
    changes: dict[str, Any] = field(default_factory=dict)
    confirmed: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)  # the choices the last question showed
    removing: bool = False

    def values(self) -> dict[str, object]:
        assert self.record is not None
        return {name: from_json(self.record, name, value) for name, value in self.changes.items()}


def _load(context: DongneContext) -> LedgerDraft | None:
    kept = (context.user_data or {}).get(DRAFT_KEY)
    return LedgerDraft(**kept) if isinstance(kept, dict) else None


def _keep(context: DongneContext, draft: LedgerDraft) -> None:
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = asdict(draft)


def _cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "hl.cancel"), CANCEL())]


def _back_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "hl.back"), BACK()), button(t_plain(lang, "hl.cancel"), CANCEL())]


async def _ledger(context: DongneContext, draft: LedgerDraft) -> LedgerComplex:
    return await context.services.ledger.open(context.staff(), draft.complex_id)


def _record_of(ledger: LedgerComplex, draft: LedgerDraft) -> LedgerRecord | None:
    assert draft.record is not None
    return next((r for r in ledger.records(draft.record) if r.id == draft.record_id), None)


# -- asking ---------------------------------------------------------------------------------------------


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    """Show ``state``'s question with its buttons (also when an older screen's button was pressed)."""
    draft = _load(context)
    if draft is None:
        raise ChangedMeanwhile(None)
    lang = context.lang
    if state is State.RECORDS:
        ledger = await _ledger(context, draft)
        picks = [button(t_plain(lang, f"hl.record.{r}"), RECORD(r)) for r in LEDGER_RECORDS]
        await show(
            update, context, t(lang, "hl.pick_record", name=ledger.name), markup(*rows(picks, 2), _cancel_row(lang))
        )
    elif state is State.PICK:
        assert draft.record is not None
        ledger = await _ledger(context, draft)
        found = ledger.records(draft.record)
        picks = [button(title(lang, r), PICK(r.id)) for r in found]
        can_add = draft.record in LIST_RECORDS or not found
        extra = [button(t_plain(lang, "hl.add"), ADD())] if can_add else []
        text = t(lang, "hl.pick_item", record=t_plain(lang, f"hl.record.{draft.record}"), count=len(found))
        await show(update, context, text, markup(*rows(picks, 1), extra, _back_row(lang)))
    elif state is State.FIELD:
        ledger = await _ledger(context, draft)
        item = _record_of(ledger, draft)
        if item is None:
            raise ChangedMeanwhile(None)
        draft.version = item.version
        _keep(context, draft)
        picks = [button(label(lang, item.record, f.name), FIELD(f.name)) for f in FIELDS[item.record]]
        removable = [button(t_plain(lang, "hl.remove"), REMOVE())] if item.record != "complex" else []
        text = "\n\n".join([render_record(lang, item), t(lang, "hl.pick_field")])
        await show(update, context, text, markup(*rows(picks, 2), removable, _back_row(lang)))
    elif state in (State.VALUE, State.ADDING):
        await _ask_value(update, context, draft)
    elif state is State.REVIEW:
        await _review(update, context, draft)
    elif state is State.REMOVING:
        ledger = await _ledger(context, draft)
        item = _record_of(ledger, draft)
        if item is None:
            raise ChangedMeanwhile(None)
        keyboard = markup([button(t_plain(lang, "hl.remove_yes"), REMOVE_YES())], _back_row(lang))
        await show(update, context, "\n\n".join([render_record(lang, item), t(lang, "hl.remove_ask")]), keyboard)
    else:
        await show(update, context, t(lang, "hl.screen_again"), _resolve_keyboard(lang, state))
    return state


def _resolve_keyboard(lang: str, state: State) -> InlineKeyboardMarkup:
    if state is State.CONFLICT:
        return markup([button(t_plain(lang, "hl.again"), AGAIN()), button(t_plain(lang, "hl.drop"), DROP())])
    return markup([button(t_plain(lang, "hl.confirm"), CONFIRM())], _cancel_row(lang))


async def _ask_value(update: Update, context: DongneContext, draft: LedgerDraft) -> None:
    """The field's question: buttons for a picked field, else what to type; 비우기 (edit) or 건너뛰기 (add)
    for a field that may be left empty."""
    assert draft.record is not None and draft.asked is not None
    lang, the_field = context.lang, spec(draft.record, draft.asked)
    keyboard: list[list[InlineKeyboardButton]] = []
    if the_field.picked:
        choices = await context.services.ledger.choices(context.staff(), draft.complex_id, draft.record, draft.asked)
        draft.offered = list(choices)
        _keep(context, draft)
        shown = [value_text(lang, draft.record, draft.asked, c) if the_field.choices else c for c in choices]
        keyboard.extend(rows([button(s, CHOICE(i)) for i, s in enumerate(shown)], 2))
    if not the_field.required:
        keyboard.append(
            [button(t_plain(lang, "hl.skip" if draft.adding else "hl.clear"), SKIP() if draft.adding else CLEAR())]
        )
    keyboard.append(_cancel_row(lang) if draft.adding else _back_row(lang))
    hint = t_plain(lang, f"hl.hint.{the_field.kind.value}", limit=the_field.limit or 0)
    step = t(lang, "hl.step", number=draft.step + 1, total=len(FIELDS[draft.record])) if draft.adding else ""
    text = t(lang, "hl.ask_value", step=step, field=label(lang, draft.record, draft.asked), hint=hint)
    await show(update, context, text, markup(*keyboard))


async def _review(update: Update, context: DongneContext, draft: LedgerDraft) -> None:
    assert draft.record is not None
    lang, values = context.lang, draft.values()
    lines = [t(lang, "hl.review", record=t_plain(lang, f"hl.record.{draft.record}"))]
    for f in FIELDS[draft.record]:
        lines.append(
            t(
                lang,
                "hl.field_line",
                label=label(lang, draft.record, f.name),
                value=value_text(lang, draft.record, f.name, values.get(f.name)),
            )
        )
    await show(update, context, "\n".join(lines), markup([button(t_plain(lang, "hl.save"), SAVE())], _cancel_row(lang)))


# -- handlers -----------------------------------------------------------------------------------------


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
    _keep(context, LedgerDraft(complex_id=values[0]))
    return await _guarded(update, context, State.RECORDS)


async def _guarded(update: Update, context: DongneContext, state: State) -> State | int:
    """Ask ``state``; a refusal (the grant withdrawn, the record gone) ends the dialogue politely."""
    try:
        return await _ask(update, context, state)
    except DongneError as error:
        await _end_with(update, context, error)
        return ConversationHandler.END


async def _end_with(update: Update, context: DongneContext, error: DongneError) -> None:
    draft = _load(context)
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    await say(update, context, refusal(context.lang, (draft and draft.record) or "complex", error))
    if draft is not None:
        await send_card(update, context, draft.complex_id)


def _pressed(kind: ButtonData, update: Update) -> tuple[Any, ...] | None:
    query = update.callback_query
    return kind.parse(query.data if query else None)


async def _refuse_press(update: Update, context: DongneContext, state: State) -> State:
    await answer(update, context, "common.button_invalid", alert=True)
    return state


async def on_record(update: Update, context: DongneContext) -> State | int:
    values, draft = _pressed(RECORD, update), _load(context)
    if values is None or draft is None:
        return await _refuse_press(update, context, State.RECORDS)
    await answer(update, context)
    draft.record, draft.record_id = values[0], None
    if draft.record == "complex":
        draft.record_id = draft.complex_id
        _keep(context, draft)
        return await _guarded(update, context, State.FIELD)
    _keep(context, draft)
    return await _guarded(update, context, State.PICK)


async def on_pick(update: Update, context: DongneContext) -> State | int:
    values, draft = _pressed(PICK, update), _load(context)
    if values is None or draft is None:
        return await _refuse_press(update, context, State.PICK)
    await answer(update, context)
    draft.record_id = values[0]
    _keep(context, draft)
    return await _guarded(update, context, State.FIELD)


async def on_add(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None or draft.record is None:
        return await _refuse_press(update, context, State.PICK)
    await answer(update, context)
    draft.adding, draft.step, draft.changes, draft.confirmed = True, 0, {}, []
    draft.asked = FIELDS[draft.record][0].name
    _keep(context, draft)
    return await _guarded(update, context, State.ADDING)


async def on_field(update: Update, context: DongneContext) -> State | int:
    values, draft = _pressed(FIELD, update), _load(context)
    if values is None or draft is None or draft.record is None:
        return await _refuse_press(update, context, State.FIELD)
    if values[0] not in {f.name for f in FIELDS[draft.record]}:
        return await _refuse_press(update, context, State.FIELD)
    await answer(update, context)
    draft.asked, draft.changes, draft.confirmed = values[0], {}, []
    _keep(context, draft)
    return await _guarded(update, context, State.VALUE)


async def on_back(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None:
        return await _refuse_press(update, context, State.RECORDS)
    await answer(update, context)
    # From a value back to its record, from a record back to its list, from a list back to the parts.
    if draft.asked is not None and not draft.adding:
        draft.asked = None
        target = State.FIELD
    elif draft.removing:
        draft.removing = False
        target = State.FIELD
    elif draft.record_id is not None and draft.record not in (None, "complex"):
        draft.record_id = None
        target = State.PICK
    else:
        draft.record, draft.record_id = None, None
        target = State.RECORDS
    _keep(context, draft)
    return await _guarded(update, context, target)


async def on_text(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    draft = _load(context)
    if draft is None or draft.record is None or draft.asked is None:
        return ConversationHandler.END
    state = State.ADDING if draft.adding else State.VALUE
    if spec(draft.record, draft.asked).picked:
        await say(update, context, t(context.lang, "hl.use_buttons"))
        return state
    try:
        value = parse_field(draft.record, draft.asked, update.message.text or "")
    except DongneError as error:
        await say(update, context, refusal(context.lang, draft.record, error))
        return state
    return await _given(update, context, draft, value)


async def on_choice(update: Update, context: DongneContext) -> State | int:
    values, draft = _pressed(CHOICE, update), _load(context)
    state = State.ADDING if draft and draft.adding else State.VALUE
    if values is None or draft is None or draft.asked is None or values[0] >= len(draft.offered):
        return await _refuse_press(update, context, state)
    await answer(update, context)
    return await _given(update, context, draft, draft.offered[values[0]])


async def on_clear(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None or draft.record is None or draft.asked is None or spec(draft.record, draft.asked).required:
        return await _refuse_press(update, context, State.VALUE)
    await answer(update, context)
    return await _given(update, context, draft, None)


async def _given(update: Update, context: DongneContext, draft: LedgerDraft, value: object) -> State | int:
    """The field's value is in: saved at once when editing; the next field asked when adding."""
    assert draft.record is not None and draft.asked is not None
    draft.changes[draft.asked] = json_value(value)
    if draft.adding:
        return await _next_field(update, context, draft)
    _keep(context, draft)
    return await _save(update, context, draft)


async def _next_field(update: Update, context: DongneContext, draft: LedgerDraft) -> State | int:
    assert draft.record is not None
    draft.step += 1
    fields = FIELDS[draft.record]
    if draft.step >= len(fields):
        draft.asked = None
        _keep(context, draft)
        return await _guarded(update, context, State.REVIEW)
    draft.asked = fields[draft.step].name
    _keep(context, draft)
    return await _guarded(update, context, State.ADDING)


async def on_skip(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None or not draft.adding or draft.record is None or draft.asked is None:
        return await _refuse_press(update, context, State.ADDING)
    if spec(draft.record, draft.asked).required:
        return await _refuse_press(update, context, State.ADDING)
    await answer(update, context)
    return await _next_field(update, context, draft)


async def on_save(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None or not draft.adding:
        return await _refuse_press(update, context, State.REVIEW)
    await answer(update, context)
    return await _save(update, context, draft)


async def on_remove(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None or draft.record in (None, "complex") or draft.record_id is None:
        return await _refuse_press(update, context, State.FIELD)
    await answer(update, context)
    draft.removing = True
    _keep(context, draft)
    return await _guarded(update, context, State.REMOVING)


async def on_remove_yes(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None or not draft.removing or draft.record is None or draft.record_id is None:
        return await _refuse_press(update, context, State.REMOVING)
    await answer(update, context)
    return await _save(update, context, draft)


async def on_again(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    if draft is None or draft.record is None:
        return await _refuse_press(update, context, State.CONFLICT)
    await answer(update, context)
    return await _save(update, context, draft)


async def on_drop(update: Update, context: DongneContext) -> int:
    await answer(update, context)
    draft = _load(context)
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    await show(update, context, t(context.lang, "hl.dropped"))
    if draft is not None:
        await send_card(update, context, draft.complex_id)
    return ConversationHandler.END


WARNING_KEY = "hl_warning"  # in the user's data: the warning the officer is asked to confirm


async def on_confirm(update: Update, context: DongneContext) -> State | int:
    draft = _load(context)
    warning = (context.user_data or {}).get(WARNING_KEY)
    if draft is None or not isinstance(warning, str):
        return await _refuse_press(update, context, State.WARNED)
    await answer(update, context)
    draft.confirmed = sorted({*draft.confirmed, warning})
    _keep(context, draft)
    return await _save(update, context, draft)


async def _save(update: Update, context: DongneContext, draft: LedgerDraft) -> State | int:
    """Add, change or remove the record; say why not, and offer what may follow."""
    assert draft.record is not None
    lang, ledger, actor = context.lang, context.services.ledger, context.staff()
    try:
        if draft.removing:
            assert draft.record_id is not None and draft.version is not None
            await ledger.remove(actor, draft.complex_id, draft.record, draft.record_id, draft.version)
            done = t(lang, "hl.removed")
        elif draft.adding:
            await ledger.add(actor, draft.complex_id, draft.record, draft.values(), confirmed=draft.confirmed)
            done = t(lang, "hl.added", record=t_plain(lang, f"hl.record.{draft.record}"))
        else:
            assert draft.record_id is not None and draft.version is not None
            await ledger.edit(
                actor,
                draft.complex_id,
                draft.record,
                draft.record_id,
                draft.version,
                draft.values(),
                confirmed=draft.confirmed,
            )
            done = t(lang, "hl.saved")
    except ChangedMeanwhile as conflict:
        return await _conflict(update, context, draft, conflict)
    except NeedsConfirmation as warned:
        assert context.user_data is not None
        context.user_data[WARNING_KEY] = warned.warning
        text = t(lang, f"hl.warn.{warned.warning}", **_shown(warned.params))
        await say(update, context, text, _resolve_keyboard(lang, State.WARNED))
        return State.WARNED
    except DongneError as error:
        await say(update, context, refusal(lang, draft.record, error))
        if draft.adding:
            # The whole record is reviewed again; the field the rule names can be typed from its step.
            return await _guarded(update, context, State.REVIEW)
        if draft.removing or draft.asked is None:
            return await _guarded(update, context, State.FIELD)
        return State.VALUE  # the question stands: the value may be typed again
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    context.user_data.pop(WARNING_KEY, None)
    await say(update, context, done)
    await send_card(update, context, draft.complex_id)
    return ConversationHandler.END


def _shown(params: dict[str, object]) -> dict[str, object]:
    return {k: f"{v:,}" if isinstance(v, int) else v for k, v in params.items()}


async def _conflict(
    update: Update, context: DongneContext, draft: LedgerDraft, conflict: ChangedMeanwhile
) -> State | int:
    lang = context.lang
    current = conflict.current
    if current is None:
        await _end_with(update, context, conflict)
        return ConversationHandler.END
    draft.version = current.version
    _keep(context, draft)
    text = "\n\n".join(
        [refusal(lang, draft.record or "complex", conflict), render_record(lang, current), t(lang, "hl.again_ask")]
    )
    await say(update, context, text, _resolve_keyboard(lang, State.CONFLICT))
    return State.CONFLICT


async def use_buttons(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "hl.use_buttons"))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY, WARNING_KEY)


Handler = Callable[[Update, DongneContext], Coroutine[Any, Any, Any]]


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    other = on_message(focus, NAME, ANY_MESSAGE, use_buttons)
    typed = on_message(focus, NAME, TEXT, on_text)

    def press(kind: ButtonData, callback: Handler) -> CallbackQueryHandler[DongneContext, Any]:
        return CallbackQueryHandler(callback, pattern=kind.pattern)

    value = [typed, press(CHOICE, on_choice), other]
    return dialogue(
        NAME,
        focus,
        entry_points=[press(LEDGER, start)],
        states={
            State.RECORDS: [press(RECORD, on_record), other],
            State.PICK: [press(PICK, on_pick), press(ADD, on_add), press(BACK, on_back), other],
            State.FIELD: [press(FIELD, on_field), press(REMOVE, on_remove), press(BACK, on_back), other],
            State.VALUE: [*value[:2], press(CLEAR, on_clear), press(BACK, on_back), other],
            State.ADDING: [*value[:2], press(SKIP, on_skip), other],
            State.REVIEW: [press(SAVE, on_save), other],
            State.REMOVING: [press(REMOVE_YES, on_remove_yes), press(BACK, on_back), other],
            State.CONFLICT: [press(AGAIN, on_again), press(DROP, on_drop), other],
            State.WARNED: [press(CONFIRM, on_confirm), other],
        },
        fallbacks=[press(CANCEL, cancel)],
        cancel=cancel,
        reshow=_ask,
    )
