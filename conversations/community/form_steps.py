"""What the community's 등록 (``add``) and 수정 (``edit``) dialogues share: the draft each keeps in the user's
data, the question for one field's value (typed, picked from buttons, or a complex found by name and picked),
and reading the answer.

Each dialogue has buttons of its own (``StepButtons``), so a press always reaches the dialogue whose screen
showed it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from conversations.buttons import ButtonData
from conversations.community.view import code_text, label, refusal
from conversations.context import DongneContext
from conversations.keyboards import button, markup, rows
from conversations.replies import say, show
from core.community.fields import Kind, from_json, json_value, spec
from core.community.fields import parse as parse_field
from core.errors import DongneError, InvalidInput
from core.texts.i18n import t, t_plain


@dataclass
class FormDraft:
    """What the member is entering, kept as JSON: the record (and, when changing one, its id and the version
    read), the field asked for, the values given so far, and what the last question offered (a choice button
    carries its index among them; a complex search offers complexes, named in ``offered_names``)."""

    record: str
    record_id: int | None = None
    version: int | None = None
    asked: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    offered: list[Any] = field(default_factory=list)
    offered_names: list[str] = field(default_factory=list)
    complex_name: str | None = None

    def values(self) -> dict[str, object]:
        return {name: from_json(self.record, name, value) for name, value in self.changes.items()}

    def give(self, value: object) -> None:
        assert self.asked is not None
        self.changes[self.asked] = json_value(value)


def load(context: DongneContext, key: str) -> FormDraft | None:
    kept = (context.user_data or {}).get(key)
    try:
        return FormDraft(**kept) if isinstance(kept, dict) else None
    except TypeError:  # kept by an older release in another shape: start afresh
        return None


def keep(context: DongneContext, key: str, draft: FormDraft) -> None:
    assert context.user_data is not None
    context.user_data[key] = asdict(draft)


def forget(context: DongneContext, key: str) -> None:
    if context.user_data is not None:
        context.user_data.pop(key, None)


@dataclass(frozen=True)
class StepButtons:
    """One dialogue's buttons for the shared steps."""

    choice: ButtonData  # one of the offered choices, by index
    empty: ButtonData  # 비우기 (edit) or 건너뛰기 (add)
    empty_key: str
    cancel: ButtonData
    back: ButtonData | None = None


def cancel_row(lang: str, kinds: StepButtons) -> list[InlineKeyboardButton]:
    back = [button(t_plain(lang, "cmc.back"), kinds.back())] if kinds.back else []
    return [*back, button(t_plain(lang, "cmc.cancel"), kinds.cancel())]


async def ask_value(
    update: Update,
    context: DongneContext,
    key: str,
    draft: FormDraft,
    kinds: StepButtons,
    *,
    step: str = "",
    extra: list[InlineKeyboardButton] | None = None,
) -> None:
    """The field's question: buttons for a picked field, else what to type; a button to leave the field
    empty when it may be; ``extra`` (the add dialogue's ⏭) above the way out."""
    assert draft.asked is not None
    lang, asked = context.lang, spec(draft.record, draft.asked)
    keyboard: list[list[InlineKeyboardButton]] = []
    draft.offered, draft.offered_names = [], []
    if asked.kind is Kind.CHOICE:
        draft.offered = list(asked.choices)
        keyboard.extend(
            rows([button(code_text(lang, asked.name, c), kinds.choice(i)) for i, c in enumerate(asked.choices)], 2)
        )
    elif asked.kind is Kind.DONG:
        dongs = await context.services.organizations.dongs(context.staff(), writing=True)
        draft.offered = [d.name for d in dongs]
        keyboard.extend(rows([button(d.name, kinds.choice(i)) for i, d in enumerate(dongs)], 3))
    keep(context, key, draft)
    if not asked.required and asked.kind is not Kind.COMPLEX:
        keyboard.append([button(t_plain(lang, kinds.empty_key), kinds.empty())])
    if extra:
        keyboard.append(extra)
    keyboard.append(cancel_row(lang, kinds))
    hint = t_plain(lang, f"cmc.hint.{asked.kind.value}", limit=asked.limit or 0)
    ask = "cmc.ask_pick" if asked.picked else "cmc.ask_value"
    text = t(lang, ask, step=step, field=label(lang, draft.record, draft.asked), hint=hint)
    await show(update, context, text, markup(*keyboard))


async def typed_value(
    update: Update, context: DongneContext, key: str, draft: FormDraft, kinds: StepButtons
) -> tuple[bool, object]:
    """The typed text as the asked field's value: (True, value), or (False, None) once told why not. A
    complex is searched by what was typed and offered as buttons: (False, None) until one is pressed."""
    assert update.message is not None and draft.asked is not None
    lang, asked = context.lang, spec(draft.record, draft.asked)
    if asked.picked:
        await say(update, context, t(lang, "cmc.use_buttons"))
        return False, None
    typed = update.message.text or ""
    try:
        if asked.kind is Kind.COMPLEX:
            await offer_complexes(update, context, key, draft, kinds, typed)
            return False, None
        return True, parse_field(draft.record, draft.asked, typed)
    except DongneError as error:
        await say(update, context, refusal(lang, draft.record, error))
        return False, None


async def offer_complexes(
    update: Update, context: DongneContext, key: str, draft: FormDraft, kinds: StepButtons, typed: str
) -> None:
    lang = context.lang
    found = await context.services.grant_projects.find_complexes(context.staff(), typed)
    if not found:
        raise InvalidInput("community_no_complex", query=" ".join(typed.split()))
    draft.offered = [c.id for c in found]
    draft.offered_names = [c.name for c in found]
    keep(context, key, draft)
    picks = [
        button(t_plain(lang, "cmc.complex_button", name=c.name, dong=c.admin_dong), kinds.choice(i))
        for i, c in enumerate(found)
    ]
    await say(
        update, context, t(lang, "cmc.pick_complex", count=len(found)), markup(*rows(picks, 1), cancel_row(lang, kinds))
    )


def chosen(draft: FormDraft | None, values: tuple[Any, ...] | None) -> tuple[bool, object]:
    """The pressed choice among those the question offered (a complex's name kept for the screens)."""
    if values is None or draft is None or draft.asked is None or not 0 <= values[0] < len(draft.offered):
        return False, None
    index = values[0]
    if spec(draft.record, draft.asked).kind is Kind.COMPLEX and index < len(draft.offered_names):
        draft.complex_name = draft.offered_names[index]
    return True, draft.offered[index]


Handler = Callable[[Update, DongneContext], Coroutine[Any, Any, Any]]


def press(kind: ButtonData | None, callback: Handler) -> CallbackQueryHandler[DongneContext, Any]:
    """The handler of one kind of the community dialogues' buttons."""
    assert kind is not None
    return CallbackQueryHandler(callback, pattern=kind.pattern)
