"""Telegram's command menu (the "/" button) per chat: each member sees only the commands their roles allow.

Telegram keeps a command list per scope and shows a chat its own list before the default one. The default
list is the guest's (/start, /help, /language) in every language, for anyone not yet bound. A member's
chat gets its own list, in the member's language, when they bind, when they change language, for every
bound member when the bot starts, and whenever the access gate sees that their roles changed since the
list was last set (roles are granted on the admin pages or the command line, which cannot reach
Telegram): so a new role shows in the menu by the member's next message at the latest. A member who is
deactivated or unbound falls back to the guest's list.

What was last set per chat is remembered in memory, so the gate's check costs nothing on the usual update
and Telegram is asked only when something changed; a restarted process sets every member's list again."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from conversations.menu import GUEST_COMMANDS, commands_for
from core.texts.i18n import LANGUAGES, language_of, t_plain
from core.values import StaffMember

log = logging.getLogger(__name__)

MENUS_KEY = "command_menus"
_GUEST: tuple[str, ...] = ("guest",)


def _commands(language: str, names: Iterable[str]) -> list[BotCommand]:
    return [BotCommand(name, t_plain(language, f"command.{name}")) for name in names]


class CommandMenus:
    def __init__(self) -> None:
        self._shown: dict[int, tuple[str, ...]] = {}  # chat id -> (language, *command names), or _GUEST

    async def set_default(self, bot: Bot) -> None:
        """The guest's list, in Korean by default and in English for English clients."""
        for language in LANGUAGES:
            commands = _commands(language, (c.name for c in GUEST_COMMANDS))
            await bot.set_my_commands(commands, language_code=None if language == "ko" else language)

    async def refresh(self, bot: Bot, chat_id: int, member: StaffMember | None) -> None:
        """Make the private chat ``chat_id`` show what ``member`` (None: nobody bound) may use."""
        if member is None or not member.active:
            wanted = _GUEST
        else:
            wanted = (language_of(member.language), *(c.name for c in commands_for(member)))
        if self._shown.get(chat_id) == wanted:
            return
        scope = BotCommandScopeChat(chat_id)
        try:
            if wanted == _GUEST:
                await bot.delete_my_commands(scope=scope)
            else:
                await bot.set_my_commands(_commands(wanted[0], wanted[1:]), scope=scope)
        except TelegramError as exc:
            # A member bound by the command line who never opened the chat: Telegram knows no such chat yet.
            # Their first message brings them through the gate, which tries again.
            log.info("command menu for chat %s not set: %s", chat_id, exc)
            return
        self._shown[chat_id] = wanted

    async def refresh_members(self, bot: Bot, members: Iterable[StaffMember]) -> None:
        for member in members:
            if member.telegram_user_id is not None:
                await self.refresh(bot, member.telegram_user_id, member)


def menus_of(bot_data: dict[Any, Any]) -> CommandMenus:
    menus = bot_data.get(MENUS_KEY)
    if not isinstance(menus, CommandMenus):
        menus = bot_data[MENUS_KEY] = CommandMenus()
    return menus
