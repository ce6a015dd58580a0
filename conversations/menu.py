"""The main menu: what the staff member may do, by the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from conversations.i18n import t_plain
from conversations.keyboards import button, markup, rows
from core.permissions import Permission, can
from core.values import StaffMember


@dataclass(frozen=True)
class MenuItem:
    key: str  # catalog key under menu.
    data: str
    permission: Permission | None = None


MENU = (
    MenuItem("complex", "menu:complex", Permission.HOUSING_READ),
    MenuItem("language", "menu:language"),
    MenuItem("help", "menu:help"),
)

# Bot commands shown in Telegram's menu, with their catalog keys (command.<name>).
COMMANDS = ("start", "complex", "language", "help", "cancel")


def main_menu(lang: str, actor: StaffMember) -> InlineKeyboardMarkup:
    items = [item for item in MENU if item.permission is None or can(actor, item.permission)]
    return markup(*rows([button(t_plain(lang, f"menu.{item.key}"), item.data) for item in items], 2))
