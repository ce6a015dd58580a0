"""민원 관리 — a housing officer keeps the complaints ledger moving.

The journey: ``/complaints`` (or 민원 관리 in the main menu) lists the open complaints in the officer's hands,
oldest first, with a button to those open longer than 14 days; a complex's card has 📮 민원 (처리 중 N건),
which lists the complex's complaints (open ones, or all) with ➕ 민원 접수. Opening one shows it whole, with the
buttons its state allows: ▶️ 처리 시작, ✅ 종결 (asks the result, ``complaint_close``), 👤 담당자 변경 (picks
from the members who may take it; they are told). A press made on an older screen, after someone else moved
the complaint on, says who did and shows it as it is now; a save over someone else's change is refused with
"그사이 … 님이 바꿨습니다" and the current values, with 🔁 다시 적용 to make the change again on top.

These screens stay usable side by side, so the buttons are plain handlers rather than a dialogue with steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from conversations import menu
from conversations.buttons import which
from conversations.context import DongneContext
from conversations.housing.complaint_view import (
    AGAIN,
    ASSIGN,
    LIST,
    NEW,
    OF_COMPLEX,
    OPEN,
    REASSIGN,
    START,
    assignee_buttons,
    changed_keyboard,
    complaint_keyboard,
    list_body,
    list_keyboard,
    render_complaint,
)
from conversations.housing.lookup import CARD
from conversations.keyboards import button, markup, rows
from conversations.replies import answer, error_text, report, say, show
from core.errors import DongneError
from core.housing.complaints import ChangedMeanwhile
from core.housing.values import ComplaintEdit, ComplaintView
from core.permissions import Permission, can
from core.texts.i18n import t, t_plain

RETRY_KEY = "hc_retry"  # the change a refused save would make, kept for 🔁 다시 적용
KINDS = (LIST, OF_COMPLEX, OPEN, START, REASSIGN, ASSIGN, AGAIN)


async def show_complaint(update: Update, context: DongneContext, view: ComplaintView, *, edit: bool) -> None:
    text, keyboard = render_complaint(context.lang, view), complaint_keyboard(context.lang, view)
    if edit:
        await show(update, context, text, keyboard)
    else:
        await say(update, context, text, keyboard)


async def apply(
    update: Update, context: DongneContext, complaint_id: int, version: int, change: dict[str, Any]
) -> None:
    """Make ``change`` (start, close with a result, reassign, correct a field) over ``version``; a press edits its
    screen in place, a typed answer gets new messages. A save over someone else's change keeps it for 🔁."""
    ledger, actor, lang = context.services.complaints, context.staff(), context.lang
    action = change["action"]
    edit = update.callback_query is not None
    try:
        if action == "start":
            view = await ledger.start(actor, complaint_id, version)
            note = t(lang, "hc.started.done", id=view.id)
        elif action == "close":
            view = await ledger.close(actor, complaint_id, version, str(change["result"]))
            note = t(lang, "hc.close.closed", id=view.id)
        elif action == "edit":
            view = await ledger.edit(actor, complaint_id, version, edit_of(str(change["field"]), change.get("value")))
            note = t(lang, "hc.edit.saved", id=view.id)
        else:
            view = await ledger.reassign(actor, complaint_id, version, int(change["assignee_id"]))
            notified = view.notice_queued
            note = t(
                lang,
                "hc.reassign.done_notified" if notified else "hc.reassign.done",
                id=view.id,
                name=view.assignee_name,
            )
    except ChangedMeanwhile as changed:
        assert context.user_data is not None
        context.user_data[RETRY_KEY] = {"complaint_id": complaint_id, **change}
        current = changed.current
        text = "\n\n".join([error_text(lang, changed), render_complaint(lang, current)])
        await say(update, context, text, changed_keyboard(lang, current))
        return
    except DongneError as error:
        await report(update, context, error)
        return
    if context.user_data is not None:
        context.user_data.pop(RETRY_KEY, None)
    if edit:
        await show_complaint(update, context, view, edit=True)
        await say(update, context, note)
    else:
        await say(update, context, note)
        await show_complaint(update, context, view, edit=False)


def edit_of(field: str, value: object) -> ComplaintEdit:
    """The correction a kept change makes: one field's new value, or an optional field emptied (None)."""
    if value is None:
        return ComplaintEdit(clear=frozenset({field}))
    if field == "received_on":
        return ComplaintEdit(received_on=date.fromisoformat(str(value)))
    text = str(value)
    if field == "channel":
        return ComplaintEdit(channel=text)
    if field == "complainant":
        return ComplaintEdit(complainant=text)
    if field == "contact":
        return ComplaintEdit(contact=text)
    return ComplaintEdit(content=text)


async def show_list(update: Update, context: DongneContext, kind: str, page: int) -> None:
    ledger, actor, lang = context.services.complaints, context.staff(), context.lang
    try:
        found = await (ledger.mine(actor, page) if kind == "mine" else ledger.overdue(actor, page))
    except DongneError as error:
        await report(update, context, error)
        return
    other = "overdue" if kind == "mine" else "mine"
    switch = [button(t_plain(lang, f"hc.button.{other}"), LIST(other, 0))]
    if found.total:
        heading = t(lang, f"hc.list.{kind}", total=found.total)
        body = list_body(lang, heading, found.items)
    else:
        body = t(lang, f"hc.list.{kind}_empty")
    keyboard = list_keyboard(lang, found, (LIST(kind, page - 1), LIST(kind, page + 1)), switch)
    if update.callback_query is not None:
        await show(update, context, body, keyboard)
    else:
        await say(update, context, body, keyboard)


async def show_complex(update: Update, context: DongneContext, complex_id: int, scope: str, page: int) -> None:
    ledger, actor, lang = context.services.complaints, context.staff(), context.lang
    try:
        name, found = await ledger.of_complex(actor, complex_id, page, open_only=scope == "open")
    except DongneError as error:
        await report(update, context, error)
        return
    if found.total:
        heading = t(lang, f"hc.list.complex_{scope}", complex=name, total=found.total)
        body = list_body(lang, heading, found.items)
    else:
        body = t(lang, "hc.list.complex_empty", complex=name)
    other = "all" if scope == "open" else "open"
    rows_below = [
        [
            button(
                t_plain(lang, "hc.button.show_all" if other == "all" else "hc.button.show_open"),
                OF_COMPLEX(complex_id, other, 0),
            ),
        ],
        [button(t_plain(lang, "hc.button.new"), NEW(complex_id))] if can(actor, Permission.HOUSING_WRITE) else [],
        [button(t_plain(lang, "lookup.back_to_card"), CARD(complex_id))],
    ]
    data = (OF_COMPLEX(complex_id, scope, page - 1), OF_COMPLEX(complex_id, scope, page + 1))
    await show(update, context, body, list_keyboard(lang, found, data, *rows_below))


async def start(update: Update, context: DongneContext) -> None:
    """/complaints, or 민원 관리 in the main menu: the open complaints in my hands."""
    await answer(update, context)
    await show_list(update, context, "mine", 0)


async def on_button(update: Update, context: DongneContext) -> None:
    """Every hc: button but the registration's and the closing dialogue's, parsed like typed input."""
    query = update.callback_query
    assert query is not None
    found = which(query.data, KINDS)
    if found is None or (found[0] in (LIST, OF_COMPLEX) and found[1][-1] < 0):
        await answer(update, context, "common.button_invalid", alert=True)
        return
    kind, values = found
    await answer(update, context)
    lang = context.lang
    if kind is LIST:
        await show_list(update, context, *values)
    elif kind is OF_COMPLEX:
        await show_complex(update, context, *values)
    elif kind is OPEN:
        try:
            view = await context.services.complaints.get(context.staff(), *values)
        except DongneError as error:
            await report(update, context, error)
            return
        await show_complaint(update, context, view, edit=False)
    elif kind is START:
        complaint_id, version = values
        await apply(update, context, complaint_id, version, {"action": "start"})
    elif kind is REASSIGN:
        complaint_id, version = values
        try:
            current, people = await context.services.complaints.assignees_of(context.staff(), complaint_id)
        except DongneError as error:
            await report(update, context, error)
            return
        picks = assignee_buttons(lang, people, ASSIGN, complaint_id, version)
        await say(update, context, t(lang, "hc.reassign.ask", id=complaint_id, name=current), markup(*rows(picks, 2)))
    elif kind is ASSIGN:
        complaint_id, version, staff_id = values
        await apply(update, context, complaint_id, version, {"action": "reassign", "assignee_id": staff_id})
    elif kind is AGAIN:
        complaint_id, version = values
        kept = (context.user_data or {}).get(RETRY_KEY)
        if not isinstance(kept, dict) or kept.get("complaint_id") != complaint_id:
            await say(update, context, t(lang, "hc.again.gone"))
            return
        change = {k: v for k, v in kept.items() if k != "complaint_id"}
        await apply(update, context, complaint_id, version, change)


def build_handlers() -> list[BaseHandler[Update, DongneContext, Any]]:
    return [
        CommandHandler("complaints", start),
        CallbackQueryHandler(start, pattern=menu.COMPLAINTS.pattern),
        *(CallbackQueryHandler(on_button, pattern=kind.pattern) for kind in KINDS),
    ]
