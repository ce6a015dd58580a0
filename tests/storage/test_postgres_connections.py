"""A pooled PostgreSQL connection is checked cheaply before use (storage/db.py): one the server closed is
replaced at once, one idle long enough to have been cut off unnoticed is asked first, and one in steady use
costs no round trip. A unit of work without a snapshot sends no BEGIN."""

import asyncio

import asyncpg
import pytest
from asyncpg.transaction import Transaction
from sqlalchemy import text

from storage import db
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWorkFactory
from tests.spying import spy


@pytest.fixture
async def pg_engine(postgres_database):
    engine = create_engine(postgres_database, pool_size=1)
    yield engine
    await engine.dispose()


@pytest.fixture
async def admin(postgres_database):
    """Another engine on the same database, as the database's administrator would use it."""
    engine = create_engine(postgres_database)
    yield engine
    await engine.dispose()


async def backend_of(engine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def cut_off(admin, pid: int) -> None:
    async with admin.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await asyncio.sleep(0.2)  # the server's side closes; the bot's loop reads the end of the stream


@pytest.fixture
def pings(monkeypatch):
    return spy(monkeypatch, asyncpg.Connection, "fetchrow", lambda _, query, *args: query if query == ";" else None)


async def test_a_connection_the_server_closed_is_replaced_before_use(pg_engine, admin, pings):
    first = await backend_of(pg_engine)
    await cut_off(admin, first)

    assert await backend_of(pg_engine) != first
    assert pings == []  # asyncpg knew: nothing had to be asked


async def test_a_connection_idle_too_long_is_asked_first_and_replaced_when_it_does_not_answer(
    pg_engine, admin, pings, monkeypatch
):
    first = await backend_of(pg_engine)
    await cut_off(admin, first)
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_S", 0.0)
    # As after a firewall dropped it quietly: the bot's side has not seen the connection end (when it checks).
    unnoticed = [True]
    is_closed = asyncpg.Connection.is_closed
    monkeypatch.setattr(
        asyncpg.Connection, "is_closed", lambda self: not unnoticed.pop() if unnoticed else is_closed(self)
    )

    assert await backend_of(pg_engine) != first
    assert pings == [";"]


async def test_a_connection_in_steady_use_is_not_asked(pg_engine, pings):
    pids = {await backend_of(pg_engine) for _ in range(5)}
    assert len(pids) == 1
    assert pings == []


async def test_a_unit_without_a_snapshot_sends_no_begin(pg_engine, monkeypatch):
    uow = UnitOfWorkFactory(create_session_factory(pg_engine))
    async with uow() as work:  # the engine's first connection learns the server in a transaction of its own
        await work.housing._session.execute(text("SELECT 1"))
    begun = spy(monkeypatch, Transaction, "start", lambda transaction: transaction)
    async with uow(snapshot=False) as work:
        await work.housing._session.execute(text("SELECT 1"))
        await work.housing._session.execute(text("SELECT 2"))
    assert begun == []
    async with uow() as work:
        await work.housing._session.execute(text("SELECT 1"))
    assert len(begun) == 1
    async with uow(snapshot=False) as work:  # the connection's own setting came back with it
        await work.housing._session.execute(text("SELECT 1"))
    assert len(begun) == 1
    with pytest.raises(ValueError):
        uow(write=True, snapshot=False)
