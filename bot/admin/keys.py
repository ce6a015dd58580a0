"""What the app carries for its views, and what a request carries between the middlewares and the views: in a
module of its own, so the app factory and the views it serves can both import them."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from bot.admin.bot_identity import BotUsernameLookup
from bot.admin.routing import NavLink, Route
from core.staff.access import ActiveSession
from core.values import StaffMember

# The bot's @username for t.me deep links in link codes: a setting, or asked of the running bot (getMe).
BOT_USERNAME = web.AppKey("bot_username", object)
# Without either, the username asked of Telegram (getMe) when a link code needs it: see bot/admin/bot_identity.py.
BOT_LOOKUP = web.AppKey("bot_lookup", BotUsernameLookup)
# What the app serves (the API description is drawn from it) and the menu of every view module.
SERVED_ROUTES = web.AppKey("served_routes", list[Route])
NAV_LINKS = web.AppKey("nav_links", list[NavLink])

ACTOR = web.RequestKey("actor", StaffMember)
SESSION = web.RequestKey("session", ActiveSession)
PRE_CSRF = web.RequestKey("pre_csrf", str)
FORM = web.RequestKey("form", Mapping[str, str])
