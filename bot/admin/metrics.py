"""``GET /metrics``: the process's metrics in the Prometheus text format, for this machine (loopback) or for a
Prometheus server that shows the bearer token ``DONGNE_METRICS_TOKEN``; anyone else gets 403 (401 when a token
would do) and nothing else.

Behind the trusted proxies (``DONGNE_ADMIN_TRUSTED_PROXIES``) the client is the one X-Forwarded-For names, as
for sign-in throttling, so a request from the internet relayed by a proxy on this machine is not loopback. A
request that came through some other proxy (it carries a forwarding header, but from a peer not trusted) is
not loopback either, whatever its peer: its origin is unknown.

What the bot counts lives in the process (bot/metrics.py); what waits in the database is read at each scrape
through core (``Monitoring``), within a few seconds, or the scrape says ``dongne_metrics_database_up 0``."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.pool import QueuePool

from bot.admin import health
from bot.admin.keys import PRE_CSRF
from bot.admin.routing import Access, Route, route
from bot.admin.security import SERVICES, bearer
from bot.admin.views_auth import TRUSTED_PROXIES, client_address, parse_address
from bot.metrics import ProcessMetrics
from core.monitoring import OutboxBacklog
from core.services import Services
from core.staff.directory import SYSTEM_ACTOR

log = logging.getLogger("dongne.admin")

LastBackup = Callable[[], datetime | None]
# A scrape waits this long for the database before it answers without the outboxes (Prometheus's own default
# scrape timeout is 10 s).
DATABASE_READ_SECONDS = 5.0
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


# -- who may read ---------------------------------------------------------------------------------------------


def from_loopback(request: web.Request) -> bool:
    """Whether the client is this machine itself."""
    peer = parse_address(request.remote or "")
    if peer is None:
        return False
    forwarded = any(name in request.headers for name in FORWARDING_HEADERS)
    if not any(peer in network for network in request.app[TRUSTED_PROXIES]):
        return peer.is_loopback and not forwarded
    # Through one of our proxies: the client X-Forwarded-For names, and only if the last hop is an address
    # (else client_address stops at the proxy itself, which says nothing of the client).
    hops = ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")
    if parse_address(hops[-1]) is None:
        return False
    client = parse_address(client_address(request))
    return client is not None and client.is_loopback


def refusal(request: web.Request, token: bytes | None) -> web.Response | None:
    """None when the request may read the metrics, else the answer it gets: a bare status, nothing more."""
    presented = bearer(request)
    if presented is not None:
        if token is not None and hmac.compare_digest(presented.encode(), token):
            return None
        return _bare(403)  # a wrong token is refused even from loopback: something is misconfigured
    if from_loopback(request):
        return None
    if token is not None:
        return _bare(401, {"WWW-Authenticate": "Bearer"})
    return _bare(403)


def _bare(status: int, headers: dict[str, str] | None = None) -> web.Response:
    """Returned, not raised: the error middleware would answer a raised one with the admin pages' error page."""
    return web.Response(status=status, headers=headers)


# -- what is read at each scrape ------------------------------------------------------------------------------


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class Outboxes(Collector):
    """The outboxes as read by the last ``refresh`` (each scrape refreshes before it collects)."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._backlog: OutboxBacklog | None = None

    async def refresh(self) -> None:
        try:
            async with asyncio.timeout(DATABASE_READ_SECONDS):
                self._backlog = await self._services.monitoring.outbox_backlog(SYSTEM_ACTOR)
        except Exception as error:  # the scrape still answers, saying the database could not be read
            log.warning("metrics: the outboxes could not be read: %r", error)
            self._backlog = None

    def collect(self) -> Iterable[Metric]:
        backlog = self._backlog
        yield _gauge("dongne_metrics_database_up", "1 if this scrape could read the database.", backlog is not None)
        if backlog is None:
            return
        yield _gauge(
            "dongne_notification_outbox_depth",
            "Notifications to staff neither sent nor given up on.",
            backlog.notifications_waiting,
        )
        yield _gauge(
            "dongne_notification_outbox_oldest_age_seconds",
            "How long the oldest of them has waited (0 when none waits).",
            backlog.seconds_behind(backlog.oldest_notification_at),
        )
        yield _gauge("dongne_sms_outbox_depth", "Text messages due and not yet accepted by the UMS.", backlog.sms_due)
        yield _gauge(
            "dongne_sms_outbox_oldest_due_age_seconds",
            "How long ago the earliest of them was due (0 when none is).",
            backlog.seconds_behind(backlog.oldest_sms_due_at),
        )
        states = GaugeMetricFamily("dongne_sms_messages", "Text messages by state.", labels=["state"])
        for state, count in sorted(backlog.sms_states.items()):
            states.add_metric([state], count)
        yield states


class DatabasePool(Collector):
    """This process's connection pool (SQLAlchemy's), read as it stands at the scrape."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    def collect(self) -> Iterable[Metric]:
        pool = self._app[health.ENGINE].sync_engine.pool
        if not isinstance(pool, QueuePool):  # an in-memory SQLite database is one connection, no pool to speak of
            return
        yield _gauge("dongne_db_pool_size", "Connections the pool keeps.", pool.size())
        yield _gauge(
            "dongne_db_pool_max_overflow", "Connections it may open beyond those at a peak.", pool._max_overflow
        )
        yield _gauge("dongne_db_pool_checked_out", "Connections in use now.", pool.checkedout())
        # SQLAlchemy counts overflow from -size up: below zero, the pool has not even opened all it keeps.
        yield _gauge("dongne_db_pool_overflow", "Connections open beyond the pool's size now.", max(0, pool.overflow()))


class BotState(Collector):
    """The bot's role (active or standby) and whether it runs, in ``dongne run``; nothing when the endpoint runs
    alone (``dongne admin serve``)."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    def collect(self) -> Iterable[Metric]:
        role = self._app.get(health.BOT_ROLE)
        if callable(role):
            current = str(role())
            roles = GaugeMetricFamily(
                "dongne_bot_role", "1 for this process's role: active (serving the bot) or standby.", labels=["role"]
            )
            for name in ("active", "standby"):
                roles.add_metric([name], name == current)
            yield roles
        running = self._app[health.BOT_RUNNING]
        if callable(running):
            yield _gauge("dongne_bot_running", "1 while the bot takes updates in this process.", bool(running()))


class LastBackupTime(Collector):
    def __init__(self, last_backup: LastBackup | None) -> None:
        self._last_backup = last_backup

    def collect(self) -> Iterable[Metric]:
        if self._last_backup is None:
            return
        try:
            finished = self._last_backup()
        except Exception as error:  # the other metrics still go out; the alert on a missing backup fires
            log.warning("metrics: the last backup's time could not be read: %r", error)
            return
        if finished is not None:
            yield _gauge(
                "dongne_last_backup_timestamp_seconds",
                "When the last complete backup finished (Unix time).",
                finished.timestamp(),
            )


class Included(Collector):
    """Another registry's metrics, as part of this one (the process's, in each app's)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterable[Metric]:
        return self._registry.collect()


class Scrape:
    """One app's registry: the process's metrics and what the app reads at each scrape."""

    def __init__(self, app: web.Application, process: ProcessMetrics, last_backup: LastBackup | None) -> None:
        self.registry = CollectorRegistry()
        self._outboxes = Outboxes(app[SERVICES])
        for collector in (
            Included(process.registry),
            self._outboxes,
            DatabasePool(app),
            BotState(app),
            LastBackupTime(last_backup),
        ):
            self.registry.register(collector)

    async def exposition(self) -> bytes:
        await self._outboxes.refresh()
        return generate_latest(self.registry)


SCRAPE = web.AppKey("metrics_scrape", Scrape)
METRICS_TOKEN = web.AppKey("metrics_token", object)  # bytes, or None: loopback only


def attach_metrics(
    app: web.Application,
    process: ProcessMetrics | None,
    *,
    token: str | None = None,
    last_backup: LastBackup | None = None,
) -> None:
    """What ``/metrics`` serves: ``process``'s metrics (a registry of the app's own when the app has no process
    behind it, as in tests) and what the app reads itself."""
    app[SCRAPE] = Scrape(app, process or ProcessMetrics(), last_backup)
    app[METRICS_TOKEN] = token.strip().encode() if token and token.strip() else None


@route("GET", "/metrics", "metrics", Access.PUBLIC)
async def metrics(request: web.Request) -> web.StreamResponse:
    request.pop(PRE_CSRF, None)  # a scraper gets no sign-in form, so no cookie for one
    token = request.app[METRICS_TOKEN]
    refused = refusal(request, token if isinstance(token, bytes) else None)
    if refused is not None:
        return refused
    body = await request.app[SCRAPE].exposition()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


ROUTES: list[Route] = [metrics]
