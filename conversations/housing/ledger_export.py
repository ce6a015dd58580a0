"""📥 대장 엑셀 — the housing ledger as the office's workbook, sent in the chat.

``/housing_export`` (or the menu's button) sends every record of the member's dongs, a sheet per record kind,
in the template's shape (``core.housing.ledger_book``): what they would fill in and bring back. Personal data
is masked where the member's ``pii.view`` does not reach, and the caption says so; an unmasked copy is
audited (``pii.view``, via ``chat``)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from conversations import menu
from conversations.context import DongneContext
from conversations.files import send_file
from conversations.replies import answer, report
from core.errors import DongneError
from core.housing.sheets import sheet_words
from core.texts.i18n import grouped, t, t_plain


async def start(update: Update, context: DongneContext) -> None:
    await answer(update, context)
    chat = update.effective_chat
    assert chat is not None
    lang = context.lang
    try:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
        exported = await context.services.ledger_book.export(context.staff(), lang, via="chat")
    except DongneError as error:
        await report(update, context, error)
        return
    words = sheet_words(lang)
    counts = ", ".join(
        t_plain(lang, "cli.export.count", sheet=words.sheets[sheet], rows=grouped(rows))
        for sheet, rows in exported.rows.items()
    )
    lines = [t(lang, "hx.chat.export_caption", counts=counts)]
    if exported.masked:
        lines.append(t(lang, "hx.chat.export_masked"))
    lines.append(t(lang, "hx.chat.export_import_hint"))
    today = context.services.clock.local()
    name = t_plain(lang, "cli.export.ledger_file", date=f"{today:%Y%m%d}")
    await send_file(update, context, name, exported.content, "\n".join(lines))


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [
        CommandHandler("housing_export", start),
        CallbackQueryHandler(start, pattern=menu.HOUSING_EXPORT.pattern),
    ]
