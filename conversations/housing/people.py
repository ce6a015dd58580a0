"""입주자대표 찾기 — a housing officer finds a representative by name across the complexes they may see.

``/rep 김영`` (or 👤 대표자 이름으로 찾기 under the complex search's prompt, then the name) lists who
matches: position, name, complex and dong, and the mobile (masked without pii.view), eight to a page; a
button per person opens their complex's card. Typing another name searches again; ``/cancel`` leaves."""

from __future__ import annotations

from enum import StrEnum

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations.buttons import namespace, which
from conversations.context import DongneContext
from conversations.dialogue import TEXT, DialogueFocus, dialogue, enter, on_message
from conversations.housing.buttons import REPRESENTATIVE_RESULTS, REPRESENTATIVES
from conversations.housing.lookup import OPEN, query_token
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, report, say, show
from core.errors import DongneError, InvalidInput
from core.housing.values import RepresentativeHit
from core.text_input import clean_query
from core.texts.i18n import grouped, t, t_plain
from core.values import Page

NAME = "representative_search"
QUERY_KEY = "representative_query"
KINDS = (REPRESENTATIVES, REPRESENTATIVE_RESULTS)


class State(StrEnum):
    AWAIT_NAME = "await_name"


def hit_line(lang: str, hit: RepresentativeHit) -> str:
    key = "housing_people.line_phone" if hit.phone else "housing_people.line"
    return t(
        lang,
        key,
        position=hit.position,
        name=hit.name,
        complex=hit.complex_name,
        dong=hit.admin_dong,
        phone=hit.phone or "",
    )


def results_keyboard(lang: str, results: Page[RepresentativeHit], search: str) -> InlineKeyboardMarkup:
    picks = [
        button(t_plain(lang, "housing_people.button", name=h.name, complex=h.complex_name), OPEN(h.complex_id))
        for h in results.items
    ]
    data = (REPRESENTATIVE_RESULTS(results.number - 1, search), REPRESENTATIVE_RESULTS(results.number + 1, search))
    return markup(*rows(picks, 1), page_row(lang, results, data))


async def ask(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "housing_people.ask_name"))


async def start(update: Update, context: DongneContext) -> State:
    """/rep [name], or 👤 대표자 이름으로 찾기 under the complex search's prompt."""
    await answer(update, context)
    enter(context, NAME)
    text = " ".join(context.args or []) if update.message else ""
    if text.strip():
        await run_search(update, context, text)
    else:
        await ask(update, context)
    return State.AWAIT_NAME


async def on_text(update: Update, context: DongneContext) -> State:
    assert update.message is not None
    await run_search(update, context, update.message.text or "")
    return State.AWAIT_NAME


async def run_search(update: Update, context: DongneContext, text: str, page: int = 0) -> None:
    lang = context.lang
    try:
        results = await context.services.representatives.find_representatives(context.staff(), text, page)
    except DongneError as error:
        await report(update, context, error)
        return
    query = clean_query(text)
    assert context.user_data is not None
    context.user_data[QUERY_KEY] = query
    if results.total == 0:
        await say(update, context, t(lang, "housing_people.no_match", query=query))
        return
    lines = [
        t(lang, "housing_people.results", query=query, total=grouped(results.total)),
        *(hit_line(lang, h) for h in results.items),
    ]
    if any(h.phone_masked and h.phone for h in results.items):
        lines.append(t(lang, "housing_people.masked_note"))
    body = "\n".join(lines)
    keyboard = results_keyboard(lang, results, query_token(query))
    if update.callback_query:
        await show(update, context, body, keyboard)
    else:
        await say(update, context, body, keyboard)


async def on_button(update: Update, context: DongneContext) -> State:
    """Every hr: button, parsed like any user input: forged or malformed data changes nothing."""
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None or (found[0] is REPRESENTATIVE_RESULTS and found[1][0] < 0):
        await answer(update, context, "common.button_invalid", alert=True)
        return State.AWAIT_NAME
    kind, values = found
    if kind is REPRESENTATIVES:
        return await start(update, context)
    await answer(update, context)
    page, search = values
    stored = (context.user_data or {}).get(QUERY_KEY)
    if not stored or query_token(stored) != search:
        await report(update, context, InvalidInput("stale_search"))
    else:
        await run_search(update, context, stored, page)
    return State.AWAIT_NAME


async def cancel(update: Update, context: DongneContext) -> int:
    await say(update, context, t(context.lang, "common.cancelled"))
    return ConversationHandler.END


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    entry = [CommandHandler("rep", start), CallbackQueryHandler(on_button, pattern=namespace("hr"))]
    return dialogue(
        NAME,
        focus,
        entry_points=entry,
        states={State.AWAIT_NAME: [on_message(focus, NAME, TEXT, on_text), *entry]},
        fallbacks=[],
        cancel=cancel,
        prompts=False,  # results stay usable while a card is open
    )
