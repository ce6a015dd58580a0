"""공동주택 통계 at national scale: how long each housing statistic keeps the database busy, next to its raw SQL.

    python benchmarks/housing_stats.py [--engine sqlite|postgresql|both] [--runs N] [--quick] [--json FILE]

Per database engine, in one process: load 20,000 complexes with 200,000 representatives; then time, one call
after another, every table of ``services.housing_statistics`` (by type, by dong, by year, support by year, kind,
dong and complex, representatives) as staff hit it: the whole service call through its unit of work, for a
district-wide reader and for a reader scoped to two dongs. Next to each, a raw-SQL floor from the same run: the
aggregate SELECT the repository issues for that table, captured once and replayed as a plain text statement on
one connection of the same engine (no ORM, no unit of work, no service). Printed: p50/p95 of the whole call, of
its statements' own time (cursor events: the database time), of the floor, the ratio call / floor, and the
issue's target (database time ≤ 50 ms at p95) as PASS/MISS; then each call's tracemalloc peak, and the time
and peak memory of every chart and of the workbook (``core.housing.chart``, ``core.housing.reports``, with
the chat's labels). It
asserts nothing about time: exit status 0 unless the run could not be set up or a report could not be drawn.
See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import random
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select
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
from bot.app import Runtime, build_runtime
from bot.demo_data.load import load_district
from bot.demo_data.national import build_national_dataset
from bot.settings import Settings
from conversations.housing.stats import MOST_ROWS
from conversations.housing.stats_files import report_labels
from core.housing.chart import render_chart
from core.housing.reports import render_workbook
from core.housing.statistics import TABLE_KEYS, HousingStatistics
from core.permissions import Permission, dong_scope
from core.staff.directory import SYSTEM_ACTOR
from core.values import StaffMember
from core.workbook import display_width
from storage.housing.models import Complex, Representative, SupportProject
from storage.housing.statistics import HousingStatisticsRepository
from storage.migrate import upgrade

# The target for every statistic's database time: the p95 of the time its statements take (cursor
# events), the whole service call printed beside it.
TARGET_MS = 50.0
SCOPED_DONGS = 2


@dataclass(frozen=True)
class Config:
    complexes: int = 20_000
    representatives: int = 200_000
    runs: int = 200  # measured calls per figure (service and floor alike), after the warm-up
    warmup: int = 20
    render_runs: int = 10  # measured renderings of each chart and of the workbook, after the first call
    seed: int = 1
    pg_server: str = DEFAULT_PG_SERVER


QUICK = Config(complexes=2_000, representatives=20_000, runs=50, warmup=5, render_runs=3)


# -- the statistics -----------------------------------------------------------------------------------

ServiceCall = Callable[[HousingStatistics, StaffMember], Awaitable[Any]]
RepositoryCall = Callable[[HousingStatisticsRepository, frozenset[int] | None], Awaitable[Any]]


@dataclass(frozen=True)
class Statistic:
    label: str
    service: ServiceCall  # as the chat calls it, with the fewest arguments
    repository: RepositoryCall  # the aggregate behind it, the floor's statement
    table: str  # the chat's table key (conversations.housing.stats.TABLES), for the charts


STATISTICS: dict[str, Statistic] = {
    "by_type": Statistic(
        "by_type (공동주택 현황)", lambda s, a: s.by_type(a), lambda r, d: r.totals_by_kind(d), "type"
    ),
    "by_dong": Statistic("by_dong (동별)", lambda s, a: s.by_dong(a), lambda r, d: r.totals_by_dong(d), "dong"),
    "by_year": Statistic("by_year (년도별)", lambda s, a: s.by_year(a), lambda r, d: r.totals_by_year(d), "year"),
    "support_year": Statistic(
        "support year (지원 현황)", lambda s, a: s.support(a, "year"), lambda r, d: r.support_by("year", d), "support"
    ),
    "support_kind": Statistic(
        "support kind (지원사업)", lambda s, a: s.support(a, "kind"), lambda r, d: r.support_by("kind", d), "kind"
    ),
    "support_dong": Statistic(
        "support dong", lambda s, a: s.support(a, "dong"), lambda r, d: r.support_by("dong", d), "by_dong"
    ),
    "support_complex": Statistic(
        f"support complex, first {MOST_ROWS}",
        lambda s, a: s.support(a, "complex", limit=MOST_ROWS),
        lambda r, d: _listed_and_overall(r, d),
        "by_complex",
    ),
    "support_complex_all": Statistic(
        "support complex, all (workbook)",
        lambda s, a: s.support(a, "complex"),
        lambda r, d: r.support_by("complex", d),
        "by_complex",
    ),
    "representatives": Statistic(
        "representatives (입주자대표)",
        lambda s, a: s.representatives(a),
        lambda r, d: r.representatives_by_dong_and_position(d),
        "reps",
    ),
}


async def _listed_and_overall(repository: HousingStatisticsRepository, dongs: frozenset[int] | None) -> None:
    """What the chat's table by complex asks: its first rows, and every complex's totals."""
    await repository.support_by("complex", dongs, None, MOST_ROWS)
    await repository.support_overall("complex", dongs)


READERS = {"wide": "district-wide", "scoped": f"{SCOPED_DONGS} dongs"}


class StatementClock:
    """Sums the execution time of every statement the engine runs, from cursor events, and apart from it the
    time of the statements that are one of ``aggregates`` (the repository's SELECTs, matched by their text)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.sync_engine
        self.aggregates: frozenset[str] = frozenset()
        self.recorded: list[tuple[str, Any]] | None = None  # when set, every statement and its parameters
        self.seconds = 0.0
        self.aggregate_seconds = 0.0
        self.statements = 0

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()
        if self.recorded is not None:
            self.recorded.append((statement, params))

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        took = time.perf_counter() - conn.info.pop("bench_started")
        self.seconds += took
        self.statements += 1
        if statement in self.aggregates:
            self.aggregate_seconds += took

    @contextlib.contextmanager
    def listening(self) -> Iterator[StatementClock]:
        event.listen(self._engine, "before_cursor_execute", self._before)
        event.listen(self._engine, "after_cursor_execute", self._after)
        try:
            yield self
        finally:
            event.remove(self._engine, "before_cursor_execute", self._before)
            event.remove(self._engine, "after_cursor_execute", self._after)

    def take(self) -> tuple[float, float, int]:
        taken = self.seconds, self.aggregate_seconds, self.statements
        self.seconds, self.aggregate_seconds, self.statements = 0.0, 0.0, 0
        return taken


async def capture(
    runtime: Runtime, clock: StatementClock, call: RepositoryCall, dongs: frozenset[int] | None
) -> list[tuple[str, Any]]:
    """The SELECTs (text and driver parameters, IN lists expanded) the repository runs for one table."""
    clock.recorded = []
    try:
        async with runtime.uow() as uow:
            await call(uow.housing_statistics, dongs)
        recorded = clock.recorded
    finally:
        clock.recorded = None
        clock.take()
    return [(sql, params) for sql, params in recorded if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def _driver_parameters(params: Any) -> Any:
    # exec_driver_sql takes a list as many parameter sets; one positional set must be a tuple.
    return tuple(params) if isinstance(params, list) else params


async def time_service(
    clock: StatementClock, call: Callable[[], Awaitable[Any]], runs: int, warmup: int
) -> dict[str, Any]:
    """Whole-call, statement and aggregate-statement seconds of ``runs`` calls after ``warmup`` uncounted ones."""
    totals, database, aggregate, statements = [], [], [], []
    for i in range(warmup + runs):
        clock.take()
        start = time.perf_counter()
        await call()
        elapsed = time.perf_counter() - start
        db, agg, count = clock.take()
        if i >= warmup:
            totals.append(elapsed)
            database.append(db)
            aggregate.append(agg)
            statements.append(count)
    return {
        "total": summarize(totals),
        "database": summarize(database),
        "aggregate": summarize(aggregate),
        "statements_max": max(statements),
        "statements_mean": sum(statements) / len(statements),
    }


async def time_floor(engine: AsyncEngine, selects: Sequence[tuple[str, Any]], runs: int, warmup: int) -> dict[str, Any]:
    """The same SELECTs as plain text on one connection held open: execute and fetch every row, nothing else."""
    durations = []
    rows = 0
    async with engine.connect() as connection:
        for i in range(warmup + runs):
            start = time.perf_counter()
            rows = 0
            for sql, params in selects:
                result = await connection.exec_driver_sql(sql, _driver_parameters(params))
                rows += len(result.all())
            if i >= warmup:
                durations.append(time.perf_counter() - start)
        await connection.rollback()
    return {"time": summarize(durations), "rows": rows, "statements": len(selects)}


async def traced_peak_mb(call: Callable[[], Awaitable[Any]]) -> float:
    """tracemalloc's peak during one call, in MB (tracing slows the call; its time is not counted)."""
    gc.collect()
    tracemalloc.start()
    try:
        await call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# -- the reports (core.housing.chart and core.housing.reports) ------------------------------------------


async def render_times(runtime: Runtime, tables: Mapping[str, Any], cfg: Config) -> dict[str, Any]:
    """Each chart and the workbook of the district-wide tables, in this thread (the bot would use a worker
    thread: the same work). The first call of each is reported apart (imports, font loading); then
    ``render_runs`` timed calls and one under tracemalloc."""
    book = tuple((key, tables[key]) for key in TABLE_KEYS)
    labels = report_labels("ko", book[0][1].scope, book)  # the chat's own, in Korean
    generated_at = runtime.services.clock.local()

    def chart(key: str) -> Callable[[], bytes]:
        return lambda: render_chart(key, tables[key], labels)

    renderers: dict[str, Callable[[], bytes]] = {f"chart {key}": chart(key) for key in TABLE_KEYS}
    renderers["workbook"] = lambda: render_workbook(book, labels, generated_at)
    result: dict[str, Any] = {"labels": "conversations.housing.stats_files.report_labels('ko')", "renders": {}}
    for name, render in renderers.items():
        start = time.perf_counter()
        first = render()
        figures: dict[str, Any] = {"first_ms": (time.perf_counter() - start) * 1000, "bytes": len(first)}
        durations = []
        for _ in range(cfg.render_runs):
            start = time.perf_counter()
            render()
            durations.append(time.perf_counter() - start)
        figures["time"] = summarize(durations)
        gc.collect()
        tracemalloc.start()
        try:
            render()
            figures["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        result["renders"][name] = figures
    return result


# -- one engine ---------------------------------------------------------------------------------------


async def readers(runtime: Runtime, dong_ids: Sequence[int]) -> dict[str, StaffMember]:
    """A district-wide reader, and one whose housing.read covers ``dong_ids`` only."""
    staff = runtime.services.staff
    wide, _ = await staff.add_staff(
        SYSTEM_ACTOR, saeol_id="stat0001", name="통계", department="공동주택과", permissions=["housing.read"]
    )
    narrow, _ = await staff.add_staff(
        SYSTEM_ACTOR, saeol_id="stat0002", name="동담당", department="공동주택과", permissions=["housing.read"]
    )
    async with runtime.uow(write=True) as uow:
        await uow.grants.set_grant(
            narrow.id, "housing.read", department_id=None, dong_ids=tuple(dong_ids), now=runtime.services.clock.now()
        )
        await uow.commit()
    async with runtime.uow() as uow:
        scoped = await uow.staff.get_staff(narrow.id)
    assert scoped is not None
    return {"wide": wide, "scoped": scoped}


async def load_data(runtime: Runtime, cfg: Config) -> dict[str, Any]:
    began = time.perf_counter()
    district = build_national_dataset(cfg.complexes, cfg.representatives, cfg.seed)
    generated = time.perf_counter()
    summary = await load_district(runtime.uow, runtime.services.clock, district, validate=False)
    written = time.perf_counter()
    await analyze(runtime.engine)
    analyzed = time.perf_counter()
    del district
    gc.collect()
    async with runtime.engine.connect() as connection:
        projects = await connection.scalar(select(func.count(SupportProject.id)))
        representatives = await connection.scalar(select(func.count(Representative.id)))
    return {
        "complexes": summary.complexes,
        "representatives": representatives,
        "support_projects": projects,
        "admin_dongs": summary.admin_dongs,
        "generate_s": generated - began,
        "write_s": written - generated,
        "analyze_s": analyzed - written,
    }


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind}
    async with throwaway_database(kind, cfg.pg_server) as url:
        settings = Settings(_env_file=None, database_url=url, housing_reminder_hour=None)  # type: ignore[call-arg]
        runtime = build_runtime(settings)
        try:
            await upgrade(runtime.engine)
            log(f"{kind}: generating and loading {cfg.complexes:,} complexes, {cfg.representatives:,} representatives")
            result["data"] = await load_data(runtime, cfg)
            async with runtime.engine.connect() as connection:
                dongs = sorted(set((await connection.scalars(select(Complex.admin_dong_id))).all()))
            people = await readers(runtime, random.Random(cfg.seed).sample(dongs, min(SCOPED_DONGS, len(dongs))))
            service = runtime.services.housing_statistics
            clock = StatementClock(runtime.engine)
            figures: dict[str, dict[str, Any]] = {}
            tables: dict[str, Any] = {}
            log(f"{kind}: {len(STATISTICS)} statistics × {len(people)} readers, {cfg.runs} calls each (+{cfg.warmup})")
            with clock.listening():
                for name, statistic in STATISTICS.items():
                    figures[name] = {}
                    for who, actor in people.items():
                        selects = await capture(
                            runtime, clock, statistic.repository, dong_scope(actor, Permission.HOUSING_READ)
                        )
                        clock.aggregates = frozenset(sql for sql, _ in selects)

                        def call(statistic: Statistic = statistic, actor: StaffMember = actor) -> Awaitable[Any]:
                            return statistic.service(service, actor)

                        measured = await time_service(clock, call, cfg.runs, cfg.warmup)
                        measured["floor"] = await time_floor(runtime.engine, selects, cfg.runs, cfg.warmup)
                        clock.aggregates = frozenset()
                        clock.take()
                        measured["peak_mb"] = await traced_peak_mb(call)
                        figures[name][who] = measured
                        if who == "wide":
                            tables[statistic.table] = await call()
            result["statistics"] = figures
            log(f"{kind}: charts and workbook ({cfg.render_runs} renderings each, after the first)")
            try:
                result["reports"] = await render_times(runtime, tables, cfg)
            except Exception as exc:  # a renderer that fails on national data: reported, the run goes on
                result["reports"] = {"error": f"{type(exc).__name__}: {exc}"}
            version = runtime.engine.dialect.server_version_info
            result["server"] = ".".join(map(str, version)) if version else ""
        finally:
            await runtime.close()
    return result


# -- the report ---------------------------------------------------------------------------------------


def pad(label: str, width: int) -> str:
    """``label`` padded to ``width`` terminal columns (a Hangul syllable takes two)."""
    return label + " " * max(0, width - display_width(label))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _pair(figures: Mapping[str, float]) -> str:
    return f"{figures['p50']:6.2f} /{figures['p95']:7.2f}"


def print_engine(result: dict[str, Any]) -> None:
    data = result["data"]
    print(f"\n━━ {ENGINE_LABELS[result['engine']]} {result.get('server', '')} ━━")
    print(
        f"  data: {data['complexes']:,} complexes, {data['representatives']:,} representatives, "
        f"{data['support_projects']:,} support projects in {data['admin_dongs']:,} dongs; generated in "
        f"{data['generate_s']:.1f} s, written in {data['write_s']:.1f} s, ANALYZE {data['analyze_s']:.2f} s"
    )
    print()
    print(
        f"  {'statistic, reader (ms, p50 / p95)':<44}{'stmts':>6}{'whole call':>17}{'statements':>17}"
        f"{'aggregate':>17}{'raw SQL floor':>17}{'call/floor':>14}  target"
    )
    for name, statistic in STATISTICS.items():
        for who, label in READERS.items():
            m = result["statistics"][name][who]
            total, floor = m["total"], m["floor"]["time"]
            ratio = f"{total['p50'] / floor['p50']:5.1f}× {total['p95'] / floor['p95']:5.1f}×"
            print(
                f"  {pad(f'{statistic.label}, {label}', 44)}{m['statements_mean']:>6.1f}{_pair(total):>17}"
                f"{_pair(m['database']):>17}{_pair(m['aggregate']):>17}{_pair(floor):>17}{ratio:>14}"
                f"  {verdict(m['database']['p95'] <= TARGET_MS)} (statements p95 ≤ {TARGET_MS:g})"
            )
    peaks = " · ".join(f"{name} {result['statistics'][name]['wide']['peak_mb']:.2f}" for name in STATISTICS)
    print(f"  tracemalloc peak of one call, district-wide (MB): {peaks}")
    rows = " · ".join(f"{name} {result['statistics'][name]['wide']['floor']['rows']:,}" for name in STATISTICS)
    print(f"  rows of each aggregate, district-wide: {rows}")
    reports = result["reports"]
    if "error" in reports:
        print(f"  reports: FAILED: {reports['error']}")
        return
    print(f"  reports (labels: {reports['labels']})")
    print(f"  {'rendering (ms)':<44}{'n':>6}{'p50 / p95':>17}{'first call':>12}{'size':>10}{'peak MB':>10}")
    for name, figures in reports["renders"].items():
        print(
            f"  {pad(name, 44)}{figures['time']['n']:>6}{_pair(figures['time']):>17}{figures['first_ms']:>12.0f}"
            f"{figures['bytes'] / 1024:>8.0f}KB{figures['peak_mb']:>10.2f}"
        )


def print_summary(results: Sequence[dict[str, Any]]) -> None:
    print(
        "\n━━ summary: database time p50 / p95 ms (raw SQL floor p50) [whole call p50], "
        f"target: database time p95 ≤ {TARGET_MS:g} ms ━━"
    )
    print(f"  {'statistic, reader':<44}" + "".join(f"{r['engine']:>34}" for r in results))
    for name, statistic in STATISTICS.items():
        for who, label in READERS.items():
            cells = []
            for r in results:
                m = r["statistics"][name][who]
                database = m["database"]
                cells.append(
                    f"{database['p50']:.1f} / {database['p95']:.1f} ({m['floor']['time']['p50']:.1f}) "
                    f"[{m['total']['p50']:.1f}] {verdict(database['p95'] <= TARGET_MS)}"
                )
            print(f"  {pad(f'{statistic.label}, {label}', 44)}" + "".join(f"{c:>34}" for c in cells))


# -- entry point --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="a small run for a smoke check")
    parser.add_argument("--runs", type=int, help="measured calls per figure (default 200, quick 50)")
    parser.add_argument("--complexes", type=int, help="complexes to load (default 20,000, quick 2,000)")
    parser.add_argument("--representatives", type=int, help="representatives to load (default 200,000, quick 20,000)")
    parser.add_argument("--seed", type=int, default=1)
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    sizes = ("runs", "complexes", "representatives")
    overrides = {name: getattr(args, name) for name in sizes if getattr(args, name) is not None}
    cfg = replace(cfg, seed=args.seed, pg_server=args.pg_server, **overrides)
    if cfg.runs < 2 or cfg.complexes < 10 or cfg.representatives < 0:
        parser.error("need --runs ≥ 2, --complexes ≥ 10 and --representatives ≥ 0")
    return args, cfg


async def main_async(args: argparse.Namespace, cfg: Config) -> int:
    engines = ENGINES if args.engine == "both" else (args.engine,)
    env = environment(telegram_bot=False)
    print(
        f"Dongne housing statistics benchmark{' (quick)' if args.quick else ''}: {cfg.complexes:,} complexes, "
        f"{cfg.representatives:,} representatives; {cfg.runs} calls a figure (+{cfg.warmup} warm-up)"
    )
    print(describe_environment(env))

    def report(result: dict[str, Any], earlier: Sequence[dict[str, Any]]) -> bool:
        print_engine(result)
        return "error" not in result["reports"]

    results, skipped, status = await run_engines(engines, cfg.pg_server, lambda kind: bench_engine(kind, cfg), report)
    if results:
        print_summary(results)
    if args.json is not None:
        for result in results:
            result["targets"] = [
                {
                    "figure": f"{statistic.label}, {label}",
                    "database_p95_ms": result["statistics"][name][who]["database"]["p95"],
                    "target_ms": TARGET_MS,
                    "pass": result["statistics"][name][who]["database"]["p95"] <= TARGET_MS,
                }
                for name, statistic in STATISTICS.items()
                for who, label in READERS.items()
            ]
        write_figures(args.json, cfg, env, results, skipped)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args, cfg = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_main(main_async(args, cfg))


if __name__ == "__main__":
    sys.exit(main())
