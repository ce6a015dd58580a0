"""How long ``dongne backup``, ``dongne restore`` and ``dongne db copy`` take, and how large an archive is.

    python benchmarks/backup.py                      # the demo district, then 20,000 complexes / 200,000 members
    python benchmarks/backup.py --complexes 2000 --representatives 20000
    python benchmarks/backup.py --demo-only

For each data set and each source engine: the data loaded into a throwaway database, archived (time, size,
rows), restored into an empty database on the other engine and on the same one (time), and copied to the other
engine (time). The restore and copy figures include the check of every table's rows and checksum."""

# ruff: noqa: E402 - the project root goes on sys.path before the project's own imports

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import DEFAULT_PG_SERVER, postgres_unreachable, throwaway_database
from bot.demo_data import load_demo_district
from bot.demo_data.load import load_district
from bot.demo_data.national import build_national_dataset
from core.clock import Clock
from storage.archive.backup import restore_archive, write_archive
from storage.archive.transfer import copy_database
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWorkFactory

OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}


async def _migrated(url: str) -> Any:
    engine = create_engine(url)
    await upgrade(engine)
    return engine


async def _load(engine: Any, data: str, complexes: int, representatives: int) -> None:
    uow = UnitOfWorkFactory(create_session_factory(engine))
    clock = Clock()
    try:
        if data == "demo":
            await load_demo_district(uow, clock)
        else:
            district = build_national_dataset(complexes, representatives, 1)
            await load_district(uow, clock, district, validate=False)
    finally:
        await uow.close()


async def measure(kind: str, data: str, pg_server: str, complexes: int, representatives: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="dongne-backup-bench-"))
    archive = workdir / "office.tar.gz"
    async with throwaway_database(kind, pg_server) as source_url:
        source = await _migrated(source_url)
        try:
            await _load(source, data, complexes, representatives)
            started = time.perf_counter()
            manifest = await write_archive(source, archive, {}, dongne_version="bench", created_at=datetime.now(UTC))
            figures: dict[str, Any] = {
                "engine": kind,
                "data": data,
                "rows": manifest.total_rows,
                "backup_s": time.perf_counter() - started,
                "archive_mb": archive.stat().st_size / 1024 / 1024,
            }
            for target_kind, label in ((OTHER[kind], "restore_other_s"), (kind, "restore_same_s")):
                async with throwaway_database(target_kind, pg_server) as target_url:
                    target = await _migrated(target_url)
                    try:
                        started = time.perf_counter()
                        await restore_archive(target, archive, {})
                        figures[label] = time.perf_counter() - started
                    finally:
                        await target.dispose()
            async with throwaway_database(OTHER[kind], pg_server) as target_url:
                target = await _migrated(target_url)
                try:
                    started = time.perf_counter()
                    await copy_database(source, target)
                    figures["copy_other_s"] = time.perf_counter() - started
                finally:
                    await target.dispose()
        finally:
            await source.dispose()
    await asyncio.to_thread(shutil.rmtree, workdir, ignore_errors=True)
    return figures


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexes", type=int, default=20_000)
    parser.add_argument("--representatives", type=int, default=200_000)
    parser.add_argument("--demo-only", action="store_true")
    parser.add_argument("--pg-server", default=os.environ.get("DONGNE_TEST_DATABASE_URL", DEFAULT_PG_SERVER))
    args = parser.parse_args()
    unreachable = await postgres_unreachable(args.pg_server)
    if unreachable:
        print(f"PostgreSQL is needed for the other engine: {unreachable}")
        return 1
    sets = ["demo"] if args.demo_only else ["demo", "generated"]
    print("data      source      rows  archive MB  backup s  restore other s  restore same s  copy other s")
    for data in sets:
        for kind in ("sqlite", "postgresql"):
            f = await measure(kind, data, args.pg_server, args.complexes, args.representatives)
            print(
                f"{data:9} {kind:10} {f['rows']:>8,} {f['archive_mb']:>10.1f} {f['backup_s']:>9.1f}"
                f" {f['restore_other_s']:>16.1f} {f['restore_same_s']:>15.1f} {f['copy_other_s']:>13.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
