"""The world every test builds on: a migrated database on each engine, services, and builders.

Every database test runs twice, on SQLite and on PostgreSQL. PostgreSQL comes from
``DONGNE_TEST_DATABASE_URL`` (a server URL; default ``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``):
the suite creates its own throwaway database there and drops it at the end. Where no server answers,
those runs are skipped with the reason, unless ``DONGNE_REQUIRE_POSTGRES=1`` (CI), where they fail.
``DONGNE_TEST_BACKENDS=sqlite`` limits a run to one engine."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.clock import FixedClock
from core.services import Services
from storage.db import create_engine, create_session_factory
from storage.housing.models import Representative
from storage.migrate import upgrade
from storage.reference.models import Position
from storage.schema import metadata
from storage.uow import UnitOfWorkFactory

T = TypeVar("T")
DEFAULT_PG_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BACKENDS = [b for b in os.environ.get("DONGNE_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
# Reference rows the first migration seeds; kept between tests like the schema itself.
KEPT_TABLES = {"alembic_version", "position", "staff_revision"}


def pg_server_url() -> str:
    return os.environ.get("DONGNE_TEST_DATABASE_URL", DEFAULT_PG_SERVER)


def run_in_thread(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run setup coroutines from session fixtures, which may be requested while a test loop runs."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


async def _admin_execute(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    run_in_thread(lambda: _migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    server = pg_server_url()
    name = f"dongne_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        run_in_thread(lambda: _admin_execute(server, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        reason = f"PostgreSQL not reachable at {make_url(server).render_as_string()} ({type(exc).__name__}: {exc})"
        if os.environ.get("DONGNE_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + "; DONGNE_REQUIRE_POSTGRES=1 demands it", pytrace=False)
        pytest.skip(reason + "; set DONGNE_TEST_DATABASE_URL to run the PostgreSQL half")
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    run_in_thread(lambda: _migrate(url))
    yield url
    run_in_thread(lambda: _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name not in KEPT_TABLES)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "dongne.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_database")
        await _truncate(url)
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def uow_factory(engine: AsyncEngine) -> AsyncIterator[UnitOfWorkFactory]:
    factory = UnitOfWorkFactory(create_session_factory(engine))
    yield factory
    await factory.close()


@pytest.fixture
def clock() -> FixedClock:
    # 10:00 in Seoul on a working day.
    return FixedClock(zone=ZoneInfo("Asia/Seoul"), instant=datetime(2026, 11, 25, 1, 0, tzinfo=UTC))


@pytest.fixture
def services(uow_factory: UnitOfWorkFactory, clock: FixedClock, tmp_path: Path) -> Services:
    return Services.build(uow_factory, clock, link_code_ttl=timedelta(hours=24), photo_dir=tmp_path / "photos")


@pytest.fixture
async def positions_restored(uow_factory: Any) -> AsyncIterator[None]:
    """The first migration seeds the positions and the PostgreSQL half keeps them between tests (see
    tests/conftest.py), so a test that changes them puts them back as they were."""
    async with uow_factory() as uow:
        before = await uow.reference.list_entries("position")
    yield
    async with uow_factory(write=True) as uow:
        session = uow._session
        kept = [entry.id for entry in before]
        await session.execute(delete(Representative).where(Representative.position_id.not_in(kept)))
        await session.execute(delete(Position).where(Position.id.not_in(kept)))
        present = set(await session.scalars(select(Position.id)))
        for entry in before:  # first out of each other's way: a swap of names must not clash
            if entry.id in present:
                await session.execute(update(Position).where(Position.id == entry.id).values(name=f"~{entry.id}"))
        for entry in before:
            values = {"name": entry.name, "sort_order": entry.sort_order}
            if entry.id in present:
                await session.execute(update(Position).where(Position.id == entry.id).values(**values))
            else:
                await session.execute(insert(Position).values(id=entry.id, **values))
        await uow.commit()
