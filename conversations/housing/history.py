"""변경 이력 — the card's 🕘 button: who changed what in the complex's ledger, and when, newest first.

The history opens in place of the card, five changes to a page, each with its fields' old and new values
(personal ones masked for a reader without ``pii.view``), and a way back to the card. Field and record names
are the ledger's; a value stored as a date reads 2024.03.14, and a code (a kind, a state) by its label where
the catalogs have one."""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from conversations.context import DongneContext
from conversations.housing.buttons import HISTORY
from conversations.housing.lookup import CARD
from conversations.keyboards import button, markup, pager_row
from conversations.layout import excerpt
from conversations.replies import answer, report, show
from core.errors import DongneError
from core.housing.history import ComplexHistory, FieldChange, HistoryEntry
from core.texts.i18n import grouped, has_text, t, t_plain

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
VALUE_LIMIT = 60  # a value's beginning: remarks and complaints' contents can run to pages


def record_label(lang: str, record: str) -> str:
    key = f"hl.record.{record}"
    return t_plain(lang, key) if has_text(lang, key) else record


def field_label(lang: str, record: str, name: str) -> str:
    for key in (f"hl.field.{record}.{name}", f"hc.edit.field.{name}", f"hh.field.{name}"):
        if has_text(lang, key):
            return t_plain(lang, key)
    return name


def value_text(lang: str, name: str, value: object) -> str:
    if value is None or value == "":
        return t_plain(lang, "hl.empty")
    if isinstance(value, list | tuple):
        return " / ".join(value_text(lang, name, v) for v in value)
    if isinstance(value, bool):
        return t_plain(lang, "hh.yes" if value else "hh.no")
    if isinstance(value, int | float):
        return grouped(value) if isinstance(value, int) else str(value)
    text = str(value)
    day = _ISO_DAY.fullmatch(text)
    if day:
        return ".".join(day.groups())
    # A code by the label its own screens give it: the ledger's choices, a complaint's state and channel.
    for key in (f"hl.choice.{name}.{text}", f"hc.{name}.{text}"):
        if has_text(lang, key):
            return t_plain(lang, key)
    return excerpt(" ".join(text.split()), VALUE_LIMIT)


def change_line(lang: str, record: str, change: FieldChange) -> str:
    return t(
        lang,
        "hh.change",
        field=field_label(lang, record, change.field),
        old=value_text(lang, change.field, change.old),
        new=value_text(lang, change.field, change.new),
    )


def entry_lines(lang: str, entry: HistoryEntry) -> list[str]:
    verb = entry.verb if has_text(lang, f"hh.verb.{entry.verb}") else "edit"
    head = t(
        lang,
        "hh.entry",
        at=entry.at.strftime("%Y.%m.%d %H:%M"),
        actor=entry.actor or t_plain(lang, "hh.system"),
        record=record_label(lang, entry.record),
        verb=t_plain(lang, f"hh.verb.{verb}"),
    )
    removed = [t(lang, "hh.contacts_removed")] if entry.contacts_removed else []
    return [head, *(change_line(lang, entry.record, c) for c in entry.changes), *removed]


def render_history(lang: str, history: ComplexHistory) -> str:
    lines = [t(lang, "hh.title", name=history.complex_name, total=grouped(history.page.total))]
    if not history.page.items:
        lines.append(t(lang, "hh.none"))
    for entry in history.page.items:
        lines.append("")
        lines.extend(entry_lines(lang, entry))
    if history.personal_data_masked and history.page.items:
        lines.append("")
        lines.append(t(lang, "card.masked_note"))
    return "\n".join(lines)


def history_keyboard(lang: str, history: ComplexHistory) -> InlineKeyboardMarkup:
    cid, shown = history.complex_id, history.page
    pager = pager_row(
        lang,
        has_previous=shown.has_previous,
        has_next=shown.number + 1 < shown.count,
        number=shown.number,
        count=shown.count,
        data_for=(HISTORY(cid, shown.number - 1), HISTORY(cid, shown.number + 1)),
    )
    return markup(pager, [button(t_plain(lang, "lookup.back_to_card"), CARD(cid))])


async def on_history(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    values = HISTORY.parse(query.data)
    if values is None or values[1] < 0:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    complex_id, number_ = values
    try:
        history = await context.services.housing_history.changes(context.staff(), complex_id, number_)
    except DongneError as error:
        await answer(update, context)
        await report(update, context, error)
        return
    if number_ and number_ >= history.page.count:  # a page of an older, longer history
        await answer(update, context, "hh.outdated")
        history = await context.services.housing_history.changes(context.staff(), complex_id, 0)
    else:
        await answer(update, context)
    await show(update, context, render_history(context.lang, history), history_keyboard(context.lang, history))


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [CallbackQueryHandler(on_history, pattern=HISTORY.pattern)]
