"""What the ledger's three dialogues share — 수정 (``edit``), 추가 (``add``) and 삭제 (``remove``): the draft
each keeps in the user's data, the question for one field's value, and the ends of a save (done, changed
meanwhile, a warning to confirm).

Each dialogue has buttons of its own (``StepButtons``), so a press always reaches the dialogue whose screen
showed it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from conversations.buttons import ButtonData
from conversations.context import DongneContext
from conversations.housing.ledger_view import label, refusal, render_record, value_text
from conversations.housing.lookup import send_card
from conversations.keyboards import button, markup, rows
from conversations.replies import say, show
from core.errors import DongneError
from core.housing.fields import FIELDS, spec
from core.housing.fields import parse as parse_field
from core.housing.ledger import ChangedMeanwhile, NeedsConfirmation, from_json, json_value
from core.texts.i18n import t, t_plain


@dataclass
class LedgerDraft:
    """What the officer is changing, kept as JSON: the complex, the record and the version read, the field
    asked for, the values given (by field, as ``json_value`` writes them), the warnings confirmed and the
    choices the last question offered (a choice button carries its index among them)."""

    complex_id: int
    record: str | None = None
    record_id: int | None = None
    version: int | None = None
    asked: str | None = None
    step: int = 0
    changes: dict[str, Any] = field(default_factory=dict)
    confirmed: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)
    warning: str | None = None

    def values(self) -> dict[str, object]:
        assert self.record is not None
        return {name: from_json(self.record, name, value) for name, value in self.changes.items()}

    def give(self, value: object) -> None:
        assert self.asked is not None
        self.changes[self.asked] = json_value(value)


def load(context: DongneContext, key: str) -> LedgerDraft | None:
    kept = (context.user_data or {}).get(key)
    return LedgerDraft(**kept) if isinstance(kept, dict) else None


def keep(context: DongneContext, key: str, draft: LedgerDraft) -> None:
    assert context.user_data is not None
    context.user_data[key] = asdict(draft)


@dataclass(frozen=True)
class StepButtons:
    """One dialogue's buttons for the shared steps."""

    choice: ButtonData  # one of the offered choices, by index
    empty: ButtonData  # 비우기 (edit) or 건너뛰기 (add)
    empty_key: str
    cancel: ButtonData
    back: ButtonData | None = None
    again: ButtonData | None = None
    drop: ButtonData | None = None
    confirm: ButtonData | None = None


def cancel_row(lang: str, kinds: StepButtons) -> list[InlineKeyboardButton]:
    back = [button(t_plain(lang, "hl.back"), kinds.back())] if kinds.back else []
    return [*back, button(t_plain(lang, "hl.cancel"), kinds.cancel())]


async def ask_value(update: Update, context: DongneContext, key: str, draft: LedgerDraft, kinds: StepButtons) -> None:
    """The field's question: buttons for a picked field, else what to type; and a button to leave the field
    empty when it may be."""
    assert draft.record is not None and draft.asked is not None
    lang, asked = context.lang, spec(draft.record, draft.asked)
    keyboard: list[list[InlineKeyboardButton]] = []
    if asked.picked:
        choices = await context.services.ledger.choices(context.staff(), draft.complex_id, draft.record, draft.asked)
        draft.offered = list(choices)
        keep(context, key, draft)
        shown = [value_text(lang, draft.record, draft.asked, c) if asked.choices else c for c in choices]
        keyboard.extend(rows([button(s, kinds.choice(i)) for i, s in enumerate(shown)], 2))
    if not asked.required:
        keyboard.append([button(t_plain(lang, kinds.empty_key), kinds.empty())])
    keyboard.append(cancel_row(lang, kinds))
    hint = t_plain(lang, f"hl.hint.{asked.kind.value}", limit=asked.limit or 0)
    step = t(lang, "hl.step", number=draft.step + 1, total=len(FIELDS[draft.record])) if kinds.back is None else ""
    text = t(lang, "hl.ask_value", step=step, field=label(lang, draft.record, draft.asked), hint=hint)
    await show(update, context, text, markup(*keyboard))


async def typed_value(update: Update, context: DongneContext, draft: LedgerDraft) -> tuple[bool, object]:
    """The typed text as the asked field's value: (True, value), or (False, None) once told why not (or
    that the field is chosen with buttons)."""
    assert update.message is not None and draft.record is not None and draft.asked is not None
    if spec(draft.record, draft.asked).picked:
        await say(update, context, t(context.lang, "hl.use_buttons"))
        return False, None
    try:
        return True, parse_field(draft.record, draft.asked, update.message.text or "")
    except DongneError as error:
        await say(update, context, refusal(context.lang, draft.record, error))
        return False, None


def chosen(draft: LedgerDraft | None, values: tuple[Any, ...] | None) -> tuple[bool, object]:
    """The pressed choice among those the question offered."""
    if values is None or draft is None or draft.asked is None or not 0 <= values[0] < len(draft.offered):
        return False, None
    return True, draft.offered[values[0]]


async def finish(update: Update, context: DongneContext, key: str, draft: LedgerDraft, done: str) -> None:
    """Saved: forget the draft, say so, and show the card as it now stands."""
    assert context.user_data is not None
    context.user_data.pop(key, None)
    await say(update, context, done)
    await send_card(update, context, draft.complex_id)


async def end_with(
    update: Update, context: DongneContext, key: str, draft: LedgerDraft | None, error: DongneError
) -> None:
    """Refused for good (the record removed meanwhile, the grant withdrawn): say why and show the card."""
    assert context.user_data is not None
    context.user_data.pop(key, None)
    await say(update, context, refusal(context.lang, (draft and draft.record) or "complex", error))
    if draft is not None:
        await send_card(update, context, draft.complex_id)


def resolve_keyboard(lang: str, kinds: StepButtons, conflict: bool) -> InlineKeyboardMarkup:
    if conflict:
        assert kinds.again is not None and kinds.drop is not None
        return markup(
            [button(t_plain(lang, "hl.again"), kinds.again()), button(t_plain(lang, "hl.drop"), kinds.drop())]
        )
    assert kinds.confirm is not None
    return markup(
        [button(t_plain(lang, "hl.confirm"), kinds.confirm())], [button(t_plain(lang, "hl.cancel"), kinds.cancel())]
    )


async def show_conflict(
    update: Update, context: DongneContext, key: str, draft: LedgerDraft, conflict: ChangedMeanwhile, kinds: StepButtons
) -> bool:
    """ "그사이 <이름> 님이 바꿨습니다", the record as it now stands and the offer to apply the change again on
    top of it; False (and the dialogue over) when the record is gone."""
    current = conflict.current
    if current is None:
        await end_with(update, context, key, draft, conflict)
        return False
    draft.version = current.version
    keep(context, key, draft)
    lang = context.lang
    text = "\n\n".join([refusal(lang, current.record, conflict), render_record(lang, current), t(lang, "hl.again_ask")])
    await say(update, context, text, resolve_keyboard(lang, kinds, conflict=True))
    return True


async def show_warning(
    update: Update, context: DongneContext, key: str, draft: LedgerDraft, warned: NeedsConfirmation, kinds: StepButtons
) -> None:
    draft.warning = warned.warning
    keep(context, key, draft)
    params = {k: f"{v:,}" if isinstance(v, int) else v for k, v in warned.params.items()}
    await say(
        update,
        context,
        t(context.lang, f"hl.warn.{warned.warning}", **params),
        resolve_keyboard(context.lang, kinds, conflict=False),
    )


async def dropped(update: Update, context: DongneContext, key: str) -> None:
    draft = load(context, key)
    assert context.user_data is not None
    context.user_data.pop(key, None)
    await show(update, context, t(context.lang, "hl.dropped"))
    if draft is not None:
        await send_card(update, context, draft.complex_id)


Handler = Callable[[Update, DongneContext], Coroutine[Any, Any, Any]]


def press(kind: ButtonData | None, callback: Handler) -> CallbackQueryHandler[DongneContext, Any]:
    """The handler of one kind of the ledger dialogues' buttons."""
    assert kind is not None
    return CallbackQueryHandler(callback, pattern=kind.pattern)


async def use_buttons(update: Update, context: DongneContext) -> None:
    """Text typed where a ledger dialogue waits for a button."""
    await say(update, context, t(context.lang, "hl.use_buttons"))
