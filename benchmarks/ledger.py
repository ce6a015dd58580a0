"""The housing ledger's edit step: how long an officer waits for a change to be saved, beside a bare echo bot
in the same run.

    python benchmarks/ledger.py [--engine sqlite|postgresql|both] [--runs N] [--complexes N] [--json FILE]

Per database engine, in one process: load a generated registry (default 2,000 complexes with 20,000
representatives); time (a) a bare python-telegram-bot echo bot's round trip, then (b) the real bot's ledger
dialogue, one officer at a time: pressing a field of a representative (the question shown) and typing its
new value (saved under the record's version, audited, and the reply arriving), then opening the card's
✏️ 수정 again for the next round. Each latency runs from the update's arrival at the emulated Telegram to the
bot's first reply stored there. It asserts nothing about time; the exit status is 0 unless a step failed.
See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select

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
    log,
    run_engines,
    run_main,
    summarize,
    throwaway_database,
    wait_idle,
    write_figures,
)
from bot.app import Runtime, build_application, build_runtime, start_bot, stop_bot
from bot.demo_data.load import load_district
from bot.demo_data.national import build_national_dataset
from bot.emulator import BotApiEmulator
from bot.emulator.echo import build_echo_application, start_polling_app, stop_polling_app
from bot.emulator.state import StoredMessage
from bot.settings import Settings
from conversations.housing.buttons import LEDGER
from conversations.housing.edit import FIELD, RECORD
from core.staff.directory import SYSTEM_ACTOR
from storage.housing.models import Representative
from storage.migrate import upgrade

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
OFFICER = 710_000_000
ECHO_USER = 810_000_000


@dataclass(frozen=True)
class Config:
    complexes: int = 2_000
    representatives: int = 20_000
    runs: int = 100
    warmup: int = 10
    pace: float = 0.05  # seconds between steps: a person pauses far longer
    seed: int = 1
    step_timeout: float = 10.0
    pg_server: str = DEFAULT_PG_SERVER


QUICK = Config(complexes=200, representatives=1_000, runs=20, warmup=3)


async def load_data(runtime: Runtime, cfg: Config) -> list[int]:
    """The registry, and the complexes that have a representative (each round edits one of them)."""
    district = build_national_dataset(cfg.complexes, cfg.representatives, cfg.seed)
    await load_district(runtime.uow, runtime.services.clock, district, validate=False)
    await analyze(runtime.engine)
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            select(Representative.complex_id).group_by(Representative.complex_id).having(func.count() > 0)
        )
        return [int(r.complex_id) for r in rows]


async def pause(app: Any, cfg: Config) -> None:
    await wait_idle(app)
    await asyncio.sleep(cfg.pace)


def latest(actor: Actor) -> StoredMessage:
    """The bot's newest message in the actor's chat (the card after a save arrives as a second message)."""
    for message in reversed(actor.chat.messages.values()):
        if message.from_bot and not message.deleted:
            return message
    raise StepFailed("the bot has said nothing")


def _shown(arrival: Arrival) -> str:
    return arrival.message.text[:80] if arrival.message else "(no message)"


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


async def ledger_latency(app: Any, actor: Actor, complexes: Sequence[int], cfg: Config) -> dict[str, list[float]]:
    """Rounds of: ✏️ 수정 → 입주자대표 → a representative → 동호수 (timed) → the new value typed (timed)."""
    rng = random.Random(cfg.seed + 1)
    await actor.send("/start", cfg.step_timeout)  # a chat with the bot, as a member's first message opens it
    await pause(app, cfg)
    field_steps, save_steps = [], []
    for i in range(cfg.warmup + cfg.runs):
        complex_id = rng.choice(complexes)
        _, opened = await actor.press(latest(actor), LEDGER(complex_id), cfg.step_timeout)
        await pause(app, cfg)
        _, listed = await actor.press(latest(actor), RECORD("representative"), cfg.step_timeout)
        picks = button_data(listed.message, "hl:r:")
        if not picks:
            raise StepFailed(f"the representatives' list had no entries: {_shown(listed)!r}")
        await pause(app, cfg)
        _, record = await actor.press(latest(actor), rng.choice(picks), cfg.step_timeout)
        await pause(app, cfg)
        asked_in, asked = await actor.press(latest(actor), FIELD("building_unit"), cfg.step_timeout)
        if asked.message is None or "동호수" not in asked.message.text:
            raise StepFailed(f"pressing 동호수 did not ask for it: {_shown(asked)!r}")
        await pause(app, cfg)
        saved_in, saved = await actor.send(f"{101 + i % 20}동 {1 + i % 15}0{1 + i % 4}호", cfg.step_timeout)
        if saved.message is None or "저장했습니다" not in saved.message.text:
            raise StepFailed(f"typing the value did not save it: {_shown(saved)!r}")
        await pause(app, cfg)  # the card follows the confirmation
        if i >= cfg.warmup:
            field_steps.append(asked_in)
            save_steps.append(saved_in)
    del opened, record
    return {"field": field_steps, "save": save_steps}


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind}
    async with throwaway_database(kind, cfg.pg_server) as url:
        runtime = build_runtime(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        try:
            await upgrade(runtime.engine)
            log(f"{kind}: loading {cfg.complexes:,} complexes, {cfg.representatives:,} representatives")
            complexes = await load_data(runtime, cfg)
            await runtime.services.staff.add_staff(
                SYSTEM_ACTOR,
                saeol_id="ledger01",
                name="대장관리",
                department="공동주택과",
                permissions=["housing.read", "housing.write", "pii.view"],
                telegram_user_id=OFFICER,
            )
            async with BotApiEmulator(token=TOKEN, bot_username="dongne_bench_bot") as emulator:
                clock = ReplyClock(emulator)
                try:
                    echo = build_echo_application(emulator.api_root, TOKEN)
                    await start_polling_app(echo)
                    try:
                        log(f"{kind}: (a) echo bot, {cfg.runs} round trips")
                        echo_actor = Actor(emulator, clock, ECHO_USER, "에코")
                        result["echo"] = summarize(await echo_latency(echo, echo_actor, cfg))
                    finally:
                        await stop_polling_app(echo)
                    forget_history(emulator)
                    app = build_application(runtime, token=TOKEN, api_root=emulator.api_root)
                    await start_bot(app)
                    try:
                        log(f"{kind}: (b) ledger dialogue, {cfg.runs} edits")
                        officer = Actor(emulator, clock, OFFICER, "대장")
                        steps = await ledger_latency(app, officer, complexes, cfg)
                        result["ledger"] = {k: summarize(v) for k, v in steps.items()}
                    finally:
                        await stop_bot(app)
                    result["failed_bot_calls"] = forget_history(emulator)
                finally:
                    clock.close()
        finally:
            await runtime.close()
    return result


def print_engine(result: dict[str, Any]) -> None:
    print(f"\n━━ {ENGINE_LABELS[result['engine']]} ━━")
    rows = [
        ("(a) echo bot round trip", result["echo"]),
        ("(b) field pressed → question", result["ledger"]["field"]),
        ("(b) value typed → saved", result["ledger"]["save"]),
    ]
    print(f"{'step':34} {'p50':>9} {'p95':>9} {'max':>9}  (ms)")
    for label, stats in rows:
        print(f"{label:34} {stats['p50']:9.1f} {stats['p95']:9.1f} {stats['max']:9.1f}")
    ratio = result["ledger"]["save"]["p50"] / result["echo"]["p50"]
    print(f"saved change vs echo round trip (p50): {ratio:.2f}×")
    result["save_vs_echo"] = ratio


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="a small run for a smoke check")
    parser.add_argument("--runs", type=int, help="measured edits (default 100, quick 20)")
    parser.add_argument("--complexes", type=int, help="complexes to load (default 2,000, quick 200)")
    parser.add_argument("--representatives", type=int, help="representatives to load (default 20,000)")
    parser.add_argument("--seed", type=int, default=1)
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    overrides = {
        name: getattr(args, name)
        for name in ("runs", "complexes", "representatives")
        if getattr(args, name) is not None
    }
    cfg = replace(cfg, seed=args.seed, pg_server=args.pg_server, **overrides)
    if cfg.runs < 2 or cfg.complexes < 10 or cfg.representatives < 1:
        parser.error("need --runs ≥ 2, --complexes ≥ 10 and --representatives ≥ 1")
    return args, cfg


async def main_async(args: argparse.Namespace, cfg: Config) -> int:
    engines = ENGINES if args.engine == "both" else (args.engine,)
    env = environment(telegram_bot=True)
    print(
        f"Dongne ledger benchmark{' (quick)' if args.quick else ''}: {cfg.complexes:,} complexes, "
        f"{cfg.representatives:,} representatives; {cfg.runs} edits (+{cfg.warmup} warm-up)"
    )
    print(describe_environment(env))

    def report(result: dict[str, Any], earlier: Sequence[dict[str, Any]]) -> bool:
        print_engine(result)
        return not result["failed_bot_calls"]

    results, skipped, status = await run_engines(engines, cfg.pg_server, lambda kind: bench_engine(kind, cfg), report)
    if args.json is not None:
        write_figures(args.json, cfg, env, results, skipped)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args, cfg = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_main(main_async(args, cfg))


if __name__ == "__main__":
    raise SystemExit(main())
