"""단체(기관)·지원사업 등록 — a community officer registers an organisation or a grant project by dialogue.

The journey: ➕ 단체 등록 under the organisation search (or ➕ 사업 등록 on the grant projects' screen) asks
each field in the order of the report's screen: 분야 and 유형 from buttons, the name typed, the 관할동 from the
officer's dongs, then the rest, each of which may be skipped (건너뛰기). A housing call's project (공동주택) asks
for its complex: the officer types part of its name and picks it. Once every required field is given, ⏭ 나머지
건너뛰기 goes straight to the summary; 💾 저장 registers it and shows the new card. A value the rules refuse is
asked again with the reason; the draft lives in the user's data, so a restart loses nothing."""

from __future__ import annotations

from enum import StrEnum

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData, number
from conversations.community import form_steps as steps
from conversations.community.buttons import ADD, EDIT
from conversations.community.form_steps import FormDraft, StepButtons
from conversations.community.view import refusal, render_organization, render_project
from conversations.context import DongneContext
from conversations.dialogue import TEXT, DialogueFocus, dialogue, enter, leave, on_message
from conversations.keyboards import button, markup
from conversations.replies import answer, report, say, show
from core.community.fields import FIELDS, HOUSING_ONLY, ORGANIZATION, organization_draft, project_draft
from core.community.values import HOUSING, GrantProjectRecord, OrganizationRecord
from core.errors import DongneError, PermissionDenied
from core.permissions import Permission, can
from core.texts.i18n import t, t_plain

NAME = "community_add"
DRAFT_KEY = "cma_draft"

KINDS = StepButtons(
    choice=ButtonData("cma:v", number("index", 3)),
    empty=ButtonData("cma:skip"),
    empty_key="cmc.skip",
    cancel=ButtonData("cma:cancel"),
    back=ButtonData("cma:back"),
)
REST = ButtonData("cma:rest")
# Refusals of a whole record that name no field: the field to ask again.
FIELD_OF = {
    "founded_in_future": "founded_on",
    "community_unknown_dong": "admin_dong",
    "grant_needs_complex": "complex_id",
    "grant_unknown_complex": "complex_id",
}
SAVE = ButtonData("cma:save")


class State(StrEnum):
    VALUE = "value"  # one field's value
    REVIEW = "review"  # everything given: save or cancel


def _fields(draft: FormDraft) -> list[str]:
    """The fields to ask, in order: a complex only for a housing call's project."""
    names = [f.name for f in FIELDS[draft.record]]
    if draft.changes.get("sponsor") != HOUSING:
        names = [n for n in names if n not in HOUSING_ONLY]
    return names


def _required_given(draft: FormDraft) -> bool:
    needed = [f.name for f in FIELDS[draft.record] if f.required and f.name in _fields(draft)]
    if draft.changes.get("sponsor") == HOUSING:
        needed.extend(HOUSING_ONLY)
    return all(draft.changes.get(name) is not None for name in needed)


def _preview(lang: str, draft: FormDraft) -> str:
    values = draft.values()
    if draft.record == ORGANIZATION:
        return render_organization(lang, OrganizationRecord(0, 0, 0, organization_draft(values)))
    return render_project(lang, GrantProjectRecord(0, 0, project_draft(values), complex_name=draft.complex_name))


async def _ask(update: Update, context: DongneContext, state: State) -> State:
    draft = steps.load(context, DRAFT_KEY)
    if draft is None:
        raise DongneError("no draft")
    lang = context.lang
    if state is State.REVIEW:
        assert KINDS.back is not None
        keyboard = markup(
            [button(t_plain(lang, "cmc.save"), SAVE())],
            [button(t_plain(lang, "cmc.back"), KINDS.back())],
            [button(t_plain(lang, "cmc.cancel"), KINDS.cancel())],
        )
        await show(update, context, "\n\n".join([t(lang, "cmc.review"), _preview(lang, draft)]), keyboard)
        return state
    fields = _fields(draft)
    assert draft.asked is not None
    number_ = fields.index(draft.asked) + 1 if draft.asked in fields else 0
    step = t(lang, "cmc.step", record=t_plain(lang, f"cmc.record.{draft.record}"), number=number_, total=len(fields))
    rest: list[InlineKeyboardButton] = []
    if _required_given(draft) and number_ < len(fields):
        rest = [button(t_plain(lang, "cmc.rest"), REST())]
    await steps.ask_value(update, context, DRAFT_KEY, draft, KINDS, step=step, extra=rest)
    return state


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = ADD.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    if not can(context.staff(), Permission.COMMUNITY_WRITE):
        await report(update, context, PermissionDenied("community.write", permission="community.write"))
        return ConversationHandler.END
    enter(context, NAME)
    draft = FormDraft(record=values[0])
    draft.asked = _fields(draft)[0]
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.VALUE)


async def _guarded(update: Update, context: DongneContext, state: State) -> State | int:
    try:
        return await _ask(update, context, state)
    except DongneError as error:
        steps.forget(context, DRAFT_KEY)
        await report(update, context, error)
        return ConversationHandler.END


async def _next(update: Update, context: DongneContext, draft: FormDraft) -> State | int:
    """On to the field after the one just answered (or skipped), or the summary after the last."""
    fields = _fields(draft)
    assert draft.asked is not None
    later = fields[fields.index(draft.asked) + 1 :] if draft.asked in fields else []
    if not later:
        draft.asked = None
        steps.keep(context, DRAFT_KEY, draft)
        return await _guarded(update, context, State.REVIEW)
    draft.asked = later[0]
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.VALUE)


async def _given(update: Update, context: DongneContext, draft: FormDraft, value: object) -> State | int:
    draft.give(value)
    if draft.asked == "sponsor" and value != HOUSING:
        for name in HOUSING_ONLY:
            draft.changes.pop(name, None)
        draft.complex_name = None
    return await _next(update, context, draft)


async def on_text(update: Update, context: DongneContext) -> State | int:
    draft = steps.load(context, DRAFT_KEY)
    if draft is None or draft.asked is None:
        await say(update, context, t(context.lang, "cmc.use_buttons"))
        return State.REVIEW if draft is not None else ConversationHandler.END
    ok, value = await steps.typed_value(update, context, DRAFT_KEY, draft, KINDS)
    if not ok:
        return State.VALUE
    return await _given(update, context, draft, value)


async def on_choice(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    draft = steps.load(context, DRAFT_KEY)
    ok, value = steps.chosen(draft, KINDS.choice.parse(query.data))
    if not ok or draft is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.VALUE
    await answer(update, context)
    return await _given(update, context, draft, value)


async def on_skip(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    draft = steps.load(context, DRAFT_KEY)
    if draft is None or draft.asked is None:
        return await _guarded(update, context, State.REVIEW)
    draft.changes.pop(draft.asked, None)
    return await _next(update, context, draft)


async def on_rest(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    draft = steps.load(context, DRAFT_KEY)
    if draft is None or not _required_given(draft):
        return await _guarded(update, context, State.VALUE)
    draft.asked = None
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.REVIEW)


async def on_back(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    draft = steps.load(context, DRAFT_KEY)
    if draft is None:
        return ConversationHandler.END
    fields = _fields(draft)
    at = fields.index(draft.asked) if draft.asked in fields else len(fields)
    draft.asked = fields[max(0, at - 1)]
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.VALUE)


async def on_save(update: Update, context: DongneContext) -> State | int:
    """저장: registered once (the draft is forgotten before the reply, so a second press finds nothing)."""
    await answer(update, context)
    draft = steps.load(context, DRAFT_KEY)
    if draft is None:
        return ConversationHandler.END
    lang, actor, values = context.lang, context.staff(), draft.values()
    try:
        if draft.record == ORGANIZATION:
            organization = await context.services.organizations.register(actor, organization_draft(values))
            text, record_id = render_organization(lang, organization), organization.id
        else:
            project = await context.services.grant_projects.register(actor, project_draft(values))
            text, record_id = render_project(lang, project), project.id
    except DongneError as error:
        return await _refused(update, context, draft, error)
    steps.forget(context, DRAFT_KEY)
    await show(update, context, t(lang, f"cmc.added.{draft.record}"))
    await say(update, context, text, markup([button(t_plain(lang, "cmc.edit_button"), EDIT(draft.record, record_id))]))
    return ConversationHandler.END


async def _refused(update: Update, context: DongneContext, draft: FormDraft, error: DongneError) -> State | int:
    """Asks the field the refusal names again; a refusal of the whole (the grant withdrawn) ends here."""
    field = error.params.get("field")
    name = FIELD_OF.get(error.code) or (str(field).rpartition(".")[2] if field else None)
    name = "facility_remarks" if field == "facility.remarks" else name
    await say(update, context, refusal(context.lang, draft.record, error))
    if name in _fields(draft):
        draft.asked = name
        steps.keep(context, DRAFT_KEY, draft)
        return await _guarded(update, context, State.VALUE)
    if isinstance(error, PermissionDenied):
        steps.forget(context, DRAFT_KEY)
        return ConversationHandler.END
    return State.REVIEW


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


async def _reshow(update: Update, context: DongneContext, state: object) -> object:
    return await _guarded(update, context, state if isinstance(state, State) else State.VALUE)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    moving = [steps.press(KINDS.back, on_back)]
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=ADD.pattern)],
        states={
            State.VALUE: [
                on_message(focus, NAME, TEXT, on_text),
                steps.press(KINDS.choice, on_choice),
                steps.press(KINDS.empty, on_skip),
                steps.press(REST, on_rest),
                *moving,
            ],
            State.REVIEW: [on_message(focus, NAME, TEXT, on_text), steps.press(SAVE, on_save), *moving],
        },
        fallbacks=[steps.press(KINDS.cancel, cancel)],
        cancel=cancel,
        reshow=_reshow,
    )
