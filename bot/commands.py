"""What each ``dongne`` command does; ``bot.cli`` only parses arguments."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import getpass
import hmac
import signal
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application

from bot.admin.app import AdminServer, build_admin_app
from bot.admin.bot_identity import BotUsernameLookup
from bot.admin.health import BOT_ROLE
from bot.app import (
    Runtime,
    attach_report_inbox,
    build_application,
    build_runtime,
    sms_dispatcher,
    start_bot,
    stop_bot,
)
from bot.demo import run_demo
from bot.demo_data import load_demo_district
from bot.instance import Instance
from bot.settings import Settings
from core.errors import DongneError, DuplicateStaff, InvalidInput
from core.staff.access import check_password
from core.staff.directory import SYSTEM_ACTOR
from core.staff.values import LinkCodeIssued
from core.texts.i18n import DEFAULT_LANGUAGE, has_text, t_plain
from storage.instance_lock import ProcessLock, instance_lock
from storage.migrate import is_up_to_date, upgrade

# Two typos are forgiven; a third miss means the operator should start over rather than keep guessing.
PASSWORD_TRIES = 3
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Listening on every address: this machine itself answers on loopback, which is what the printed URL needs.
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def say(key: str, **params: object) -> None:
    print(t_plain(DEFAULT_LANGUAGE, f"cli.{key}", **params))


def complain(key: str, **params: object) -> None:
    print(t_plain(DEFAULT_LANGUAGE, f"cli_error.{key}", **params), file=sys.stderr)


def explain(error: DongneError) -> None:
    """A domain error in the operator's words: its own text where the catalog has one."""
    key = error.code if has_text(DEFAULT_LANGUAGE, f"cli_error.{error.code}") else "other"
    complain(key, **{**error.params, "detail": str(error)})


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "demo":
        code: int = await run_demo(settings, seed=args.seed, language="en" if args.english else "ko", pii=args.pii)
        return code
    runtime = build_runtime(settings)
    try:
        if args.command == "db":
            await upgrade(runtime.engine)
            say("db_upgraded", url=runtime.engine.url.render_as_string(hide_password=True))
            return 0
        if not await is_up_to_date(runtime.engine):
            say("schema_outdated")
            return 2
        if args.command == "staff":
            return await _staff(args, runtime)
        if args.command == "demo-data":
            return await _demo_data(args, runtime)
        if args.command == "admin":
            return await _admin(args, runtime)
        if args.command == "run":
            return await _run(runtime)
    except DongneError as error:
        explain(error)
        return 1
    finally:
        await runtime.close()
    return 2


async def _demo_data(args: argparse.Namespace, runtime: Runtime) -> int:
    """Demo data goes into an empty database only; a database that is not is refused in one line, exit 2."""
    try:
        summary = await load_demo_district(runtime.uow, runtime.services.clock, seed=args.seed)
    except DuplicateStaff as error:  # real staff hold Saeol IDs the demo's staff would get
        complain("demo_staff_taken", saeol_ids=error.params.get("saeol_id") or str(error))
        return 2
    except InvalidInput as error:
        if error.code != "database_not_empty":
            raise
        complain("database_not_empty")
        return 2
    say("demo_data_loaded", **summary.figures())
    return 0


async def _staff(args: argparse.Namespace, runtime: Runtime) -> int:
    directory = runtime.services.staff
    if args.staff_command == "add":
        roles = [part.strip() for value in args.role for part in value.split(",") if part.strip()]
        try:
            staff, issued = await directory.add_staff(
                SYSTEM_ACTOR,
                saeol_id=args.saeol_id,
                name=args.name,
                department=args.department,
                permissions=roles,
                telegram_user_id=args.telegram_id,
                create_department=args.new_department,
            )
        except InvalidInput as error:
            if error.code != "unknown_department":
                raise
            near = error.params.get("near")
            complain("unknown_department" if near else "unknown_department_unlike_any", department=error, near=near)
            return 1
        say("staff_added", name=staff.name, saeol_id=staff.saeol_id, roles=", ".join(sorted(staff.permissions)) or "-")
        if issued is None:
            say("staff_bound", telegram_id=args.telegram_id)
        else:
            await _print_code(issued, runtime.settings)
        return 0
    issued = await directory.issue_link_code(SYSTEM_ACTOR, args.saeol_id)
    await _print_code(issued, runtime.settings)
    return 0


async def _print_code(issued: LinkCodeIssued, settings: Settings) -> None:
    say("link_code", code=issued.code, expires=_minute(issued.expires_at))
    username = await bot_username(settings)
    if username:
        say("deep_link", url=f"https://t.me/{username}?start={issued.code}")
    else:
        say("deep_link_unknown", code=issued.code)


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")


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


async def _run(runtime: Runtime) -> int:
    settings = runtime.settings
    token = settings.require_token()
    app = build_application(
        runtime, token=token, api_root=settings.telegram_api_url, dispatcher=sms_dispatcher(runtime)
    )
    lock = instance_lock(runtime.engine, token)
    try:
        with stop_on_signals() as stop:
            return await run_bot_with_admin(runtime, app, stop, Instance(lock))
    finally:
        await lock.release()  # after the bot's last persistence flush, so a standby loads current state


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
    server = admin_server(
        runtime,
        bot_running=lambda: bool(app.running),
        bot_username=lambda: runtime.settings.bot_username or _username_if_known(app),
        bot_role=lambda: instance.role,
    )
    serving_admin = False
    if not await instance.activate():
        if not await start_admin(server, runtime.settings):
            return 2
        serving_admin = True
        say("standby")
        if not await instance.wait_until_active(stop):
            await server.stop()
            say("stopped")
            return 0
    try:
        await start_bot(app)
    except BaseException:
        if serving_admin:
            await server.stop()
        raise
    watch = asyncio.create_task(instance.watch(stop), name="dongne-instance-watch")
    try:
        if not serving_admin and not await start_admin(server, runtime.settings):
            return 2
        say("running", username=app.bot.username)
        try:
            await stop.wait()
        finally:
            await server.stop()
    finally:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
        await stop_bot(app)
    if instance.lost:
        complain("instance_lost")
        return 1
    say("stopped")
    return 0


def _username_if_known(app: Application[Any, Any, Any, Any, Any, Any]) -> str | None:
    """The bot's @username once it has asked Telegram (a standby has not yet)."""
    try:
        username: str | None = app.bot.username
    except RuntimeError:
        return None
    return username


async def serve_admin(runtime: Runtime, stop: asyncio.Event) -> int:
    """``dongne admin serve``: only the endpoint, until ``stop``; its health check expects no bot."""
    server = admin_server(runtime)  # the deep links' username: from settings, else asked of Telegram when needed
    if not await start_admin(server, runtime.settings):
        return 2
    try:
        await stop.wait()
    finally:
        await server.stop()
        say("admin_stopped")
    return 0


def admin_server(
    runtime: Runtime,
    *,
    bot_running: Callable[[], bool] | None = None,
    bot_username: Callable[[], str | None] | None = None,
    bot_role: Callable[[], str] | None = None,
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
    )
    app[BOT_ROLE] = bot_role
    attach_report_inbox(app, runtime)
    return AdminServer(app, settings.admin_host, settings.admin_port)


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


# -- dongne admin create / password ---------------------------------------------------------------------


async def _admin(args: argparse.Namespace, runtime: Runtime) -> int:
    if args.admin_command == "serve":
        with stop_on_signals() as stop:
            return await serve_admin(runtime, stop)
    creating = args.admin_command == "create"
    # Only ``admin create`` takes the name and department of a member it may add.
    name, department = (args.name, args.department) if creating else (None, None)
    administration = runtime.services.staff_admin
    # Everything that can be refused is refused before the password is typed twice.
    await administration.admin_to_be(args.username, creating=creating, name=name)
    password = read_password(from_stdin=args.password_stdin)
    if password is None:
        return 1
    made = await administration.make_admin(args.username, password, creating=creating, name=name, department=department)
    staff = made.staff
    if made.created:
        say("admin_created", name=staff.name, saeol_id=staff.saeol_id, department=staff.department)
    elif made.granted:
        say("admin_granted", name=staff.name, saeol_id=staff.saeol_id, department=staff.department)
    say("admin_password_set", name=staff.name, saeol_id=staff.saeol_id)
    say("admin_sign_in", url=admin_url(runtime.settings, path="/sign-in"), saeol_id=staff.saeol_id)
    return 0


def read_password(*, from_stdin: bool) -> str | None:
    """The new password: one line of stdin for scripts, else typed twice without echo. None when refused."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        try:
            return check_password(line)
        except InvalidInput as error:
            explain(error)
            return None
    try:
        for _ in range(PASSWORD_TRIES):
            first = getpass.getpass(t_plain(DEFAULT_LANGUAGE, "cli.password_prompt"))
            try:
                check_password(first)
            except InvalidInput as error:
                explain(error)
                continue
            again = getpass.getpass(t_plain(DEFAULT_LANGUAGE, "cli.password_again"))
            if hmac.compare_digest(first.encode(), again.encode()):
                return first
            complain("password_mismatch")
    except EOFError:  # no terminal and nothing on stdin: a script that forgot --password-stdin
        print(file=sys.stderr)
        complain("password_no_terminal")
        return None
    complain("password_tries", tries=PASSWORD_TRIES)
    return None
