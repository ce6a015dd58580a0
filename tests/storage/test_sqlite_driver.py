"""SQLite statements go to their connection's thread once each (storage/sqlite_driver.py): a read is two trips,
BEGIN riding with the first statement, and a read that needs no snapshot none unless it runs long; and what
the stock adapter did still holds: rows, counts, errors that leave the connection usable, and the write lock
taken at the start of a writer's unit of work."""

import asyncio

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import sqlite_driver
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWorkFactory
from tests.spying import spy


@pytest.fixture
async def sqlite_engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch):
    """What goes to the connections' threads, by the function sent."""
    return spy(monkeypatch, aiosqlite.Connection, "_execute", lambda _, fn, *args: getattr(fn, "__name__", repr(fn)))


async def test_a_read_is_two_trips_and_a_unit_that_ran_nothing_none(sqlite_engine, trips):
    uow = UnitOfWorkFactory(create_session_factory(sqlite_engine))
    async with uow() as warm:  # the pool's first connection is opened and set up
        await warm.housing._session.execute(text("SELECT 1"))
    trips.clear()

    async with uow() as work:
        await work.housing._session.execute(text("SELECT count(*) FROM note"))
    assert trips == ["_run", "rollback"]

    trips.clear()
    async with uow() as work:
        await work.housing._session.connection()  # BEGIN issued, never used
    assert trips == []


async def test_rows_counts_and_new_ids_come_back_as_before(sqlite_engine):
    async with sqlite_engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO note (body) VALUES ('첫째')"))
        assert inserted.lastrowid == 1
        many = await connection.execute(
            text("INSERT INTO note (body) VALUES (:body)"), [{"body": "둘"}, {"body": "셋"}]
        )
        assert many.rowcount == 2
        changed = await connection.execute(text("UPDATE note SET body = body || '!' WHERE id > 1"))
        assert changed.rowcount == 2
    async with sqlite_engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, body FROM note ORDER BY id"))).all()
        assert [tuple(row) for row in rows] == [(1, "첫째"), (2, "둘!"), (3, "셋!")]
        streamed = await connection.stream(text("SELECT body FROM note ORDER BY id"))
        assert [row.body async for row in streamed] == ["첫째", "둘!", "셋!"]


async def test_a_failed_statement_leaves_the_connection_ready_for_the_next_unit(sqlite_engine):
    uow = UnitOfWorkFactory(create_session_factory(sqlite_engine))
    for _ in range(3):  # the same pooled connection each time
        with pytest.raises(IntegrityError):
            async with uow(write=True) as work:
                session = work.housing._session
                await session.execute(text("INSERT INTO note (body) VALUES ('같은 말')"))
                await session.execute(text("INSERT INTO note (body) VALUES ('같은 말')"))
        async with uow() as work:  # a failed first statement after the deferred BEGIN, then a read
            with pytest.raises(IntegrityError):
                await work.housing._session.execute(text("INSERT INTO note (id, body) VALUES (NULL, NULL)"))
        async with uow() as work:
            assert (await work.housing._session.execute(text("SELECT count(*) FROM note"))).scalar() == 0


async def test_a_writer_holds_the_write_lock_from_the_start_of_its_unit(sqlite_engine):
    uow = UnitOfWorkFactory(create_session_factory(sqlite_engine))
    order: list[str] = []
    first_in = asyncio.Event()

    async def first() -> None:
        async with uow(write=True) as work:
            first_in.set()
            await asyncio.sleep(0.2)  # holds the lock without having written anything yet
            await work.housing._session.execute(text("INSERT INTO note (body) VALUES ('먼저')"))
            await work.commit()
            order.append("first")

    async def second() -> None:
        await first_in.wait()
        async with uow(write=True) as work:
            order.append("second in")
            await work.housing._session.execute(text("INSERT INTO note (body) VALUES ('나중')"))
            await work.commit()

    await asyncio.gather(first(), second())
    assert order == ["first", "second in"]


async def test_a_read_without_a_snapshot_sees_what_was_committed_meanwhile(sqlite_engine, trips):
    uow = UnitOfWorkFactory(create_session_factory(sqlite_engine))
    seen: dict[bool, list[int]] = {}
    for snapshot in (True, False):
        async with uow(snapshot=snapshot) as work:
            session = work.housing._session
            first = (await session.execute(text("SELECT count(*) FROM note"))).scalar_one()
            async with sqlite_engine.begin() as other:  # another staff member's change lands in between
                await other.execute(text("INSERT INTO note (body) VALUES (:body)"), {"body": f"사이 {snapshot}"})
            second = (await session.execute(text("SELECT count(*) FROM note"))).scalar_one()
        seen[snapshot] = [first, second]
    assert seen == {True: [0, 0], False: [1, 2]}


async def test_a_read_without_a_snapshot_runs_in_place_unless_it_takes_too_long(sqlite_engine, trips, monkeypatch):
    uow = UnitOfWorkFactory(create_session_factory(sqlite_engine))
    async with uow() as warm:
        await warm.housing._session.execute(text("INSERT INTO note (body) VALUES ('하나')"))
        await warm.commit()
    trips.clear()

    async with uow(snapshot=False) as work:
        assert (await work.housing._session.execute(text("SELECT body FROM note"))).scalars().all() == ["하나"]
    assert trips == []  # read on the event loop's thread: no trip at all

    counted = (
        "SELECT (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000)"
        " SELECT count(*) FROM n)"
    )
    monkeypatch.setattr(sqlite_driver, "IN_PLACE_LIMIT_S", 0.0005)
    async with uow(snapshot=False) as work:
        assert (await work.housing._session.execute(text(counted))).scalar_one() == 300000
    assert trips == ["_run"]  # interrupted in place, then read whole on the thread


async def test_a_failed_read_in_place_is_the_usual_error_and_the_connection_stays_usable(sqlite_engine):
    uow = UnitOfWorkFactory(create_session_factory(sqlite_engine))
    for _ in range(2):
        async with uow(snapshot=False) as work:
            with pytest.raises(OperationalError, match="no such table"):
                await work.housing._session.execute(text("SELECT * FROM nowhere"))
        async with uow(snapshot=False) as work:
            assert (await work.housing._session.execute(text("SELECT count(*) FROM note"))).scalar_one() == 0


async def test_a_read_in_place_serves_a_core_connection_too(sqlite_engine, trips):
    """SQLAlchemy's AsyncConnection refuses an execution that awaited nothing; a read in place is one. A unit
    without a snapshot reads on such a connection (storage.uow.ReadUnit)."""
    uow = UnitOfWorkFactory(create_session_factory(sqlite_engine))
    async with uow(snapshot=False) as work:
        connection = work.housing._session
        assert isinstance(connection, AsyncConnection)
        assert (await connection.execute(text("SELECT count(*) FROM note"))).scalar_one() == 0
    assert trips == []
