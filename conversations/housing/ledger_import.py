"""📤 대장 엑셀 가져오기 — a writer brings the office's spreadsheet into the ledger from the chat.

The journey: ``/housing_import`` (or the menu's button) says what to send and sends the empty template; the
member sends the workbook as a document. The bot checks it (``core.housing.ledger_import``: nothing is
written) and answers with what it would add, change and leave alone per sheet, and every problem (the first
few in the message; a longer list comes as a workbook). A file without problems gets ✅ 적용, which loads
what was checked: once, however often it is pressed, and not at all if the ledger changed since the check
(the member is asked to send the file again). Another file sent meanwhile is checked in its place.

The document itself is not kept: the chat keeps Telegram's file id, the file's name and the check's
fingerprint in the member's (persisted) data, so ✅ 적용 still works after a restart."""

from __future__ import annotations

import asyncio
import secrets
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations import menu
from conversations.buttons import ButtonData, token
from conversations.context import DongneContext
from conversations.dialogue import ANY_MESSAGE, FILES, DialogueFocus, dialogue, enter, leave, on_message, scratch
from conversations.files import receive_file, send_file
from conversations.keyboards import button, markup
from conversations.replies import answer, error_text, report, say, show
from core.errors import DongneError, InvalidInput
from core.import_report import ImportReport, Problem
from core.permissions import Permission, can
from core.texts.i18n import grouped, t, t_plain

NAME = "housing_import"
DRAFT_KEY = "hi_import"
APPLY = ButtonData("hi:a", token("check"))
CANCEL = ButtonData("hi:x")
LISTED = 10  # problems in the message; more come as a workbook


class State(StrEnum):
    AWAIT_FILE = "await_file"
    CONFIRM = "confirm"


async def start(update: Update, context: DongneContext) -> State | int:
    """What to send, and the template to fill in."""
    await answer(update, context)
    lang = context.lang
    actor = context.staff()
    if not can(actor, Permission.HOUSING_WRITE):
        await say(update, context, t(lang, "error.permission_denied"))
        return ConversationHandler.END
    enter(context, NAME)
    scratch(context, DRAFT_KEY).clear()
    await say(update, context, t(lang, "hx.chat.ask_file"), _cancel_keyboard(lang))
    template = await context.services.ledger_book.template(actor, lang)
    await send_file(update, context, t_plain(lang, "cli.export.template_file"), template, t(lang, "hx.chat.template"))
    return State.AWAIT_FILE


async def on_file(update: Update, context: DongneContext) -> State | int:
    """Check the workbook sent; keep what ✅ 적용 needs to load it."""
    message = update.message
    assert message is not None
    lang = context.lang
    chat = update.effective_chat
    assert chat is not None
    if message.document is None:
        await say(update, context, t(lang, "hx.chat.not_a_document"), _cancel_keyboard(lang))
        return State.AWAIT_FILE
    try:
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
        incoming = await receive_file(message, context)
        name = incoming.file_name or "workbook.xlsx"
        report_ = await context.services.ledger_import.check(context.staff(), incoming.content, name, lang)
    except InvalidInput as error:  # not a workbook the import can read: say why, and wait for another
        await report(update, context, error)
        return State.AWAIT_FILE
    except DongneError as error:
        await report(update, context, error)
        return ConversationHandler.END
    draft = scratch(context, DRAFT_KEY)
    draft.clear()
    keyboard: InlineKeyboardMarkup | None = _cancel_keyboard(lang)
    if report_.ok and report_.has_changes:
        check = secrets.token_hex(4)
        draft.update(file_id=incoming.telegram_file_id, name=name, fingerprint=report_.fingerprint, check=check)
        keyboard = markup(
            [button(t_plain(lang, "hx.chat.apply"), APPLY(check)), button(t_plain(lang, "hx.chat.cancel"), CANCEL())]
        )
    await say(update, context, summary(lang, report_), keyboard)
    if report_.problem_count > LISTED or len(report_.notices) > LISTED:
        content = await asyncio.to_thread(context.services.ledger_import.problems_workbook, report_, lang)
        caption = t(lang, "hx.chat.problems_file", count=grouped(report_.problem_count))
        await send_file(update, context, t_plain(lang, "hx.chat.problems_file_name"), content, caption)
    return State.CONFIRM if "check" in draft else State.AWAIT_FILE


async def on_apply(update: Update, context: DongneContext) -> State | int:
    """Load what was checked, once: the press's check must be the one kept, which it then stops being."""
    query = update.callback_query
    assert query is not None
    values = APPLY.parse(query.data)
    draft = scratch(context, DRAFT_KEY)
    if values is None or draft.get("check") != values[0]:
        await answer(update, context, "hx.chat.apply_stale", alert=True)
        return State.CONFIRM if "check" in draft else State.AWAIT_FILE
    kept = dict(draft)
    draft.clear()  # a second press finds nothing to apply, even before this one is done
    await answer(update, context)
    lang = context.lang
    try:
        handle = await context.bot.get_file(str(kept["file_id"]))
        content = bytes(await handle.download_as_bytearray())
        loaded = await context.services.ledger_import.apply(
            context.staff(), content, str(kept["name"]), lang, expected=str(kept["fingerprint"])
        )
    except DongneError as error:
        await show(update, context, error_text(lang, error))
        return ConversationHandler.END
    if not loaded.applied:  # problems after all (the ledger changed so that rows no longer fit): checked again
        await show(update, context, summary(lang, loaded))
        return ConversationHandler.END
    await show(update, context, t(lang, "hx.chat.applied", file=loaded.file_name) + "\n" + _counts(lang, loaded))
    return ConversationHandler.END


def summary(lang: str, report_: ImportReport) -> str:
    """The check in the chat: each sheet's counts, then the problems (or that there are none), then notes."""
    lines = [t(lang, "hx.chat.checked", file=report_.file_name), _counts(lang, report_)]
    if report_.problem_count:
        lines += ["", t(lang, "hx.chat.problems", count=grouped(report_.problem_count))]
        lines += [_line(lang, p) for p in report_.problems[:LISTED]]
        if report_.problem_count > LISTED:
            lines.append(t(lang, "hx.chat.more_in_file", count=grouped(report_.problem_count - LISTED)))
    if report_.notices:
        lines += ["", t(lang, "hx.chat.notices", count=grouped(len(report_.notices)))]
        lines += [_line(lang, p) for p in report_.notices[:LISTED]]
    lines.append("")
    if not report_.ok:
        lines.append(t(lang, "hx.chat.fix_and_resend"))
    elif report_.has_changes:
        lines.append(t(lang, "hx.chat.ready"))
    else:
        lines.append(t(lang, "hx.chat.nothing_to_change"))
    return "\n".join(lines)


def _counts(lang: str, report_: ImportReport) -> str:
    return "\n".join(
        t(
            lang,
            "hx.chat.sheet",
            sheet=s.sheet,
            added=grouped(s.added),
            changed=grouped(s.changed),
            kept=grouped(s.unchanged),
        )
        for s in report_.sheets
    )


def _line(lang: str, problem: Problem) -> str:
    if problem.row is None:
        return t(lang, "hx.chat.problem_whole", sheet=problem.sheet or "-", reason=problem.reason)
    return t(
        lang,
        "hx.chat.problem",
        sheet=problem.sheet,
        row=problem.row,
        column=problem.column or "-",
        value=problem.value,
        reason=problem.reason,
    )


def _cancel_keyboard(lang: str) -> InlineKeyboardMarkup:
    return markup([button(t_plain(lang, "hx.chat.cancel"), CANCEL())])


async def file_expected(update: Update, context: DongneContext) -> State:
    await say(update, context, t(context.lang, "hx.chat.not_a_document"), _cancel_keyboard(context.lang))
    return State.AWAIT_FILE


async def cancel(update: Update, context: DongneContext) -> int:
    return await leave(update, context, DRAFT_KEY)


def build_handler(focus: DialogueFocus) -> ConversationHandler[DongneContext]:
    files = on_message(focus, NAME, FILES, on_file)
    return dialogue(
        NAME,
        focus,
        entry_points=[
            CommandHandler("housing_import", start),
            CallbackQueryHandler(start, pattern=menu.HOUSING_IMPORT.pattern),
        ],
        states={
            State.AWAIT_FILE: [files, on_message(focus, NAME, ANY_MESSAGE, file_expected)],
            State.CONFIRM: [
                CallbackQueryHandler(on_apply, pattern=APPLY.pattern),
                files,
                on_message(focus, NAME, ANY_MESSAGE, file_expected),
            ],
        },
        fallbacks=[CallbackQueryHandler(cancel, pattern=CANCEL.pattern)],
        cancel=cancel,
    )
