"""The main menu: what the staff member may do, by the roles they hold, with what waits for them."""

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
    permissions: tuple[Permission, ...] = ()  # any one of them shows the item; none: everyone


COORDINATE, EXECUTE = Permission.BENCHMARK_COORDINATE, Permission.BENCHMARK_EXECUTE
MENU = (
    MenuItem("complex", "menu:complex", (Permission.HOUSING_READ,)),
    MenuItem("approvals", "menu:approvals", (COORDINATE,)),
    MenuItem("bm_list", "menu:bm_list", (COORDINATE, EXECUTE)),
    MenuItem("bm_new", "menu:bm_new", (COORDINATE,)),
    MenuItem("bm_stats", "menu:bm_stats", (COORDINATE,)),
    MenuItem("sms", "menu:sms", (Permission.SMS_SEND,)),
    MenuItem("language", "menu:language"),
    MenuItem("help", "menu:help"),
)

# Bot commands shown in Telegram's menu, with their catalog keys (command.<name>).
COMMANDS = (
    "start",
    "complex",
    "cases",
    "newcase",
    "approvals",
    "stats",
    "sms",
    "sms_results",
    "language",
    "help",
    "cancel",
)


def _label(lang: str, item: MenuItem, actor: StaffMember, waiting: int) -> str:
    if item.key == "approvals":
        return t_plain(lang, "menu.approvals", count=waiting)
    if item.key == "bm_list" and not can(actor, COORDINATE):
        # A department's list: the count is what needs its review or revision.
        key = "menu.bm_list_department_todo" if waiting else "menu.bm_list_department"
        return t_plain(lang, key, count=waiting)
    return t_plain(lang, f"menu.{item.key}")


def main_menu(lang: str, actor: StaffMember, waiting: int = 0) -> InlineKeyboardMarkup:
    """``waiting``: approvals waiting for a coordinator, or a department's cases needing its work."""
    items = [item for item in MENU if not item.permissions or any(can(actor, p) for p in item.permissions)]
    return markup(*rows([button(_label(lang, item, actor, waiting), item.data) for item in items], 2))
