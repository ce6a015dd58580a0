"""저장된 수신자 목록 inside 문자 보내기: choose a saved list as the recipients, delete one, or save the people
just chosen under a name to reach them again later. Part of the ``sms_compose`` dialogue; its states are
that dialogue's."""

from __future__ import annotations

from telegram import Update

from conversations.buttons import which
from conversations.context import DongneContext
from conversations.keyboards import button, markup
from conversations.replies import answer, report, say, show
from conversations.sms.buttons import LIST, LIST_DELETE, LIST_DELETE_YES, LISTS_BACK, SAVE_LIST_BACK, SAVED_LISTS
from conversations.sms.draft import (
    State,
    ask_kind,
    cancel_row,
    choose_anew,
    draft_of,
    resolved,
    selection_of,
    show_preview,
    text_prompt_keyboard,
)
from core.errors import DongneError
from core.sms.lists import NAME_LIMIT
from core.sms.values import SavedList
from core.texts.i18n import t, t_plain


async def _saved(update: Update, context: DongneContext) -> tuple[SavedList, ...] | None:
    try:
        return await context.services.sms_lists.list_saved(context.staff())
    except DongneError as error:
        await report(update, context, error)
        return None


async def show_lists(update: Update, context: DongneContext, *, edit: bool = False) -> State:
    lang = context.lang
    saved = await _saved(update, context)
    if saved is None:
        return State.LISTS
    back = button(t_plain(lang, "sms.lists.back"), LISTS_BACK())
    if not saved:
        await (show if edit else say)(update, context, t(lang, "sms.lists.empty"), markup(cancel_row(lang, back)))
        return State.LISTS
    picks = [
        [
            button(t_plain(lang, "sms.lists.pick", name=s.name, count=s.entry_count), LIST(s.id)),
            button(t_plain(lang, "sms.lists.delete"), LIST_DELETE(s.id)),
        ]
        for s in saved
    ]
    body = t(lang, "sms.lists.head", count=len(saved))
    await (show if edit else say)(update, context, body, markup(*picks, cancel_row(lang, back)))
    return State.LISTS


async def on_open(update: Update, context: DongneContext) -> State:
    """저장된 목록 pressed among the kinds (or 아니요 on a deletion)."""
    await answer(update, context)
    return await show_lists(update, context, edit=True)


async def on_back(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await ask_kind(update, context)


async def on_list_button(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    found = which(query.data, (LIST, LIST_DELETE, LIST_DELETE_YES))
    saved = await _saved(update, context) if found else None
    chosen = next((s for s in saved or () if found and s.id == found[1][0]), None)
    if found is None or chosen is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.LISTS
    lang = context.lang
    if found[0] is LIST_DELETE:
        await answer(update, context)
        keyboard = markup(
            [
                button(t_plain(lang, "sms.lists.delete_yes"), LIST_DELETE_YES(chosen.id)),
                button(t_plain(lang, "sms.lists.delete_no"), SAVED_LISTS()),
            ]
        )
        await show(update, context, t(lang, "sms.lists.delete_ask", name=chosen.name), keyboard)
        return State.LISTS
    if found[0] is LIST_DELETE_YES:
        try:
            await context.services.sms_lists.delete(context.staff(), chosen.id)
        except DongneError as error:
            await answer(update, context)
            await report(update, context, error)
            return State.LISTS
        await answer(update, context, "sms.lists.deleted", name=chosen.name)
        return await show_lists(update, context, edit=True)
    await answer(update, context)
    choose_anew(context, kind="saved", list_id=chosen.id, list_name=chosen.name)
    return await resolved(update, context)


async def on_save(update: Update, context: DongneContext) -> State:
    """💾 목록 저장: ask for a name."""
    await answer(update, context)
    return await ask_name(update, context)


async def ask_name(update: Update, context: DongneContext) -> State:
    lang = context.lang
    back = button(t_plain(lang, "sms.lists.save_back"), SAVE_LIST_BACK())
    await say(update, context, t(lang, "sms.lists.ask_name", limit=NAME_LIMIT), markup(cancel_row(lang, back)))
    return State.LIST_NAME


async def _return(update: Update, context: DongneContext) -> State:
    """Back to where saving was asked from: the preview once a text is written, else the request for it."""
    draft = draft_of(context)
    if draft.get("text"):
        return await show_preview(update, context)
    lang = context.lang
    await say(update, context, t(lang, "sms.new.ask_text"), text_prompt_keyboard(lang, draft))
    return State.TEXT


async def on_name(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    draft, lang = draft_of(context), context.lang
    try:
        result = await context.services.sms_lists.save_selection(
            context.staff(), update.message.text or "", selection_of(draft)
        )
    except DongneError as error:
        await report(update, context, error)
        return State.LIST_NAME
    saved = result.saved
    await say(update, context, t(lang, "sms.lists.saved", name=saved.name, count=saved.entry_count))
    return await _return(update, context)


async def on_save_back(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await _return(update, context)
