"""The admin endpoint's app factory and its server. What the web app owns opens and closes with it through
``cleanup_ctx``; when the server starts and stops beside the bot is bot/serving.py's to say."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from ipaddress import IPv4Network, IPv6Network
from types import ModuleType

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin import (
    api_handover,
    api_sms,
    api_staff,
    health,
    metrics,
    openapi,
    views_audit,
    views_auth,
    views_handover,
    views_reference,
    views_sms,
    views_staff,
    views_tokens,
)
from bot.admin.bot_identity import BotUsernameLookup
from bot.admin.keys import BOT_LOOKUP, BOT_USERNAME, NAV_LINKS, SERVED_ROUTES
from bot.admin.metrics import LastBackup, attach_metrics
from bot.admin.routing import Access, NavLink, Route
from bot.admin.security import ACCESS, SECURE_COOKIES, SERVICES, authenticate, errors, headers, refuse_unsafe_text
from bot.metrics import ProcessMetrics
from bot.ums import reports as ums_reports
from core.services import Services

# Forms are small; the largest request is an API call with a few fields.
MAX_REQUEST_BYTES = 64 * 1024
# On stop, requests in flight get this long to finish (a stop is bounded: docs/operations.md, "Stopping").
SHUTDOWN_SECONDS = 3.0
# The modules whose ROUTES the endpoint serves besides sign-in and health. The menu follows this order: the
# daily pages first, API tokens (set up once per integration) last.
VIEW_MODULES: tuple[ModuleType, ...] = (
    views_staff,
    api_staff,
    views_handover,
    api_handover,
    openapi,
    views_reference,
    views_audit,
    views_sms,
    views_tokens,
    api_sms,
    ums_reports,
)


def all_routes() -> list[Route]:
    """Every route the endpoint serves, from each view module's table."""
    routes: list[Route] = [*views_auth.ROUTES, *health.ROUTES, *metrics.ROUTES]
    for module in VIEW_MODULES:
        routes.extend(module.ROUTES)
    return routes


def nav_links() -> list[NavLink]:
    """The menu's items, each view module's own."""
    return [link for module in VIEW_MODULES for link in getattr(module, "NAV", [])]


def build_admin_app(
    services: Services,
    engine: AsyncEngine,
    *,
    secure_cookies: bool = False,
    bot_running: Callable[[], bool] | None = None,
    routes: Iterable[Route] | None = None,
    bot_username: str | Callable[[], str | None] | None = None,
    bot_lookup: BotUsernameLookup | None = None,
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = (),
    process_metrics: ProcessMetrics | None = None,
    metrics_token: str | None = None,
    last_backup: LastBackup | None = None,
) -> web.Application:
    # The text rule runs after authentication: a stranger learns nothing, not even that the input was refused.
    app = web.Application(middlewares=[errors, authenticate, refuse_unsafe_text], client_max_size=MAX_REQUEST_BYTES)
    app.on_response_prepare.append(headers)
    app[SERVICES] = services
    app[SECURE_COOKIES] = secure_cookies
    app[health.ENGINE] = engine
    app[health.BOT_RUNNING] = bot_running
    app[BOT_USERNAME] = bot_username
    if bot_lookup is not None:
        app[BOT_LOOKUP] = bot_lookup
        app.cleanup_ctx.append(bot_lookup.http_session)
    app[views_auth.TRUSTED_PROXIES] = trusted_proxies
    attach_metrics(app, process_metrics, token=metrics_token, last_backup=last_backup)
    app[NAV_LINKS] = nav_links()
    app[SERVED_ROUTES] = list(routes) if routes is not None else all_routes()
    access: dict[str, Access] = {}
    for entry in app[SERVED_ROUTES]:
        app.router.add_route(entry.method, entry.path, entry.handler, name=entry.name)
        access[entry.name] = entry.access
    app[ACCESS] = access
    return app


class AdminServer:
    """Runs the endpoint on host:port inside the current event loop (beside the bot, or alone)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        self._host, self._port = host, port
        self.port = port

    async def start(self) -> None:
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._host, self._port).start()
        except OSError:
            await self._runner.cleanup()  # nothing half-open is left behind when the port is taken
            raise
        addresses = self._runner.addresses  # the real port when 0 was asked for
        if addresses:
            self.port = int(addresses[0][1])

    async def stop(self) -> None:
        await self._runner.cleanup()
