"""``GET /healthz``: is the database reachable, the schema current, the pages' templates loadable and the bot
running?"""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.pages import template_problem
from bot.admin.routing import Access, Route, route
from storage.migrate import is_up_to_date

log = logging.getLogger("dongne.admin")

ENGINE = web.AppKey("engine", AsyncEngine)
# None when the endpoint runs alone (``dongne admin serve``): then no bot is expected.
BOT_RUNNING = web.AppKey("bot_running", object)
# In ``dongne run``: "active", or "standby" while another process serves the bot (bot/instance.py).
BOT_ROLE = web.AppKey("bot_role", object)


@route("GET", "/healthz", "healthz", Access.PUBLIC)
async def healthz(request: web.Request) -> web.StreamResponse:
    checks: dict[str, object] = {}
    try:
        async with request.app[ENGINE].connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        checks["schema"] = "ok" if await is_up_to_date(request.app[ENGINE]) else "outdated"
    except Exception as error:  # the report says what failed; the log has the details
        log.warning("health check: database unreachable: %s", error)
        checks["database"], checks["schema"] = "unreachable", "unknown"
    problem = template_problem()
    if problem is not None:
        log.error("health check: the admin pages cannot be shown: %s", problem)
    checks["admin_pages"] = "ok" if problem is None else f"broken: {problem}"
    bot_running, role = request.app[BOT_RUNNING], request.app.get(BOT_ROLE)
    if callable(role) and role() == "standby":
        checks["bot"] = "standby"  # not serving, by design: it takes over when the active instance dies
    elif callable(bot_running):
        checks["bot"] = "running" if bot_running() else "stopped"
    else:
        checks["bot"] = "not_expected"
    if callable(role):
        checks["role"] = str(role())
    healthy = all(checks[name] == "ok" for name in ("database", "schema", "admin_pages")) and checks["bot"] != "stopped"
    return web.json_response({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)


ROUTES: list[Route] = [healthz]
