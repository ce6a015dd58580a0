"""단지 조회 — a staff member in the field looks up a housing complex.

The journey: ``/complex`` (or 단지 조회 in the main menu) asks for part of a name; the staff member
types ``쉐르빌`` (or ``/complex 쉐르빌`` at once), picks the complex from the buttons (paged when many
match), or browses by administrative dong instead. The card shows the seed report's one screen; a list
longer than the card shows (representatives, groups, support projects) or long remarks open whole from
a button, in place of the card and ten entries to a page, with a way back. Typing another name at any
point searches again; ``/cancel`` leaves.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import menu
from conversations.buttons import ButtonData, namespace, number, one_of, page, token, which
from conversations.context import DongneContext
from conversations.dialogue import TEXT, DialogueFocus, dialogue, enter, on_message
from conversations.housing.buttons import ADD_PHOTOS, ALBUM, HISTORY, LEDGER, REPRESENTATIVES
from conversations.housing.card import SECTIONS, render_card, render_section, section_count, section_pages, summary_line
from conversations.housing.complaint_view import OF_COMPLEX
from conversations.housing.location_buttons import location_row
from conversations.keyboards import button, markup, page_row, pager_row, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError, InvalidInput
from core.housing.values import ComplexCard, ComplexSummary
from core.text_input import clean_query
from core.texts.i18n import grouped, t, t_plain
from core.values import Page

NAME = "complex_lookup"
QUERY_KEY = "complex_query"

DONGS = ButtonData("cx:dongs")
NEW = ButtonData("cx:new")
OPEN = ButtonData("cx:open", number("complex_id"))
CARD = ButtonData("cx:card", number("complex_id"))
DONG = ButtonData("cx:dong", number("dong_id"), page())
RESULTS = ButtonData("cx:q", page(), token("search"))
# 관리사무소 had a button on cards sent before the card showed it whole: such a press is out of date.
SECTION = ButtonData("cx:sec", number("complex_id"), one_of("section", (*SECTIONS, "office")), page())
KINDS = (DONGS, NEW, OPEN, CARD, DONG, RESULTS, SECTION)


class State(StrEnum):
    AWAIT_QUERY = "await_query"


def query_token(query: str) -> str:
    """A short fingerprint of the search a results page belongs to, so a page button from an older
    search is recognised as stale instead of paging through a different result."""
    return hashlib.sha256(query.encode()).hexdigest()[:8]


# -- keyboards ---------------------------------------------------------------------------------------


def results_keyboard(lang: str, page: Page[ComplexSummary], page_data: tuple[str, str]) -> InlineKeyboardMarkup:
    picks = [
        button(t_plain(lang, "lookup.result_button", name=c.name, dong=c.admin_dong), OPEN(c.id)) for c in page.items
    ]
    return markup(
        *rows(picks, 1),
        page_row(lang, page, page_data),
        [button(t_plain(lang, "lookup.by_dong"), DONGS()), button(t_plain(lang, "lookup.new_search"), NEW())],
    )


def prompt_keyboard(lang: str) -> InlineKeyboardMarkup:
    """Under the search's prompt: browse by dong instead, or find a representative by name."""
    return markup(
        [button(t_plain(lang, "lookup.by_dong"), DONGS())],
        [button(t_plain(lang, "housing_people.ask_button"), REPRESENTATIVES())],
    )


def card_keyboard(lang: str, card: ComplexCard) -> InlineKeyboardMarkup:
    """A button for each section the card shows only the start of (none for what it already shows whole); the
    ledger's changes for a writer; its photos; the complex's complaints with how many are open, and its history."""
    cid = card.detail.id
    sections = [
        button(t_plain(lang, f"lookup.section.{s}", count=grouped(section_count(card, s))), SECTION(cid, s, 0))
        for s in SECTIONS
        if section_pages(card, s)
    ]
    # ✏️ 수정 only for a reader who may change the complex; the ledger's service checks again on every step.
    edit = [button(t_plain(lang, "hl.edit_button"), LEDGER(cid))] if card.writable else []
    complaints = button(
        t_plain(lang, "hc.card_button", count=grouped(card.open_complaints)), OF_COMPLEX(cid, "open", 0)
    )
    # 📷 사진 (N) sends the album; a writer may add photos from here too (the album's screen offers the rest).
    photos = [button(t_plain(lang, "hp.album_button", count=grouped(card.photo_count)), ALBUM(cid, 0))]
    if not card.photo_count:
        photos = [button(t_plain(lang, "hp.add_button"), ADD_PHOTOS(cid))] if card.writable else []
    return markup(
        *rows(sections, 2),
        [*edit, *photos],
        [complaints, button(t_plain(lang, "hh.button"), HISTORY(cid, 0))],
        location_row(lang, card),
        [button(t_plain(lang, "lookup.new_search"), NEW()), button(t_plain(lang, "lookup.by_dong"), DONGS())],
    )


# -- handlers ----------------------------------------------------------------------------------------


async def start(update: Update, context: DongneContext) -> State:
    """/complex [name], or 단지 조회 from the menu."""
    await answer(update, context)
    enter(context, NAME)
    text = " ".join(context.args or []) if update.message else ""
    if text.strip():
        await run_search(update, context, text)
    else:
        await say(update, context, t(context.lang, "lookup.ask_name"), prompt_keyboard(context.lang))
    return State.AWAIT_QUERY


async def on_text(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    await run_search(update, context, update.message.text or "")
    return State.AWAIT_QUERY


async def run_search(update: Update, context: DongneContext, text: str, page: int = 0) -> None:
    lang = context.lang
    try:
        results = await context.services.housing.search_complexes(context.staff(), text, page)
    except DongneError as error:
        await report(update, context, error)
        return
    query = clean_query(text)
    assert context.user_data is not None
    context.user_data[QUERY_KEY] = query
    if results.total == 1 and page == 0:
        await send_card(update, context, results.items[0].id)
        return
    if results.total == 0:
        await say(
            update,
            context,
            t(lang, "lookup.no_match", query=query),
            markup([button(t_plain(lang, "lookup.by_dong"), DONGS())]),
        )
        return
    search = query_token(query)
    body = "\n".join(
        [
            t(lang, "lookup.results", query=query, total=grouped(results.total)),
            *(summary_line(lang, c) for c in results.items),
        ]
    )
    keyboard = results_keyboard(lang, results, (RESULTS(page - 1, search), RESULTS(page + 1, search)))
    if update.callback_query:
        await show(update, context, body, keyboard)
    else:
        await say(update, context, body, keyboard)


async def send_card(update: Update, context: DongneContext, complex_id: int, *, edit: bool = False) -> None:
    try:
        card = await context.services.housing.get_complex_card(context.staff(), complex_id)
    except DongneError as error:
        await report(update, context, error)
        return
    text, keyboard = render_card(context.lang, card), card_keyboard(context.lang, card)
    if edit:
        await show(update, context, text, keyboard)
    else:
        await say(update, context, text, keyboard)


async def show_dongs(update: Update, context: DongneContext) -> None:
    lang = context.lang
    try:
        dongs = await context.services.housing.list_admin_dongs(context.staff())
    except DongneError as error:
        await report(update, context, error)
        return
    picks = [
        button(t_plain(lang, "lookup.dong_button", name=d.name, count=grouped(d.complex_count)), DONG(d.id, 0))
        for d in dongs
    ]
    await show(update, context, t(lang, "lookup.pick_dong"), markup(*rows(picks, 2)))


async def show_dong(update: Update, context: DongneContext, dong_id: int, page: int) -> None:
    lang = context.lang
    try:
        dong, results = await context.services.housing.list_complexes_in_dong(context.staff(), dong_id, page)
    except DongneError as error:
        await report(update, context, error)
        return
    body = "\n".join(
        [
            t(lang, "lookup.dong_results", dong=dong.name, total=grouped(results.total)),
            *(summary_line(lang, c) for c in results.items),
        ]
    )
    await show(
        update,
        context,
        body,
        results_keyboard(lang, results, (DONG(dong_id, page - 1), DONG(dong_id, page + 1))),
    )


async def show_section(update: Update, context: DongneContext, complex_id: int, section: str, page: int) -> None:
    """A page of a section, the press answered once the card says whether that page still exists: a button
    of an older card (the section has shrunk, or the card shows it whole now) gets a short note and the card
    as it stands, with today's buttons, in its place."""
    lang = context.lang
    try:
        card = await context.services.housing.get_complex_card(context.staff(), complex_id)
    except DongneError as error:
        await answer(update, context)
        await report(update, context, error)
        return
    pages = section_pages(card, section)
    if page >= pages:
        await answer(update, context, "lookup.section_outdated")
        await show(update, context, render_card(lang, card), card_keyboard(lang, card))
        return
    await answer(update, context)
    text = render_section(lang, card, section, page)
    data = (SECTION(complex_id, section, page - 1), SECTION(complex_id, section, page + 1))
    pager = pager_row(lang, has_previous=page > 0, has_next=page + 1 < pages, number=page, count=pages, data_for=data)
    await show(update, context, text, markup(pager, [button(t_plain(lang, "lookup.back_to_card"), CARD(complex_id))]))


async def on_button(update: Update, context: DongneContext) -> State:
    """Every cx: button, parsed like any user input: forged or malformed data changes nothing."""
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None or (found[0] is SECTION and found[1][2] < 0):  # a section's pager before its first page
        await answer(update, context, "common.button_invalid", alert=True)
        return State.AWAIT_QUERY
    kind, values = found
    if kind is SECTION:
        # Answered inside: whether the press gets the out-of-date note depends on the card as it stands.
        await show_section(update, context, *values)
        return State.AWAIT_QUERY
    await answer(update, context)
    lang = context.lang
    if kind is DONGS:
        await show_dongs(update, context)
    elif kind is NEW:
        await say(update, context, t(lang, "lookup.ask_name"), prompt_keyboard(lang))
    elif kind is OPEN:
        await send_card(update, context, *values)
    elif kind is CARD:
        await send_card(update, context, *values, edit=True)
    elif kind is DONG:
        await show_dong(update, context, *values)
    elif kind is RESULTS:
        page, search = values
        stored = (context.user_data or {}).get(QUERY_KEY)
        if not stored or query_token(stored) != search:
            await report(update, context, InvalidInput("stale_search"))
        else:
            await run_search(update, context, stored, page)
    return State.AWAIT_QUERY


async def cancel(update: Update, context: DongneContext) -> int:
    await say(update, context, t(context.lang, "common.cancelled"))
    return ConversationHandler.END


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    entry = [
        CommandHandler("complex", start),
        CallbackQueryHandler(start, pattern=menu.COMPLEX.pattern),
        CallbackQueryHandler(on_button, pattern=namespace("cx")),
    ]
    return dialogue(
        NAME,
        focus,
        entry_points=entry,
        states={State.AWAIT_QUERY: [on_message(focus, NAME, TEXT, on_text), *entry]},
        fallbacks=[],
        cancel=cancel,
        prompts=False,  # search results and cards stay usable while another one is open
    )
