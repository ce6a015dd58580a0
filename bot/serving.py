"""Start-up and shutdown of a serving process, in one place: ``dongne run`` (the instance guard, the admin
endpoint as a standby, the bot), ``dongne admin serve`` (the endpoint alone) and the demo chat (the UMS report
inbox, the bot on the local Bot API emulator). Each part is an async context manager entered on one
``AsyncExitStack``, so shutdown is start-up in reverse and a start that fails part-way stops what had started.
The bot's own parts (command menus, notifier, SMS dispatcher) start and stop in its PTB hooks (bot/app.py);
the endpoint's own (the bot-username lookup's HTTP session) in its aiohttp ``cleanup_ctx`` (bot/admin/app.py)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application

from bot.admin.app import AdminServer, build_admin_app
from bot.admin.bot_identity import BotUsernameLookup
from bot.admin.health import BOT_ROLE
from bot.app import Runtime, attach_report_inbox, build_application, build_runtime, sms_dispatcher, start_bot, stop_bot
from bot.console import complain, say
from bot.emulator import BotApiEmulator, EmulatedUser
from bot.instance import Instance
from bot.settings import Settings
from bot.ums import reports as ums_reports
from bot.webhook import WebhookReceiver
from core.backups import newest_backup
from core.clock import Clock
from storage.instance_lock import ProcessLock, instance_lock

log = logging.getLogger("dongne.serving")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# A stop ends within STOP_BOUND seconds of the signal (docker stop's default before its SIGKILL): the orderly
# stop (bot/app.py's grace periods, the last dialogue flush) has STOP_GRACE, then what still runs is cancelled;
# if even that hangs (a thread stuck in a driver), the process exits at STOP_BOUND regardless.
STOP_BOUND = 10.0
STOP_GRACE = 8.0
EXIT_STOP_OVERRAN = 1
# Listening on every address: this machine itself answers on loopback, which is what the printed URL needs.
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}
# The demo chat's bot exists only on the emulator; its officer is the demo's staff member.
DEMO_TOKEN = "100200300:DEMO-offline-token-not-for-telegram"
DEMO_USER_ID = 10001


class CannotListen(Exception):
    """The endpoint could not listen; the operator has been told why in one line."""


# -- the parts, each started on entry and stopped on exit ----------------------------------------------------


@contextlib.asynccontextmanager
async def opened_runtime(settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[Runtime]:
    """The engine and the services (and the SMS gateway's connections) for as long as the command runs."""
    runtime = build_runtime(settings, clock=clock)
    try:
        yield runtime
    finally:
        await runtime.close()


@contextlib.contextmanager
def stop_on_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGINT (Ctrl+C) or SIGTERM (systemd, docker stop): the way to end a serving command."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


async def stopping_within(work: Coroutine[Any, Any, int], stop: asyncio.Event, *, grace: float = STOP_GRACE) -> int:
    """Runs ``work`` (a serving command) to its end; once ``stop`` is set it has ``grace`` seconds to end, after
    which it is cancelled and what was still running is logged. A watchdog ends the process at STOP_BOUND
    seconds after ``stop`` in any case."""
    task = asyncio.create_task(work, name="dongne-serving")
    stopped = asyncio.create_task(stop.wait(), name="dongne-stop")
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        _arm_watchdog(STOP_BOUND)
        await asyncio.wait({task}, timeout=grace)
        if task.done():
            return task.result()
        others = sorted(t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done())
        log.error("still stopping after %.1f s; cancelled: %s", grace, ", ".join(others))
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return EXIT_STOP_OVERRAN
    finally:
        stopped.cancel()


def _arm_watchdog(seconds: float) -> None:
    """The last resort of the stop's bound: exits the process from a thread, whatever the event loop does."""

    def overran() -> None:
        log.critical("not stopped within %.0f s of the stop signal: exiting now", seconds)
        for handler in logging.getLogger().handlers:
            with contextlib.suppress(Exception):
                handler.flush()
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(EXIT_STOP_OVERRAN)

    timer = threading.Timer(seconds, overran)
    timer.daemon = True  # a process that stops in time is not kept waiting for it
    timer.start()


@contextlib.asynccontextmanager
async def running_bot(
    app: Application[Any, Any, Any, Any, Any, Any], webhook: WebhookReceiver | None = None
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    await start_bot(app, webhook)
    try:
        yield app
    finally:
        await stop_bot(app, webhook)


@contextlib.asynccontextmanager
async def running_server(server: AdminServer) -> AsyncIterator[AdminServer]:
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def listening(server: AdminServer, settings: Settings) -> AsyncIterator[AdminServer]:
    """The admin endpoint as the operator starts it: its URL said, or why it cannot listen (``CannotListen``)."""
    if not await start_admin(server, settings):
        raise CannotListen
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def guarding(instance: Instance, stop: asyncio.Event) -> AsyncIterator[None]:
    """While the bot runs, the instance checks that the lock is still this process's (and sets ``stop`` if not)."""
    watch = asyncio.create_task(instance.watch(stop), name="dongne-instance-watch")
    try:
        yield
    finally:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch


# -- dongne run ----------------------------------------------------------------------------------------------


async def serve_bot_and_admin(runtime: Runtime) -> int:
    """``dongne run``: the bot and the admin endpoint beside it, until SIGINT or SIGTERM."""
    settings = runtime.settings
    token = settings.require_token()
    app = build_application(
        runtime, token=token, api_root=settings.telegram_api_url, dispatcher=sms_dispatcher(runtime)
    )
    lock = instance_lock(runtime.engine, token)
    async with contextlib.AsyncExitStack() as stack:
        # Released last: after the bot's last persistence flush, so a standby loads current state.
        stack.push_async_callback(lock.release)
        stop = stack.enter_context(stop_on_signals())
        return await stopping_within(run_bot_with_admin(runtime, app, stop, Instance(lock)), stop)


async def run_bot_with_admin(
    runtime: Runtime,
    app: Application[Any, Any, Any, Any, Any, Any],
    stop: asyncio.Event,
    instance: Instance | None = None,
) -> int:
    """``dongne run`` once the Application is built: the bot, then the admin endpoint beside it in the same
    event loop, until ``stop``; the endpoint stops first, so its health check never outlives the bot. While
    another process serves the bot (``instance``), only the endpoint runs, as a standby, until it takes over."""
    instance = instance or Instance(ProcessLock())
    webhook = webhook_receiver(runtime.settings)
    server = admin_server(
        runtime,
        bot_running=lambda: bool(app.running),
        bot_username=lambda: runtime.settings.bot_username or _username_if_known(app),
        bot_role=lambda: instance.role,
        webhook=webhook,
    )
    try:
        async with contextlib.AsyncExitStack() as stack:
            await _bot_beside_admin(stack, app, server, runtime.settings, stop, instance, webhook)
    except CannotListen:
        return 2
    if instance.lost:
        complain("instance_lost")
        return 1
    say("stopped")
    return 0


async def _bot_beside_admin(
    stack: contextlib.AsyncExitStack,
    app: Application[Any, Any, Any, Any, Any, Any],
    server: AdminServer,
    settings: Settings,
    stop: asyncio.Event,
    instance: Instance,
    webhook: WebhookReceiver | None = None,
) -> None:
    """Serves on ``stack`` until ``stop``, or until a standby is told to stop before it took over. In webhook
    mode the endpoint listens before the webhook is registered, so Telegram's first delivery finds it."""
    standby = await stack.enter_async_context(contextlib.AsyncExitStack())
    active_at_once = await instance.activate()
    listen_first = not active_at_once or webhook is not None
    if listen_first:
        await standby.enter_async_context(listening(server, settings))
    if not active_at_once:
        say("standby")
        if not await instance.wait_until_active(stop):
            return
    await stack.enter_async_context(running_bot(app, webhook))
    await stack.enter_async_context(guarding(instance, stop))
    if listen_first:
        # The endpoint, serving since before the bot started, moves up to stop before the bot too.
        stack.push_async_exit(standby.pop_all())
    else:
        await stack.enter_async_context(listening(server, settings))
    if webhook is not None:
        # The first step of a stop: deliveries are answered 503 (Telegram keeps them) while the endpoint and
        # the bot stop.
        stack.callback(webhook.close)
    say("running", username=app.bot.username)
    await stop.wait()


def _username_if_known(app: Application[Any, Any, Any, Any, Any, Any]) -> str | None:
    """The bot's @username once it has asked Telegram (a standby has not yet)."""
    try:
        username: str | None = app.bot.username
    except RuntimeError:
        return None
    return username


# -- dongne admin serve --------------------------------------------------------------------------------------


async def serve_admin_alone(runtime: Runtime) -> int:
    """``dongne admin serve``: only the endpoint, until SIGINT or SIGTERM."""
    with stop_on_signals() as stop:
        return await serve_admin(runtime, stop)


async def serve_admin(runtime: Runtime, stop: asyncio.Event) -> int:
    """Only the endpoint, until ``stop``; its health check expects no bot."""
    server = admin_server(runtime)  # the deep links' username: from settings, else asked of Telegram when needed
    served = False
    try:
        async with listening(server, runtime.settings):
            served = True
            await stop.wait()
    except CannotListen:
        return 2
    finally:
        if served:
            say("admin_stopped")
    return 0


def admin_server(
    runtime: Runtime,
    *,
    bot_running: Callable[[], bool] | None = None,
    bot_username: Callable[[], str | None] | None = None,
    bot_role: Callable[[], str] | None = None,
    webhook: WebhookReceiver | None = None,
) -> AdminServer:
    """The endpoint as configured. Link-code pages show the deep link and its QR code when the bot's
    @username is known: from settings, or from the running bot."""
    settings = runtime.settings
    app = build_admin_app(
        runtime.services,
        runtime.engine,
        secure_cookies=settings.admin_secure_cookies,
        bot_running=bot_running,
        bot_username=bot_username or (lambda: settings.bot_username),
        bot_lookup=admin_bot_lookup(settings),
        trusted_proxies=settings.admin_trusted_proxies,
        process_metrics=runtime.metrics,
        metrics_token=settings.metrics_token.get_secret_value() if settings.metrics_token is not None else None,
        last_backup=lambda: newest_backup(settings.effective_backup_dir),
    )
    app[BOT_ROLE] = bot_role
    attach_report_inbox(app, runtime)
    if webhook is not None:
        webhook.add_route(app)
    return AdminServer(app, settings.admin_host, settings.admin_port)


def webhook_receiver(settings: Settings) -> WebhookReceiver | None:
    """Webhook mode's receiver when ``DONGNE_WEBHOOK_URL`` is set; None for polling."""
    if settings.webhook_url is None:
        return None
    return WebhookReceiver(settings.require_token(), settings.webhook_url)


def admin_bot_lookup(settings: Settings) -> BotUsernameLookup | None:
    """Asks Telegram (getMe) for the username the link codes' deep links need, when a token is set but no
    username: the endpoint alone, or a standby whose bot has not started, has no running bot to ask."""
    if settings.bot_username or settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return None
    return BotUsernameLookup(settings.telegram_api_url, settings.require_token())


async def start_admin(server: AdminServer, settings: Settings) -> bool:
    """Start listening, or say in one line why not (a port in use is the usual reason)."""
    try:
        await server.start()
    except OSError as error:
        await server.stop()
        where = {"host": settings.admin_host, "port": settings.admin_port}
        if error.errno == errno.EADDRINUSE:
            complain("admin_port_taken", **where)
        else:
            complain("admin_cannot_listen", **where, detail=error.strerror or str(error))
        return False
    say("admin_serving", url=admin_url(settings, server.port))
    if settings.admin_secure_cookies:
        say("admin_behind_proxy")
    return True


def admin_url(settings: Settings, port: int | None = None, path: str = "/") -> str:
    host = "127.0.0.1" if settings.admin_host in WILDCARD_HOSTS else settings.admin_host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{settings.admin_port if port is None else port}{path}"


async def bot_username(settings: Settings) -> str | None:
    """The bot's @username for deep links: from settings, else asked of Telegram once."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if settings.bot_token is None:
        return None
    bot = Bot(settings.require_token(), base_url=f"{settings.telegram_api_url}/bot")
    try:
        async with bot:
            return bot.username
    except (TelegramError, OSError):
        return None


# -- the demo chat -------------------------------------------------------------------------------------------


async def serve_report_inbox(stack: contextlib.AsyncExitStack, runtime: Runtime, host: str) -> str:
    """The admin endpoint's ``POST /ums/reports`` alone, on an ephemeral port of ``host``, until ``stack``
    closes: the demo has no admin account, so it serves none of the admin pages. Returns the URL the fake UMS
    pushes its reports to."""
    app = build_admin_app(runtime.services, runtime.engine, routes=ums_reports.ROUTES)
    attach_report_inbox(app, runtime)
    server = await stack.enter_async_context(running_server(AdminServer(app, host, 0)))
    return f"http://{host}:{server.port}{ums_reports.receive_reports.path}"


async def start_demo_chat(
    stack: contextlib.AsyncExitStack, runtime: Runtime, language: str, *, bot_username: str = "dongne_demo_bot"
) -> tuple[BotApiEmulator, EmulatedUser]:
    """The bot on a local Bot API emulator, the SMS dispatcher running, and the demo officer's chat: what the
    terminal demo and the screens gallery talk to. Everything stops with ``stack``."""
    emulator = await stack.enter_async_context(BotApiEmulator(token=DEMO_TOKEN, bot_username=bot_username))
    app = build_application(
        runtime,
        token=DEMO_TOKEN,
        api_root=emulator.api_root,
        on_update_handled=emulator.connect_handling(),
        dispatcher=sms_dispatcher(runtime),
    )
    await stack.enter_async_context(running_bot(app))
    return emulator, emulator.user(DEMO_USER_ID, first_name="동네", language_code=language)
