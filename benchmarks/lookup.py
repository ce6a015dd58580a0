"""The housing lookup under a national-scale registry: how long staff wait, and how much the bot can carry.

    python benchmarks/lookup.py [--engine sqlite|postgresql|both] [--runs N] [--staff N] [--quick] [--json FILE]
                                [--isolated-load] [--process-per-engine]

Per database engine, in one process (``--process-per-engine``: each engine in a process of its own): load
20,000 complexes with 200,000 representatives; time (a) a bare python-telegram-bot echo bot, (b) the real bot's
search and card steps, (c) the database calls behind them, and (d) 100 staff holding lookup dialogues at once,
and the echo bot under the same load; then print every figure with the targets as PASS/MISS. It asserts
nothing: the exit status is 0 unless a step failed (the bot answered wrongly or not at all) or the run could
not be set up. See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from benchmarks.harness import (
    DEFAULT_PG_SERVER,
    ENGINE_LABELS,
    ENGINES,
    Actor,
    Arrival,
    ReplyClock,
    StepFailed,
    add_pg_server_argument,
    analyze,
    button_data,
    describe_environment,
    environment,
    forget_history,
    imported_beyond_runtime,
    keep_history_trimmed,
    log,
    peak_rss_mb,
    reset_peak,
    rss_mb,
    ru_maxrss_mb,
    run_engines,
    run_main,
    summarize,
    throwaway_database,
    time_calls,
    wait_idle,
    write_figures,
)
from benchmarks.startup import startup_seconds
from bot.app import Runtime, build_application, build_runtime, start_bot, stop_bot
from bot.demo_data.load import load_district
from bot.demo_data.national import build_national_dataset
from bot.demo_data.types import DemoDistrict
from bot.demo_data.vocabulary import (
    NEW_BRANDS,
    OLD_BRANDS,
    ROW_HOUSE_SUFFIXES,
    ROW_HOUSE_WORDS,
    SMALL_APARTMENT_SUFFIXES,
    SMALL_APARTMENT_WORDS,
)
from bot.emulator import BotApiEmulator
from bot.emulator.echo import build_echo_application, emulator_builder, start_polling_app, stop_polling_app
from bot.settings import Settings
from core.staff.directory import SYSTEM_ACTOR
from core.values import StaffMember
from storage.housing.models import Complex
from storage.migrate import upgrade
from storage.search_keys import name_key

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
LOOKUP_USER = 700_000_000  # the staff member of (b); load staff follow it
ECHO_USERS = 800_000_000
MAX_LOAD_ERRORS = 50  # a load phase stops early once this many steps went wrong

# Targets (printed as PASS/MISS; nothing fails on them), as issue 17 sets them: the card and search steps
# against the echo bot of the same run, the bot unpaced under load against the echo bot under the same load, the
# database search at the run's size, and the bot phases' memory.
CARD_VS_ECHO = 2.0
SEARCH_VS_ECHO = 1.5
LOAD_VS_ECHO = 0.6
LOAD_P95_VS_ECHO = 3.0
DB_SEARCH_MS = 2.0  # at 20,000 complexes
DB_SEARCH_LARGE_MS = 10.0  # at 200,000 complexes (--complexes 200000)
LARGE_REGISTRY = 200_000
PEAK_RSS_MB = 150.0
STARTUP_S = 2.0  # `dongne run` started → the first update answered


@dataclass(frozen=True)
class Config:
    complexes: int = 20_000
    representatives: int = 200_000
    runs: int = 200
    warmup: int = 20
    staff: int = 100
    duration: float = 20.0  # seconds each load phase lasts
    load_warmup: float = 3.0  # seconds at the start of a load phase that are not counted
    pace: float = 0.05  # seconds between one user's steps in (a)/(b): a person pauses far longer
    seed: int = 1
    terms: int = 300
    step_timeout: float = 10.0
    load_timeout: float = 60.0
    pg_server: str = DEFAULT_PG_SERVER
    isolated_load: bool = False  # generate and write the data in a child process (cleaner RSS figures)
    db_only: bool = False  # the data and (c) only: how the database search grows with the registry


QUICK = Config(complexes=2_000, representatives=20_000, runs=50, warmup=5, staff=20, duration=2.5, load_warmup=0.5)


# -- data ---------------------------------------------------------------------------------------------


def search_terms(district: DemoDistrict, rng: random.Random, limit: int) -> list[tuple[str, int]]:
    """What staff type: brands (래미안), place + brand (가람푸르지오), a building's word (장미빌라), the first
    letters of a name (가람래미); only terms matching two or more complexes, so the reply is a list."""
    keys = [name_key(bundle.complex.name) for bundle in district.complexes]
    haystack = "\n".join(keys)
    places = sorted({re.sub(r"\d+동$", "", dong.name) for dong in district.admin_dongs})
    brands = sorted(set(NEW_BRANDS + OLD_BRANDS))
    specific = {p + b for p in places for b in brands}
    specific |= {w + s for w in ROW_HOUSE_WORDS for s in ROW_HOUSE_SUFFIXES}
    specific |= {w + s for w in SMALL_APARTMENT_WORDS for s in SMALL_APARTMENT_SUFFIXES}
    specific |= {p + "국민임대" for p in places} | {"국민임대", "영구임대", "행복주택"}
    specific |= {key[: rng.randint(3, 5)] for key in rng.sample(keys, min(len(keys), 400))}
    pool = sorted(specific - set(brands))
    rng.shuffle(pool)
    chosen: list[tuple[str, int]] = []
    for term in [*brands, *pool]:
        if len(chosen) >= limit:
            break
        if haystack.count(term.casefold()) < 2:  # cheap filter first; exact count below
            continue
        matches = sum(1 for key in keys if term.casefold() in key)
        if matches >= 2:
            chosen.append((term, matches))
    rng.shuffle(chosen)
    return chosen


async def load_data(runtime: Runtime, cfg: Config) -> dict[str, Any]:
    reset_peak()
    rss_start = rss_mb()
    began = time.perf_counter()
    district = build_national_dataset(cfg.complexes, cfg.representatives, cfg.seed)
    generated = time.perf_counter()
    summary = await load_district(runtime.uow, runtime.services.clock, district, validate=False)
    written = time.perf_counter()
    await analyze(runtime.engine)
    analyzed = time.perf_counter()
    terms = search_terms(district, random.Random(cfg.seed), cfg.terms)
    del district
    gc.collect()
    async with runtime.engine.connect() as connection:
        ids = list((await connection.scalars(select(Complex.id))).all())
    return {
        "complexes": summary.complexes,
        "representatives": summary.representatives,
        "admin_dongs": summary.admin_dongs,
        "generate_s": generated - began,
        "write_s": written - generated,
        "analyze_s": analyzed - written,
        "total_s": analyzed - began,
        "rss_before_mb": rss_start,
        "rss_peak_mb": peak_rss_mb(),
        "rss_after_mb": rss_mb(),
        "terms": terms,
        "ids": ids,
    }


async def load_only(url: str, cfg: Config) -> dict[str, Any]:
    """The child's side of --isolated-load: load_data into the given database, figures on stdout."""
    runtime = build_runtime(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        data = await load_data(runtime, cfg)
    finally:
        await runtime.close()
    data["loader_ru_maxrss_mb"] = ru_maxrss_mb()
    return data


async def load_in_child(url: str, cfg: Config) -> dict[str, Any]:
    """load_data in a fresh interpreter, so the generator's heap never counts against the bot's RSS."""
    settings = ["--complexes", str(cfg.complexes), "--representatives", str(cfg.representatives)]
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(THIS_FILE),
        "--load-into",
        url,
        *settings,
        "--seed",
        str(cfg.seed),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        out, _ = await child.communicate()
    finally:
        if child.returncode is None:  # interrupted: do not leave the loader running
            child.kill()
            await child.wait()
    if child.returncode != 0:
        raise RuntimeError(f"the data loader (child process) failed with exit status {child.returncode}")
    data: dict[str, Any] = json.loads(out)
    return data


async def bind_staff(runtime: Runtime, count: int) -> list[StaffMember]:
    staff = []
    for i in range(count):
        member, _ = await runtime.services.staff.add_staff(
            SYSTEM_ACTOR,
            saeol_id=f"bench{i:04d}",
            name=f"벤치{i:04d}",
            department="공동주택과",
            permissions=["housing.read"],
            telegram_user_id=LOOKUP_USER + i,
        )
        staff.append(member)
    return staff


# -- (c) the database alone ---------------------------------------------------------------------------


async def database_times(
    runtime: Runtime, actor: StaffMember, terms: Sequence[str], ids: Sequence[int], cfg: Config
) -> dict[str, list[float]]:
    housing, staff = runtime.services.housing, runtime.services.staff
    rng = random.Random(cfg.seed + 3)
    runs, warmup = cfg.runs, cfg.warmup
    return {
        "search": await time_calls(lambda i: housing.search_complexes(actor, terms[i % len(terms)]), runs, warmup),
        "card": await time_calls(lambda i: housing.get_complex_card(actor, rng.choice(ids)), runs, warmup),
        "identify": await time_calls(lambda i: staff.identify(LOOKUP_USER + i % (cfg.staff + 1)), runs, warmup),
    }


# -- (a) and (b): one user at a time ------------------------------------------------------------------


async def pause(app: Any, cfg: Config) -> None:
    await wait_idle(app)
    await asyncio.sleep(cfg.pace)


async def echo_latency(app: Any, actor: Actor, cfg: Config) -> list[float]:
    durations = []
    for i in range(cfg.warmup + cfg.runs):
        said = f"안녕하세요 {i}"
        latency, arrival = await actor.send(said, cfg.step_timeout)
        if arrival.message is None or arrival.message.text != said:
            raise StepFailed(f"the echo bot did not echo {said!r}")
        await pause(app, cfg)
        if i >= cfg.warmup:
            durations.append(latency)
    return durations


def _shown(arrival: Arrival) -> str:
    return arrival.message.text[:80] if arrival.message else "(no message)"


async def lookup_latency(app: Any, actor: Actor, terms: Sequence[str], cfg: Config) -> dict[str, list[float]]:
    rng = random.Random(cfg.seed + 1)
    await actor.send("/complex", cfg.step_timeout)  # opens the dialogue; then every typed name is a search
    await pause(app, cfg)
    search, card = [], []
    for i in range(cfg.warmup + cfg.runs):
        term = terms[i % len(terms)]
        searched, results = await actor.send(term, cfg.step_timeout)
        picks = button_data(results.message, "cx:open:")
        if results.message is None or not picks:
            raise StepFailed(f"searching {term!r} gave no result buttons: {_shown(results)!r}")
        await pause(app, cfg)
        opened, shown = await actor.press(results.message, rng.choice(picks), cfg.step_timeout)
        if shown.message is None or not shown.message.text.startswith("🏢") or shown.method != "sendMessage":
            raise StepFailed(f"a result button did not bring the card: {_shown(shown)!r}")
        await pause(app, cfg)
        if i >= cfg.warmup:
            search.append(searched)
            card.append(opened)
    return {"search": search, "card": card}


# -- (d) many users at once ---------------------------------------------------------------------------


class LoadWindow:
    """Counts the replies that arrive inside the measured window of a load phase, and their latency."""

    def __init__(self, cfg: Config) -> None:
        now = asyncio.get_running_loop().time()
        self.start = now + cfg.load_warmup
        self.end = now + cfg.duration
        self.timeout = cfg.load_timeout
        self.done: list[tuple[float, float]] = []  # (arrived at, latency)
        self.errors: list[str] = []

    def open(self) -> bool:
        return asyncio.get_running_loop().time() < self.end and len(self.errors) < MAX_LOAD_ERRORS

    def record(self, step: tuple[float, Arrival]) -> Arrival:
        latency, arrival = step
        self.done.append((arrival.at, latency))
        return arrival

    def result(self, rss_before: float | None) -> dict[str, Any]:
        latencies = [lat for at, lat in self.done if self.start <= at <= self.end]
        return {
            "updates": len(latencies),
            "window_s": self.end - self.start,
            "per_second": len(latencies) / (self.end - self.start),
            "latency": summarize(latencies),
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            "rss_before_mb": rss_before,
            "rss_after_mb": rss_mb(),
        }


Dialogue = Callable[[Actor, random.Random, LoadWindow], Awaitable[None]]


async def run_load(
    emulator: BotApiEmulator, app: Any, actors: Sequence[Actor], dialogue: Dialogue, cfg: Config, pool: Any = None
) -> dict[str, Any]:
    gc.collect()
    rss_before = rss_mb()
    window = LoadWindow(cfg)
    busiest = 0

    async def watch_pool() -> None:  # in the measured window only: the ramp-up burst would always fill it
        nonlocal busiest
        loop = asyncio.get_running_loop()
        while True:
            if window.start <= loop.time() <= window.end:
                busiest = max(busiest, pool.checkedout())
            await asyncio.sleep(0.01)

    watcher = asyncio.create_task(watch_pool()) if pool is not None else None
    trimmer = asyncio.create_task(keep_history_trimmed(emulator))

    async def user(index: int, actor: Actor) -> None:
        rng = random.Random(cfg.seed * 10_000 + index)
        while window.open():
            try:
                await dialogue(actor, rng, window)
            except (TimeoutError, StepFailed) as exc:
                window.errors.append(f"user {actor.user.id}: {type(exc).__name__}: {exc}")

    tasks = [asyncio.create_task(user(i, actor)) for i, actor in enumerate(actors)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    await wait_idle(app, limit=cfg.load_timeout)
    trimmer.cancel()
    await asyncio.gather(trimmer, return_exceptions=True)
    if watcher is not None:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    result = window.result(rss_before)
    if pool is not None:
        # What the updates had to share: more concurrent updates than connections means waiting for one.
        result["pool"] = {"peak_checked_out": busiest, "capacity": pool.size() + getattr(pool, "_max_overflow", 0)}
    return result


def echo_dialogue() -> Dialogue:
    async def talk(actor: Actor, rng: random.Random, window: LoadWindow) -> None:
        said = f"단지 {rng.randrange(10**6)}"
        arrival = window.record(await actor.send(said, window.timeout))
        if arrival.message is None or arrival.message.text != said:
            raise StepFailed(f"the echo bot did not echo {said!r}")

    return talk


def lookup_dialogue(terms: Sequence[str]) -> Dialogue:
    """/complex → a name → a result → one of the card's sections (when it has any), as a staff member in the
    field does."""

    async def talk(actor: Actor, rng: random.Random, window: LoadWindow) -> None:
        asked = window.record(await actor.send("/complex", window.timeout))
        if not button_data(asked.message, "cx:dongs"):
            raise StepFailed(f"/complex did not ask for a name: {_shown(asked)!r}")
        if not window.open():
            return
        term = rng.choice(terms)
        results = window.record(await actor.send(term, window.timeout))
        picks = button_data(results.message, "cx:open:")
        if results.message is None or not picks:
            raise StepFailed(f"searching {term!r} gave no result buttons: {_shown(results)!r}")
        if not window.open():
            return
        card = window.record(await actor.press(results.message, rng.choice(picks), window.timeout))
        if card.message is None or not button_data(card.message, "cx:new"):
            raise StepFailed(f"a result button did not bring the card: {_shown(card)!r}")
        # Only a list longer than the card shows has a section button; a small complex's card is the end.
        sections = button_data(card.message, "cx:sec:")
        if not sections or not window.open():
            return
        section = window.record(await actor.press(card.message, rng.choice(sections), window.timeout))
        if section.method != "editMessageText":
            raise StepFailed(f"a section button did not open the section in place: {_shown(section)!r}")

    return talk


def pacing(runtime: Runtime) -> float:
    """Messages per second the bot paces itself to across all chats (AIORateLimiter's overall limit)."""
    return float(getattr(runtime.settings, "telegram_messages_per_second", 30.0))


def unpaced(runtime: Runtime) -> Runtime:
    """The same runtime (engine, services) with DONGNE_TELEGRAM_MESSAGES_PER_SECOND=0: no pacing, 429s still
    waited out. For the diagnostic load phase: what the code itself can carry."""
    settings = runtime.settings.model_copy(update={"telegram_messages_per_second": 0.0})
    return Runtime(settings=settings, engine=runtime.engine, uow=runtime.uow, services=runtime.services)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def concurrent_echo_application(api_root: str, concurrency: int) -> Application[Any, Any, Any, Any, Any, Any]:
    """echo.py's bot, but handling updates concurrently like the real bot does (the fairer load baseline)."""
    app = emulator_builder(api_root, TOKEN).concurrent_updates(concurrency).build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


# -- one engine ---------------------------------------------------------------------------------------


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind}
    async with throwaway_database(kind, cfg.pg_server) as url:
        runtime = build_runtime(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        try:
            await upgrade(runtime.engine)
            log(f"{kind}: generating and loading {cfg.complexes:,} complexes, {cfg.representatives:,} representatives")
            data = await (load_in_child(url, cfg) if cfg.isolated_load else load_data(runtime, cfg))
            terms = [term for term, _ in data["terms"]]
            result["data"] = {k: v for k, v in data.items() if k not in ("ids", "terms")}
            counts = sorted(n for _, n in data["terms"])
            result["terms"] = {
                "count": len(counts),
                "matches_min": counts[0],
                "matches_median": statistics.median(counts),
                "matches_p90": counts[int(0.9 * (len(counts) - 1))],
                "matches_max": counts[-1],
                "examples": [t for t, _ in data["terms"][:8]],
            }
            staff = await bind_staff(runtime, cfg.staff + 1)
            version = runtime.engine.dialect.server_version_info
            settings = runtime.settings
            result["settings"] = {  # DONGNE_* variables in the environment apply, as they would in production
                "persistence_interval": settings.persistence_interval,
                "max_concurrent_updates": settings.max_concurrent_updates,
                "telegram_messages_per_second": pacing(runtime),
            }
            result["server_version"] = ".".join(str(v) for v in version or ())
            log(f"{kind}: (c) database calls alone, {cfg.runs} runs each")
            result["db"] = {
                k: summarize(v) for k, v in (await database_times(runtime, staff[0], terms, data["ids"], cfg)).items()
            }
            del data
            if cfg.db_only:
                return result
            gc.collect()
            reset_peak()
            result["memory"] = {"bot_phase_start_mb": rss_mb()}
            async with BotApiEmulator(token=TOKEN, bot_username="dongne_bench_bot") as emulator:
                clock = ReplyClock(emulator)
                try:
                    await bot_phases(kind, emulator, clock, runtime, terms, cfg, result)
                finally:
                    clock.close()
            result["memory"].update(
                {
                    "bot_phase_peak_mb": peak_rss_mb(),
                    "ru_maxrss_mb": ru_maxrss_mb(),
                    "imported_beyond_runtime": imported_beyond_runtime(),
                }
            )
        finally:
            await runtime.close()
    return result


async def bot_phases(
    kind: str,
    emulator: BotApiEmulator,
    clock: ReplyClock,
    runtime: Runtime,
    terms: Sequence[str],
    cfg: Config,
    result: dict[str, Any],
) -> None:
    load: dict[str, Any] = {}
    failed: dict[str, int] = {}  # bot calls the emulator refused, per phase (each also failed its step)

    def phase_done(name: str) -> None:
        failed[name] = forget_history(emulator)

    echo_users = [Actor(emulator, clock, ECHO_USERS + i, f"에코{i}") for i in range(cfg.staff + 1)]
    echo = build_echo_application(emulator.api_root, TOKEN)
    await start_polling_app(echo)
    try:
        log(f"{kind}: (a) echo bot, {cfg.runs} round trips")
        result["echo"] = summarize(await echo_latency(echo, echo_users[0], cfg))
        phase_done("echo")
        log(f"{kind}: (d) echo bot (echo.py) under {cfg.staff} users for {cfg.duration:g} s")
        load["echo_sequential"] = await run_load(emulator, echo, echo_users[1:], echo_dialogue(), cfg)
        phase_done("echo_sequential")
    finally:
        await stop_polling_app(echo)
    concurrency = runtime.settings.max_concurrent_updates
    echo = concurrent_echo_application(emulator.api_root, concurrency)
    await start_polling_app(echo)
    try:
        log(f"{kind}: (d) echo bot, {concurrency} updates at once, under {cfg.staff} users for {cfg.duration:g} s")
        load["echo_concurrent"] = await run_load(emulator, echo, echo_users[1:], echo_dialogue(), cfg)
        phase_done("echo_concurrent")
    finally:
        await stop_polling_app(echo)

    staff = [Actor(emulator, clock, LOOKUP_USER + i, f"직원{i}") for i in range(cfg.staff + 1)]
    app = build_application(runtime, token=TOKEN, api_root=emulator.api_root)
    await start_bot(app)
    try:
        log(f"{kind}: (b) lookup bot, {cfg.runs} searches and {cfg.runs} cards")
        steps = await lookup_latency(app, staff[0], terms, cfg)
        result["lookup"] = {k: summarize(v) for k, v in steps.items()}
        phase_done("lookup")
        log(f"{kind}: (d) lookup bot under {cfg.staff} staff for {cfg.duration:g} s")
        load["lookup"] = await run_load(emulator, app, staff[1:], lookup_dialogue(terms), cfg, runtime.engine.pool)
        phase_done("lookup_load")
    finally:
        await stop_bot(app)
    result["pacing"] = pacing(runtime)
    if result["pacing"] > 0 and "telegram_messages_per_second" in type(runtime.settings).model_fields:
        app = build_application(unpaced(runtime), token=TOKEN, api_root=emulator.api_root)
        await start_bot(app)
        try:
            log(f"{kind}: (d) lookup bot without pacing (diagnostic) under {cfg.staff} staff for {cfg.duration:g} s")
            dialogue = lookup_dialogue(terms)
            load["lookup_unpaced"] = await run_load(emulator, app, staff[1:], dialogue, cfg, runtime.engine.pool)
            phase_done("lookup_unpaced")
        finally:
            await stop_bot(app)
    result["load"] = load
    result["failed_bot_calls"] = failed
    log(f"{kind}: start-up of `dongne run` in a new process, to the first update answered")
    result["startup_s"] = await startup_seconds(
        emulator, staff[0], TOKEN, runtime.settings.effective_database_url, terms[0]
    )
    phase_done("startup")


# -- report -------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def targets(result: dict[str, Any]) -> list[tuple[str, str, bool]]:
    search_db = result["db"]["search"]["p50"]
    complexes = result.get("data", {}).get("complexes", 0)
    db_limit = DB_SEARCH_LARGE_MS if complexes >= LARGE_REGISTRY else DB_SEARCH_MS
    database = (f"database search p50 ≤ {db_limit:g} ms ({complexes:,})", f"{search_db:.2f} ms", search_db <= db_limit)
    if "echo" not in result:  # --db-only
        return [database]
    echo_p50 = result["echo"]["p50"]
    card_p50 = result["lookup"]["card"]["p50"]
    search_p50 = result["lookup"]["search"]["p50"]
    load = result["load"]
    echo = max((load["echo_sequential"], load["echo_concurrent"]), key=lambda run: run["per_second"])
    # Paced delivery stays the default; the unpaced run is what measures our own code.
    bot = load.get("lookup_unpaced", load["lookup"])
    echo_rate, bot_rate = echo["per_second"], bot["per_second"]
    echo_p95, bot_p95 = echo["latency"]["p95"], bot["latency"]["p95"]
    peak = result["memory"]["bot_phase_peak_mb"]
    peak = peak if peak is not None else result["memory"]["ru_maxrss_mb"]
    return [
        (
            f"card step p50 ≤ {CARD_VS_ECHO:g}× echo p50",
            f"{card_p50:.2f} ms vs {echo_p50:.2f} ms: {card_p50 / echo_p50:.1f}×",
            card_p50 <= CARD_VS_ECHO * echo_p50,
        ),
        (
            f"search step p50 ≤ {SEARCH_VS_ECHO:g}× echo p50",
            f"{search_p50:.2f} ms vs {echo_p50:.2f} ms: {search_p50 / echo_p50:.1f}×",
            search_p50 <= SEARCH_VS_ECHO * echo_p50,
        ),
        database,
        (
            f"load, no pacing: ≥ {LOAD_VS_ECHO:.0%} of echo upd/s",
            f"{bot_rate:.1f} vs {echo_rate:.1f} upd/s: {bot_rate / echo_rate:.0%}",
            bot_rate >= LOAD_VS_ECHO * echo_rate,
        ),
        (
            f"load, no pacing: p95 ≤ {LOAD_P95_VS_ECHO:g}× echo p95",
            f"{bot_p95:.1f} vs {echo_p95:.1f} ms: {bot_p95 / echo_p95:.1f}×",
            bot_p95 <= LOAD_P95_VS_ECHO * echo_p95,
        ),
        (f"peak RSS ≤ {PEAK_RSS_MB:g} MB (bot phases)", f"{peak:.0f} MB", peak <= PEAK_RSS_MB),
        (
            f"start-up ≤ {STARTUP_S:g} s (process → first answer)",
            f"{result['startup_s']:.2f} s",
            result["startup_s"] <= STARTUP_S,
        ),
    ]


def _row(label: str, stats: dict[str, float]) -> str:
    return f"  {label:<46}{stats['n']:>6}{stats['p50']:>10.2f}{stats['p95']:>10.2f}{stats['mean']:>10.2f}"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MB"


def print_engine(result: dict[str, Any], cfg: Config) -> None:
    kind = result["engine"]
    print()
    print(f"━━ {ENGINE_LABELS[kind]}, server {result.get('server_version') or '-'} ━━")
    data, terms = result["data"], result["terms"]
    print(
        f"data   {data['complexes']:,} complexes, {data['representatives']:,} representatives, "
        f"{data['admin_dongs']:,} dongs: generated {data['generate_s']:.2f} s + written {data['write_s']:.2f} s"
        + (f" + ANALYZE {data['analyze_s']:.2f} s" if data["analyze_s"] > 0.005 else "")
        + f" = {data['total_s']:.2f} s"
    )
    print(
        f"terms  {terms['count']} search terms, complexes matched per term: min {terms['matches_min']} · "
        f"median {terms['matches_median']:g} · p90 {terms['matches_p90']} · max {terms['matches_max']:,}"
    )
    print(f"       e.g. {', '.join(terms['examples'])}")
    if cfg.db_only:
        print()
        print(f"  {'latency (ms)':<46}{'n':>6}{'p50':>10}{'p95':>10}{'mean':>10}")
        print(_row("(c) database: search_complexes", result["db"]["search"]))
        print(_row("(c) database: get_complex_card", result["db"]["card"]))
        print(_row("(c) database: staff.identify (gate, per update)", result["db"]["identify"]))
        _print_targets(result)
        return
    bot = result["settings"]
    print(
        f"bot    persistence every {bot['persistence_interval']:g} s, {bot['max_concurrent_updates']} updates at once, "
        f"messages paced to {bot['telegram_messages_per_second']:g}/s (DONGNE_* variables in the environment apply)"
    )
    print()
    print(f"  {'latency (ms)':<46}{'n':>6}{'p50':>10}{'p95':>10}{'mean':>10}")
    echo = result["echo"]
    print(_row("(a) echo bot: message → reply", echo))
    print(_row("(b) lookup: search step (name → results)", result["lookup"]["search"]))
    print(_row("(b) lookup: card step (button → card)", result["lookup"]["card"]))
    for step in ("search", "card"):
        stats = result["lookup"][step]
        label = f"    ratio {step} / echo"
        print(f"  {label:<52}{stats['p50'] / echo['p50']:>9.1f}×{stats['p95'] / echo['p95']:>9.1f}×")
    print(_row("(c) database: search_complexes", result["db"]["search"]))
    print(_row("(c) database: get_complex_card", result["db"]["card"]))
    print(_row("(c) database: staff.identify (gate, per update)", result["db"]["identify"]))
    print(f"  {'(e) start-up: `dongne run` → first update answered':<46}{result['startup_s']:>16.2f} s")
    print()
    load = result["load"]
    print(
        f"  {f'(d) load: {cfg.staff} users at once, {cfg.duration:g} s':<46}{'upd/s':>10}{'p50 ms':>10}{'p95 ms':>10}"
    )
    print(f"  {f'    (first {cfg.load_warmup:g} s not counted)':<46}{'':>10}{'':>10}{'':>10}{'errors':>8}")
    labels = {
        "echo_sequential": "echo bot (echo.py: one update at a time)",
        "echo_concurrent": "echo bot (64 updates at once, like ours)",
        "lookup": f"lookup bot, as configured ({result['pacing']:g} msg/s pacing)",
        "lookup_unpaced": "lookup bot, no pacing (diagnostic)",
    }
    for key, label in labels.items():
        if key in load:
            run = load[key]
            lat = run["latency"]
            print(f"  {label:<46}{run['per_second']:>10.1f}{lat['p50']:>10.1f}{lat['p95']:>10.1f}{run['errors']:>8}")
    echo_rate = max(load["echo_sequential"]["per_second"], load["echo_concurrent"]["per_second"])
    ratio = f"    ratio lookup / echo (faster echo): {load['lookup']['per_second'] / echo_rate:.0%}"
    if "lookup_unpaced" in load:
        ratio += f"; without pacing {load['lookup_unpaced']['per_second'] / echo_rate:.0%}"
    print(f"  {ratio}")
    pools = [
        f"{load[k]['pool']['peak_checked_out']} of {load[k]['pool']['capacity']} ({name})"
        for k, name in (("lookup", "as configured"), ("lookup_unpaced", "no pacing"))
        if "pool" in load.get(k, {})
    ]
    if pools:
        print(f"    most database connections checked out at once (measured window): {'; '.join(pools)}")
    for key, run in load.items():
        for error in run["first_errors"]:
            print(f"    ! {key}: {error}")
    refused = {k: n for k, n in result.get("failed_bot_calls", {}).items() if n}
    if refused:
        print(f"    ! bot calls the emulator refused, per phase: {refused}")
    print()
    memory = result["memory"]
    where = "in a child process" if cfg.isolated_load else "in this process"
    print(
        f"memory data load ({where}): RSS {_mb(data['rss_before_mb'])} before, peak {_mb(data['rss_peak_mb'])}, "
        f"{_mb(data['rss_after_mb'])} after"
        + (f"; the loader's ru_maxrss {data['loader_ru_maxrss_mb']:.0f} MB" if "loader_ru_maxrss_mb" in data else "")
    )
    start, peak = memory["bot_phase_start_mb"], memory["bot_phase_peak_mb"]
    print(
        f"       bot phases (a), (b), (d): RSS {_mb(start)} at start, peak {_mb(peak)}"
        + (f" (+{peak - start:.0f} MB)" if start is not None and peak is not None else "")
        + f"; lookup load phase RSS {_mb(load['lookup']['rss_before_mb'])} before → "
        f"{_mb(load['lookup']['rss_after_mb'])} after"
    )
    print(f"       ru_maxrss of the whole process so far: {memory['ru_maxrss_mb']:.0f} MB")
    if beyond := memory.get("imported_beyond_runtime"):
        print(
            f"       (imported here but not in an operator's `pip install .`: {', '.join(beyond)}, which this "
            "virtualenv's test extras bring and PTB and httpx load when present; their memory counts above: "
            "for the operator's figure run from such an install, see benchmarks/README.md)"
        )
    if not cfg.isolated_load and data["rss_before_mb"] is not None and data["rss_after_mb"] is not None:
        print(
            f"       (the peak includes ~{data['rss_after_mb'] - data['rss_before_mb']:.0f} MB the data loader left "
            "behind in this process, and the emulator and simulated users; --isolated-load measures without the loader)"
        )
    if result.get("after_other_engine"):
        print("       (this engine ran after another in the same process: its RSS starts from what that run left)")
    _print_targets(result)


def _print_targets(result: dict[str, Any]) -> None:
    print()
    print("targets")
    for name, figure, ok in targets(result):
        print(f"  {verdict(ok)}  {name:<44}{figure}")


def print_summary(results: Sequence[dict[str, Any]]) -> None:
    if len(results) < 2:
        return
    print()
    print("━━ summary ━━")
    rows = [targets(r) for r in results]
    print(f"  {'target':<46}" + "".join(f"{r['engine']:>14}" for r in results))
    for i, (name, _, _) in enumerate(rows[0]):
        print(f"  {name:<46}" + "".join(f"{verdict(row[i][2]):>14}" for row in rows))


# -- entry point --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="a small run for a smoke check (under a minute)")
    parser.add_argument("--runs", type=int, help="measured runs per latency figure (default 200, quick 50)")
    parser.add_argument("--staff", type=int, help="simultaneous users in the load phases (default 100, quick 20)")
    parser.add_argument("--duration", type=float, help="seconds per load phase (default 20, quick 2.5)")
    parser.add_argument("--complexes", type=int, help="complexes to load (default 20,000, quick 2,000)")
    parser.add_argument("--representatives", type=int, help="representatives to load (default 200,000)")
    parser.add_argument("--seed", type=int, default=1)
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--isolated-load",
        action="store_true",
        help="generate and write the data set in a child process, so the RSS figures are the bot's alone",
    )
    parser.add_argument(
        "--db-only",
        action="store_true",
        help="load the data and time the database calls (c) only, e.g. at --complexes 200000",
    )
    parser.add_argument(
        "--process-per-engine",
        action="store_true",
        help="run each engine in a process of its own, as a bot runs one: the second engine's memory figures then "
        "do not start from the heap the first one left (the summary compares both as usual)",
    )
    parser.add_argument("--load-into", help=argparse.SUPPRESS)  # the child's side of --isolated-load
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    overrides = {
        name: getattr(args, name)
        for name in ("runs", "staff", "duration", "complexes", "representatives")
        if getattr(args, name) is not None
    }
    cfg = replace(
        cfg,
        seed=args.seed,
        pg_server=args.pg_server,
        isolated_load=args.isolated_load,
        db_only=args.db_only,
        **overrides,
    )
    if cfg.runs < 2 or cfg.staff < 1 or cfg.duration <= cfg.load_warmup or cfg.complexes < 10:
        parser.error("need --runs ≥ 2, --staff ≥ 1, --duration above the load warm-up, --complexes ≥ 10")
    return args, cfg


async def main_async(args: argparse.Namespace, cfg: Config) -> int:
    engines = ENGINES if args.engine == "both" else (args.engine,)
    env = environment(telegram_bot=True)
    print(
        f"Dongne lookup benchmark{' (quick)' if args.quick else ''}: {cfg.complexes:,} complexes, "
        f"{cfg.representatives:,} representatives; {cfg.runs} runs (+{cfg.warmup} warm-up), "
        f"{cfg.pace * 1000:.0f} ms between steps; load {cfg.staff} users × {cfg.duration:g} s"
    )
    print(f"{describe_environment(env)}; RSS after imports {_mb(rss_mb())}")

    def report(result: dict[str, Any], earlier: Sequence[dict[str, Any]]) -> bool:
        result["after_other_engine"] = bool(earlier)  # its memory figures start from the earlier run's heap
        print_engine(result, cfg)
        return not any(run["errors"] for run in result.get("load", {}).values())

    results, skipped, status = await run_engines(engines, cfg.pg_server, lambda kind: bench_engine(kind, cfg), report)
    print_summary(results)
    if args.json is not None:
        for result in results:
            result["targets"] = [{"target": n, "figure": f, "pass": ok} for n, f, ok in targets(result)]
        write_figures(args.json, cfg, env, results, skipped)
    return status


def each_engine_alone(argv: Sequence[str], args: argparse.Namespace) -> int:
    """This benchmark once per engine, each in a child process given the same options (a later ``--engine`` and
    ``--json`` override the earlier ones), its output passed through; then the summary of both, and their
    figures in one file when ``--json`` was asked for. The status is the worst child's."""
    forwarded = [arg for arg in argv if arg != "--process-per-engine"]
    results: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    status = 0
    document: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="dongne-lookup-") as folder:
        for kind in ENGINES:
            figures = Path(folder) / f"{kind}.json"
            child = subprocess.run([sys.executable, __file__, *forwarded, "--engine", kind, "--json", str(figures)])
            status = max(status, child.returncode)
            if not figures.exists():
                skipped[kind] = f"the child process ended with status {child.returncode} before its figures"
                continue
            document = json.loads(figures.read_text(encoding="utf-8"))
            results.extend(document["results"])
            skipped.update(document["skipped"])
    print_summary(results)
    if args.json is not None:
        document.update(results=results, skipped=skipped)
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args, cfg = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.load_into:
        print(json.dumps(asyncio.run(load_only(args.load_into, cfg)), ensure_ascii=False))
        return 0
    if args.process_per_engine and args.engine == "both":
        return each_engine_alone(sys.argv[1:] if argv is None else argv, args)
    return run_main(main_async(args, cfg))


if __name__ == "__main__":
    raise SystemExit(main())
