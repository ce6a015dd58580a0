"""The retention run (core.retention) over a district's years of records.

    python benchmarks/retention.py [--engine sqlite|postgresql|both] [--audit N] [--messages N] [--quick] [--json FILE]

Per database engine: load complexes with representatives whose terms ended over fifteen years, replaced managers,
closed complaints, grant projects, N audit entries over six years (every other one a representative's phone
change) and SMS batches with N messages over two years. Then time a dry run, the first real run (the audit log
kept five years: its sixth year archived to a workbook, contacts removed from the two years before) and the next
day's run (the steady state); check that the dry run counted what the run changed. The archive's writing and the
transaction are timed apart: only the transaction holds SQLite's write lock. Exit status 0, 1 when a check failed
or a requested engine was unavailable, 130 when interrupted. See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select

from benchmarks.harness import (
    ENGINE_LABELS,
    ENGINES,
    StepFailed,
    add_pg_server_argument,
    analyze,
    describe_environment,
    environment,
    log,
    run_engines,
    run_main,
    throwaway_database,
    timing_calls,
    write_figures,
)
from bot.admin.views_audit import labels_for
from bot.app import build_runtime
from bot.settings import Settings
from core.clock import FixedClock
from core.retention import Retention, RetentionCounts, RetentionPeriods
from core.staff.directory import OPERATOR
from storage.audit.models import AuditEntry
from storage.community.models import GrantProject
from storage.housing.models import Complaint, Complex, ManagerHistory, Representative
from storage.migrate import upgrade
from storage.reference.models import AdminDong, Department, Position
from storage.sms.models import SmsBatch, SmsMessage
from storage.staff.models import Staff

NOW = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)  # 04:00 in Seoul, the daily run's default hour
CHUNK = 5_000


@dataclass(frozen=True)
class Config:
    engines: tuple[str, ...]
    complexes: int
    audit: int
    messages: int
    pg_server: str
    json: Path | None
    seed: int


def parse_args(argv: Sequence[str] | None) -> Config:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    parser.add_argument("--complexes", type=int, default=2_000, help="complexes, ten representatives each")
    parser.add_argument("--audit", type=int, default=300_000, help="audit entries over six years")
    parser.add_argument("--messages", type=int, default=200_000, help="SMS messages over two years")
    parser.add_argument("--quick", action="store_true", help="a tenth of each, for a smoke check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    add_pg_server_argument(parser)
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    return Config(
        engines=ENGINES if args.engine == "both" else (args.engine,),
        complexes=args.complexes // scale,
        audit=args.audit // scale,
        messages=args.messages // scale,
        pg_server=args.pg_server,
        json=args.json,
        seed=args.seed,
    )


async def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])


def _phone(number: int) -> str:
    return f"010-{1000 + number // 10_000 % 9000:04d}-{number % 10_000:04d}"


async def load(runtime: Any, cfg: Config) -> dict[str, int]:
    """Years of a district's records, written directly (the run's speed is measured, not the ledger's)."""
    rng = random.Random(cfg.seed)
    days = lambda start, span: start + timedelta(days=rng.randrange(span))  # noqa: E731
    async with runtime.uow(write=True) as uow:
        session = uow._session
        dong = AdminDong(name="왕십리도선동", short_name="왕도", sort_order=0)
        department = Department(name="공동주택과")
        session.add_all([dong, department])
        await session.flush()
        staff = Staff(
            saeol_id="bench01", name="김측정", department_id=department.id, active=True, language="ko", created_at=NOW
        )
        session.add(staff)
        await session.flush()
        position = await session.scalar(select(Position.id).order_by(Position.sort_order))
        complexes = [
            {
                "name": f"단지{i}",
                "name_key": f"단지{i}",
                "kind": "apartment",
                "admin_dong_id": dong.id,
                "address": "무학로 1",
                "building_count": 3,
                "household_count": 300,
                "updated_at": NOW,
            }
            for i in range(cfg.complexes)
        ]
        await _insert(session, Complex, complexes)
        ids = list(await session.scalars(select(Complex.id)))
        reps, managers, complaints, projects = [], [], [], []
        for n, complex_id in enumerate(ids):
            for r in range(10):
                end = days(date(2011, 1, 1), 365 * 17)
                reps.append(
                    {
                        "complex_id": complex_id,
                        "admin_dong_id": dong.id,
                        "position_id": position,
                        "name": f"대표{n}-{r}",
                        "building_unit": f"{r + 101}동 101호",
                        "phone": _phone(n * 10 + r),
                        "term_start": end - timedelta(days=730),
                        "term_end": end,
                        "version": 1,
                    }
                )
            managers.append(
                {
                    "complex_id": complex_id,
                    "name": f"전임{n}",
                    "mobile": _phone(n),
                    "replaced_on": days(date(2012, 1, 1), 5000),
                }
            )
            for c in range(3):
                received = days(date(2016, 1, 1), 3800)
                complaints.append(
                    {
                        "complex_id": complex_id,
                        "received_on": received,
                        "channel": "phone",
                        "complainant": f"민원인{n}-{c}",
                        "contact": _phone(n * 3 + c),
                        "content": "소음",
                        "assignee_id": staff.id,
                        "state": "closed",
                        "result": "안내",
                        "closed_on": received + timedelta(days=10),
                        "created_by_id": staff.id,
                        "created_at": NOW,
                        "version": 1,
                    }
                )
            projects.append(
                {
                    "sponsor": "city",
                    "year": 2015 + n % 12,
                    "name": f"사업{n}",
                    "mobile": _phone(n),
                    "updated_at": NOW,
                    "version": 1,
                }
            )
        await _insert(session, Representative, reps)
        await _insert(session, ManagerHistory, managers)
        await _insert(session, Complaint, complaints)
        await _insert(session, GrantProject, projects)
        entries = []
        start = NOW - timedelta(days=6 * 365)
        for i in range(cfg.audit):
            at = start + timedelta(seconds=i * (6 * 365 * 86400) // cfg.audit)
            details: dict[str, object] = (
                {"record_id": i, "changes": {"phone": [_phone(i), _phone(i + 1)], "name": ["가", "나"]}}
                if i % 2
                else {"via": "card"}
            )
            action = "housing.representative.edit" if i % 2 else "pii.view"
            entries.append(
                {"at": at, "actor_staff_id": staff.id, "action": action, "target_type": "complex",
                 "target_id": ids[i % len(ids)], "details": details}
            )  # fmt: skip
        await _insert(session, AuditEntry, entries)
        per_batch = 200
        batches = max(1, cfg.messages // per_batch)
        for b in range(batches):
            made = NOW - timedelta(days=730) + timedelta(seconds=b * (730 * 86400) // batches)
            batch = {
                "created_by_id": staff.id,
                "created_at": made,
                "text": "회의 안내",
                "message_type": "sms",
                "byte_length": 9,
                "sender_number": "02-2286-5114",
                "description": {},
                "recipient_count": per_batch,
            }
            batch_id = (await session.execute(insert(SmsBatch).values(**batch).returning(SmsBatch.id))).scalar_one()
            messages = [
                {
                    "batch_id": batch_id,
                    "name": f"대표{m}",
                    "phone": _phone(rng.randrange(cfg.complexes * 10)),
                    "body": "회의 안내",
                    "idempotency_key": f"{b}-{m}",
                    "state": "delivered",
                    "due_at": made,
                    "next_attempt_at": made,
                    "state_changed_at": made,
                }
                for m in range(per_batch)
            ]
            await session.execute(insert(SmsMessage), messages)
        await uow.commit()
    return {"representatives": len(reps), "audit": cfg.audit, "messages": batches * per_batch}


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind}
    async with contextlib.AsyncExitStack() as stack:
        url = await stack.enter_async_context(throwaway_database(kind, cfg.pg_server))
        clock = FixedClock(zone=ZoneInfo("Asia/Seoul"), instant=NOW)
        runtime = build_runtime(Settings(_env_file=None, database_url=url), clock=clock)  # type: ignore[call-arg]
        stack.push_async_callback(runtime.close)
        await upgrade(runtime.engine)
        people = cfg.complexes * 10
        log(f"{kind}: loading {cfg.audit:,} audit entries, {cfg.messages:,} messages, {people:,} representatives")
        result["data"] = await load(runtime, cfg)
        await analyze(runtime.engine)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        # The audit log kept five years: entries of three to five years lose their contact values, older ones go.
        retention = Retention(runtime.uow, clock, RetentionPeriods(audit_years=5))
        labels = labels_for("ko")
        timings: dict[str, float] = {}
        writing: list[float] = []
        transaction: list[float] = []
        stack.enter_context(timing_calls(retention, "_write_archive", writing))
        stack.enter_context(timing_calls(retention, "_remove", transaction))
        counts: dict[str, RetentionCounts] = {}
        for step, dry in (("dry_run", True), ("first_run", False)):
            started = time.perf_counter()
            run = await retention.run(OPERATOR, labels, folder, dry_run=dry)
            timings[step] = time.perf_counter() - started
            counts[step] = run.counts
        clock.advance(timedelta(days=1))
        started = time.perf_counter()
        next_day = await retention.run(OPERATOR, labels, folder)
        timings["next_day"] = time.perf_counter() - started
        if counts["dry_run"] != counts["first_run"]:
            raise StepFailed(f"the dry run counted {counts['dry_run']}, the run changed {counts['first_run']}")
        archives = await asyncio.to_thread(lambda: list(folder.glob("*.xlsx")))
        timings |= {"first_archive_writing": writing[0], "first_transaction": transaction[0]}
        result.update(
            seconds=timings,
            counts=counts["first_run"].as_details(),
            next_day=next_day.counts.as_details(),
            archive_mb=sum(p.stat().st_size for p in archives) / 1e6,
        )
    return result


def report(result: dict[str, Any], _: Sequence[dict[str, Any]]) -> bool:
    print(f"\n━━ {ENGINE_LABELS[result['engine']]} ━━")
    print(f"  data: {', '.join(f'{k} {v:,}' for k, v in result['data'].items())}")
    for step, seconds in result["seconds"].items():
        print(f"  {step:<22} {seconds:7.2f} s")
    print(f"  changed: {', '.join(f'{k} {v:,}' for k, v in result['counts'].items())}")
    next_day = ", ".join(f"{k} {v:,}" for k, v in result["next_day"].items())
    print(f"  archive: {result['archive_mb']:.1f} MB; next day: {next_day}")
    return True


async def main_async(cfg: Config) -> int:
    env = environment(telegram_bot=False)
    print(f"Retention run: {describe_environment(env)}")
    results, skipped, status = await run_engines(
        cfg.engines, cfg.pg_server, lambda kind: bench_engine(kind, cfg), report
    )
    if cfg.json is not None:
        write_figures(cfg.json, cfg, env, results, skipped)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_main(main_async(cfg))


if __name__ == "__main__":
    raise SystemExit(main())
