"""벤치마킹 목록·검색 — reading cases.

The journey: ``/cases`` (or 벤치마킹 목록 in the menu) shows the seed's 검토결과 목록 — the coordinator
sees every case, a department its own — in the report's order (2016-1-1 first) and paged, with filter
buttons (year, quarter, department, adoption, state) and a search by number or title (``/cases 2016-1-1``,
or just type while the list is open). A case opens as a card with its history, its files (sent back on request) and the
buttons for what the reader may do with it now."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import buttons, menu
from conversations.benchmark.buttons import ATTACH, BACK_TO_LIST, CARD, FILE, FILE_LIST, FULL, HISTORY, OPEN
from conversations.benchmark.view import (
    adoption_label,
    case_button,
    case_keyboard,
    list_line,
    long_texts,
    render_card,
    render_history,
    state_label,
)
from conversations.buttons import ButtonData, namespace, which
from conversations.context import DongneContext
from conversations.dialogue import (
    ANY_MESSAGE,
    FILES,
    TEXT,
    DialogueFocus,
    dialogue,
    enter,
    leave,
    on_message,
    scratch,
)
from conversations.files import receive_file, send_file
from conversations.keyboards import button, markup, page_row, rows
from conversations.replies import answer, drop_buttons, report, say, show
from core.benchmark.values import Adoption, CaseAction, CaseFilter, CaseListItem, CaseState
from core.benchmark.workflow import is_coordinator
from core.errors import DongneError, InvalidInput
from core.texts.i18n import t, t_plain
from core.values import Page

NAME = "benchmark_cases"
FILTER_KEY = "bm_filter"
ATTACH_KEY = "bm_attach"
DIMENSIONS = ("year", "quarter", "dept", "adoption", "state")
PAGE = ButtonData("bl:p", buttons.page(), buttons.token("filter"))
PICK = ButtonData("bl:f", buttons.one_of("dimension", DIMENSIONS))
SET = ButtonData("bl:s", buttons.one_of("dimension", DIMENSIONS), buttons.text("value", r"[a-z_]{1,20}|\d{1,9}"))
SEARCH = ButtonData("bl:search")
RESET = ButtonData("bl:reset")
STOP = ButtonData("bc:stop")
KINDS = (PAGE, BACK_TO_LIST, PICK, SET, SEARCH, RESET, OPEN, CARD, HISTORY, FILE_LIST, FILE, FULL, ATTACH, STOP)


class State(StrEnum):
    BROWSE = "browse"
    AWAIT_FILE = "await_file"


# -- the filter ----------------------------------------------------------------------------------------


def _filter(context: DongneContext) -> dict[str, Any]:
    return scratch(context, FILTER_KEY)


def filter_token(stored: dict[str, Any]) -> str:
    """A fingerprint of the filter a page belongs to: a page button from an older list is recognised."""
    return hashlib.sha256(json.dumps(stored, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]


def case_filter(stored: dict[str, Any]) -> CaseFilter:
    adoption, state = stored.get("adoption"), stored.get("state")
    return CaseFilter(
        year=stored.get("year"),
        quarter=stored.get("quarter"),
        department_id=stored.get("department_id"),
        adoption=Adoption(adoption) if adoption in set(Adoption) else None,
        state=CaseState(state) if state in set(CaseState) else None,
        text=stored.get("text"),
    )


def describe(lang: str, stored: dict[str, Any]) -> str:
    parts = []
    if stored.get("year"):
        parts.append(t_plain(lang, "bm.filter.year_value", year=stored["year"]))
    if stored.get("quarter"):
        parts.append(t_plain(lang, "bm.filter.quarter_value", quarter=stored["quarter"]))
    if stored.get("department"):
        parts.append(str(stored["department"]))
    if stored.get("adoption"):
        parts.append(adoption_label(lang, stored["adoption"]))
    if stored.get("state"):
        parts.append(state_label(lang, stored["state"]))
    if stored.get("text"):
        parts.append(f"“{stored['text']}”")
    return " · ".join(parts) if parts else t_plain(lang, "bm.filter.all")


# -- screens -------------------------------------------------------------------------------------------


def render_list(lang: str, heading: str, page: Page[CaseListItem]) -> str:
    lines = [heading]
    if not page.items:
        lines.append(t(lang, "bm.list.empty"))
    for offset, row in enumerate(page.items):
        lines.append(list_line(lang, page.number * page.size + offset + 1, row))
    return "\n".join(lines)


async def show_list(update: Update, context: DongneContext, page: int = 0, *, edit: bool = True) -> None:
    lang, stored = context.lang, _filter(context)
    actor = context.staff()
    try:
        found = await context.services.cases.list_cases(actor, case_filter(stored), page)
    except DongneError as error:
        await report(update, context, error)
        return
    if found.total == 1 and stored.get("text") and page == 0:
        await open_case(update, context, found.items[0].id)
        return
    token = filter_token(stored)
    heading = t(
        lang,
        "bm.list.head" if is_coordinator(actor) else "bm.list.head_department",
        department=actor.department,
        conditions=describe(lang, stored),
        total=found.total,
    )
    filter_buttons = [
        button(t_plain(lang, f"bm.filter.{dim}"), PICK(dim))
        for dim in DIMENSIONS
        if dim != "dept" or is_coordinator(actor)
    ]
    keyboard = markup(
        *rows([case_button(row) for row in found.items], 1),
        page_row(lang, found, (PAGE(page - 1, token), PAGE(page + 1, token))),
        *rows(filter_buttons, 3),
        [button(t_plain(lang, "bm.filter.search"), SEARCH()), button(t_plain(lang, "bm.filter.reset"), RESET())],
    )
    text = render_list(lang, heading, found)
    if edit and update.callback_query:
        await show(update, context, text, keyboard)
    else:
        await say(update, context, text, keyboard)


async def open_case(update: Update, context: DongneContext, case_id: int, *, edit: bool = False) -> None:
    lang = context.lang
    try:
        case = await context.services.cases.get(context.staff(), case_id)
    except DongneError as error:
        await report(update, context, error)
        return
    text, keyboard = render_card(lang, context.services.clock, case), case_keyboard(lang, case)
    if edit:
        await show(update, context, text, keyboard)
    else:
        await say(update, context, text, keyboard)


async def show_picker(update: Update, context: DongneContext, dimension: str) -> None:
    lang, actor = context.lang, context.staff()
    choices: list[tuple[str, str]] = []
    if dimension == "year":
        years = sorted(await context.services.cases.years(actor))  # the report's order: oldest first
        choices = [(t_plain(lang, "bm.filter.year_value", year=y), str(y)) for y in years]
    elif dimension == "quarter":
        choices = [(t_plain(lang, "bm.filter.quarter_value", quarter=q), str(q)) for q in range(1, 5)]
    elif dimension == "dept":
        departments = await context.services.cases.executing_departments(actor)
        choices = [(d.name, str(d.id)) for d in departments]
    elif dimension == "adoption":
        choices = [(adoption_label(lang, a.value), a.value) for a in Adoption]
    elif dimension == "state":
        choices = [(state_label(lang, s.value), s.value) for s in CaseState]
    picks: list[InlineKeyboardButton] = [button(label, SET(dimension, value)) for label, value in choices]
    picks.append(button(t_plain(lang, "bm.filter.any"), SET(dimension, "all")))
    await show(
        update,
        context,
        t(lang, "bm.filter.pick", what=t_plain(lang, f"bm.filter.{dimension}")),
        markup(*rows(picks, 3)),
    )


async def set_filter(update: Update, context: DongneContext, dimension: str, value: str) -> None:
    stored = _filter(context)
    key = {"dept": "department_id"}.get(dimension, dimension)
    if value == "all":
        stored.pop(key, None)
        if dimension == "dept":
            stored.pop("department", None)
    elif dimension in {"year", "quarter"}:
        stored[key] = int(value)
    elif dimension == "dept":
        departments = await context.services.cases.executing_departments(context.staff())
        chosen = next((d for d in departments if str(d.id) == value), None)
        if chosen is None:
            raise InvalidInput("button_invalid")
        stored.update(department_id=chosen.id, department=chosen.name)
    else:
        stored[key] = value
    await show_list(update, context)


async def show_history(update: Update, context: DongneContext, case_id: int) -> None:
    lang, actor = context.lang, context.staff()
    case = await context.services.cases.get(actor, case_id)
    events = await context.services.cases.history(actor, case_id)
    await show(
        update,
        context,
        render_history(lang, context.services.clock, case, events),
        markup([button(t_plain(lang, "bm.button.back_to_case"), CARD(case_id))]),
    )


async def show_files(update: Update, context: DongneContext, case_id: int) -> None:
    lang = context.lang
    case = await context.services.cases.get(context.staff(), case_id)
    picks = [
        button(t_plain(lang, "bm.files.button", name=a.file_name, size=max(1, a.size // 1024)), FILE(a.id))
        for a in case.attachments
    ]
    nav = [button(t_plain(lang, "bm.button.back_to_case"), CARD(case_id))]
    if case.may(CaseAction.ATTACH):  # the card's one 📎 button leads here, so adding is here too
        nav.insert(0, button(t_plain(lang, "bm.button.attach"), ATTACH(case_id, case.version)))
    await show(
        update,
        context,
        t(lang, "bm.files.head", case_no=case.case_no, count=len(case.attachments)),
        markup(*rows(picks, 1), nav),
    )


async def send_attachment(update: Update, context: DongneContext, attachment_id: int) -> None:
    found = await context.services.cases.attachment(context.staff(), attachment_id)
    await send_file(update, context, found.info.file_name, found.content, t(context.lang, "bm.files.caption"))


async def send_full_texts(update: Update, context: DongneContext, case_id: int) -> None:
    case = await context.services.cases.get(context.staff(), case_id)
    for key, text in long_texts(case):
        await say(update, context, t(context.lang, key, case_no=case.case_no, text=text))


async def ask_for_file(update: Update, context: DongneContext, case_id: int, version: int) -> State:
    case = await context.services.cases.open_for(context.staff(), case_id, CaseAction.ATTACH, version)
    assert context.user_data is not None
    context.user_data[ATTACH_KEY] = [case_id, version, None]
    await _ask_attach(update, context, t(context.lang, "bm.attach.ask", case_no=case.case_no))
    return State.AWAIT_FILE


async def _ask_attach(update: Update, context: DongneContext, text: str) -> None:
    """Ask for the file with the stop button; only the latest such question keeps it (this dialogue's
    screens are lists and cards that stay usable, so it keeps its one question itself)."""
    await _close_attach_question(update, context)
    asked = await say(update, context, text, markup(_stop_row(context.lang)))
    target = (context.user_data or {}).get(ATTACH_KEY)
    if asked is not None and isinstance(target, list) and len(target) == 3:
        target[2] = asked.message_id


async def _close_attach_question(update: Update, context: DongneContext) -> None:
    target = (context.user_data or {}).get(ATTACH_KEY)
    chat = update.effective_chat
    if isinstance(target, list) and len(target) == 3 and target[2] is not None and chat is not None:
        await drop_buttons(context, chat.id, int(target[2]))
        target[2] = None


def _stop_row(lang: str) -> list[InlineKeyboardButton]:
    return [button(t_plain(lang, "bm.attach.stop"), STOP())]


# -- handlers ------------------------------------------------------------------------------------------


async def start(update: Update, context: DongneContext) -> State:
    """/cases [number or title], or 벤치마킹 목록 from the menu."""
    await answer(update, context)
    enter(context, NAME)
    text = " ".join(context.args or []) if update.message else ""
    stored = _filter(context)
    stored.pop("text", None)
    if text.strip():
        stored["text"] = text.strip()
    await show_list(update, context, edit=False)
    return State.BROWSE


async def on_text(update: Update, context: DongneContext) -> State:
    """Typing while the list is open searches by number or title."""
    assert update.message is not None
    _filter(context)["text"] = (update.message.text or "").strip()
    await show_list(update, context, edit=False)
    return State.BROWSE


async def on_button(update: Update, context: DongneContext) -> State:
    """Every bl:/bc: button, parsed like typed input: forged or malformed data changes nothing."""
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return State.BROWSE
    await answer(update, context)
    enter(context, NAME)
    try:
        return await _route(update, context, *found)
    except DongneError as error:
        await report(update, context, error)
        return State.BROWSE


async def _route(update: Update, context: DongneContext, kind: ButtonData, values: tuple[Any, ...]) -> State:
    if kind is PAGE:
        page, token = values
        if filter_token(_filter(context)) != token:
            raise InvalidInput("stale_case_list")
        await show_list(update, context, page)
    elif kind is BACK_TO_LIST:
        await show_list(update, context, edit=False)
    elif kind is PICK:
        await show_picker(update, context, *values)
    elif kind is SET:
        await set_filter(update, context, *values)
    elif kind is SEARCH:
        await say(update, context, t(context.lang, "bm.filter.ask_search"))
    elif kind is RESET:
        _filter(context).clear()
        await show_list(update, context)
    elif kind is OPEN:
        await open_case(update, context, *values)
    elif kind is CARD:
        await open_case(update, context, *values, edit=True)
    elif kind is HISTORY:
        await show_history(update, context, *values)
    elif kind is FILE_LIST:
        await show_files(update, context, *values)
    elif kind is FILE:
        await send_attachment(update, context, *values)
    elif kind is FULL:
        await send_full_texts(update, context, *values)
    elif kind is ATTACH:
        return await ask_for_file(update, context, *values)
    elif kind is STOP:
        if context.user_data is not None:
            context.user_data.pop(ATTACH_KEY, None)
        await show(update, context, t(context.lang, "bm.attach.stopped"))  # the question becomes the answer
    return State.BROWSE


async def on_file(update: Update, context: DongneContext) -> State:
    assert update.message is not None and context.user_data is not None
    target = context.user_data.get(ATTACH_KEY)
    if not target:
        return State.BROWSE
    case_id, version = int(target[0]), int(target[1])
    try:
        incoming = await receive_file(update.message, context)
        stored = await context.services.cases.add_attachment(
            context.staff(),
            case_id,
            version,
            incoming.file_name,
            incoming.content,
            photo=incoming.photo,
            telegram_file_id=incoming.telegram_file_id,
        )
    except DongneError as error:
        await report(update, context, error)
        return State.AWAIT_FILE
    await say(update, context, t(context.lang, "bm.attach.saved", name=stored.file_name))
    await _close_attach_question(update, context)
    context.user_data.pop(ATTACH_KEY, None)
    await open_case(update, context, case_id)
    return State.BROWSE


async def file_expected(update: Update, context: DongneContext) -> State:
    await _ask_attach(update, context, t(context.lang, "bm.attach.expected"))
    return State.AWAIT_FILE


async def cancel(update: Update, context: DongneContext) -> int:
    await _close_attach_question(update, context)
    return await leave(update, context, ATTACH_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    entry: list[BaseHandler[Update, DongneContext, object]] = [
        CommandHandler("cases", start),
        CallbackQueryHandler(start, pattern=menu.CASES.pattern),
        CallbackQueryHandler(on_button, pattern=namespace("bl")),
        CallbackQueryHandler(on_button, pattern=namespace("bc")),
    ]
    return dialogue(
        NAME,
        focus,
        entry_points=entry,
        states={
            State.BROWSE: [on_message(focus, NAME, TEXT, on_text), *entry],
            State.AWAIT_FILE: [
                on_message(focus, NAME, FILES, on_file),
                on_message(focus, NAME, ANY_MESSAGE, file_expected),
                *entry,
            ],
        },
        fallbacks=[],
        cancel=cancel,
        prompts=False,  # lists and cards stay usable while another one is open
    )
