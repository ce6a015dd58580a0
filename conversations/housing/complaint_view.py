"""민원 as the chat shows it: the buttons every complaint dialogue shares, one complaint's screen with the state
buttons its reader may use, and a page of a list. Dates are written with dots, as the ledger writes them."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from conversations.buttons import ButtonData, number, one_of, page
from conversations.housing.card import fmt_date
from conversations.keyboards import button, markup, page_row
from conversations.layout import excerpt
from core.housing.values import Assignee, ComplaintAction, ComplaintListItem, ComplaintView
from core.texts.i18n import t, t_plain
from core.values import Page

LISTS = ("mine", "overdue")
SCOPES = ("open", "all")
EXCERPT = 40  # a list line's share of the complaint: one phone line
BUTTON_EXCERPT = 18

NEW = ButtonData("hc:new", number("complex_id"))
LIST = ButtonData("hc:l", one_of("list", LISTS), page())
OF_COMPLEX = ButtonData("hc:cx", number("complex_id"), one_of("scope", SCOPES), page())
OPEN = ButtonData("hc:o", number("complaint_id"))
START = ButtonData("hc:st", number("complaint_id"), number("version"))
CLOSE = ButtonData("hc:cl", number("complaint_id"), number("version"))
REASSIGN = ButtonData("hc:ra", number("complaint_id"), number("version"))
EDIT = ButtonData("hc:ed", number("complaint_id"), number("version"))
ASSIGN = ButtonData("hc:as", number("complaint_id"), number("version"), number("staff_id"))
AGAIN = ButtonData("hc:again", number("complaint_id"), number("version"))


def channel_label(lang: str, code: str) -> str:
    return t_plain(lang, f"hc.channel.{code}")


def state_label(lang: str, state: str) -> str:
    return t_plain(lang, f"hc.state.{state}")


def render_complaint(lang: str, view: ComplaintView) -> str:
    none = t_plain(lang, "hc.none")
    state = state_label(lang, view.state.value)
    if view.closed_on is not None:
        state_line = t(lang, "hc.view.state", state=state)
    elif view.overdue:
        state_line = t(lang, "hc.view.state_overdue", state=state, days=view.days_open)
    else:
        state_line = t(lang, "hc.view.state_open_days", state=state, days=view.days_open)
    lines = [
        t(lang, "hc.view.title", id=view.id, complex=view.complex_name, dong=view.admin_dong),
        state_line,
        t(lang, "hc.view.received", date=fmt_date(view.received_on), channel=channel_label(lang, view.channel)),
        t(lang, "hc.view.complainant", name=view.complainant or none, contact=view.contact or none),
        t(lang, "hc.view.assignee", name=view.assignee_name),
        "",
        t(lang, "hc.view.content", text=view.content),
    ]
    if view.result is not None:
        lines += ["", t(lang, "hc.view.result", date=fmt_date(view.closed_on), text=view.result)]
    if view.updated_by_name:
        lines += ["", t(lang, "hc.view.updated", name=view.updated_by_name)]
    if view.personal_data_masked and (view.complainant or view.contact):
        lines.append(t(lang, "hc.masked_note"))
    return "\n".join(lines)


def complaint_keyboard(lang: str, view: ComplaintView) -> InlineKeyboardMarkup:
    """The state buttons the reader may use now, and the way back to the complex's list."""
    actions: list[InlineKeyboardButton] = []
    if ComplaintAction.START in view.actions:
        actions.append(button(t_plain(lang, "hc.button.start"), START(view.id, view.version)))
    if ComplaintAction.CLOSE in view.actions:
        actions.append(button(t_plain(lang, "hc.button.close"), CLOSE(view.id, view.version)))
    if ComplaintAction.REASSIGN in view.actions:
        actions.append(button(t_plain(lang, "hc.button.reassign"), REASSIGN(view.id, view.version)))
    more: list[InlineKeyboardButton] = []
    if ComplaintAction.EDIT in view.actions:
        more.append(button(t_plain(lang, "hc.button.edit"), EDIT(view.id, view.version)))
    more.append(button(t_plain(lang, "hc.button.back_to_list"), OF_COMPLEX(view.complex_id, "open", 0)))
    return markup(actions, more)


def changed_keyboard(lang: str, view: ComplaintView) -> InlineKeyboardMarkup:
    """Under a refused save: apply the change again on top of what is there now, or just look at it."""
    return markup(
        [
            button(t_plain(lang, "hc.button.again"), AGAIN(view.id, view.version)),
            button(t_plain(lang, "hc.button.open"), OPEN(view.id)),
        ]
    )


def assignee_buttons(lang: str, people: list[Assignee], data: ButtonData, *prefix: int) -> list[InlineKeyboardButton]:
    return [
        button(
            t_plain(lang, "hc.button.assignee", name=p.name, department=p.department, unbound="" if p.bound else " ⚠"),
            data(*prefix, p.id),
        )
        for p in people
    ]


def list_body(lang: str, heading: str, items: tuple[ComplaintListItem, ...]) -> str:
    lines = [heading]
    for item in items:
        lines.append(
            t(
                lang,
                "hc.list.line",
                id=item.id,
                date=fmt_date(item.received_on),
                state=state_label(lang, item.state),
                complex=item.complex_name,
                assignee=item.assignee_name,
                excerpt=excerpt(" ".join(item.content.split()), EXCERPT),
            )
        )
    return "\n".join(lines)


def list_keyboard(
    lang: str, items: Page[ComplaintListItem], page_data: tuple[str, str], *extra: list[InlineKeyboardButton]
) -> InlineKeyboardMarkup:
    picks = [
        [
            button(
                t_plain(
                    lang,
                    "hc.list.item_button",
                    id=item.id,
                    complex=item.complex_name,
                    excerpt=excerpt(" ".join(item.content.split()), BUTTON_EXCERPT),
                ),
                OPEN(item.id),
            )
        ]
        for item in items.items
    ]
    return markup(*picks, page_row(lang, items, page_data), *extra)
