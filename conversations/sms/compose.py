"""문자 보내기 — a staff member with ``sms.send`` texts managers, representatives or group leaders, or
the people of a list they saved.

The journey: ``/sms`` (or 문자 보내기 in the menu) asks whom to reach (관리소장, 입주자대표, 공동체활성화
단체장, or a saved list: see sms_lists.py), then where (every complex, one dong, or complexes found by
name and ticked), and for representatives which position (e.g. only 회장). The resolved list follows:
how many people, duplicates merged, invalid numbers listed and left out, people without a mobile. The
staff member types the text; the preview shows the count, SMS or LMS by EUC-KR bytes, the sender number
and the text as the first person will read it. 지금 보내기 or 예약 발송 (a day, an hour and a minute from
buttons) lead to a last confirmation; 보내기 there sends once, however often it is tapped. The draft
lives in the user's data, so a restart loses nothing."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import menu
from conversations.buttons import ButtonData
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message
from conversations.keyboards import button, markup, page_row
from conversations.replies import answer, report, say, show
from conversations.sms import buttons, lists, organizations, scope
from conversations.sms import schedule as picker
from conversations.sms.draft import (
    DRAFT_KEY,
    State,
    after_scope,
    ask_kind,
    ask_scope,
    ask_subject,
    ask_text,
    cancel_row,
    choose_anew,
    confirm,
    draft_of,
    resolved,
    scheduled_of,
    selection_of,
    show_preview,
)
from conversations.sms.view import render_recipients, scope_text
from core.errors import DongneError
from core.permissions import Permission, can, require
from core.sms.selection import sees_phones
from core.sms.values import COMMUNITY_KINDS, RECIPIENT_KINDS
from core.texts.i18n import t, t_plain

NAME = "sms_compose"
SENT_KEY = "sms_sent"
PICKER_KEY = "picker"  # in the draft: the picker's last screen, as the data of the button that led to it


# -- handlers ----------------------------------------------------------------------------------------


async def start(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    enter(context, NAME)
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = {}
    try:
        # Said now, before any choice, to a staff member without the role; core checks again on every call.
        require(context.staff(), Permission.SMS_SEND)
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    return await ask_kind(update, context)


def _invalid(update: Update, context: DongneContext) -> Any:
    return answer(update, context, "common.button_invalid", alert=True)


async def on_kind(update: Update, context: DongneContext) -> State:
    query = update.callback_query
    assert query is not None
    values = buttons.KIND.parse(query.data)
    if values is None or values[0] not in RECIPIENT_KINDS:
        await _invalid(update, context)
        return State.KIND
    if values[0] in COMMUNITY_KINDS and not can(context.staff(), Permission.COMMUNITY_READ):
        await _invalid(update, context)  # a kind never offered to this sender (core refuses it as well)
        return State.KIND
    await answer(update, context)
    choose_anew(context, kind=values[0])
    return await ask_scope(update, context, edit=True)


async def on_text(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    return await show_preview(update, context, text=update.message.text or "")


async def on_repick(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    choose_anew(context)
    return await ask_kind(update, context)


async def on_retext(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    lang = context.lang
    await say(update, context, ask_text(lang, draft_of(context)), markup(cancel_row(lang)))
    return State.TEXT


async def on_subject(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    return await show_preview(update, context, subject=update.message.text or "")


async def on_default_subject(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await show_preview(update, context, edit=True, default_subject=True)


async def on_change_subject(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await ask_subject(update, context, edit=True)


async def on_recipients(update: Update, context: DongneContext) -> State:
    """받는 사람 보기: a page of the preview's recipients in place of the preview, and back to it. A page
    that no longer exists (the people changed since, or the button was made up) asks the preview again."""
    query = update.callback_query
    assert query is not None
    lang, draft = context.lang, draft_of(context)
    values = buttons.RECIPIENTS.parse(query.data)
    if values is None or values[0] < 0:  # the pager's step before the first page
        await answer(update, context, "common.screen_outdated")
        return await show_preview(update, context)
    try:
        page = await context.services.sms.recipient_page(context.staff(), selection_of(draft), values[0])
    except DongneError as error:  # e.g. the sender's dongs narrowed since: the preview would say the same
        await answer(update, context)
        await report(update, context, error)
        return State.PREVIEW
    if not page.items:
        await answer(update, context, "common.screen_outdated")
        return await show_preview(update, context)
    await answer(update, context)
    masked = not sees_phones(context.staff())
    body = render_recipients(lang, scope_text(lang, draft), page, masked=masked)
    keyboard = markup(
        page_row(lang, page, (buttons.RECIPIENTS(page.number - 1), buttons.RECIPIENTS(page.number + 1))),
        cancel_row(lang, button(t_plain(lang, "sms.new.back_preview"), buttons.BACK_TO_PREVIEW())),
    )
    await show(update, context, body, keyboard)
    return State.PREVIEW


async def on_back_preview(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    return await show_preview(update, context, edit=True)


async def on_send_now(update: Update, context: DongneContext) -> State:
    await answer(update, context)
    try:
        return await confirm(update, context, None)
    except DongneError as error:
        await report(update, context, error)
        return State.PREVIEW


def _picker_screen(context: DongneContext, data: str) -> tuple[str, InlineKeyboardMarkup] | None:
    """The picker's screen a button leads to (the days of a page, a day's hours, an hour's minutes); None
    for a button that picks the time itself, or that is no step of the picker."""
    lang, now = context.lang, context.services.clock.local()
    page = buttons.DAY_PAGE.parse(data)
    if buttons.SCHEDULE.parse(data) is not None or page:
        number = page[0] if page else 0
        return t(lang, "sms.schedule.ask_day"), picker.day_keyboard(lang, now.date(), number)
    if (day_values := buttons.DAY.parse(data)) and (day := picker.parse_day(day_values[0])):
        label = picker.day_label(lang, day, now.date())
        return t(lang, "sms.schedule.ask_hour", day=label), picker.hour_keyboard(lang, day, now)
    if (hour_values := buttons.HOUR.parse(data)) and (day := picker.parse_day(hour_values[0])) and hour_values[1] < 24:
        hour, label = hour_values[1], picker.day_label(lang, day, now.date())
        return t(lang, "sms.schedule.ask_minute", day=label, hour=hour), picker.minute_keyboard(lang, day, hour)
    return None


async def on_schedule_button(update: Update, context: DongneContext) -> State:
    """예약 발송, and every step of the picker: day page, day, hour, minute."""
    query = update.callback_query
    assert query is not None
    data, draft = query.data or "", draft_of(context)
    if screen := _picker_screen(context, data):
        await answer(update, context)
        # Kept with the draft, so the picker can be shown again where it was.
        draft[PICKER_KEY] = data
        await show(update, context, *screen)
        return State.SCHEDULE
    instant = picker.picked(data, context.services.clock.zone)
    if instant is None:
        await _invalid(update, context)
        return State.SCHEDULE
    await answer(update, context)
    try:
        return await confirm(update, context, instant)
    except DongneError as error:
        await report(update, context, error)
        draft[PICKER_KEY] = buttons.SCHEDULE()
        return await _ask_schedule(update, context)


async def _ask_schedule(update: Update, context: DongneContext) -> State:
    screen = _picker_screen(context, str(draft_of(context).get(PICKER_KEY, ""))) or _picker_screen(
        context, buttons.SCHEDULE()
    )
    assert screen is not None
    await say(update, context, *screen)
    return State.SCHEDULE


async def _ask_confirm(update: Update, context: DongneContext) -> State:
    return await confirm(update, context, scheduled_of(draft_of(context)), again=True)


# How each step is asked again when a button of another step is pressed (see dialogue.dialogue).
_ASK: dict[State, Callable[[Update, DongneContext], Awaitable[State]]] = {
    State.KIND: ask_kind,
    State.LISTS: lists.show_lists,
    State.LIST_NAME: lists.ask_name,
    State.SCOPE: ask_scope,
    State.DONG: scope.ask_dong,
    State.COMPLEXES: scope.ask_complexes,
    State.POSITION: after_scope,
    State.FIELD: organizations.ask_field,
    State.LEGAL_TYPE: organizations.ask_legal_type,
    State.ORGANIZATIONS: organizations.ask_organizations,
    State.TEXT: resolved,
    State.PREVIEW: show_preview,
    State.SUBJECT: ask_subject,
    State.SCHEDULE: _ask_schedule,
    State.CONFIRM: _ask_confirm,
}


async def _reshow(update: Update, context: DongneContext, state: State) -> State:
    return await _ASK[state](update, context)


def _nonce(data: str | None) -> str:
    """The draft a 보내기 was made for; none (so it matches no draft) when the data is not a 보내기."""
    values = buttons.SEND.parse(data)
    return str(values[0]) if values else ""


async def on_send(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    draft = draft_of(context)
    nonce = _nonce(query.data)
    if not draft.get("nonce") or not secrets.compare_digest(str(draft["nonce"]), nonce):
        await _invalid(update, context)
        return State.CONFIRM
    await answer(update, context)
    # Forgotten before the send is awaited: a second tap finds nothing to send.
    draft.pop("nonce")
    try:
        batch = await context.services.sms.send(
            context.staff(),
            selection_of(draft),
            str(draft.get("text", "")),
            scheduled_of(draft),
            request_key=draft.get("request_key"),
            subject=draft.get("subject"),
        )
    except DongneError as error:
        await report(update, context, error)
        return await show_preview(update, context)
    context.user_data.pop(DRAFT_KEY, None)
    context.user_data[SENT_KEY] = [nonce, batch.id]
    lang, clock = context.lang, context.services.clock
    if batch.scheduled_at is not None:
        text = t(
            lang,
            "sms.new.scheduled_done",
            id=batch.id,
            count=batch.counts.total,
            at=clock.local(batch.scheduled_at).strftime("%Y-%m-%d %H:%M"),
        )
    else:
        text = t(lang, "sms.new.sent", id=batch.id, count=batch.counts.total)
    if not batch.ums_configured:
        text += "\n" + t(lang, "sms.ums_not_configured")
    follow = [button(t_plain(lang, "sms.new.open_batch"), buttons.BATCH(batch.id, 0))]
    if batch.cancellable and batch.scheduled_at is not None:
        follow.append(button(t_plain(lang, "sms.results.cancel"), buttons.CANCEL_BATCH(batch.id)))
    await show(update, context, text, markup(follow))
    return ConversationHandler.END


async def already_sent(update: Update, context: DongneContext) -> None:
    """보내기 tapped again after the batch went (a double tap, or an old confirmation)."""
    query = update.callback_query
    assert query is not None
    sent = (context.user_data or {}).get(SENT_KEY)
    nonce = _nonce(query.data)
    if sent and secrets.compare_digest(str(sent[0]), nonce):
        await answer(update, context, "sms.new.already_sent", alert=True, id=sent[1])
    else:
        await _invalid(update, context)


async def buttons_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "sms.new.use_buttons"))


async def text_expected(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "sms.new.text_expected"))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handlers(focus: DialogueFocus) -> list[Any]:
    def typed(callback: Any) -> Any:
        return on_message(focus, NAME, TEXT, callback)

    def pressed(callback: Any, kind: ButtonData) -> CallbackQueryHandler[DongneContext, Any]:
        return CallbackQueryHandler(callback, pattern=kind.pattern)

    def pressed_any(callback: Any, *kinds: ButtonData) -> list[CallbackQueryHandler[DongneContext, Any]]:
        return [pressed(callback, kind) for kind in kinds]

    other = on_message(focus, NAME, ANY_MESSAGE, buttons_expected)
    repick = pressed(on_repick, buttons.REPICK)
    save = pressed(lists.on_save, buttons.SAVE_LIST)
    conversation = dialogue(
        NAME,
        focus,
        entry_points=[CommandHandler("sms", start), pressed(start, menu.SMS)],
        states={
            State.KIND: [pressed(lists.on_open, buttons.SAVED_LISTS), pressed(on_kind, buttons.KIND), other],
            State.LISTS: [
                *pressed_any(lists.on_list_button, buttons.LIST, buttons.LIST_DELETE, buttons.LIST_DELETE_YES),
                pressed(lists.on_open, buttons.SAVED_LISTS),
                pressed(lists.on_back, buttons.LISTS_BACK),
                other,
            ],
            State.LIST_NAME: [
                typed(lists.on_name),
                pressed(lists.on_save_back, buttons.SAVE_LIST_BACK),
                on_message(focus, NAME, ANY_MESSAGE, text_expected),
            ],
            State.SCOPE: [pressed(scope.on_scope, buttons.SCOPE), other],
            State.DONG: [pressed(scope.on_dong, buttons.DONG), other],
            State.COMPLEXES: [
                typed(scope.on_complex_query),
                *pressed_any(scope.on_complex_button, buttons.COMPLEX, buttons.COMPLEX_PAGE),
                pressed(scope.on_complexes_done, buttons.COMPLEXES_DONE),
                on_message(focus, NAME, ANY_MESSAGE, text_expected),
            ],
            State.POSITION: [pressed(scope.on_position, buttons.POSITION), other],
            State.FIELD: [pressed(organizations.on_field, buttons.FIELD), other],
            State.LEGAL_TYPE: [pressed(organizations.on_legal_type, buttons.LEGAL_TYPE), other],
            State.ORGANIZATIONS: [
                typed(organizations.on_query),
                *pressed_any(organizations.on_button, buttons.ORGANIZATION, buttons.ORGANIZATION_PAGE),
                pressed(organizations.on_done, buttons.ORGANIZATIONS_DONE),
                on_message(focus, NAME, ANY_MESSAGE, text_expected),
            ],
            State.TEXT: [typed(on_text), repick, save, on_message(focus, NAME, ANY_MESSAGE, text_expected)],
            State.PREVIEW: [
                typed(on_text),
                pressed(on_send_now, buttons.SEND_NOW),
                pressed(on_schedule_button, buttons.SCHEDULE),
                pressed(on_retext, buttons.RETEXT),
                pressed(on_recipients, buttons.RECIPIENTS),
                pressed(on_back_preview, buttons.BACK_TO_PREVIEW),
                pressed(on_change_subject, buttons.SUBJECT),
                repick,
                save,
                other,
            ],
            State.SUBJECT: [
                typed(on_subject),
                pressed(on_default_subject, buttons.DEFAULT_SUBJECT),
                pressed(on_back_preview, buttons.BACK_TO_PREVIEW),
                pressed(on_retext, buttons.RETEXT),
                on_message(focus, NAME, ANY_MESSAGE, text_expected),
            ],
            State.SCHEDULE: [
                *pressed_any(on_schedule_button, buttons.DAY_PAGE, buttons.DAY, buttons.HOUR, buttons.AT),
                pressed(on_back_preview, buttons.BACK_TO_PREVIEW),
                other,
            ],
            State.CONFIRM: [
                pressed(on_send, buttons.SEND),
                pressed(on_back_preview, buttons.BACK_TO_PREVIEW),
                other,
            ],
        },
        fallbacks=[pressed(cancel, buttons.CANCEL)],
        cancel=cancel,
        reshow=_reshow,
    )
    return [conversation, CallbackQueryHandler(already_sent, pattern=buttons.SEND.pattern)]
