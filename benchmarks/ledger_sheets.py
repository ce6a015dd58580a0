"""The housing ledger as the office's workbook at national scale: exporting it, importing it into an empty
ledger, and importing the same file again, next to the floors under each, on both engines.

    python benchmarks/ledger_sheets.py [--engine sqlite|postgresql|both] [--complexes N] [--quick] [--json FILE]

Per database engine: load 20,000 complexes with 200,000 representatives (and their offices, groups and
projects) through the bulk loader, in a child process (so the generated data set's heap is not this
process's); then, in this process, one after another:

- **export**: ``services.ledger_book.export`` as the operator (``core.staff.directory.OPERATOR``, what
  ``dongne export housing`` runs): every sheet streamed from the database into the workbook;
- **import into an empty ledger**: the complexes deleted (their records go with them; dongs, 직위 and
  지원기준 stay), then ``services.ledger_import.apply`` of the exported file as the operator (every row
  read, checked by the chat's rules, matched, written and audited);
- **re-import**: ``apply`` of the same file again, which finds every row unchanged and writes nothing.

Baselines from the same run: the bulk loader's write of the same data (executemany, no checks, no audit:
the floor under the import's writing), every sheet's rows streamed from the database with nothing done with
them (the floor under the export's reading), and the workbook reader (``core.workbook_reading``) walking
every row of the file with no check and no database (the floor under the import's reading).

Each step is timed once (wall clock) with its memory as the growth of the resident set: the kernel's
high-water mark (VmHWM, reset through /proc/self/clear_refs before the step) minus the resident set before
it. With ``--tracemalloc`` each step also runs a second time under tracemalloc for the Python heap's peak
(slower, so that run is not timed; the ledger is emptied again before the import's). An imported file is
limited to 100,000 rows unless the operator allows more (``dongne import housing --max-rows``): the import
here allows every row of the ledger, as that option does; were the file over the 20 MB limit (larger than
the default size), that limit is lifted too, and the run says so. It asserts nothing about time: exit
status 0 unless a step failed or the round trip did not give back the ledger. See benchmarks/README.md."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select

from benchmarks.harness import (
    DEFAULT_PG_SERVER,
    ENGINE_LABELS,
    ENGINES,
    add_pg_server_argument,
    analyze,
    describe_environment,
    environment,
    log,
    peak_rss_mb,
    reset_peak,
    rss_mb,
    ru_maxrss_mb,
    run_engines,
    run_main,
    throwaway_database,
    write_figures,
)
from bot.app import Runtime, build_runtime
from bot.demo_data.load import load_district
from bot.demo_data.national import build_national_dataset
from bot.settings import Settings
from core import workbook_reading
from core.housing.import_rows import IMPORTED
from core.housing.sheets import COLUMNS, SHEETS, sheet_words
from core.staff.directory import OPERATOR
from core.workbook_reading import WorkbookReader, header_key
from storage.housing.models import Complex, ManagementOffice, Representative, ResidentGroup, SupportProject
from storage.migrate import upgrade

T = TypeVar("T")
LANG = "ko"
FILE_NAME = "공동주택대장.xlsx"
MODELS = {
    "complex": Complex,
    "office": ManagementOffice,
    "representative": Representative,
    "group": ResidentGroup,
    "project": SupportProject,
}


@dataclass(frozen=True)
class Config:
    complexes: int = 20_000
    representatives: int = 200_000
    seed: int = 1
    tracemalloc: bool = False
    pg_server: str = DEFAULT_PG_SERVER


QUICK = Config(complexes=2_000, representatives=20_000)


class StepFailed(Exception):
    """A step ran but did not do what it must (the import refused the export, the round trip lost rows)."""


# -- measuring ----------------------------------------------------------------------------------------


@dataclass
class Measured:
    seconds: float
    rss_growth_mb: float | None  # VmHWM during the step minus VmRSS before it
    traced_peak_mb: float | None = None  # tracemalloc's peak, from a second, untimed run

    def figures(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "rss_growth_mb": self.rss_growth_mb, "traced_peak_mb": self.traced_peak_mb}


async def measure(
    step: Callable[[], Awaitable[T]], *, traced: bool = False, between: Callable[[], Awaitable[None]] | None = None
) -> tuple[T, Measured]:
    """One timed run of ``step`` with the resident set's growth, and with ``traced`` a second run under
    tracemalloc for the Python heap's peak (after ``between``, untimed, which puts back what the first run
    changed); the result is the last run's."""
    gc.collect()
    before = rss_mb()
    watched = reset_peak()
    start = time.perf_counter()
    result = await step()
    seconds = time.perf_counter() - start
    peak = peak_rss_mb() if watched else None
    measured = Measured(seconds, peak - before if peak is not None and before is not None else None)
    if traced:
        del result
        if between is not None:
            await between()
        gc.collect()
        tracemalloc.start()
        try:
            result = await step()
            measured.traced_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return result, measured


@contextlib.contextmanager
def limits_lifted() -> Iterator[None]:
    """The reader's file-size limits out of the way for the duration (module constants, put back); rows are
    allowed as the operator's ``--max-rows`` does (``ALL_ROWS``)."""
    kept = workbook_reading.MAX_BYTES, workbook_reading.MAX_INFLATED
    workbook_reading.MAX_BYTES = workbook_reading.MAX_INFLATED = 2**40
    try:
        yield
    finally:
        workbook_reading.MAX_BYTES, workbook_reading.MAX_INFLATED = kept


# -- the steps ----------------------------------------------------------------------------------------


async def load_data(runtime: Runtime, cfg: Config) -> dict[str, Any]:
    began = time.perf_counter()
    district = build_national_dataset(cfg.complexes, cfg.representatives, cfg.seed)
    generated = time.perf_counter()
    summary = await load_district(runtime.uow, runtime.services.clock, district, validate=False)
    written = time.perf_counter()
    await analyze(runtime.engine)
    return {"complexes": summary.complexes, "generate_s": generated - began, "write_s": written - generated}


async def load_only(url: str, cfg: Config) -> dict[str, Any]:
    """The child's side: load_data into the given database, figures on stdout."""
    runtime = build_runtime(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        data = await load_data(runtime, cfg)
    finally:
        await runtime.close()
    data["loader_ru_maxrss_mb"] = ru_maxrss_mb()
    return data


async def load_in_child(url: str, cfg: Config) -> dict[str, Any]:
    """load_data in a fresh interpreter: the generated data set (hundreds of MB at full size) is never in this
    process's heap, where its freed memory would be reused by the steps and hide their growth."""
    sizes = ("--complexes", str(cfg.complexes), "--representatives", str(cfg.representatives), "--seed", str(cfg.seed))
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(THIS_FILE), "--load-into", url, *sizes, stdout=asyncio.subprocess.PIPE
    )
    try:
        out, _ = await child.communicate()
    finally:
        if child.returncode is None:  # interrupted: do not leave the loader running
            child.kill()
            await child.wait()
    if child.returncode != 0:
        raise StepFailed(f"the data loader (child process) failed with exit status {child.returncode}")
    data: dict[str, Any] = json.loads(out)
    return data


async def ledger_counts(runtime: Runtime) -> dict[str, int]:
    async with runtime.engine.connect() as connection:
        return {
            record: int(await connection.scalar(select(func.count()).select_from(model)) or 0)
            for record, model in MODELS.items()
        }


async def stream_rows(runtime: Runtime) -> int:
    """Baseline: every sheet's rows as the export reads them, nothing done with them."""
    rows = 0
    async with runtime.uow() as uow:
        for sheet in SHEETS:
            async for _ in uow.ledger_sheets.rows(sheet, None):
                rows += 1
    return rows


ALL_ROWS = 10**9  # as ``dongne import housing --max-rows`` lets the operator load a whole registry


def read_workbook(content: bytes) -> int:
    """Baseline: the workbook reader over every ledger sheet's rows, no check, no database."""
    words = sheet_words(LANG)
    rows = 0
    with WorkbookReader(content, FILE_NAME, max_rows=ALL_ROWS) as reader:
        for record in IMPORTED:
            sheet = reader.find_sheet({words.sheets[record]})
            if sheet is None:
                continue
            expected = {header_key(words.headers[record][c.key]): c.key for c in COLUMNS[record]}
            header = reader.header(sheet, expected, set())
            if header is not None:
                rows += sum(1 for _ in reader.rows(sheet, header))
    return rows


async def empty_ledger(runtime: Runtime) -> None:
    """Every complex deleted (offices, representatives, groups, projects and complaints go with them)."""
    async with runtime.uow(write=True) as uow:
        session = uow._session
        assert session is not None
        await session.execute(delete(Complex))
        await uow.commit()
    await analyze(runtime.engine)


def imported(report: Any) -> dict[str, tuple[int, int, int]]:
    return {s.record: (s.added, s.changed, s.unchanged) for s in report.sheets}


async def bench_engine(kind: str, cfg: Config) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": kind, "steps": {}}
    steps: dict[str, Measured] = {}
    async with throwaway_database(kind, cfg.pg_server) as url:
        settings = Settings(_env_file=None, database_url=url, housing_reminder_hour=None)  # type: ignore[call-arg]
        runtime = build_runtime(settings)
        try:
            await upgrade(runtime.engine)
            log(f"{kind}: generating and loading {cfg.complexes:,} complexes, {cfg.representatives:,} representatives")
            result["data"] = await load_in_child(url, cfg)
            result["data"]["rows"] = rows = await ledger_counts(runtime)
            gc.collect()
            result["rss_start_mb"] = rss_mb()
            traced = cfg.tracemalloc

            log(f"{kind}: baseline, every sheet's rows streamed from the database")
            streamed, steps["stream"] = await measure(lambda: stream_rows(runtime), traced=traced)

            log(f"{kind}: export as the operator")
            services = runtime.services
            exported, steps["export"] = await measure(
                lambda: services.ledger_book.export(OPERATOR, LANG, via="benchmark"), traced=traced
            )
            content = exported.content
            result["file"] = {
                "bytes": len(content),
                "rows": dict(exported.rows),
                "streamed_rows": streamed,
                "over_bytes": len(content) > workbook_reading.MAX_BYTES,
                "over_rows": sum(exported.rows[r] for r in IMPORTED) > workbook_reading.MAX_ROWS,
                "limits": {"bytes": workbook_reading.MAX_BYTES, "rows": workbook_reading.MAX_ROWS},
            }
            del exported

            with limits_lifted():
                log(f"{kind}: baseline, the workbook reader over every row of the file")
                read, steps["read"] = await measure(_awaited(lambda: read_workbook(content)), traced=traced)
                result["file"]["read_rows"] = read

                log(f"{kind}: import into an empty ledger")
                await empty_ledger(runtime)

                def load() -> Awaitable[Any]:
                    return services.ledger_import.apply(OPERATOR, content, FILE_NAME, LANG, max_rows=ALL_ROWS)

                first, steps["import"] = await measure(load, traced=traced, between=lambda: empty_ledger(runtime))
                if not first.applied:
                    problems = "; ".join(f"{p.sheet} {p.row} {p.column}: {p.reason}" for p in first.problems[:5])
                    raise StepFailed(f"the import refused the export ({first.problem_count:,} problems): {problems}")
                await analyze(runtime.engine)
                result["import"] = imported(first)
                after = await ledger_counts(runtime)
                if after != rows:
                    raise StepFailed(f"the round trip changed the ledger: {rows} before, {after} after")

                log(f"{kind}: the same file imported again")
                again, steps["reimport"] = await measure(load, traced=traced)
                result["reimport"] = imported(again)
                if again.has_changes or not again.ok:
                    raise StepFailed(f"importing the same file again was not a no-op: {imported(again)}")
            version = runtime.engine.dialect.server_version_info
            result["server"] = ".".join(map(str, version)) if version else ""
        finally:
            await runtime.close()
    result["steps"] = {name: m.figures() for name, m in steps.items()}
    result["ru_maxrss_mb"] = ru_maxrss_mb()
    return result


def _awaited(call: Callable[[], T]) -> Callable[[], Awaitable[T]]:
    async def step() -> T:
        return call()

    return step


# -- the report ---------------------------------------------------------------------------------------

STEP_LABELS = {
    "stream": "baseline: rows streamed from the database",
    "export": "export (services.ledger_book.export)",
    "read": "baseline: workbook reader over the file",
    "import": "import into an empty ledger (apply)",
    "reimport": "re-import, nothing changes (apply)",
}


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MB"


def print_engine(result: dict[str, Any]) -> None:
    data, file, steps = result["data"], result["file"], result["steps"]
    print(f"\n━━ {ENGINE_LABELS[result['engine']]} {result.get('server', '')} ━━")
    counts = ", ".join(f"{record} {count:,}" for record, count in data["rows"].items())
    print(
        f"  data: {counts}; generated in {data['generate_s']:.1f} s, bulk-written in {data['write_s']:.1f} s "
        f"(in a child process, its peak RSS {data['loader_ru_maxrss_mb']:,.0f} MB)"
    )
    rows = sum(file["rows"].values())
    print(
        f"  file: {file['bytes'] / 2**20:.1f} MB, {rows:,} rows "
        f"({', '.join(f'{s} {n:,}' for s, n in file['rows'].items())})"
    )
    over = [
        f"{file['bytes'] / 2**20:.1f} MB > {file['limits']['bytes'] / 2**20:.0f} MB" if file["over_bytes"] else "",
        f"{rows:,} rows > {file['limits']['rows']:,} (allowed as --max-rows does)" if file["over_rows"] else "",
    ]
    if any(over):
        print(f"  over the import's default limits: {', '.join(o for o in over if o)}")
    print(f"\n  {'step':44}{'time':>10}{'rows/s':>10}{'RSS growth':>12}{'traced peak':>13}")
    for name, label in STEP_LABELS.items():
        m = steps[name]
        print(
            f"  {label:44}{m['seconds']:>9.1f}s{rows / m['seconds']:>10,.0f}{_mb(m['rss_growth_mb']):>12}"
            f"{_mb(m['traced_peak_mb']):>13}"
        )
    export, stream = steps["export"]["seconds"], steps["stream"]["seconds"]
    load, read = steps["import"]["seconds"], steps["read"]["seconds"]
    print(
        f"  export {export / stream:.1f}× the database stream; import {load / read:.1f}× the reader and "
        f"{load / data['write_s']:.1f}× the bulk loader's write; re-import {steps['reimport']['seconds'] / load:.2f}× "
        "the import"
    )
    print(f"  import: {result['import']}; re-import: {result['reimport']}")
    print(
        f"  RSS before the steps {_mb(result['rss_start_mb'])}; "
        f"ru_maxrss of the process so far {result['ru_maxrss_mb']:,.0f} MB"
    )


def print_summary(results: Sequence[dict[str, Any]]) -> None:
    print("\n━━ summary: seconds (RSS growth) ━━")
    print(f"  {'step':44}" + "".join(f"{r['engine']:>24}" for r in results))
    rows: Mapping[str, str] = {"bulk": "baseline: bulk loader's write", **STEP_LABELS}
    for name, label in rows.items():
        cells = []
        for r in results:
            if name == "bulk":
                cells.append(f"{r['data']['write_s']:.1f} s")
                continue
            m = r["steps"][name]
            cells.append(f"{m['seconds']:.1f} s ({_mb(m['rss_growth_mb'])})")
        print(f"  {label:44}" + "".join(f"{c:>24}" for c in cells))


# -- entry point --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Config]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="a small run for a smoke check (2,000 / 20,000)")
    parser.add_argument("--complexes", type=int, help="complexes to load (default 20,000)")
    parser.add_argument("--representatives", type=int, help="representatives (default 10 per complex)")
    parser.add_argument("--tracemalloc", action="store_true", help="also each step's tracemalloc peak (slower)")
    parser.add_argument("--seed", type=int, default=1)
    add_pg_server_argument(parser)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--load-into", help=argparse.SUPPRESS)  # the loader child's side
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else Config()
    complexes = args.complexes if args.complexes is not None else cfg.complexes
    representatives = args.representatives
    if representatives is None:
        representatives = 10 * complexes if args.complexes is not None else cfg.representatives
    cfg = replace(
        cfg,
        complexes=complexes,
        representatives=representatives,
        seed=args.seed,
        tracemalloc=args.tracemalloc,
        pg_server=args.pg_server,
    )
    if cfg.complexes < 10 or cfg.representatives < 0:
        parser.error("need --complexes ≥ 10 and --representatives ≥ 0")
    return args, cfg


async def main_async(args: argparse.Namespace, cfg: Config) -> int:
    engines = ENGINES if args.engine == "both" else (args.engine,)
    env = environment(telegram_bot=False)
    print(
        f"Dongne ledger workbook benchmark: {cfg.complexes:,} complexes, {cfg.representatives:,} representatives"
        f"{'; tracemalloc runs' if cfg.tracemalloc else ''}"
    )
    print(describe_environment(env))

    def report(result: dict[str, Any], earlier: Sequence[dict[str, Any]]) -> bool:
        print_engine(result)
        return True

    results, skipped, status = await run_engines(
        engines, cfg.pg_server, lambda kind: bench_engine(kind, cfg), report, failures=(StepFailed, TimeoutError)
    )
    if results:
        print_summary(results)
    if args.json is not None:
        write_figures(args.json, cfg, env, results, skipped)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args, cfg = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.load_into:
        print(json.dumps(asyncio.run(load_only(args.load_into, cfg)), ensure_ascii=False))
        return 0
    return run_main(main_async(args, cfg))


if __name__ == "__main__":
    sys.exit(main())
