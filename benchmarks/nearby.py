"""The nearest-complex search at national scale: how long the database works when a staff member shares a location.

    python benchmarks/nearby.py [--engine sqlite|postgresql|both] [--runs N] [--complexes N] [--quick] [--json FILE]

Per database engine, in one process: load 20,000 complexes placed over Seoul (``build_national_dataset``:
500 dongs, their complexes within 600 m of each dong's centre); then time, one call after another, (a) a plain
primary-key lookup of a complex (the baseline: one indexed row), (b) ``services.housing_field.nearest`` for a
district-wide reader and (c) for a reader scoped to three dongs, each at points where staff stand (near a
complex, a few hundred metres off) and some anywhere in Seoul. Each figure is given twice: the database's time
(every statement's execution, summed per call, from SQLAlchemy's cursor events) and the whole call (unit of
work, queries, distances in Python). The target: the search's database time ≤ 10 ms (p95) on both engines.
It asserts nothing: exit status 0 unless the run could not be set up. See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import random
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.harness import (
    DEFAULT_PG_SERVER,
    ENGINE_LABELS,
    ENGINES,
    add_pg_server_argument,
    analyze,
    describe_environment,
    environment,
    log,
    run_engines,
    run_main,
    summarize,
    throwaway_database,
    write_figures,
)
from bot.app import build_runtime
from bot.demo_data.load import load_district
from bot.demo_data.national import build_national_dataset
from bot.settings import Settings
from core.housing.values import GeoPoint
from core.staff.directory import SYSTEM_ACTOR
from core.values import StaffMember
from storage.housing.models import Complex
from storage.migrate import upgrade

TARGET_DB_MS = 10.0  # p95 of the search's database time, on each engine
SCOPED_DONGS = 3


@dataclass(frozen=True)
class Config:
    complexes: int = 20_000
    representatives: int = 20_000  # the search does not read them; a few keep the tables realistic
    runs: int = 500
    warmup: int = 50
    seed: int = 1
    pg_server: str = DEFAULT_PG_SERVER


QUICK = Config(complexes=2_000, representatives=2_000, runs=100, warmup=10)


class StatementClock:
    """Sums the execution time of every statement the engine runs, from cursor events."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.sync_engine
        self.seconds = 0.0
        self.statements = 0

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        self.seconds += time.perf_counter() - conn.info.pop("bench_started")
        self.statements += 1

    @contextlib.contextmanager
    def listening(self) -> Iterator[StatementClock]:
        event.listen(self._engine, "before_cursor_execute", self._before)
        event.listen(self._engine, "after_cursor_execute", self._after)
        try:
            yield self
        finally:
            event.remove(self._engine, "before_cursor_execute", self._before)
            event.remove(self._engine, "after_cursor_execute", self._after)

    def take(self) -> tuple[float, int]:
        taken = self.seconds, self.statements
        self.seconds, self.statements = 0.0, 0
        return taken


async def timed(
    clock: StatementClock, call: Callable[[int], Awaitable[object]], runs: int, warmup: int
) -> dict[str, Any]:
    """Whole-call and database seconds of ``runs`` calls after ``warmup`` uncounted ones, and statements a call."""
    totals, database, statements = [], [], []
    for i in range(warmup + runs):
        clock.take()
        start = time.perf_counter()
        await call(i)
        elapsed = time.perf_counter() - start
        db, count = clock.take()
        if i >= warmup:
            totals.append(elapsed)
            database.append(db)
            statements.append(count)
    return {
        "total": summarize(totals),
        "database": summarize(database),
        "statements_max": max(statements),
        "statements_mean": sum(statements) / len(statements),
    }


def standing_points(locations: Sequence[GeoPoint], rng: random.Random, count: int) -> list[GeoPoint]:
    """Where staff share a location: mostly a few hundred metres from a complex (outside it, on the street),
    one in five anywhere over the data's area."""
    south, north = min(p.latitude for p in locations), max(p.latitude for p in locations)
    west, east = min(p.longitude for p in locations), max(p.longitude for p in locations)
    points = []
    for _ in range(count):
        if rng.random() < 0.2:
            points.append(GeoPoint(rng.uniform(south, north), rng.uniform(west, east)))
            continue
        near = rng.choice(locations)
        metres, bearing = rng.uniform(0, 400), rng.uniform(0, 2 * math.pi)
        dlat = metres * math.cos(bearing) / 111_195.0
        dlon = metres * math.sin(bearing) / (111_195.0 * math.cos(math.radians(near.latitude)))
        points.append(GeoPoint(near.latitude + dlat, near.longitude + dlon))
    return points


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind}
    async with throwaway_database(kind, cfg.pg_server) as url:
        settings = Settings(_env_file=None, database_url=url, housing_reminder_hour=None)  # type: ignore[call-arg]
        runtime = build_runtime(settings)
        try:
            await upgrade(runtime.engine)
            log(f"{kind}: generating and loading {cfg.complexes:,} complexes")
            began = time.perf_counter()
            district = build_national_dataset(cfg.complexes, cfg.representatives, cfg.seed)
            await load_district(runtime.uow, runtime.services.clock, district, validate=False)
            await analyze(runtime.engine)
            result["load_s"] = time.perf_counter() - began
            locations = [b.complex.location for b in district.complexes if b.complex.location is not None]
            del district
            async with runtime.engine.connect() as connection:
                ids = list((await connection.scalars(select(Complex.id))).all())
                dongs = sorted(set((await connection.scalars(select(Complex.admin_dong_id))).all()))
            reader, scoped = await readers(runtime, random.Random(cfg.seed).sample(dongs, SCOPED_DONGS))
            rng = random.Random(cfg.seed + 1)
            points = standing_points(locations, rng, cfg.runs + cfg.warmup)
            field = runtime.services.housing_field
            clock = StatementClock(runtime.engine)
            with clock.listening():
                result["baseline"] = await timed(
                    clock, lambda i: baseline(runtime, ids[rng.randrange(len(ids))]), cfg.runs, cfg.warmup
                )
                found: list[int] = []

                async def nearest(i: int) -> None:
                    point = points[i]
                    answer = await field.nearest(reader, point.latitude, point.longitude)
                    found.append(len(answer.complexes))

                result["nearest"] = await timed(clock, nearest, cfg.runs, cfg.warmup)
                result["nearest"]["found_min"] = min(found)

                async def nearest_scoped(i: int) -> None:
                    point = points[i]
                    await field.nearest(scoped, point.latitude, point.longitude)

                result["nearest_scoped"] = await timed(clock, nearest_scoped, cfg.runs, cfg.warmup)
            version = runtime.engine.dialect.server_version_info
            result["server"] = ".".join(map(str, version)) if version else ""
        finally:
            await runtime.close()
    return result


async def baseline(runtime: Any, complex_id: int) -> None:
    """A plain primary-key lookup: the head of one complex's card, in its own unit of work."""
    async with runtime.uow() as uow:
        await uow.housing.load_complex_detail(complex_id)


async def readers(runtime: Any, dong_ids: Sequence[int]) -> tuple[StaffMember, StaffMember]:
    """A district-wide reader, and one whose housing.read covers ``dong_ids`` only."""
    staff = runtime.services.staff
    wide, _ = await staff.add_staff(
        SYSTEM_ACTOR, saeol_id="near0001", name="현장", department="공동주택과", permissions=["housing.read"]
    )
    narrow, _ = await staff.add_staff(
        SYSTEM_ACTOR, saeol_id="near0002", name="동담당", department="공동주택과", permissions=["housing.read"]
    )
    async with runtime.uow(write=True) as uow:
        await uow.grants.set_grant(
            narrow.id, "housing.read", department_id=None, dong_ids=tuple(dong_ids), now=runtime.services.clock.now()
        )
        await uow.commit()
    async with runtime.uow() as uow:
        narrow = await uow.staff.get_staff(narrow.id)
    return wide, narrow


def _ms(figures: dict[str, float]) -> str:
    return f"p50 {figures['p50']:6.2f} ms   p95 {figures['p95']:6.2f} ms   max {figures['max']:7.2f} ms"


def print_engine(result: dict[str, Any]) -> None:
    print(f"\n━━ {ENGINE_LABELS[result['engine']]} {result.get('server', '')} ━━")
    print(f"  data loaded in {result['load_s']:.1f} s")
    for key, label in (
        ("baseline", "primary-key lookup (baseline)"),
        ("nearest", "nearest 8, district-wide reader"),
        ("nearest_scoped", f"nearest 8, reader of {SCOPED_DONGS} dongs"),
    ):
        figures = result[key]
        statements = f"{figures['statements_mean']:.1f} statements a call (max {figures['statements_max']})"
        print(f"  {label}: {statements}")
        print(f"    database  {_ms(figures['database'])}")
        print(f"    whole     {_ms(figures['total'])}")
    for key, who in (("nearest", "district-wide"), ("nearest_scoped", "dong-scoped")):
        p95 = result[key]["database"]["p95"]
        verdict = "PASS" if p95 <= TARGET_DB_MS else "MISS"
        print(f"  target: nearest search ({who}) database time p95 ≤ {TARGET_DB_MS:g} ms: {p95:.2f} ms  {verdict}")
    if result["nearest"]["found_min"] == 0:
        print("  note: some points found no complex within the search radius")


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="a small run for a smoke check")
    parser.add_argument("--runs", type=int, help="measured calls per figure (default 500, quick 100)")
    parser.add_argument("--complexes", type=int, help="complexes to load (default 20,000, quick 2,000)")
    parser.add_argument("--seed", type=int, default=1)
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    overrides = {name: getattr(args, name) for name in ("runs", "complexes") if getattr(args, name) is not None}
    cfg = replace(cfg, seed=args.seed, pg_server=args.pg_server, **overrides)
    if cfg.runs < 2 or cfg.complexes < 10:
        parser.error("need --runs ≥ 2 and --complexes ≥ 10")
    return args, cfg


async def main_async(args: argparse.Namespace, cfg: Config) -> int:
    engines = ENGINES if args.engine == "both" else (args.engine,)
    env = environment(telegram_bot=False)
    print(
        f"Dongne nearest-complex benchmark{' (quick)' if args.quick else ''}: {cfg.complexes:,} complexes over Seoul; "
        f"{cfg.runs} calls a figure (+{cfg.warmup} warm-up)"
    )
    print(describe_environment(env))

    def report(result: dict[str, Any], earlier: Sequence[dict[str, Any]]) -> bool:
        print_engine(result)
        return True

    results, skipped, status = await run_engines(engines, cfg.pg_server, lambda kind: bench_engine(kind, cfg), report)
    if args.json is not None:
        write_figures(args.json, cfg, env, results, skipped)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args, cfg = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_main(main_async(args, cfg))


if __name__ == "__main__":
    sys.exit(main())
