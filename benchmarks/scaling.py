"""Scale out on one PostgreSQL database: admin endpoints and SMS dispatchers as several processes.

    python benchmarks/scaling.py [--clients N] [--duration S] [--ums-delay S] [--rounds N] [--with-reports]
                                 [--pg-server URL] [--json FILE]

A throwaway PostgreSQL database gets the schema, the demo district and an admin holding ``sms.send`` with an
API token. Two ``dongne admin serve`` processes and, later, two ``dongne run`` processes (two bot tokens, each
with its own Bot API emulator, so each runs its SMS dispatcher) are started from this checkout, all on that
one database, all pointed at the fake UMS (bot/ums/fake.py) served here on 127.0.0.1, which answers each
submit after ``--ums-delay`` seconds and makes no delivery reports: the dispatch figures are the submission's
alone. ``--with-reports`` has it report every delivery, for the dispatchers to poll and apply in their own loop
(docs/scaling.md shows what that costs).

1. **API.** ``--clients`` concurrent clients send batches (``POST /api/v1/sms/batches``, a fresh
   Idempotency-Key each, one complex's representatives each) for ``--duration`` seconds to one endpoint, then
   spread over both; ``--rounds`` times over (1, 2, 1, 2 by default), so that load from other work on the
   machine weighs on both counts alike. No dispatcher runs yet, so the outbox fills.
2. **Dispatch.** Every queued message is held back (its next attempt moved a day ahead) and split by id into
   as many parts as phases. The first dispatcher runs throughout; the second is started for the phases with
   two and stopped after them. Each phase releases one part and times it until the fake UMS has sent it all,
   then waits until the dispatchers have recorded the answers.
3. **Checks.** Every message was sent exactly once by the fake UMS (which counts each idempotency key), none
   was even submitted twice, and every row is submitted or delivered. A failed check exits 1.

Printed per phase: API sends/s and latency, or messages dispatched/s (from the first message sent to the last,
and from the release: an idle dispatcher looks for due messages every 2 s, so the second carries up to 2 s of
that); the most connections the database had open; the load average; and the CPU time per send or message of
the Dongne processes, of the database's server processes and of this process (clients, fake UMS, emulators),
which moves far less than throughput when the machine is shared. Then the medians per count of processes.
See benchmarks/README.md and docs/scaling.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.harness import (
    DEFAULT_PG_SERVER,
    StepFailed,
    add_pg_server_argument,
    analyze,
    describe_environment,
    environment,
    log,
    postgres_unreachable,
    run_main,
    summarize,
    throwaway_database,
    write_figures,
)
from benchmarks.processes import Process, Watch, cpu_per, cpu_text, free_port, load_average
from bot.app import build_runtime
from bot.demo_data.load import load_demo_district
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from bot.ums.fake import FakeUms
from core.staff.values import GrantRequest
from storage.housing.models import Representative
from storage.migrate import upgrade
from storage.sms.models import SmsMessage

ADMIN = "bench01"
ADMIN_PASSWORD = "scaling-benchmark-password"
TEXT = "{이름}님, 12월 입주자대표회의는 12일(목) 19시 관리사무소에서 열립니다. 성동구청"
SEND = "/api/v1/sms/batches"
TOKENS = ("700001:SCALING-token-first-dispatcher-abcdef", "700002:SCALING-token-second-dispatcher-abcde")
WARMUP_S = 2.0  # the first seconds of an API phase are not counted: connections open, caches fill
SETTLE_TIMEOUT_S = 90.0
DRAIN_TIMEOUT_S = 600.0
SAMPLE_S = 0.05
HELD = timedelta(days=1)


@dataclass(frozen=True)
class Config:
    clients: int = 32
    duration: float = 15.0
    ums_delay: float = 0.05
    rounds: int = 2
    reports: bool = False
    pg_server: str = DEFAULT_PG_SERVER


@dataclass
class Office:
    url: str
    token: str
    complex_ids: list[int]
    recipients: int  # representatives with a phone, over those complexes


async def prepare(url: str, data_dir: Path) -> Office:
    """Schema, demo district, an admin with sms.send and an API token; what the clients will text."""
    settings = Settings(_env_file=None, database_url=url, data_dir=data_dir)  # type: ignore[call-arg]
    runtime = build_runtime(settings)
    try:
        await upgrade(runtime.engine)
        await load_demo_district(runtime.uow, runtime.services.clock)
        admin = runtime.services.staff_admin
        made = await admin.make_admin(ADMIN, ADMIN_PASSWORD, creating=True, name="박전산", department="전산정보과")
        await admin.grant(made.staff, made.staff.id, GrantRequest("sms.send"))
        token = (await runtime.services.admin_access.create_token(made.staff, "scaling benchmark")).token
        async with runtime.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(Representative.complex_id, func.count())
                    .where(Representative.phone.is_not(None))
                    .group_by(Representative.complex_id)
                )
            ).all()
        await analyze(runtime.engine)
    finally:
        await runtime.close()
    return Office(url, token, [complex_id for complex_id, _ in rows], sum(count for _, count in rows))


def phases(rounds: int) -> list[int]:
    """How many processes serve each phase: one, then two, ``rounds`` times over, so that a machine whose load
    drifts (other work on it) weighs on both counts alike."""
    return [1, 2] * rounds


# -- processes ----------------------------------------------------------------------------------------------


def process_env(office: Office, ums_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONGNE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(
        DONGNE_DATABASE_URL=office.url,
        DONGNE_ADMIN_PORT=str(free_port()),
        DONGNE_LOG_LEVEL="WARNING",
        DONGNE_UMS_URL=ums_url,
        # Unpaced: the figure is what a dispatcher can carry, not the UMS contract's rate (20 a second).
        DONGNE_UMS_MESSAGES_PER_SECOND="0",
        DONGNE_HOUSING_REMINDER_HOUR="off",
    )
    return env


# -- 1. the API ---------------------------------------------------------------------------------------------


@dataclass
class ApiFigures:
    endpoints: int
    requests: int = 0
    requests_all: int = 0  # every send answered, warm-up included: what the phase's CPU time was spent on
    messages: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0


async def api_load(
    session: aiohttp.ClientSession, endpoints: Sequence[Process], office: Office, config: Config
) -> ApiFigures:
    figures = ApiFigures(len(endpoints))
    loop = asyncio.get_running_loop()
    begin = loop.time() + WARMUP_S
    end = begin + config.duration
    headers = {"Authorization": f"Bearer {office.token}"}

    async def client(number: int) -> None:
        base = f"http://127.0.0.1:{endpoints[number % len(endpoints)].port}"
        choose = random.Random(number)
        while loop.time() < end:
            body = {"recipients": {"kind": "representatives", "complex_ids": [choose.choice(office.complex_ids)]}}
            body["text"] = TEXT  # type: ignore[assignment]
            started = loop.time()
            async with session.post(
                base + SEND, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
            ) as answer:
                batch = await answer.json()
            finished = loop.time()
            if answer.status != 201:
                figures.errors.append(f"{answer.status} {batch}")
                continue
            figures.requests_all += 1
            if begin <= started and finished <= end:
                figures.requests += 1
                figures.messages += int(batch["counts"]["total"])
                figures.latencies.append(finished - started)

    await asyncio.gather(*(client(n) for n in range(config.clients)))
    figures.seconds = config.duration
    return figures


# -- 2. dispatch --------------------------------------------------------------------------------------------


async def hold_all(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            update(SmsMessage).where(SmsMessage.state == "queued").values(next_attempt_at=datetime.now(UTC) + HELD)
        )


async def release(engine: AsyncEngine, part: int, parts: int) -> set[str]:
    """Makes one part of the held messages (by id, ``part`` of ``parts``) due now; their idempotency keys."""
    async with engine.begin() as connection:
        keys = await connection.scalars(
            update(SmsMessage)
            .where(SmsMessage.state == "queued", SmsMessage.id % parts == part)
            .values(next_attempt_at=datetime.now(UTC))
            .returning(SmsMessage.idempotency_key)
        )
        return set(keys)


async def settled(engine: AsyncEngine) -> None:
    """Until the dispatchers have recorded the UMS's answers: a dispatcher stopped between the UMS's accept and
    that record would leave its rows to be submitted again after the lease (the UMS would apply them once).
    Released rows, claimed or not, are due before the held ones."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline:
        async with engine.connect() as connection:
            waiting = await connection.scalar(
                select(func.count())
                .select_from(SmsMessage)
                .where(SmsMessage.state == "queued", SmsMessage.next_attempt_at < datetime.now(UTC) + HELD / 2)
            )
        if not waiting:
            return
        await asyncio.sleep(SAMPLE_S)
    raise StepFailed(f"{waiting} released messages still queued after {SETTLE_TIMEOUT_S:.0f} s")


@dataclass
class DispatchFigures:
    dispatchers: int
    messages: int
    release_to_last: float
    first_to_last: float


async def drain(ums: FakeUms, keys: set[str], dispatchers: int, released_at: float) -> DispatchFigures:
    """Waits until the fake UMS has sent every key; times from the release and from the first one sent."""
    first: float | None = None
    deadline = released_at + DRAIN_TIMEOUT_S
    while True:
        now = time.perf_counter()
        done = sum(1 for key in keys if key in ums.sent)
        if first is None and done:
            first = now
        if done == len(keys):
            break
        if now > deadline:
            raise StepFailed(f"{len(keys) - done} of {len(keys)} messages not sent within {DRAIN_TIMEOUT_S:.0f} s")
        await asyncio.sleep(SAMPLE_S)
    assert first is not None
    return DispatchFigures(dispatchers, len(keys), now - released_at, now - first)


async def check_exactly_once(engine: AsyncEngine, ums: FakeUms) -> list[str]:
    problems = []
    async with engine.connect() as connection:
        rows = (await connection.execute(select(SmsMessage.idempotency_key, SmsMessage.state))).all()
    keys = {key for key, _ in rows}
    if set(ums.sent) != keys:
        problems.append(f"sent {len(ums.sent)} keys, the outbox holds {len(keys)}")
    twice = [key for key, count in ums.sent.items() if count != 1]
    if twice:
        problems.append(f"{len(twice)} messages sent more than once")
    resubmitted = [key for key, count in ums.submissions.items() if count != 1]
    if resubmitted:
        problems.append(f"{len(resubmitted)} messages submitted more than once")
    unsettled = Counter(state for _, state in rows if state not in ("submitted", "delivered"))
    if unsettled:
        problems.append(f"messages neither submitted nor delivered: {dict(unsettled)}")
    return problems


# -- the run ------------------------------------------------------------------------------------------------


async def bench(config: Config) -> dict[str, Any]:
    results: dict[str, Any] = {"api": [], "dispatch": []}
    async with contextlib.AsyncExitStack() as stack:
        url = await stack.enter_async_context(throwaway_database("postgresql", config.pg_server))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dongne-scaling-")))
        started = time.perf_counter()
        office = await prepare(url, workdir / "prepare")
        log(
            f"data: demo district, {len(office.complex_ids)} complexes with {office.recipients} representatives "
            f"to text ({time.perf_counter() - started:.1f} s)"
        )
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        runtime = build_runtime(settings)
        stack.push_async_callback(runtime.close)
        engine = runtime.engine
        # No delivery reports unless asked for: the figures are the submission's alone (docs/scaling.md says why).
        ums = FakeUms(reports=config.reports)
        ums.faults.delay_seconds = config.ums_delay
        await ums.start()
        stack.push_async_callback(ums.stop)
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))
        peak = Watch(engine)
        processes: list[Process] = []

        async def stop_all() -> None:
            await asyncio.gather(*(p.stop() for p in processes))

        stack.push_async_callback(stop_all)

        endpoints = [Process(f"admin-{n}", ["admin", "serve"], process_env(office, ums.url), workdir) for n in (1, 2)]
        processes.extend(endpoints)
        for endpoint in endpoints:
            await endpoint.start()
        for endpoint in endpoints:
            await endpoint.wait_ready(session, bot=False)

        for count in phases(config.rounds):
            async with peak.watching(endpoints[:count]):
                figures = await api_load(session, endpoints[:count], office, config)
            if figures.errors:
                raise StepFailed(f"{len(figures.errors)} API requests failed, the first: {figures.errors[0]}")
            latency = summarize(figures.latencies)
            row = {
                "endpoints": count,
                "requests_per_s": figures.requests / figures.seconds,
                "messages_per_s": figures.messages / figures.seconds,
                "p50_ms": latency["p50"],
                "p95_ms": latency["p95"],
                "db_connections_peak": peak.peak,
                "load_average": load_average(),
                **cpu_per(peak.cpu, figures.requests_all),
            }
            results["api"].append(row)
            log(
                f"API, {count} endpoint(s), {config.clients} clients: {row['requests_per_s']:.1f} sends/s "
                f"({row['messages_per_s']:.0f} messages queued/s), p50 {row['p50_ms']:.1f} ms, "
                f"p95 {row['p95_ms']:.1f} ms; database connections at most {peak.peak}; load {row['load_average']}; "
                f"CPU ms a send: {cpu_text(row)}"
            )

        await hold_all(engine)
        dispatchers = []
        for number, token in enumerate(TOKENS, start=1):
            emulator = await stack.enter_async_context(
                BotApiEmulator(token=token, bot_username=f"dongne_scaling{number}_bot")
            )
            env = process_env(office, ums.url)
            env.update(DONGNE_BOT_TOKEN=token, DONGNE_TELEGRAM_API_URL=emulator.api_root)
            dispatchers.append(Process(f"run-{number}", ["run"], env, workdir))
        processes.extend(dispatchers)
        sets = 2 * config.rounds
        for part, count in enumerate(phases(config.rounds)):
            # The first dispatcher runs throughout; the second is started for its phases and stopped after.
            for dispatcher in dispatchers[:count]:
                if not dispatcher.running:
                    await dispatcher.start()
                    await dispatcher.wait_ready(session, bot=True)
            async with peak.watching(dispatchers[:count]):
                released_at = time.perf_counter()
                keys = await release(engine, part, sets)
                figures_d = await drain(ums, keys, count, released_at)
            await settled(engine)
            row = {
                "dispatchers": count,
                "messages": figures_d.messages,
                "per_s_from_release": figures_d.messages / figures_d.release_to_last,
                "per_s_first_to_last": figures_d.messages / figures_d.first_to_last,
                "seconds_from_release": figures_d.release_to_last,
                "db_connections_peak": peak.peak,
                "load_average": load_average(),
                **cpu_per(peak.cpu, figures_d.messages),
            }
            results["dispatch"].append(row)
            log(
                f"dispatch, {count} dispatcher(s): {figures_d.messages} messages in "
                f"{figures_d.release_to_last:.1f} s from release ({row['per_s_from_release']:.0f}/s; "
                f"{row['per_s_first_to_last']:.0f}/s from the first sent to the last); "
                f"database connections at most {peak.peak}; load {row['load_average']}; "
                f"CPU ms a message: {cpu_text(row)}"
            )
            await asyncio.gather(*(d.stop() for d in dispatchers[1:]))

        await stop_all()
        for process in processes:
            # The processes log at WARNING: whatever they said is worth reading (a submit that timed out, say).
            lines = [
                line for line in process.log_tail(200_000).splitlines() if " WARNING " in line or " ERROR " in line
            ]
            if lines:
                log(f"{process.name} logged {len(lines)} warnings or errors, the first: " + " | ".join(lines[:3]))
        problems = await check_exactly_once(engine, ums)
        results["checks"] = {
            "messages": len(ums.sent),
            "submit_calls": len(ums.calls),
            "problems": problems,
        }
        log(
            f"checks: {len(ums.sent)} messages, each sent once by the fake UMS: "
            f"{'yes' if not problems else 'NO: ' + '; '.join(problems)}"
        )
    return results


def report(config: Config, results: dict[str, Any]) -> None:
    print("\n| phase | processes | throughput | p50 / p95 ms | DB connections (peak) | load |")
    print("|---|---|---|---|---|---|")
    for row in results["api"]:
        print(
            f"| API sends ({config.clients} clients) | {row['endpoints']} endpoint(s) | "
            f"{row['requests_per_s']:.1f} requests/s ({row['messages_per_s']:.0f} messages/s) | "
            f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} | {row['db_connections_peak']} | {row['load_average']} |"
        )
    for row in results["dispatch"]:
        print(
            f"| dispatch ({row['messages']} messages, UMS {config.ums_delay * 1000:.0f} ms a call) | "
            f"{row['dispatchers']} dispatcher(s) | {row['per_s_first_to_last']:.0f} messages/s first to last "
            f"({row['per_s_from_release']:.0f} from release) | | {row['db_connections_peak']} | {row['load_average']} |"
        )
    print("\nmedians over the rounds:")
    for count in (1, 2):
        api = [row["requests_per_s"] for row in results["api"] if row["endpoints"] == count]
        sent = [row["per_s_first_to_last"] for row in results["dispatch"] if row["dispatchers"] == count]
        print(
            f"  {count} process(es): {statistics.median(api):.1f} API sends/s, "
            f"{statistics.median(sent):.0f} messages dispatched/s"
        )


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=Config.clients, help="concurrent API clients")
    parser.add_argument("--duration", type=float, default=Config.duration, help="seconds per API phase")
    parser.add_argument(
        "--ums-delay", type=float, default=Config.ums_delay, help="seconds the fake UMS takes to answer a submit"
    )
    parser.add_argument("--rounds", type=int, default=Config.rounds, help="times each count of processes is measured")
    parser.add_argument(
        "--with-reports", action="store_true", help="the fake UMS reports every delivery, for the dispatchers to poll"
    )
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    args = parser.parse_args(argv)
    config = Config(args.clients, args.duration, args.ums_delay, args.rounds, args.with_reports, args.pg_server)
    env = environment(telegram_bot=False)
    print(describe_environment(env))
    reason = await postgres_unreachable(config.pg_server)
    if reason is not None:
        print(f"PostgreSQL not reachable at {config.pg_server}: {reason}")
        return 1
    try:
        results = await bench(config)
    except StepFailed as failure:
        print(f"FAILED: {failure}")
        return 1
    report(config, results)
    if args.json:
        write_figures(args.json, config, env, [results], {})
    return 1 if results["checks"]["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(run_main(main()))
