"""The staff counter moves with every change to who may do what, in the writer's own transaction, and reads
the same on SQLite's side connection as in a unit of work; on PostgreSQL it is read again only when a
notification or this process's own commit says it may have moved."""

import asyncio
import itertools
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import create_engine, create_session_factory
from storage.staff import revision as revision_module
from storage.staff.revision import PostgresRevisionReader, SqliteRevisionReader
from storage.uow import UnitOfWorkFactory
from tests.spying import spy

CHANGES = [
    "INSERT INTO department (name) VALUES ('마을공동체과')",
    "INSERT INTO staff (saeol_id, name, department_id, active, language, created_at, version) "
    "SELECT 'kim01', '김', id, true, 'ko', '2026-12-05 00:00:00', 1 FROM department",
    "INSERT INTO role_grant (staff_id, permission, granted_at) SELECT id, 'housing.read', '2026-12-05' FROM staff",
    "INSERT INTO role_grant_dong (grant_id, admin_dong_id) "
    "SELECT role_grant.id, admin_dong.id FROM role_grant, admin_dong",
    "UPDATE staff SET active = false",
    "DELETE FROM role_grant_dong",
    "UPDATE department SET name = '마을공동체정책과'",
    "DELETE FROM role_grant",
]
UNWATCHED = "UPDATE admin_dong SET short_name = '성수1'"


async def test_every_change_to_staff_grants_scopes_and_departments_moves_the_counter(uow_factory):
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            text("INSERT INTO admin_dong (name, short_name, sort_order) VALUES ('성수', '성', 0)")
        )
        await uow.commit()
    seen = [await uow_factory.staff_revision()]
    for statement in [*CHANGES, UNWATCHED]:
        async with uow_factory(write=True) as uow:
            await uow._session.execute(text(statement))
            await uow.commit()
        seen.append(await uow_factory.staff_revision())
        async with uow_factory() as uow:
            assert await uow.staff.staff_revision() == seen[-1]  # the side connection reads what a unit of work does
    assert all(after > before for before, after in itertools.pairwise(seen[:-1])), seen
    assert seen[-1] == seen[-2]  # a dong's short name is nobody's identity


async def test_a_rolled_back_change_leaves_the_counter_alone(uow_factory):
    before = await uow_factory.staff_revision()
    async with uow_factory(write=True) as uow:
        await uow._session.execute(text(CHANGES[0]))
    assert await uow_factory.staff_revision() == before


async def test_a_side_connection_that_cannot_read_rests_and_the_unit_of_work_reads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    reader = SqliteRevisionReader(tmp_path / "없는.sqlite3")
    assert await reader.read() is None  # an empty new file has no counter: the caller reads it in a unit of work
    assert await reader.read() is None
    assert caplog.text.count("could not read the staff revision") == 1  # once, then it rests
    await reader.close()
    refused = PostgresRevisionReader(make_url("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    assert await refused.read() is None


async def test_the_engines_reader_is_the_one_in_use(uow_factory, engine):
    assert await uow_factory._revision.read() == await uow_factory.staff_revision()
    assert type(uow_factory._revision).__name__.lower().startswith(engine.dialect.name[:6])


@pytest.fixture
async def pg_factory(postgres_database, monkeypatch):
    """A PostgreSQL unit-of-work factory whose counter reads stand as long as no notification says otherwise."""
    monkeypatch.setattr(revision_module, "TRUSTED_S", 60.0)
    engine = create_engine(postgres_database)
    factory = UnitOfWorkFactory(create_session_factory(engine))
    yield factory
    await factory.close()
    await engine.dispose()


@pytest.fixture
def server_reads(monkeypatch):
    return spy(monkeypatch, asyncpg.Connection, "fetchval", lambda _, query, *args: query)


async def test_on_postgresql_the_counter_is_read_again_only_after_a_change(pg_factory, postgres_database, server_reads):
    first = await pg_factory.staff_revision()
    for _ in range(5):
        assert await pg_factory.staff_revision() == first
    assert len(server_reads) == 1  # nothing moved: no round trip after the first

    other = create_engine(postgres_database)  # another process: the admin endpoint, the CLI
    try:
        async with other.begin() as connection:
            await connection.execute(text(CHANGES[0]))
    finally:
        await other.dispose()
    for _ in range(50):  # its notification arrives within milliseconds
        if await pg_factory.staff_revision() != first:
            break
        await asyncio.sleep(0.01)
    assert await pg_factory.staff_revision() == first + 1

    # This process's own change is read again at once, without waiting for the database's notification.
    await pg_factory._revision._connection.remove_listener(revision_module.CHANNEL, pg_factory._revision.changed)
    async with pg_factory(write=True) as uow:
        await uow._session.execute(text("UPDATE department SET name = '주택과'"))
        await uow.commit()
    assert await pg_factory.staff_revision() == first + 2


async def test_on_postgresql_a_rolled_back_change_sends_no_notification(pg_factory, postgres_database, server_reads):
    first = await pg_factory.staff_revision()
    other = create_engine(postgres_database)
    try:
        async with other.connect() as connection:
            await connection.execute(text(CHANGES[0]))
            await connection.rollback()
    finally:
        await other.dispose()
    await asyncio.sleep(0.1)
    assert await pg_factory.staff_revision() == first
    assert len(server_reads) == 1


async def test_on_postgresql_a_lost_listening_connection_is_replaced_and_the_counter_read(
    pg_factory, postgres_database, server_reads
):
    first = await pg_factory.staff_revision()
    listening = pg_factory._revision._connection
    other = create_engine(postgres_database)
    try:
        async with other.begin() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": listening.get_server_pid()})
            await connection.execute(text(CHANGES[0]))  # moved while nobody listened
    finally:
        await other.dispose()
    await asyncio.sleep(0.2)
    assert await pg_factory.staff_revision() == first + 1
    assert pg_factory._revision._connection is not listening
