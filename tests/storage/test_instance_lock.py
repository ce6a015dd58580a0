"""The lock that lets one process serve a bot token from one database, and makes others wait for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import create_engine
from storage.instance_lock import AdvisoryLock, FileLock, InstanceLock, instance_lock

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
async def locks(database_url: str) -> AsyncIterator[Callable[[str], InstanceLock]]:
    """Locks as separate processes would take them: each through an engine of its own."""
    made: list[tuple[AsyncEngine, InstanceLock]] = []

    def lock(token: str) -> InstanceLock:
        engine = create_engine(database_url)
        made.append((engine, instance_lock(engine, token)))
        return made[-1][1]

    yield lock
    for engine, held in made:
        await held.release()
        await engine.dispose()


async def end_lock_sessions(engine: AsyncEngine) -> None:
    """End the lock's session on the server and wait until it has ended (and its locks with it)."""
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                " WHERE application_name = 'dongne bot instance lock' AND datname = current_database()"
            )
        )
        await connection.commit()


async def test_one_holder_per_token_until_it_lets_go(locks):
    first, second, other_bot = locks(TOKEN), locks(TOKEN), locks("654321:ANOTHER-bot")
    assert await first.acquire()
    assert not await second.acquire()
    assert not await second.held()
    assert await other_bot.acquire()  # another bot on the same database is served by its own process
    assert await first.held()
    await first.release()
    assert await second.acquire()
    assert not await first.acquire()


async def test_the_token_itself_is_never_the_key(locks, engine):
    lock = locks(TOKEN)
    assert await lock.acquire()
    if isinstance(lock, FileLock):
        assert "TEST-token" not in lock.path.name and "123456" not in lock.path.name
        return
    async with engine.connect() as connection:
        keys = (await connection.execute(text("SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory'"))).all()
    assert len(keys) == 1 and "123456" not in str(keys)


async def test_a_holder_that_lost_its_lock_knows_it(locks, database_url, engine):
    first, second = locks(TOKEN), locks(TOKEN)
    assert await first.acquire()
    if isinstance(first, FileLock):
        first.path.unlink()  # a new file: the next process locks that one
    else:  # the server ended the session (restarted, or the network dropped it)
        await end_lock_sessions(engine)
    assert await second.acquire()
    assert not await first.held()


async def test_a_broken_connection_is_replaced_while_nobody_else_took_the_lock(locks, engine):
    first, second = locks(TOKEN), locks(TOKEN)
    assert await first.acquire()
    if not isinstance(first, FileLock):
        await end_lock_sessions(engine)
    assert await first.held()
    assert not await second.acquire()


async def test_a_holder_serves_on_while_the_database_does_not_answer(locks, engine):
    first = locks(TOKEN)
    assert await first.acquire()
    if isinstance(first, AdvisoryLock):  # a lock file cannot become unreachable
        reachable = first._engine
        await end_lock_sessions(engine)
        first._engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/dongne", poolclass=NullPool)
        # Nobody can take the lock meanwhile, so stopping the bot would only leave the office without one.
        assert await first.held()
        await first._engine.dispose()
        first._engine = reachable
    assert await first.held()  # the database is back: the lock is taken again on a new connection
    assert not await locks(TOKEN).acquire()
