"""단체(기관)·지원사업 수정 — a community officer keeps an organisation or a grant project current.

The journey: ✏️ 수정 on an organisation's card or a project's screen (shown to a member holding
``community.write`` for it) shows the record with a button for each field. A field is typed, chosen from
buttons, or emptied when it may be; the change is saved at once and the record shown again, so the officer can
change the next field. Moving a project to the 공동주택 call asks for its complex, found by name.

Every save names the version the officer read. If someone else saved the record in between, the officer is
told who, with the record as it now stands, and may apply the same change again on top of it or drop it. The
draft lives in the user's data, so a restart loses nothing."""

from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData, number, one_of
from conversations.community import form_steps as steps
from conversations.community.buttons import EDIT
from conversations.community.form_steps import FormDraft, StepButtons
from conversations.community.view import label, refusal, render_organization, render_project
from conversations.context import DongneContext
from conversations.dialogue import TEXT, DialogueFocus, dialogue, enter, on_message
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.community.changes import ChangedMeanwhile
from core.community.fields import FIELDS, HOUSING_ONLY, ORGANIZATION
from core.community.values import HOUSING, GrantProjectRecord, OrganizationRecord
from core.errors import DongneError, PermissionDenied
from core.texts.i18n import t, t_plain

NAME = "community_edit"
DRAFT_KEY = "cme_draft"
ALL_FIELDS = sorted({f.name for fields in FIELDS.values() for f in fields})

FIELD = ButtonData("cme:f", one_of("field", ALL_FIELDS))
AGAIN = ButtonData("cme:again")
DROP = ButtonData("cme:drop")
KINDS = StepButtons(
    choice=ButtonData("cme:v", number("index", 3)),
    empty=ButtonData("cme:clear"),
    empty_key="cmc.clear",
    cancel=ButtonData("cme:cancel"),
    back=ButtonData("cme:back"),
)


class State(StrEnum):
    FIELD = "field"  # which field to change
    VALUE = "value"  # the field's new value
    CONFLICT = "conflict"  # someone saved in between: apply again or drop


Record = OrganizationRecord | GrantProjectRecord


async def _current(context: DongneContext, draft: FormDraft) -> Record:
    assert draft.record_id is not None
    if draft.record == ORGANIZATION:
        return await context.services.organizations.card(context.staff(), draft.record_id)
    return await context.services.grant_projects.project(context.staff(), draft.record_id)


def _render(lang: str, item: Record) -> str:
    return render_organization(lang, item) if isinstance(item, OrganizationRecord) else render_project(lang, item)


def _writable(context: DongneContext, item: Record) -> bool:
    if isinstance(item, OrganizationRecord):
        return context.services.organizations.writable(context.staff(), item)
    return context.services.grant_projects.writable(context.staff(), item)


async def _ask(update: Update, context: DongneContext, state: State, *, fresh: bool = False) -> State:
    draft = steps.load(context, DRAFT_KEY)
    if draft is None:
        raise ChangedMeanwhile(None)
    lang = context.lang
    if state is State.FIELD:
        item = await _current(context, draft)
        if not _writable(context, item):
            raise PermissionDenied("community.write", permission="community.write")
        draft.version, draft.asked, draft.changes = item.version, None, {}
        steps.keep(context, DRAFT_KEY, draft)
        names = [f.name for f in FIELDS[draft.record]]
        if isinstance(item, GrantProjectRecord) and item.project.sponsor != HOUSING:
            names = [n for n in names if n not in HOUSING_ONLY]
        picks = [button(label(lang, draft.record, n), FIELD(n)) for n in names]
        text = "\n\n".join([_render(lang, item), t(lang, "cmc.pick_field")])
        keyboard = markup(*rows(picks, 2), [button(t_plain(lang, "cmc.done"), KINDS.cancel())])
        await (say if fresh else show)(update, context, text, keyboard)
    elif state is State.VALUE:
        await steps.ask_value(update, context, DRAFT_KEY, draft, KINDS)
    else:
        keyboard = markup([button(t_plain(lang, "cmc.again"), AGAIN()), button(t_plain(lang, "cmc.drop"), DROP())])
        await show(update, context, t(lang, "cmc.again_ask"), keyboard)
    return state


async def _guarded(update: Update, context: DongneContext, state: State, *, fresh: bool = False) -> State | int:
    """Ask ``state``; a refusal (the grant withdrawn, the record gone) ends the dialogue politely."""
    try:
        return await _ask(update, context, state, fresh=fresh)
    except DongneError as error:
        draft = steps.load(context, DRAFT_KEY)
        steps.forget(context, DRAFT_KEY)
        await say(update, context, refusal(context.lang, draft.record if draft else ORGANIZATION, error))
        return ConversationHandler.END


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = EDIT.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    enter(context, NAME)
    steps.keep(context, DRAFT_KEY, FormDraft(record=values[0], record_id=values[1]))
    return await _guarded(update, context, State.FIELD, fresh=True)


async def on_field(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    draft, values = steps.load(context, DRAFT_KEY), FIELD.parse(query.data)
    if draft is None or values is None or values[0] not in {f.name for f in FIELDS[draft.record]}:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.FIELD
    await answer(update, context)
    draft.asked = values[0]
    steps.keep(context, DRAFT_KEY, draft)
    return await _guarded(update, context, State.VALUE)


async def on_text(update: Update, context: DongneContext) -> State | int:
    draft = steps.load(context, DRAFT_KEY)
    if draft is None or draft.asked is None:
        await say(update, context, t(context.lang, "cmc.use_buttons"))
        return State.FIELD
    ok, value = await steps.typed_value(update, context, DRAFT_KEY, draft, KINDS)
    return await _save(update, context, draft, value) if ok else State.VALUE


async def on_choice(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    draft = steps.load(context, DRAFT_KEY)
    ok, value = steps.chosen(draft, KINDS.choice.parse(query.data))
    if not ok or draft is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.VALUE
    await answer(update, context)
    return await _save(update, context, draft, value)


async def on_clear(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    draft = steps.load(context, DRAFT_KEY)
    if draft is None or draft.asked is None:
        return ConversationHandler.END
    return await _save(update, context, draft, None)


async def _save(update: Update, context: DongneContext, draft: FormDraft, value: object) -> State | int:
    """Save the change (or, moving a project to the 공동주택 call, first ask for its complex)."""
    draft.give(value)
    if draft.asked == "sponsor" and value == HOUSING and "complex_id" not in draft.changes:
        current = await _current(context, draft)
        if isinstance(current, GrantProjectRecord) and current.project.complex_id is None:
            draft.asked = "complex_id"
            steps.keep(context, DRAFT_KEY, draft)
            await say(update, context, t(context.lang, "cmc.needs_complex"))
            return await _guarded(update, context, State.VALUE)
    steps.keep(context, DRAFT_KEY, draft)
    return await _submit(update, context, draft)


async def _submit(update: Update, context: DongneContext, draft: FormDraft) -> State | int:
    assert draft.record_id is not None and draft.version is not None
    lang, actor = context.lang, context.staff()
    try:
        if draft.record == ORGANIZATION:
            await context.services.organizations.edit(actor, draft.record_id, draft.version, draft.values())
        else:
            await context.services.grant_projects.edit(actor, draft.record_id, draft.version, draft.values())
    except ChangedMeanwhile as conflict:
        if conflict.current is None:
            steps.forget(context, DRAFT_KEY)
            await say(update, context, refusal(lang, draft.record, conflict))
            return ConversationHandler.END
        draft.version = conflict.current.version
        steps.keep(context, DRAFT_KEY, draft)
        text = "\n\n".join(
            [refusal(lang, draft.record, conflict), _render(lang, conflict.current), t(lang, "cmc.again_ask")]
        )
        keyboard = markup([button(t_plain(lang, "cmc.again"), AGAIN()), button(t_plain(lang, "cmc.drop"), DROP())])
        await say(update, context, text, keyboard)
        return State.CONFLICT
    except PermissionDenied as error:
        steps.forget(context, DRAFT_KEY)
        await report(update, context, error)
        return ConversationHandler.END
    except DongneError as error:
        draft.changes = {}
        steps.keep(context, DRAFT_KEY, draft)
        await say(update, context, refusal(lang, draft.record, error))
        return await _guarded(update, context, State.VALUE)
    await say(update, context, t(lang, "cmc.saved", field=label(lang, draft.record, draft.asked or "name")))
    return await _guarded(update, context, State.FIELD, fresh=True)


async def on_again(update: Update, context: DongneContext) -> State | int:
    """Apply the same change on top of the record as it now stands (the version the conflict showed)."""
    await answer(update, context)
    draft = steps.load(context, DRAFT_KEY)
    if draft is None or not draft.changes:
        return await _guarded(update, context, State.FIELD, fresh=True)
    return await _submit(update, context, draft)


async def on_drop(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    await show(update, context, t(context.lang, "cmc.dropped"))
    return await _guarded(update, context, State.FIELD, fresh=True)


async def on_back(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    return await _guarded(update, context, State.FIELD)


async def cancel(update: Update, context: DongneContext) -> int:
    """닫기 (or /cancel): nothing unsaved is lost, since every change was saved as it was given."""
    await answer(update, context)
    steps.forget(context, DRAFT_KEY)
    if update.callback_query:
        await show(update, context, t(context.lang, "cmc.closed"))
    else:
        await say(update, context, t(context.lang, "common.cancelled"))
    return ConversationHandler.END


async def _reshow(update: Update, context: DongneContext, state: object) -> object:
    return await _guarded(update, context, state if isinstance(state, State) else State.FIELD)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=EDIT.pattern)],
        states={
            State.FIELD: [steps.press(FIELD, on_field), on_message(focus, NAME, TEXT, on_text)],
            State.VALUE: [
                on_message(focus, NAME, TEXT, on_text),
                steps.press(KINDS.choice, on_choice),
                steps.press(KINDS.empty, on_clear),
                steps.press(KINDS.back, on_back),
            ],
            State.CONFLICT: [steps.press(AGAIN, on_again), steps.press(DROP, on_drop)],
        },
        fallbacks=[steps.press(KINDS.cancel, cancel)],
        cancel=cancel,
        reshow=_reshow,
    )
