"""민원 접수 — a housing officer enters a complaint about a complex, as the hand-written ledger had it.

The journey: ➕ 민원 접수 under a complex's complaints asks one thing a step: the date received (typed, or
today's from a button), the channel (buttons), the complainant's name and phone (each may be skipped), what
the complaint is, and who handles it (the members who may: housing edit rights for the complex's dong). A
summary asks for confirmation; the complaint is registered and its assignee told, unless it is the officer.
A typing slip is answered with what is expected and the same question stays open; /cancel leaves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from conversations.buttons import ButtonData, number, one_of
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, TEXT, DialogueFocus, dialogue, enter, leave, on_message, scratch
from conversations.housing.card import fmt_date
from conversations.housing.complaint_list import show_complaint
from conversations.housing.complaint_view import NEW, assignee_buttons, channel_label
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.housing.complaints import CONTENT_LIMIT, NAME_LIMIT, read_complainant, read_contact, read_content
from core.housing.values import COMPLAINT_CHANNELS, ComplaintDraft
from core.texts.i18n import t, t_plain

NAME = "complaint_register"
DRAFT_KEY = "hc_new"

TODAY = ButtonData("hc:r:today")
CHANNEL = ButtonData("hc:r:ch", one_of("channel", COMPLAINT_CHANNELS))
SKIP = ButtonData("hc:r:skip")
ASSIGNEE = ButtonData("hc:r:as", number("staff_id"))
CONFIRM = ButtonData("hc:r:ok")
CANCEL = ButtonData("hc:r:x")


class State(StrEnum):
    DATE = "date"
    CHANNEL = "channel"
    COMPLAINANT = "complainant"
    CONTACT = "contact"
    CONTENT = "content"
    ASSIGNEE = "assignee"
    CONFIRM = "confirm"


Reply = Callable[[Update, DongneContext, str, InlineKeyboardMarkup | None], Awaitable[object]]


def _draft(context: DongneContext) -> dict[str, Any]:
    return scratch(context, DRAFT_KEY)


def _cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "hc.button.cancel"), CANCEL())]


def _skip_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "hc.button.skip"), SKIP()), *_cancel_row(lang)]


async def start(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = NEW.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    (complex_id,) = values
    try:
        name = await context.services.complaints.complex_name(context.staff(), complex_id)
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    enter(context, NAME)
    assert context.user_data is not None
    context.user_data[DRAFT_KEY] = {"complex_id": complex_id, "complex": name}
    return await _ask(update, context, State.DATE, say)


async def _ask(update: Update, context: DongneContext, state: State, reply: Reply = say) -> State:
    lang, draft = context.lang, _draft(context)
    if state is State.DATE:
        today = context.services.complaints.today()
        keyboard = markup([button(t_plain(lang, "hc.button.today", date=fmt_date(today)), TODAY())], _cancel_row(lang))
        await reply(update, context, t(lang, "hc.new.ask_date", complex=draft.get("complex", "")), keyboard)
    elif state is State.CHANNEL:
        picks = [button(channel_label(lang, code), CHANNEL(code)) for code in COMPLAINT_CHANNELS]
        await reply(update, context, t(lang, "hc.new.ask_channel"), markup(*rows(picks, 3), _cancel_row(lang)))
    elif state is State.COMPLAINANT:
        await reply(update, context, t(lang, "hc.new.ask_complainant", limit=NAME_LIMIT), markup(_skip_row(lang)))
    elif state is State.CONTACT:
        await reply(update, context, t(lang, "hc.new.ask_contact"), markup(_skip_row(lang)))
    elif state is State.CONTENT:
        await reply(update, context, t(lang, "hc.new.ask_content", limit=CONTENT_LIMIT), markup(_cancel_row(lang)))
    elif state is State.ASSIGNEE:
        people = await context.services.complaints.assignees(context.staff(), int(draft["complex_id"]))
        picks = assignee_buttons(lang, people, ASSIGNEE)
        await reply(update, context, t(lang, "hc.new.ask_assignee"), markup(*rows(picks, 2), _cancel_row(lang)))
    else:
        none = t_plain(lang, "hc.none")
        text = t(
            lang,
            "hc.new.confirm",
            complex=draft["complex"],
            date=fmt_date(date.fromisoformat(draft["received_on"])),
            channel=channel_label(lang, draft["channel"]),
            complainant=draft.get("complainant") or none,
            contact=draft.get("contact") or none,
            assignee=draft["assignee"],
            content=draft["content"],
        )
        confirm = [button(t_plain(lang, "hc.button.confirm"), CONFIRM()), *_cancel_row(lang)]
        await reply(update, context, text, markup(confirm))
    return state


async def _next(update: Update, context: DongneContext, state: State) -> State | int:
    try:
        return await _ask(update, context, state)
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END


async def on_date(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    try:
        received = context.services.complaints.read_received_on(update.message.text or "")
    except DongneError as error:
        await report(update, context, error)
        return State.DATE
    _draft(context)["received_on"] = received.isoformat()
    return await _next(update, context, State.CHANNEL)


async def on_today(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    today = context.services.complaints.today()
    _draft(context)["received_on"] = today.isoformat()
    await show(update, context, t(context.lang, "hc.new.answered_date", value=fmt_date(today)))
    return await _next(update, context, State.CHANNEL)


async def on_channel(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = CHANNEL.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.CHANNEL
    await answer(update, context)
    (_draft(context)["channel"],) = values
    await show(
        update, context, t(context.lang, "hc.new.answered_channel", value=channel_label(context.lang, values[0]))
    )
    return await _next(update, context, State.COMPLAINANT)


async def on_complainant(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    try:
        _draft(context)["complainant"] = read_complainant(update.message.text or "")
    except DongneError as error:
        await report(update, context, error)
        return State.COMPLAINANT
    return await _next(update, context, State.CONTACT)


async def on_contact(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    try:
        _draft(context)["contact"] = read_contact(update.message.text or "")
    except DongneError as error:
        await report(update, context, error)
        return State.CONTACT
    return await _next(update, context, State.CONTENT)


async def on_skip_complainant(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    _draft(context).pop("complainant", None)
    await show(update, context, t(context.lang, "hc.new.answered_complainant", value=t_plain(context.lang, "hc.none")))
    return await _next(update, context, State.CONTACT)


async def on_skip_contact(update: Update, context: DongneContext) -> State | int:
    await answer(update, context)
    _draft(context).pop("contact", None)
    await show(update, context, t(context.lang, "hc.new.answered_contact", value=t_plain(context.lang, "hc.none")))
    return await _next(update, context, State.CONTENT)


async def on_content(update: Update, context: DongneContext) -> State | int:
    assert update.message is not None
    try:
        _draft(context)["content"] = read_content(update.message.text or "")
    except DongneError as error:
        await report(update, context, error)
        return State.CONTENT
    return await _next(update, context, State.ASSIGNEE)


async def on_assignee(update: Update, context: DongneContext) -> State | int:
    query = update.callback_query
    assert query is not None
    values = ASSIGNEE.parse(query.data)
    draft = _draft(context)
    try:
        people = await context.services.complaints.assignees(context.staff(), int(draft["complex_id"]))
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    chosen = next((p for p in people if values is not None and p.id == values[0]), None)
    if chosen is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.ASSIGNEE
    await answer(update, context)
    draft["assignee_id"], draft["assignee"] = chosen.id, chosen.name
    return await _next(update, context, State.CONFIRM)


async def on_confirm(update: Update, context: DongneContext) -> State | int:
    draft, lang = _draft(context), context.lang
    if "assignee_id" not in draft:
        await answer(update, context, "common.button_invalid", alert=True)
        return ConversationHandler.END
    await answer(update, context)
    actor = context.staff()
    try:
        view = await context.services.complaints.register(
            actor,
            ComplaintDraft(
                complex_id=int(draft["complex_id"]),
                received_on=date.fromisoformat(draft["received_on"]),
                channel=draft["channel"],
                content=draft["content"],
                assignee_id=int(draft["assignee_id"]),
                complainant=draft.get("complainant"),
                contact=draft.get("contact"),
            ),
        )
    except DongneError as error:
        await report(update, context, error)
        return State.CONFIRM if error.code == "complaint_assignee_not_allowed" else ConversationHandler.END
    assert context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    key = "hc.new.registered_notified" if view.notice_queued else "hc.new.registered"
    await show(update, context, t(lang, key, id=view.id, name=view.assignee_name))
    await show_complaint(update, context, view, edit=False)
    return ConversationHandler.END


async def use_buttons(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "hc.new.use_buttons"))


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    other = on_message(focus, NAME, ANY_MESSAGE, use_buttons)
    skip_complainant = CallbackQueryHandler(on_skip_complainant, pattern=SKIP.pattern)
    skip_contact = CallbackQueryHandler(on_skip_contact, pattern=SKIP.pattern)
    return dialogue(
        NAME,
        focus,
        entry_points=[CallbackQueryHandler(start, pattern=NEW.pattern)],
        states={
            State.DATE: [
                on_message(focus, NAME, TEXT, on_date),
                CallbackQueryHandler(on_today, pattern=TODAY.pattern),
                other,
            ],
            State.CHANNEL: [CallbackQueryHandler(on_channel, pattern=CHANNEL.pattern), other],
            State.COMPLAINANT: [on_message(focus, NAME, TEXT, on_complainant), skip_complainant, other],
            State.CONTACT: [on_message(focus, NAME, TEXT, on_contact), skip_contact, other],
            State.CONTENT: [on_message(focus, NAME, TEXT, on_content), other],
            State.ASSIGNEE: [CallbackQueryHandler(on_assignee, pattern=ASSIGNEE.pattern), other],
            State.CONFIRM: [CallbackQueryHandler(on_confirm, pattern=CONFIRM.pattern), other],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=CANCEL.pattern)],
        cancel=cancel,
        reshow=_ask,
    )
