"""단체(기관) 조회 — a community officer looks up a village community organisation.

The journey: ``/community`` (or 🏘 마을공동체 단체 in the main menu) asks for part of a name; the officer types
``금옥`` (or ``/community 금옥`` at once) and picks the organisation from the buttons (paged when many match),
or browses by 분야, 유형 or 관할동 instead. The card mirrors the report's 단체(기관) 조회 screen with its
시설현황; a member who may change it gets ✏️ 수정 (the ``edit`` dialogue), and a writer gets ➕ 단체 등록 under
the question (the ``add`` dialogue). Typing another name at any point searches again; ``/cancel`` leaves."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import menu
from conversations.buttons import ButtonData, namespace, number, one_of, page, token, which
from conversations.community.buttons import ADD, EDIT, ORGANIZATION_CARD
from conversations.community.view import code_text, organization_line, render_organization
from conversations.context import DongneContext
from conversations.dialogue import TEXT, DialogueFocus, dialogue, enter, on_message
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, report, say, show
from core.community.values import LEGAL_TYPES, ORGANIZATION_FIELDS, OrganizationFilter, OrganizationSummary
from core.errors import DongneError, InvalidInput
from core.permissions import Permission, can
from core.text_input import clean_query
from core.texts.i18n import grouped, t, t_plain
from core.values import Page

NAME = "community_lookup"
QUERY_KEY = "community_query"
BROWSE = ("field", "legal_type", "dong")

BY = ButtonData("co:by", one_of("by", BROWSE))
NEW = ButtonData("co:new")
FIELD = ButtonData("co:f", one_of("field", ORGANIZATION_FIELDS), page())
TYPE = ButtonData("co:t", one_of("legal_type", LEGAL_TYPES), page())
DONG = ButtonData("co:d", number("dong_id"), page())
RESULTS = ButtonData("co:q", page(), token("search"))
KINDS = (BY, NEW, ORGANIZATION_CARD, FIELD, TYPE, DONG, RESULTS)
PAGED = (FIELD, TYPE, DONG)


class State(StrEnum):
    AWAIT_QUERY = "await_query"


def query_token(query: str) -> str:
    """The search a results page belongs to, so a page button of an older search is known as stale."""
    return hashlib.sha256(query.encode()).hexdigest()[:8]


def _browse_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, f"cmc.by.{by}"), BY(by)) for by in BROWSE]


def prompt_keyboard(lang: str, context: DongneContext) -> InlineKeyboardMarkup:
    """Under the question: browse instead, and (for a writer) register a new organisation."""
    add = [button(t_plain(lang, "cmc.add.organization"), ADD("organization"))]
    return markup(_browse_row(lang), add if can(context.staff(), Permission.COMMUNITY_WRITE) else [])


def results_keyboard(lang: str, found: Page[OrganizationSummary], data: tuple[str, str]) -> InlineKeyboardMarkup:
    picks = [
        button(t_plain(lang, "cmc.result_button", name=o.name, dong=o.admin_dong), ORGANIZATION_CARD(o.id))
        for o in found.items
    ]
    return markup(
        *rows(picks, 1),
        page_row(lang, found, data),
        [button(t_plain(lang, "cmc.new_search"), NEW())],
        _browse_row(lang),
    )


async def start(update: Update, context: DongneContext) -> State:
    """/community [name], or 마을공동체 단체 from the menu."""
    await answer(update, context)
    enter(context, NAME)
    text = " ".join(context.args or []) if update.message else ""
    if text.strip():
        await run_search(update, context, text)
    else:
        await say(update, context, t(context.lang, "cmc.ask_name"), prompt_keyboard(context.lang, context))
    return State.AWAIT_QUERY


async def on_text(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    await run_search(update, context, update.message.text or "")
    return State.AWAIT_QUERY


async def run_search(update: Update, context: DongneContext, text: str, number_: int = 0) -> None:
    lang = context.lang
    try:
        found = await context.services.organizations.search(context.staff(), text, number_)
    except DongneError as error:
        await report(update, context, error)
        return
    query = clean_query(text)
    assert context.user_data is not None
    context.user_data[QUERY_KEY] = query
    if found.total == 1 and number_ == 0:
        await send_card(update, context, found.items[0].id)
        return
    if found.total == 0:
        await say(update, context, t(lang, "cmc.no_match", query=query), prompt_keyboard(lang, context))
        return
    search = query_token(query)
    body = "\n".join(
        [
            t(lang, "cmc.results", query=query, total=grouped(found.total)),
            *(organization_line(lang, o) for o in found.items),
        ]
    )
    keyboard = results_keyboard(lang, found, (RESULTS(number_ - 1, search), RESULTS(number_ + 1, search)))
    await (show if update.callback_query else say)(update, context, body, keyboard)


async def send_card(update: Update, context: DongneContext, organization_id: int) -> None:
    lang = context.lang
    try:
        card = await context.services.organizations.card(context.staff(), organization_id)
    except DongneError as error:
        await report(update, context, error)
        return
    writable = context.services.organizations.writable(context.staff(), card)
    keyboard = markup(
        [button(t_plain(lang, "cmc.edit_button"), EDIT("organization", card.id))] if writable else [],
        [button(t_plain(lang, "cmc.new_search"), NEW())],
        _browse_row(lang),
    )
    await say(update, context, render_organization(lang, card), keyboard)


async def show_choices(update: Update, context: DongneContext, by: str) -> None:
    """The values to browse by: 분야, 유형 (the report's footnotes) or the member's dongs with their counts."""
    lang = context.lang
    if by == "field":
        picks = [button(code_text(lang, "field", f), FIELD(f, 0)) for f in ORGANIZATION_FIELDS]
    elif by == "legal_type":
        picks = [button(code_text(lang, "legal_type", c), TYPE(c, 0)) for c in LEGAL_TYPES]
    else:
        try:
            dongs = await context.services.organizations.dongs(context.staff())
        except DongneError as error:
            await report(update, context, error)
            return
        picks = [
            button(t_plain(lang, "cmc.dong_button", name=d.name, count=grouped(d.organizations)), DONG(d.id, 0))
            for d in dongs
        ]
    await show(update, context, t(lang, f"cmc.pick.{by}"), markup(*rows(picks, 2)))


async def show_browsed(
    update: Update, context: DongneContext, chosen: OrganizationFilter, number_: int, data: tuple[str, str]
) -> None:
    lang = context.lang
    try:
        found = await context.services.organizations.browse(context.staff(), chosen, number_)
    except DongneError as error:
        await report(update, context, error)
        return
    if chosen.field is not None:
        what = code_text(lang, "field", chosen.field)
    elif chosen.legal_type is not None:
        what = code_text(lang, "legal_type", chosen.legal_type)
    else:
        what = found.items[0].admin_dong if found.items else t_plain(lang, "cmc.by.dong")
    lines = [
        t(lang, "cmc.browsed", what=what, total=grouped(found.total)),
        *(organization_line(lang, o) for o in found.items),
    ]
    if not found.total:
        lines.append(t(lang, "cmc.none_here"))
    await show(update, context, "\n".join(lines), results_keyboard(lang, found, data))


def _filter(kind: ButtonData, chosen: object) -> OrganizationFilter:
    if kind is FIELD:
        return OrganizationFilter(field=str(chosen))
    if kind is TYPE:
        return OrganizationFilter(legal_type=str(chosen))
    assert isinstance(chosen, int)
    return OrganizationFilter(admin_dong_id=chosen)


async def on_button(update: Update, context: DongneContext) -> State:
    """Every co: button, parsed like any user input: forged or malformed data changes nothing."""
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    kind, values = found if found is not None else (None, ())
    number_ = values[0] if kind is RESULTS else values[-1] if kind in PAGED else 0
    if kind is None or number_ < 0:  # forged, or a pager's step before the first page
        await answer(update, context, "common.button_invalid", alert=True)
        return State.AWAIT_QUERY
    await answer(update, context)
    enter(context, NAME)
    lang = context.lang
    if kind is BY:
        await show_choices(update, context, values[0])
    elif kind is NEW:
        await say(update, context, t(lang, "cmc.ask_name"), prompt_keyboard(lang, context))
    elif kind is ORGANIZATION_CARD:
        await send_card(update, context, values[0])
    elif kind in PAGED:
        chosen, number_ = values
        data = (kind(chosen, number_ - 1), kind(chosen, number_ + 1))
        await show_browsed(update, context, _filter(kind, chosen), number_, data)
    elif kind is RESULTS:
        number_, search = values
        stored = (context.user_data or {}).get(QUERY_KEY)
        if not stored or query_token(stored) != search:
            await report(update, context, InvalidInput("community_stale_search"))
        else:
            await run_search(update, context, stored, number_)
    return State.AWAIT_QUERY


async def cancel(update: Update, context: DongneContext) -> int:
    await say(update, context, t(context.lang, "common.cancelled"))
    return ConversationHandler.END


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    entry = [
        CommandHandler("community", start),
        CallbackQueryHandler(start, pattern=menu.COMMUNITY.pattern),
        CallbackQueryHandler(on_button, pattern=namespace("co")),
    ]
    return dialogue(
        NAME,
        focus,
        entry_points=entry,
        states={State.AWAIT_QUERY: [on_message(focus, NAME, TEXT, on_text), *entry]},
        fallbacks=[],
        cancel=cancel,
        prompts=False,  # results and cards stay usable while another one is open
    )
