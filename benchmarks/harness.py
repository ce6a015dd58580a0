"""What a benchmark needs besides the thing it measures: throwaway databases, the instant a reply reaches
the emulated Telegram, users who act without waiting for quiet, percentiles and the process's memory, and
the run around it all (one engine after the other, the environment, the JSON file, Ctrl+C and SIGTERM)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlalchemy
import telegram
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.emulator import BotApiEmulator
from bot.emulator.state import ChatState, StoredMessage

DEFAULT_PG_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")
ENGINE_LABELS = {"sqlite": "SQLite (temp file, aiosqlite)", "postgresql": "PostgreSQL (127.0.0.1, asyncpg)"}
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# The bot calls that put a reply in front of the user; answerCallbackQuery only stops the button's spinner.
REPLY_METHODS = frozenset({"sendMessage", "editMessageText"})


# -- databases ----------------------------------------------------------------------------------------


async def _admin_execute(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def throwaway_database(kind: str, pg_server: str) -> AsyncIterator[str]:
    """The URL of an empty database of this kind, deleted again on the way out (also on errors)."""
    if kind == "sqlite":
        workdir = Path(tempfile.mkdtemp(prefix="dongne-bench-"))
        try:
            yield f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    server = make_url(pg_server)
    if server.host not in LOOPBACK:
        raise ValueError(f"the benchmark runs on 127.0.0.1 only; {server.host!r} is not a loopback host")
    name = f"dongne_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    await _admin_execute(pg_server, f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin_execute(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def analyze(engine: AsyncEngine) -> None:
    """After a bulk load on PostgreSQL, what autovacuum does soon after it in production (an insert-only table
    is vacuumed too, since PostgreSQL 13): ANALYZE, without which the planner guesses, and VACUUM, without which
    an index cannot answer alone (the search's name pieces). Nothing on SQLite."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM ANALYZE"))


# -- the emulated Telegram's side ---------------------------------------------------------------------


class StepFailed(Exception):
    """The bot answered, but not with what the step expects (or a bot call about the chat failed)."""


@dataclass(frozen=True)
class Arrival:
    at: float  # event-loop time at which the emulated Telegram stored the reply
    method: str
    message: StoredMessage | None


class ReplyClock:
    """Times a reply at the instant the emulated Telegram has stored it.

    ``EmulatedUser.send`` returns only after the chat has been quiet for ``settle`` seconds, and a user who
    polls notices a reply one loop turn late. The emulator calls ``World.touch`` as soon as a bot call about a
    chat has been handled; this wraps that method on the one World instance (nothing in the emulator changes)
    and resolves the chat's waiter with the time."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._world = emulator.world
        self._original = self._world.touch
        self._waiters: dict[int, asyncio.Future[Arrival]] = {}
        self._world.touch = self._touch  # type: ignore[method-assign]

    def close(self) -> None:
        vars(self._world).pop("touch", None)  # the class's method shows through again
        for waiter in self._waiters.values():
            waiter.cancel()
        self._waiters.clear()

    def expect(self, chat_id: int) -> asyncio.Future[Arrival]:
        """The next reply in this chat (a user acts once at a time, so one waiter per chat)."""
        previous = self._waiters.get(chat_id)
        if previous is not None and not previous.done():
            previous.cancel()
        waiter: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id] = waiter
        return waiter

    def _touch(self, chat: ChatState, method: str, *args: Any, **kwargs: Any) -> None:
        # Passed through whatever else the emulator's touch takes (it has grown keywords before).
        self._original(chat, method, *args, **kwargs)
        error = args[0] if args else kwargs.get("error")
        waiter = self._waiters.get(chat.user.id)
        if waiter is None or waiter.done():
            return
        if error is not None:
            waiter.set_exception(StepFailed(f"{method} failed: {error}"))
        elif method in REPLY_METHODS:
            message = chat.live(chat.activity[-1]) if chat.activity else None
            waiter.set_result(Arrival(self._world.loop_time(), method, message))
        else:
            return
        del self._waiters[chat.user.id]


class Actor:
    """One Telegram user who acts and takes the time until the bot's reply arrived; no settle wait."""

    def __init__(self, emulator: BotApiEmulator, clock: ReplyClock, user_id: int, first_name: str) -> None:
        self.user = emulator.user(user_id, first_name=first_name)
        self.chat = emulator.world.chats[user_id]
        self._world = emulator.world
        self._clock = clock

    async def send(self, text: str, timeout: float) -> tuple[float, Arrival]:  # noqa: ASYNC109
        waiter = self._clock.expect(self.user.id)
        start = self._world.loop_time()
        self.user.send_nowait(text)
        arrival = await asyncio.wait_for(waiter, timeout)
        return arrival.at - start, arrival

    async def press(self, message: StoredMessage, data: str, timeout: float) -> tuple[float, Arrival]:  # noqa: ASYNC109
        waiter = self._clock.expect(self.user.id)
        start = self._world.loop_time()
        self._world.callback_query(self.chat, message, data)
        arrival = await asyncio.wait_for(waiter, timeout)
        return arrival.at - start, arrival


def forget_history(emulator: BotApiEmulator) -> int:
    """Drop what the emulator remembers of finished phases, and return how many bot calls failed in them.

    The emulator keeps every message, callback query and delivered update id, and logs every call: a load
    phase of 100 users leaves tens of thousands of messages (tens of MB), which would otherwise count as the
    bot's memory. Only between phases: nothing may be in flight."""
    failed = len(emulator.errors)
    world = emulator.world
    for chat in world.chats.values():
        chat.messages.clear()
        chat.activity.clear()
        chat.callback_answers.clear()
        chat.errors.clear()
    world.queries.clear()
    world.updates.delivered.clear()
    world.updates.dropped.clear()
    emulator.call_log.clear()
    emulator.errors.clear()
    return failed


TRIM_EVERY_S = 0.5
KEPT_PER_CHAT = 16  # far more than a user's messages in flight (a question, its answer, a pressed card)
KEPT_CALLS = 1_000


def trim_history(emulator: BotApiEmulator) -> None:
    """During a load phase, what ``forget_history`` drops between phases, but the newest of each chat: a phase
    of 250 updates a second leaves 10,000 messages with their keyboards in the emulator within 20 s, tens of
    MB that grow with the bot's speed and would count as the bot's memory. Failed calls are kept (counted)."""
    for chat in emulator.world.chats.values():
        for message_id in list(chat.messages)[:-KEPT_PER_CHAT]:
            del chat.messages[message_id]
        del chat.activity[:-KEPT_PER_CHAT]
        del chat.callback_answers[:-KEPT_PER_CHAT]
    del emulator.call_log[:-KEPT_CALLS]


async def keep_history_trimmed(emulator: BotApiEmulator) -> None:
    """``trim_history`` every half second until cancelled."""
    while True:
        await asyncio.sleep(TRIM_EVERY_S)
        trim_history(emulator)


def button_data(message: StoredMessage | None, prefix: str) -> list[str]:
    """callback_data of the message's inline buttons that start with ``prefix``."""
    if message is None or not message.reply_markup:
        return []
    return [
        str(b["callback_data"])
        for row in message.reply_markup.get("inline_keyboard", [])
        for b in row
        if isinstance(b, dict) and str(b.get("callback_data", "")).startswith(prefix)
    ]


async def wait_idle(app: Any, limit: float = 2.0) -> None:
    """Until the application has no update in hand, so the next step does not queue behind the last one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    # PTB offers no event for "all updates handled", so this looks every millisecond.
    while (app.update_processor.current_concurrent_updates or app.update_queue.qsize()) and loop.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.001)


# -- numbers ------------------------------------------------------------------------------------------


async def time_calls(call: Callable[[int], Awaitable[object]], runs: int, warmup: int = 0) -> list[float]:
    """Seconds each of ``runs`` awaited calls took, one after another, after ``warmup`` uncounted ones;
    ``call`` gets the call's index (warm-up included), to vary its arguments."""
    durations = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        await call(i)
        if i >= warmup:
            durations.append(time.perf_counter() - start)
    return durations


@contextlib.contextmanager
def timing_calls(owner: object, name: str, into: list[float]) -> Iterator[None]:
    """Appends the seconds of every call of the async method ``name`` to ``into``, by wrapping the method on
    this one instance; nothing else changes, and the class's method shows through again on the way out."""
    original: Callable[..., Awaitable[Any]] = getattr(owner, name)

    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - start)

    setattr(owner, name, timed)
    try:
        yield
    finally:
        vars(owner).pop(name, None)


def summarize(seconds: Sequence[float]) -> dict[str, float]:
    """n, p50, p95, mean, max of durations given in seconds, as milliseconds."""
    if not seconds:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "mean": float("nan"), "max": float("nan")}
    ms = [s * 1000 for s in seconds]
    if len(ms) == 1:
        p50 = p95 = ms[0]
    else:
        cuts = statistics.quantiles(ms, n=100, method="inclusive")
        p50, p95 = cuts[49], cuts[94]
    return {"n": len(ms), "p50": p50, "p95": p95, "mean": statistics.fmean(ms), "max": max(ms)}


# -- memory -------------------------------------------------------------------------------------------


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float | None:
    """The process's resident set now (Linux)."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float | None:
    """The resident set's high-water mark since start or since the last reset_peak() (Linux)."""
    return _status_mb("VmHWM")


def reset_peak() -> bool:
    """Restart the high-water mark at the current resident set (Linux ≥ 4.0); False where not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def ru_maxrss_mb() -> float:
    """getrusage's peak resident set of the whole process, however long it has run."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def postgres_unreachable(server_url: str) -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it answers."""
    try:
        await asyncio.wait_for(_admin_execute(server_url, "SELECT 1"), 10)
    except Exception as exc:  # any failure to connect means: not available
        return f"{type(exc).__name__}: {exc}"
    return None


# -- the run ------------------------------------------------------------------------------------------


def log(message: str) -> None:
    """A progress line, between the report's own."""
    print(f"  · {message}", flush=True)


def add_pg_server_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("DONGNE_TEST_DATABASE_URL", DEFAULT_PG_SERVER),
        help="PostgreSQL server URL on 127.0.0.1; a throwaway database is created there and dropped",
    )


def environment(*, telegram_bot: bool) -> dict[str, Any]:
    """The versions and the machine behind the figures (python-telegram-bot's where a bot is measured)."""
    env: dict[str, Any] = {"python": platform.python_version()}
    if telegram_bot:
        env["python_telegram_bot"] = telegram.__version__
    env.update(sqlalchemy=sqlalchemy.__version__, platform=platform.platform(), cpus=os.cpu_count())
    return env


def _runtime_distributions(name: str = "dongne") -> set[str]:
    """The distributions an operator's ``pip install .`` brings: the project's requirements without extras,
    and theirs, by normalised name."""
    seen: set[tuple[str, str]] = set()  # (distribution, one of the extras asked of it, or "")
    waiting: list[tuple[str, frozenset[str]]] = [(name, frozenset())]
    while waiting:
        current, extras = waiting.pop()
        current = canonicalize_name(current)
        asked = {(current, extra) for extra in {"", *extras}} - seen
        if not asked:
            continue
        seen |= asked
        try:
            wanted = metadata.requires(current) or []
        except metadata.PackageNotFoundError:
            continue
        for line in wanted:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for _, extra in asked):
                waiting.append((requirement.name, frozenset(requirement.extras)))
    return {dist for dist, _ in seen}


def imported_beyond_runtime() -> list[str]:
    """Distributions imported in this process that an operator's install would not have: the test extras'
    (cryptography under msoffcrypto-tool, rich and click under import-linter, pygments under pytest), which
    python-telegram-bot and httpx import when they find them. Their memory counts in this process's RSS."""
    runtime = _runtime_distributions()
    by_module = metadata.packages_distributions()
    imported = {top for module in list(sys.modules) if not (top := module.partition(".")[0]).startswith("_")}
    extra = {
        canonicalize_name(dist)
        for top in imported
        for dist in by_module.get(top, ())
        if canonicalize_name(dist) not in runtime
    }
    return sorted(extra)


def describe_environment(env: dict[str, Any]) -> str:
    """``environment()`` as the line under a report's heading."""
    bot = f", python-telegram-bot {env['python_telegram_bot']}" if "python_telegram_bot" in env else ""
    return f"Python {env['python']}{bot}, SQLAlchemy {env['sqlalchemy']}, {env['platform']}, {env['cpus']} CPUs"


async def run_engines(
    engines: Sequence[str],
    pg_server: str,
    bench: Callable[[str], Awaitable[dict[str, Any]]],
    report: Callable[[dict[str, Any], Sequence[dict[str, Any]]], bool],
    *,
    failures: tuple[type[Exception], ...] = (TimeoutError, StepFailed),
    name_failure: bool = True,
) -> tuple[list[dict[str, Any]], dict[str, str], int]:
    """``bench`` each engine in turn, and ``report`` each result as it comes (given the results of the engines
    before it); ``report`` returns False when the run, though complete, must fail the exit status.

    PostgreSQL is skipped, with the reason, when its server does not answer. One of ``failures`` raised by
    ``bench`` ends that engine's run with a message (naming the exception's type with ``name_failure``); the
    next engine still runs. Returns the results, why an engine has none, and the exit status: 1 when a run
    failed or was found at fault, or PostgreSQL was the only engine asked for and could not be reached."""
    results: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    status = 0
    for kind in engines:
        if kind == "postgresql":
            reason = await postgres_unreachable(pg_server)
            if reason is not None:
                skipped[kind] = reason
                print(f"\n━━ {ENGINE_LABELS[kind]}: skipped, server not reachable ({reason}) ━━")
                status = 1 if tuple(engines) == ("postgresql",) else status
                continue
        try:
            result = await bench(kind)
        except failures as exc:
            failure = f"{type(exc).__name__}: {exc}" if name_failure else str(exc)
            print(f"\n━━ {ENGINE_LABELS[kind]}: FAILED: {failure} ━━")
            skipped[kind] = f"failed: {exc}"
            status = 1
            continue
        if not report(result, results):
            status = 1
        results.append(result)
    return results, skipped, status


def write_figures(
    path: Path, config: Any, env: dict[str, Any], results: Sequence[dict[str, Any]], skipped: dict[str, str]
) -> None:
    """Every figure, the configuration (a dataclass) and the environment as JSON."""
    document = {"config": asdict(config), "environment": env, "results": list(results), "skipped": skipped}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\nfigures written to {path}")


def run_main(main: Coroutine[Any, Any, int]) -> int:
    """``asyncio.run(main)``, where a SIGTERM unwinds like Ctrl+C does (bots and fakes stop, every throwaway
    database is dropped); the exit status is main's, or 130 when interrupted."""

    async def cancellable() -> int:
        task = asyncio.current_task()
        if task is not None and hasattr(signal, "SIGTERM"):
            with contextlib.suppress(NotImplementedError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await main

    try:
        return asyncio.run(cancellable())
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\ninterrupted; the throwaway databases were removed", file=sys.stderr)
        return 130
