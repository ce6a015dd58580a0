"""The composition root: builds the engine, the services, the SMS dispatch and the Telegram Application from
settings; bot/serving.py starts and stops them in each command's order. The Application's own parts (its
command menus, the notifier, the SMS dispatcher when it runs beside the bot) start and stop in its
``post_init`` and ``post_stop`` hooks, and its job queue (the housing staff's daily reminders) with it, so
every entry point (``dongne run``, ``dongne demo``, the tests, the screens gallery) starts the bot the same
way: ``start_bot`` and ``stop_bot`` below."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.backups import build_backups, schedule_backups
from bot.errors import on_error
from bot.gate import GATE_GROUP, build_gate
from bot.metrics import METRICS_KEY, ProcessMetrics
from bot.notifier import Notifier
from bot.persistence import DatabasePersistence
from bot.processor import PerConversationUpdateProcessor, UpdateHandled
from bot.retention import retention_service, schedule_retention
from bot.settings import Settings
from bot.telegram_request import AiohttpRequest, close_requests
from bot.ums.dispatcher import Dispatcher
from bot.ums.reports import INBOX, ReportInbox
from bot.ums.wiring import build_sms_dispatch, secret_of
from bot.webhook import WebhookReceiver, register
from conversations.command_menu import MENUS_KEY, CommandMenus, menus_of
from conversations.context import CONTEXT_TYPES, SERVICES_KEY
from conversations.dialogue import DialogueFocus
from conversations.handlers import STATE_TYPES, build_handlers
from core.clock import Clock
from core.services import Services
from core.sms.dispatch import SmsDispatch
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

# Telegram answers a long poll as soon as an update arrives; the timeout only bounds an idle wait.
POLL_TIMEOUT = 10
NOTIFIER_KEY = "notifier"
REMINDERS_JOB = "housing reminders"
SMS_DISPATCHER_KEY = "sms_dispatcher"
# A stop's grace periods (docs/operations.md, "Stopping"): the updates in hand get this long to finish, then
# an SMS round in hand (a UMS call in flight) what is left of DISPATCHER_GRACE after that; both fit, with the
# last dialogue flush, in the 10 s a service manager allows (bot/serving.py bounds the whole stop).
UPDATES_GRACE = 4.0
DISPATCHER_GRACE = 2.5


@dataclass
class Runtime:
    """What one process shares between the bot, the CLI and (later) the admin endpoint."""

    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    services: Services
    sms_dispatch: SmsDispatch | None = None
    metrics: ProcessMetrics = field(default_factory=ProcessMetrics)

    async def close(self) -> None:
        if self.sms_dispatch is not None:
            close = getattr(self.sms_dispatch.gateway, "close", None)
            if close is not None:
                await close()
        await self.uow.close()
        await self.engine.dispose()


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    engine = create_engine(settings.effective_database_url, pool_size=settings.database_pool_size)
    uow = UnitOfWorkFactory(create_session_factory(engine))
    clock = clock or Clock(zone=settings.zone)
    services = Services.build(
        uow,
        clock,
        link_code_ttl=timedelta(hours=settings.link_code_ttl_hours),
        photo_dir=settings.data_dir / "photos",
        sms_sender_number=settings.ums_sender_number,
        ums_configured=settings.ums_url is not None,
    )
    dispatch = build_sms_dispatch(settings, uow, clock, services.notifications.signal)
    return Runtime(settings=settings, engine=engine, uow=uow, services=services, sms_dispatch=dispatch)


def sms_dispatcher(runtime: Runtime) -> Dispatcher:
    """Sends the queued text messages: beside the bot in ``dongne run`` and ``dongne demo``."""
    assert runtime.sms_dispatch is not None
    settings = runtime.settings
    # Reports are polled when no secret is shared for pushed ones.
    poll = settings.ums_url is not None and secret_of(settings) is None
    return Dispatcher(
        runtime.sms_dispatch,
        messages_per_second=settings.ums_messages_per_second,
        poll_reports=poll,
        wake=runtime.services.sms.signal,
    )


def attach_report_inbox(app: web.Application, runtime: Runtime) -> None:
    """The UMS's delivery reports, pushed to the admin endpoint's ``POST /ums/reports``, reach the dispatch."""
    if runtime.sms_dispatch is not None:
        app[INBOX] = ReportInbox(runtime.sms_dispatch, secret_of(runtime.settings))


async def register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The guest's command menu for every chat without its own (conversations/command_menu.py)."""
    await menus_of(app.bot_data).set_default(app.bot)


async def refresh_member_menus(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Each bound member's own command menu, by their roles as they stand now. Runs beside the polling: an
    office's few hundred members take a while at Telegram's pace, and nobody should wait for it."""
    services: Services = app.bot_data[SERVICES_KEY]
    try:
        members = await services.staff.members_in_telegram()
        await menus_of(app.bot_data).refresh_members(app.bot, members)
    except Exception:
        # The menus are a convenience: the gate sets each member's on their next message anyway.
        log.exception("could not set the members' command menus at start-up")


REQUESTS_KEY = "telegram_requests"  # the bot's two AiohttpRequests, to close them when a start fails


def build_application(
    runtime: Runtime,
    *,
    token: str,
    api_root: str,
    on_update_handled: UpdateHandled | None = None,
    dispatcher: Dispatcher | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """`on_update_handled` hears each update_id once its handling ended (the emulator's user side waits on it).
    `dispatcher`, when given, sends text messages for as long as the bot runs (tests run their own)."""
    settings = runtime.settings
    persistence = DatabasePersistence(
        runtime.uow,
        runtime.services.clock,
        state_types=STATE_TYPES,
        update_interval=settings.persistence_interval,
    )
    requests = (
        AiohttpRequest(connections=settings.telegram_connections, pool_timeout=settings.telegram_pool_timeout),
        AiohttpRequest(connections=1, pool_timeout=settings.telegram_pool_timeout),  # getUpdates, one at a time
    )
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_root}/bot")
        .base_file_url(f"{api_root}/file/bot")
        .context_types(CONTEXT_TYPES)
        .persistence(persistence)
        .request(requests[0])
        .get_updates_request(requests[1])
        .concurrent_updates(
            PerConversationUpdateProcessor(
                settings.max_concurrent_updates, on_handled=on_update_handled, timing=runtime.metrics
            )
        )
        # Paces sends to Telegram's limit and waits out a 429 "retry after" instead of failing the request.
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_messages_per_second, max_retries=3))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .build()
    )
    app.bot_data[SERVICES_KEY] = runtime.services
    app.bot_data[REQUESTS_KEY] = requests
    app.bot_data[NOTIFIER_KEY] = Notifier(runtime.services.notifications, app.bot)
    app.bot_data[MENUS_KEY] = CommandMenus()
    app.bot_data[SMS_DISPATCHER_KEY] = dispatcher
    app.bot_data[METRICS_KEY] = runtime.metrics
    if settings.housing_reminder_hour is not None:
        schedule_reminders(app, runtime.services, settings.housing_reminder_hour)
    schedule_retention(app, retention_service(settings, runtime.uow, runtime.services.clock), settings)
    schedule_backups(app, build_backups(settings, runtime.engine, runtime.uow, runtime.services.clock), settings)
    focus = DialogueFocus()
    app.add_handler(build_gate(), group=GATE_GROUP)
    app.add_handlers(build_handlers(focus), group=0)
    focus.attach(app)
    runtime.metrics.learn_handlers(handler for group in app.handlers.values() for handler in group)
    app.add_error_handler(on_error)
    return app


def schedule_reminders(app: Application[Any, Any, Any, Any, Any, Any], services: Services, hour: int) -> None:
    """The housing staff's daily reminders at ``hour`` o'clock in the office's time zone, and once at start-up,
    so a bot (re)started later in the day still sends that day's. PTB's job queue runs them while the bot runs
    (it starts and stops with the Application); core queues each day's once, whichever process asks first."""
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot's job-queue extra is a dependency"

    async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            queued = await services.housing_reminders.queue_daily(hour)
        except Exception:  # a database hiccup must not end the job; tomorrow's run, or a restart, tries again
            log.exception("could not queue the housing reminders")
            return
        if queued is not None:
            log.info("housing reminders queued for %d staff members", queued)

    # APScheduler drops a run more than a second late; a slow start or a busy moment would then skip the day's
    # reminders. Late is fine: queue_daily sends each day's once, however late or often it is asked.
    late_is_fine = {"misfire_grace_time": None}
    queue.run_daily(remind, time=time(hour, tzinfo=services.clock.zone), name=REMINDERS_JOB, job_kwargs=late_is_fine)
    queue.run_once(remind, when=0, name=f"{REMINDERS_JOB} at start-up", job_kwargs=late_is_fine)


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await register_commands(app)
    # Notifications and text messages queued while the bot was down go out now.
    await app.bot_data[NOTIFIER_KEY].start()
    dispatcher: Dispatcher | None = app.bot_data[SMS_DISPATCHER_KEY]
    if dispatcher is not None:
        dispatcher.start()


async def _post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    dispatcher: Dispatcher | None = app.bot_data[SMS_DISPATCHER_KEY]
    if dispatcher is not None:
        await dispatcher.stop(grace=DISPATCHER_GRACE)
    await app.bot_data[NOTIFIER_KEY].stop()


async def start_bot(app: Application[Any, Any, Any, Any, Any, Any], webhook: WebhookReceiver | None = None) -> None:
    """What ``Application.run_polling`` does, in an event loop we share with the admin endpoint: initialize,
    the ``post_init`` hook, start, poll; or, with ``webhook``, take updates at the admin endpoint and register
    the webhook with Telegram. A start that fails half-way stops what it had started."""
    try:
        await app.initialize()
    except BaseException:
        # PTB leaves the bot's connections open when its start fails (a refused token, an unreachable server).
        await close_requests(*app.bot_data.get(REQUESTS_KEY, ()))
        raise
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        app.create_task(refresh_member_menus(app), name="command menus")
        if webhook is not None:
            await register(app, webhook)
        else:
            assert app.updater is not None
            # PTB deletes a webhook left registered first: going back from webhook mode needs nothing more.
            await app.updater.start_polling(poll_interval=0.0, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES)
    except BaseException:
        await stop_bot(app, webhook)
        raise


async def stop_bot(
    app: Application[Any, Any, Any, Any, Any, Any],
    webhook: WebhookReceiver | None = None,
    *,
    grace: float = UPDATES_GRACE,
) -> None:
    """A clean stop, in ``run_polling``'s order: stop taking updates (polling ends; the webhook answers 503, so
    Telegram keeps them), let the updates in hand finish (for ``grace`` seconds; then they are cancelled and
    logged), stop, ``post_stop`` (the SMS dispatcher finishes its round), shut down (the last persistence flush
    happens there, so no dialogue is lost), ``post_shutdown``. Our hooks stop only what runs, so this is safe
    after a start that failed.

    The webhook stays registered at Telegram: a standby (or this bot, restarted) serves the same address, and a
    process that is stopping cannot know whether another has registered since (docs/operations.md)."""
    if webhook is not None:
        webhook.close()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    dispatcher: Dispatcher | None = app.bot_data.get(SMS_DISPATCHER_KEY)
    if dispatcher is not None:
        dispatcher.wind_down()  # its round in hand ends meanwhile; post_stop waits for it
    if app.running:
        await _finish_updates_in_hand(app, grace)
        await app.stop()
    if app.post_stop is not None:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def _finish_updates_in_hand(app: Application[Any, Any, Any, Any, Any, Any], grace: float) -> None:
    """Wait until every update taken has been handled, at most ``grace`` seconds; then cancel what is left, so
    the stop (and the dialogue flush after it) is never held up by one stuck update."""
    try:
        await asyncio.wait_for(app.update_queue.join(), grace)
    except TimeoutError:
        processor = app.update_processor
        cancelled = processor.cancel_in_hand() if isinstance(processor, PerConversationUpdateProcessor) else []
        log.error("updates still being handled after %.1f s, cancelled: %s", grace, ", ".join(cancelled) or "none")
