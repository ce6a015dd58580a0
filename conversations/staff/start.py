"""Greeting, binding, the main menu, help, language — and polite answers to whatever fits nowhere.

A new staff member taps the deep link an IT admin gave them (``/start <code>``) and is bound; a bound
one gets the main menu. ``/language`` switches between Korean and English for good."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from conversations import menu
from conversations.buttons import ButtonData, one_of
from conversations.command_menu import menus_of
from conversations.context import DongneContext
from conversations.keyboards import NOOP, button, markup
from conversations.menu import commands_for, main_menu
from conversations.replies import answer, report, say, show
from core.errors import DongneError
from core.permissions import Permission, can
from core.texts.i18n import LANGUAGES, t, t_plain
from core.values import StaffMember

LANGUAGE = ButtonData("lang", one_of("code", LANGUAGES))


async def start(update: Update, context: DongneContext) -> None:
    user = update.effective_user
    assert user is not None
    if context.actor is None:
        # The gate lets an unbound user through only with a code to try.
        try:
            context.actor = await context.services.staff.bind_by_code(user.id, " ".join(context.args or []))
        except DongneError as error:
            await report(update, context, error)
            return
        await say(
            update,
            context,
            t(context.lang, "start.bound", name=context.actor.name, department=context.actor.department),
        )
        await menus_of(context.bot_data).refresh(context.bot, user.id, context.actor)
    await send_menu(update, context)


async def menu_for(context: DongneContext) -> InlineKeyboardMarkup:
    actor = context.staff()
    return main_menu(context.lang, actor, await context.services.decisions.waiting_count(actor))


async def send_menu(update: Update, context: DongneContext) -> None:
    actor = context.staff()
    await say(update, context, t(context.lang, "start.menu", name=actor.name), await menu_for(context))


def help_text(lang: str, actor: StaffMember | None) -> str:
    """The commands this member may use, as the command menu lists them, with a tip where one helps; a
    guest learns how to begin."""
    if actor is None:
        return t(lang, "help.guest")
    lines = [t(lang, "help.head")]
    lines += [t(lang, f"help.line.{command.name}") for command in commands_for(actor)]
    if can(actor, Permission.HOUSING_READ):
        lines.append(t(lang, "help.tip_search"))
        if not can(actor, Permission.PII_VIEW):
            lines.append(t(lang, "help.tip_masked"))
    lines.append(t(lang, "help.more_roles"))
    return "\n".join(lines)


async def help_command(update: Update, context: DongneContext) -> None:
    await answer(update, context)
    await say(update, context, help_text(context.lang, context.actor))


async def language_command(update: Update, context: DongneContext) -> None:
    await answer(update, context)
    if context.actor is None:
        # Before binding there is no account to keep a choice in: the bot follows the Telegram app's language.
        await say(update, context, t(context.lang, "language.guest"))
        return
    choices = [button(t_plain(code, "language.name"), LANGUAGE(code)) for code in LANGUAGES]
    await say(update, context, t(context.lang, "language.ask"), markup(choices))


async def choose_language(update: Update, context: DongneContext) -> None:
    query = update.callback_query
    assert query is not None
    values = LANGUAGE.parse(query.data)
    if values is None:
        await answer(update, context, "common.button_invalid", alert=True)
        return
    await answer(update, context)
    try:
        context.actor = await context.services.staff.set_language(context.staff(), values[0])
    except DongneError as error:
        await report(update, context, error)
        return
    await show(update, context, t(context.lang, "language.changed"))
    user = update.effective_user
    if user is not None:
        await menus_of(context.bot_data).refresh(context.bot, user.id, context.actor)
    await send_menu(update, context)


async def cancel_outside(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "common.nothing_to_cancel"))


async def unknown_command(update: Update, context: DongneContext) -> None:
    await say(update, context, t(context.lang, "common.unknown_command"))


async def stray_message(update: Update, context: DongneContext) -> None:
    """Text or a file outside any dialogue: show where to start instead of guessing."""
    await say(update, context, t(context.lang, "common.use_menu"), await menu_for(context))


async def noop_button(update: Update, context: DongneContext) -> None:
    await answer(update, context)


async def unknown_button(update: Update, context: DongneContext) -> None:
    """Buttons no dialogue claims: from a message too old to act on, or forged."""
    await answer(update, context, "common.button_invalid", alert=True)


def build_handlers() -> list[BaseHandler[Update, DongneContext, object]]:
    return [
        CommandHandler("start", start),
        CommandHandler("menu", start),
        CommandHandler("help", help_command),
        CallbackQueryHandler(help_command, pattern=menu.HELP.pattern),
        CommandHandler("language", language_command),
        CallbackQueryHandler(language_command, pattern=menu.LANGUAGE.pattern),
        CallbackQueryHandler(choose_language, pattern=LANGUAGE.pattern),
        CommandHandler("cancel", cancel_outside),
    ]


def build_fallbacks() -> list[BaseHandler[Update, DongneContext, object]]:
    """Registered last in the same group, so they run only when no handler before them matched."""
    return [
        CallbackQueryHandler(noop_button, pattern=NOOP.pattern),
        CallbackQueryHandler(unknown_button),
        MessageHandler(filters.COMMAND, unknown_command),
        MessageHandler(filters.ALL, stray_message),
    ]
