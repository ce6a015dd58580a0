"""What the executing department's two dialogues on a case share — 검토결과 입력 (``review``) and 추진사항
입력·승인요청 (``progress``): the work in hand, its last steps (keep or type a text, 제출, 임시저장, 취소) and
their buttons.

The work is kept in the user's data as plain JSON, so a restart keeps it; ``Work`` reads and writes it. It
holds the review and the progress report both, since 임시저장 keeps whichever of them is typed so far. The
shared buttons carry the same data in both dialogues; the one begun last answers them (``OWNER_KEY``), as
when both were one dialogue and beginning either replaced the other."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from conversations.benchmark.view import case_keyboard, render_card
from conversations.buttons import ButtonData
from conversations.context import DongneContext
from conversations.dialogue import enter
from conversations.keyboards import button, markup
from conversations.replies import answer, report, say, show
from core.benchmark.common import LONG_TEXT_LIMIT, clean_block
from core.benchmark.values import Adoption, Case, CaseAction, ProgressResult, WorkDraft
from core.errors import CaseLocked, DongneError, StaleRecord
from core.texts.i18n import t, t_plain

KEEP = ButtonData("br:keep")
SUBMIT = ButtonData("br:submit")
SAVE = ButtonData("br:save")
CANCEL = ButtonData("br:cancel")
# In the user's data: which of the two dialogues the shared buttons are for.
OWNER_KEY = "bm_work_dialogue"

S = TypeVar("S")  # a dialogue's State


@dataclass
class Work:
    case_id: int
    case_no: str
    title: str
    version: int
    adoption: Adoption | None = None
    opinion: str | None = None
    result: ProgressResult | None = None
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "case_id": self.case_id,
            "case_no": self.case_no,
            "title": self.title,
            "version": self.version,
            "adoption": self.adoption.value if self.adoption else None,
            "opinion": self.opinion,
            "result": self.result.value if self.result else None,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, kept: dict[str, Any]) -> Work:
        return cls(
            case_id=int(kept["case_id"]),
            case_no=str(kept["case_no"]),
            title=str(kept.get("title") or ""),
            version=int(kept["version"]),
            adoption=Adoption(kept["adoption"]) if kept.get("adoption") else None,
            opinion=kept.get("opinion"),
            result=ProgressResult(kept["result"]) if kept.get("result") else None,
            note=kept.get("note"),
        )

    def draft(self) -> WorkDraft:
        return WorkDraft(
            adoption=self.adoption, opinion=self.opinion, progress_result=self.result, progress_note=self.note
        )


def load(context: DongneContext, key: str) -> Work:
    assert context.user_data is not None
    return Work.from_json(context.user_data[key])


def keep(context: DongneContext, key: str, work: Work) -> None:
    assert context.user_data is not None
    context.user_data[key] = work.as_json()


def cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "bm.work.cancel"), CANCEL())]


async def begin(
    update: Update, context: DongneContext, name: str, key: str, kind: ButtonData, action: CaseAction
) -> Work | None:
    """Open ``action`` on the case the pressed ``kind`` of button names, with its saved draft; None when the
    press is refused (and the user told why)."""
    query = update.callback_query
    assert query is not None
    values = kind.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return None
    await answer(update, context)
    enter(context, name)
    enter(context, name, OWNER_KEY)
    case_id, version = values
    try:
        case = await context.services.cases.open_for(context.staff(), case_id, action, version)
    except DongneError as error:
        await report(update, context, error)
        return None
    draft = case.draft or WorkDraft()
    work = Work(
        case_id=case.id,
        case_no=case.case_no,
        title=case.title,
        version=case.version,
        adoption=draft.adoption or case.adoption or None,
        opinion=draft.opinion or case.review_opinion,
        result=draft.progress_result or case.progress_result,
        note=draft.progress_note or case.progress_note,
    )
    keep(context, key, work)
    return work


async def ask_text(update: Update, context: DongneContext, key: str, field: str, state: S) -> S:
    """Ask for the opinion or the note; one already typed (or saved) may be kept as it is."""
    lang, current = context.lang, getattr(load(context, key), field)
    keyboard_rows = []
    if current:
        keyboard_rows.append([button(t_plain(lang, "bm.work.keep"), KEEP())])
        await say(update, context, t(lang, f"bm.work.current_{field}", text=current))
    keyboard_rows.append(cancel_row(lang))
    await say(update, context, t(lang, f"bm.work.ask_{field}", limit=LONG_TEXT_LIMIT), markup(*keyboard_rows))
    return state


def text_step(
    key: str, field: str, state: S, confirm: Callable[[Update, DongneContext], Coroutine[Any, Any, S]]
) -> Callable[[Update, DongneContext], Coroutine[Any, Any, S]]:
    async def on_text(update: Update, context: DongneContext) -> S:
        assert update.message is not None
        work = load(context, key)
        try:
            setattr(work, field, clean_block(update.message.text or "", limit=LONG_TEXT_LIMIT, minimum=2))
        except DongneError as error:
            await report(update, context, error)
            return state
        keep(context, key, work)
        return await confirm(update, context)

    return on_text


def choice_step(
    key: str,
    kind: ButtonData,
    state: S,
    choose: Callable[[str, Work, str], str],
    then: Callable[[Update, DongneContext], Coroutine[Any, Any, S]],
) -> Callable[[Update, DongneContext], Coroutine[Any, Any, S]]:
    """A press of one of ``kind``'s buttons (the adoption, the progress result): ``choose`` records the
    value on the work and says what was chosen; then ``then`` asks the next step."""

    async def on_choice(update: Update, context: DongneContext) -> S:
        query = update.callback_query
        assert query is not None
        values = kind.parse(query.data)
        if values is None:
            await answer(update, context, "common.button_invalid", alert=True)
            return state
        await answer(update, context)
        work = load(context, key)
        chosen = choose(context.lang, work, values[0])
        keep(context, key, work)
        await show(update, context, chosen)
        return await then(update, context)

    return on_choice


def confirm_keyboard(lang: str, submit: str) -> InlineKeyboardMarkup:
    return markup(
        [button(submit, SUBMIT()), button(t_plain(lang, "bm.work.save_draft"), SAVE())],
        cancel_row(lang),
    )


def ends_work(error: DongneError) -> bool:
    """A submit or save refused because the case moved on: the work in hand is of no use any more."""
    return isinstance(error, StaleRecord | CaseLocked)


async def save(update: Update, context: DongneContext, key: str, confirming: S) -> S | int:
    """임시저장: the work is kept on the case, not counted anywhere."""
    await answer(update, context)
    work = load(context, key)
    try:
        case = await context.services.decisions.save_draft(context.staff(), work.case_id, work.version, work.draft())
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END if ends_work(error) else confirming
    return await finish(update, context, key, t(context.lang, "bm.work.draft_saved", case_no=case.case_no), case)


async def finish(update: Update, context: DongneContext, key: str, done: str, case: Case) -> int:
    assert context.user_data is not None
    context.user_data.pop(key, None)
    lang = context.lang
    await show(update, context, done)
    await say(update, context, render_card(lang, context.services.clock, case), case_keyboard(lang, case))
    return ConversationHandler.END


async def buttons_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.work.use_buttons"))


async def text_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "bm.new.text_expected"))
