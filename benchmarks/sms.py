"""The SMS outbox at 10,000 recipients: enqueueing a batch, and draining it through the UMS adapter.

    python benchmarks/sms.py [--engine sqlite|postgresql|both] [--recipients N] [--runs N] [--quick] [--json FILE]

Per database engine, in one process: load complexes whose representatives hold N distinct mobiles; time
``services.sms.preview`` and ``services.sms.send`` for all of them (and the send's tracemalloc peak); then
drain the queued batch with ``SmsDispatch.dispatch_once`` in the dispatcher's unlimited-rate batches against
the fake UMS on 127.0.0.1, and check that every idempotency key was sent exactly once and every row is
'submitted'. Baselines in the same run: a bare executemany INSERT of N outbox rows, an empty UMS round trip
and the adapter submitting N messages without a database. Exit status 0, 1 when a check failed or a
requested engine was unavailable, 130 when interrupted. See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import secrets
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert, select

from benchmarks.harness import (
    DEFAULT_PG_SERVER,
    ENGINE_LABELS,
    ENGINES,
    StepFailed,
    add_pg_server_argument,
    analyze,
    describe_environment,
    environment,
    log,
    rss_mb,
    ru_maxrss_mb,
    run_engines,
    run_main,
    summarize,
    throwaway_database,
    time_calls,
    timing_calls,
    write_figures,
)
from bot.app import Runtime, build_runtime
from bot.demo_data.load import load_district
from bot.demo_data.national import build_national_dataset
from bot.settings import Settings
from bot.ums.client import MAX_SUBMIT_MESSAGES, UmsGateway
from bot.ums.fake import FakeUms
from core.sms.dispatch import SmsDispatch
from core.sms.gateway import OutgoingSms
from core.sms.recipients import korean_mobile
from core.sms.values import RecipientSelection
from core.staff.directory import SYSTEM_ACTOR
from core.values import StaffMember
from storage.migrate import upgrade
from storage.sms.models import SmsMessage

TEXT = "{이름}님, 12월 입주자대표회의는 12일(목) 19시 관리사무소에서 열립니다. 성동구청"  # an SMS: ≤ 90 bytes
EVERY_REPRESENTATIVE = RecipientSelection("representatives")
BASELINE_STATE = "baseline"  # rows of the raw INSERT baseline: no dispatcher takes them, and they are deleted


@dataclass(frozen=True)
class Config:
    recipients: int = 10_000
    per_complex: int = 20  # representatives per complex on average (complexes = recipients / this)
    runs: int = 3  # measured batches, after one warm-up batch; one more is sent under tracemalloc
    rtt_runs: int = 200  # empty UMS round trips (after 10 uncounted)
    seed: int = 1
    pg_server: str = DEFAULT_PG_SERVER


QUICK = Config(recipients=1_000, rtt_runs=50)


# -- data ---------------------------------------------------------------------------------------------


def mobile_numbers(count: int) -> list[str]:
    """``count`` distinct Korean mobiles (010-MMMM-NNNN) in blocks the numbering plan allocates. The demo's
    random numbers would collide now and then at this size, and the outbox merges a phone named twice."""
    numbers: list[str] = []
    middle = 2000
    while len(numbers) < count:
        if korean_mobile(f"010{middle:04d}0000") is not None:
            numbers.extend(f"010-{middle:04d}-{last:04d}" for last in range(min(10_000, count - len(numbers))))
        middle += 1
    return numbers


async def load_recipients(runtime: Runtime, cfg: Config) -> dict[str, Any]:
    began = time.perf_counter()
    complexes = max(1, cfg.recipients // cfg.per_complex)
    district = build_national_dataset(complexes, cfg.recipients, cfg.seed)
    phones = iter(mobile_numbers(cfg.recipients))
    bundles = tuple(
        replace(b, representatives=tuple(replace(r, phone=next(phones)) for r in b.representatives))
        for b in district.complexes
    )
    district = replace(district, complexes=bundles)
    generated = time.perf_counter()
    summary = await load_district(runtime.uow, runtime.services.clock, district, validate=False)
    written = time.perf_counter()
    await analyze(runtime.engine)
    del district, bundles
    gc.collect()
    timings = {"generate_s": generated - began, "write_s": written - generated, "total_s": time.perf_counter() - began}
    return {"complexes": summary.complexes, "representatives": summary.representatives, **timings}


async def add_sender(runtime: Runtime) -> StaffMember:
    member, _ = await runtime.services.staff.add_staff(
        SYSTEM_ACTOR, saeol_id="bench-sms", name="문자담당", department="공동주택과", permissions=["sms.send"]
    )
    return member


# -- enqueue and dispatch -----------------------------------------------------------------------------


async def enqueue(runtime: Runtime, actor: StaffMember, cfg: Config, traced: bool) -> tuple[dict[str, Any], int]:
    """preview then send for every representative; with ``traced``, the send runs under tracemalloc (which
    slows Python down severalfold, so that run's times are not counted)."""
    sms = runtime.services.sms
    began = time.perf_counter()
    preview = await sms.preview(actor, EVERY_REPRESENTATIVE, TEXT)
    previewed = time.perf_counter()
    if traced:
        gc.collect()
        tracemalloc.start()
    batch = await sms.send(actor, EVERY_REPRESENTATIVE, TEXT)
    sent = time.perf_counter()
    peak = None
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if preview.recipient_count != cfg.recipients or batch.counts.queued != cfg.recipients:
        raise StepFailed(f"{preview.recipient_count} previewed, {batch.counts.queued} queued, not {cfg.recipients}")
    return {"preview_s": previewed - began, "send_s": sent - previewed, "peak_mb": peak}, batch.id


async def drain(dispatch: SmsDispatch, claims: list[float], calls: list[float]) -> dict[str, Any]:
    """dispatch_once at the unlimited rate's batch size until nothing is due, as the Dispatcher does."""
    claims.clear()
    calls.clear()
    rounds, began = 0, time.perf_counter()
    finished = began
    while await dispatch.dispatch_once(MAX_SUBMIT_MESSAGES):
        rounds += 1
        finished = time.perf_counter()
    total = finished - began
    claim_s, call_s = sum(claims[:rounds]), sum(calls[:rounds])  # not the last, empty claim
    return {"s": total, "rounds": rounds, "claim_s": claim_s, "ums_s": call_s, "record_s": total - claim_s - call_s}


async def verify(runtime: Runtime, fake: FakeUms, batch_id: int, count: int, known_before: int) -> None:
    """Every key of the batch sent exactly once at the fake, nothing else sent, every row 'submitted'."""
    query = select(SmsMessage.idempotency_key, SmsMessage.state).where(SmsMessage.batch_id == batch_id)
    async with runtime.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    problems = []
    states = Counter(state for _, state in rows)
    if states != Counter({"submitted": count}):
        problems.append(f"rows by state {dict(states)}, expected {count} submitted")
    not_once = sum(1 for key, _ in rows if fake.sent[key] != 1)
    if not_once:
        problems.append(f"{not_once} keys not sent exactly once")
    if len(fake.sent) - known_before != count or any(n != 1 for n in fake.sent.values()):
        problems.append(f"the fake UMS sent {len(fake.sent) - known_before} new keys, expected {count}")
    if problems:
        raise StepFailed(f"batch {batch_id}: " + "; ".join(problems))


# -- baselines ----------------------------------------------------------------------------------------


async def raw_insert(runtime: Runtime, batch_id: int, phones: Sequence[str]) -> float:
    """Seconds to write len(phones) outbox rows with one executemany and commit: the floor under send()."""
    now = runtime.services.clock.now()
    body, due = TEXT.replace("{이름}", "김대표"), {"due_at": now, "next_attempt_at": now, "state_changed_at": now}
    rows = [
        dict(batch_id=batch_id, name="김대표", phone=phone.replace("-", ""), complex_name="가람래미안", body=body,
             idempotency_key=secrets.token_hex(16), state=BASELINE_STATE, attempts=0, **due)
        for phone in phones
    ]  # fmt: skip
    began = time.perf_counter()
    async with runtime.engine.begin() as connection:
        await connection.execute(insert(SmsMessage), rows)
    took = time.perf_counter() - began
    async with runtime.engine.begin() as connection:
        await connection.execute(delete(SmsMessage).where(SmsMessage.state == BASELINE_STATE))
    return took


async def gateway_alone(url: str, phones: Sequence[str], cfg: Config) -> dict[str, Any]:
    """The adapter and the fake with no database: empty round trips, and N messages in dispatch-sized
    batches (fresh keys each run) to a second fake, so the measured one counts only the outbox's keys."""
    gateway = UmsGateway(url, secret=None, timeout=30)
    try:
        rtt = await time_calls(lambda i: gateway.submit([]), cfg.rtt_runs, warmup=10)
        totals = []
        for run in range(cfg.runs):
            batch = [OutgoingSms(f"bare-{run}-{i}", p, TEXT, "sms", "02-2286-5114") for i, p in enumerate(phones)]
            began = time.perf_counter()
            for start in range(0, len(batch), MAX_SUBMIT_MESSAGES):
                await gateway.submit(batch[start : start + MAX_SUBMIT_MESSAGES])
            totals.append(time.perf_counter() - began)
    finally:
        await gateway.close()
    return {"rtt": summarize(rtt), "submit_s": totals}


# -- one engine ---------------------------------------------------------------------------------------


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind}
    async with contextlib.AsyncExitStack() as stack:
        url = await stack.enter_async_context(throwaway_database(kind, cfg.pg_server))
        fake, bare = FakeUms(), FakeUms()  # reports are kept for polling, never pushed: rows stay 'submitted'
        for ums in (fake, bare):
            await ums.start()
            stack.push_async_callback(ums.stop)
        # The dispatch as `dongne run` wires it (bot.ums.wiring): a real UmsGateway to the fake's URL.
        runtime = build_runtime(Settings(_env_file=None, database_url=url, ums_url=fake.url))  # type: ignore[call-arg]
        stack.push_async_callback(runtime.close)
        await upgrade(runtime.engine)
        result["server_version"] = ".".join(str(v) for v in runtime.engine.dialect.server_version_info or ())
        log(f"{kind}: loading {cfg.recipients:,} representatives with distinct mobiles")
        result["data"] = await load_recipients(runtime, cfg)
        actor = await add_sender(runtime)
        dispatch = runtime.sms_dispatch
        assert dispatch is not None
        claims: list[float] = []
        calls: list[float] = []
        stack.enter_context(timing_calls(dispatch, "claim", claims))
        stack.enter_context(timing_calls(dispatch.gateway, "submit", calls))
        phones = mobile_numbers(cfg.recipients)

        async def one_batch(traced: bool = False) -> tuple[dict[str, Any], dict[str, Any], int]:
            figures, batch_id = await enqueue(runtime, actor, cfg, traced)
            known = len(fake.sent)
            drained = await drain(dispatch, claims, calls)
            await verify(runtime, fake, batch_id, cfg.recipients, known)
            return figures, drained, batch_id

        log(f"{kind}: a warm-up batch, then the baselines")
        _, _, warm_batch = await one_batch()  # its rows are the raw INSERT's foreign key
        result["raw_insert_s"] = [await raw_insert(runtime, warm_batch, phones) for _ in range(cfg.runs)]
        result["gateway"] = await gateway_alone(bare.url, phones, cfg)
        log(f"{kind}: {cfg.runs} measured batches of {cfg.recipients:,}, then one under tracemalloc")
        runs = [await one_batch() for _ in range(cfg.runs)]
        traced, traced_drain, _ = await one_batch(traced=True)
        result["enqueue"] = [figures for figures, _, _ in runs]
        result["dispatch"] = [drained for _, drained, _ in runs] + [traced_drain]
        result["send_peak_mb"] = traced["peak_mb"]
        result["traced_send_s"] = traced["send_s"]
        result["verified_batches"] = cfg.runs + 2
        result["rss_mb"], result["ru_maxrss_mb"] = rss_mb(), ru_maxrss_mb()
    return result


# -- report -------------------------------------------------------------------------------------------


def figures(result: dict[str, Any], cfg: Config) -> list[tuple[str, str]]:
    """(label, cell) rows of one engine's result: medians over the measured batches (drains: the traced one too)."""
    n = cfg.recipients
    med = statistics.median
    preview = med(r["preview_s"] for r in result["enqueue"])
    send = med(r["send_s"] for r in result["enqueue"])
    raw = med(result["raw_insert_s"])
    drained = result["dispatch"]
    total = med(d["s"] for d in drained)
    claim, ums, record = (med(d[k] for d in drained) for k in ("claim_s", "ums_s", "record_s"))
    bare = med(result["gateway"]["submit_s"])
    rtt = result["gateway"]["rtt"]
    return [
        ("enqueue: preview (resolve + size)", f"{preview * 1000:,.0f} ms"),
        ("enqueue: send (resolve + write + commit)", f"{send * 1000:,.0f} ms"),
        ("    rows written per second", f"{n / send:,.0f}/s"),
        ("    tracemalloc peak during send", f"{result['send_peak_mb']:.1f} MB"),
        ("baseline: executemany INSERT + commit", f"{raw * 1000:,.0f} ms ({n / raw:,.0f}/s)"),
        ("    send / raw INSERT", f"{send / raw:.1f}×"),
        ("    send − preview (≈ the writing part of send)", f"{(send - preview) * 1000:,.0f} ms"),
        (f"dispatch: drain in batches of {MAX_SUBMIT_MESSAGES}", f"{total:.2f} s ({drained[0]['rounds']} rounds)"),
        ("    messages per second", f"{n / total:,.0f}/s"),
        ("    claim / UMS call / recording (s)", f"{claim:.2f} / {ums:.2f} / {record:.2f}"),
        ("baseline: adapter + fake alone, same batches", f"{bare * 1000:,.0f} ms ({n / bare:,.0f}/s)"),
        ("    dispatch / adapter alone", f"{total / bare:.1f}×"),
        ("baseline: empty UMS round trip p50 / p95", f"{rtt['p50']:.2f} / {rtt['p95']:.2f} ms"),
        ("verified: each key sent once, all submitted", f"yes, {result['verified_batches']} batches"),
    ]


def print_engine(result: dict[str, Any]) -> None:
    data = result["data"]
    print()
    print(f"━━ {ENGINE_LABELS[result['engine']]}, server {result.get('server_version') or '-'} ━━")
    print(
        f"data     {data['complexes']:,} complexes, {data['representatives']:,} representatives: generated "
        f"{data['generate_s']:.2f} s + written {data['write_s']:.2f} s = {data['total_s']:.2f} s"
    )
    sends = " · ".join(f"{r['preview_s'] * 1000:.0f}+{r['send_s'] * 1000:.0f}" for r in result["enqueue"])
    print(f"runs     preview+send ms: {sends}; under tracemalloc: send {result['traced_send_s'] * 1000:.0f} ms")
    drains = " · ".join(f"{d['s']:.2f}" for d in result["dispatch"])
    raws = " · ".join(f"{s * 1000:.0f}" for s in result["raw_insert_s"])
    print(f"         drain s: {drains} (last: the traced batch); raw INSERT ms: {raws}")
    print(f"memory   RSS {result['rss_mb'] or 0:.0f} MB at the end; ru_maxrss {result['ru_maxrss_mb']:.0f} MB so far")


def print_table(results: Sequence[dict[str, Any]], cfg: Config) -> None:
    if not results:
        return
    print()
    print(f"━━ {cfg.recipients:,} recipients: medians of {cfg.runs} sends and {cfg.runs + 1} drains per engine ━━")
    print(f"  {'figure':<48}" + "".join(f"{r['engine']:>26}" for r in results))
    columns = [figures(r, cfg) for r in results]
    for i, (label, _) in enumerate(columns[0]):
        print(f"  {label:<48}" + "".join(f"{column[i][1]:>26}" for column in columns))


# -- entry point --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="1,000 recipients, for a smoke check")
    parser.add_argument("--recipients", type=int, help="recipients of each batch (default 10,000, quick 1,000)")
    parser.add_argument("--runs", type=int, help="measured batches per engine (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    overrides = {name: getattr(args, name) for name in ("recipients", "runs") if getattr(args, name) is not None}
    cfg = replace(cfg, seed=args.seed, pg_server=args.pg_server, **overrides)
    if cfg.recipients < cfg.per_complex or cfg.runs < 1:
        parser.error(f"need --recipients ≥ {cfg.per_complex} and --runs ≥ 1")
    return args, cfg


def report(result: dict[str, Any], earlier: Sequence[dict[str, Any]]) -> bool:
    print_engine(result)
    return True  # a failed check has raised StepFailed already


async def main_async(args: argparse.Namespace, cfg: Config) -> int:
    engines = ENGINES if args.engine == "both" else (args.engine,)
    env = environment(telegram_bot=False)
    print(
        f"Dongne SMS outbox benchmark{' (quick)' if args.quick else ''}: {cfg.recipients:,} recipients, "
        f"{cfg.runs} measured batches (+1 warm-up, +1 under tracemalloc) per engine"
    )
    print(describe_environment(env))
    results, skipped, status = await run_engines(
        engines,
        cfg.pg_server,
        lambda kind: bench_engine(kind, cfg),
        report,
        failures=(StepFailed,),
        name_failure=False,
    )
    print_table(results, cfg)
    if args.json is not None:
        for result in results:
            result["figures"] = dict(figures(result, cfg))
        write_figures(args.json, cfg, env, results, skipped)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args, cfg = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_main(main_async(args, cfg))


if __name__ == "__main__":
    raise SystemExit(main())
