"""The main menu: what the staff member may do, by the roles they hold, with what waits for them."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from conversations.buttons import ButtonData
from conversations.keyboards import button, markup, rows
from core.permissions import Permission, can
from core.texts.i18n import t_plain
from core.values import StaffMember


@dataclass(frozen=True)
class MenuItem:
    key: str  # catalog key under menu.
    data: ButtonData
    permissions: tuple[Permission, ...] = ()  # any one of them shows the item; none: everyone


# Each item's button; the dialogue it opens answers it by the same definition.
COMPLEX = ButtonData("menu:complex")
COMPLAINTS = ButtonData("menu:complaints")
HOUSING_STATS = ButtonData("menu:housing_stats")
HOUSING_EXPORT = ButtonData("menu:housing_export")
HOUSING_IMPORT = ButtonData("menu:housing_import")
COMMUNITY = ButtonData("menu:community")
GRANTS = ButtonData("menu:grants")
COMMUNITY_STATS = ButtonData("menu:community_stats")
APPROVALS = ButtonData("menu:approvals")
CASES = ButtonData("menu:bm_list")
NEW_CASE = ButtonData("menu:bm_new")
STATS = ButtonData("menu:bm_stats")
SMS = ButtonData("menu:sms")
LANGUAGE = ButtonData("menu:language")
HELP = ButtonData("menu:help")

COORDINATE, EXECUTE = Permission.BENCHMARK_COORDINATE, Permission.BENCHMARK_EXECUTE
MENU = (
    MenuItem("complex", COMPLEX, (Permission.HOUSING_READ,)),
    MenuItem("complaints", COMPLAINTS, (Permission.HOUSING_READ,)),
    MenuItem("housing_stats", HOUSING_STATS, (Permission.HOUSING_READ,)),
    MenuItem("housing_export", HOUSING_EXPORT, (Permission.HOUSING_READ,)),
    MenuItem("housing_import", HOUSING_IMPORT, (Permission.HOUSING_WRITE,)),
    MenuItem("community", COMMUNITY, (Permission.COMMUNITY_READ,)),
    MenuItem("grants", GRANTS, (Permission.COMMUNITY_READ,)),
    MenuItem("community_stats", COMMUNITY_STATS, (Permission.COMMUNITY_READ,)),
    MenuItem("approvals", APPROVALS, (COORDINATE,)),
    MenuItem("bm_list", CASES, (COORDINATE, EXECUTE)),
    MenuItem("bm_new", NEW_CASE, (COORDINATE,)),
    MenuItem("bm_stats", STATS, (COORDINATE,)),
    MenuItem("sms", SMS, (Permission.SMS_SEND,)),
    MenuItem("language", LANGUAGE),
    MenuItem("help", HELP),
)


@dataclass(frozen=True)
class Command:
    """A bot command; its texts are command.<name> (Telegram's command menu) and help.line.<name> (/help)."""

    name: str
    permissions: tuple[Permission, ...] = ()  # any one of them offers it; none: every active member
    guest: bool = False  # offered before binding too: how to begin, and in which language


# In the order Telegram's menu and /help list them.
COMMANDS = (
    Command("start", guest=True),
    Command("complex", (Permission.HOUSING_READ,)),
    Command("rep", (Permission.HOUSING_READ,)),
    Command("complaints", (Permission.HOUSING_READ,)),
    Command("housing_stats", (Permission.HOUSING_READ,)),
    Command("housing_export", (Permission.HOUSING_READ,)),
    Command("housing_import", (Permission.HOUSING_WRITE,)),
    Command("community", (Permission.COMMUNITY_READ,)),
    Command("grants", (Permission.COMMUNITY_READ,)),
    Command("community_stats", (Permission.COMMUNITY_READ,)),
    Command("cases", (COORDINATE, EXECUTE)),
    Command("newcase", (COORDINATE,)),
    Command("approvals", (COORDINATE,)),
    Command("stats", (COORDINATE,)),
    Command("sms", (Permission.SMS_SEND,)),
    Command("sms_results", (Permission.SMS_SEND,)),
    Command("language", guest=True),
    Command("help", guest=True),
    Command("cancel"),
)
GUEST_COMMANDS = tuple(command for command in COMMANDS if command.guest)


def commands_for(actor: StaffMember | None) -> tuple[Command, ...]:
    """What this member may use, by the roles they hold now; someone not (or no longer) an active member
    gets only the guest's few."""
    if actor is None or not actor.active:
        return GUEST_COMMANDS
    return tuple(
        command for command in COMMANDS if not command.permissions or any(can(actor, p) for p in command.permissions)
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
    return markup(*rows([button(_label(lang, item, actor, waiting), item.data()) for item in items], 2))
