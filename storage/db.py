"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util.concurrency import await_

from storage.sqlite_driver import OneTripConnection, one_trip_dbapi

# Connections kept per engine when the settings do not say (as many more are opened at a peak). SQLite's come
# with a thread and a page cache each (about 2 MB), and its one writer and the process's one interpreter lock
# gain nothing from more: at 100 staff at once, 10 connections carried 91 % of 40's updates with 66 MB less
# (benchmarks/README.md). PostgreSQL's server does the work, so updates at once rarely queue for one.
SQLITE_POOL_SIZE = 5
POSTGRES_POOL_SIZE = 20


def create_engine(url: str, *, echo: bool = False, pool_size: int | None = None) -> AsyncEngine:
    """``pool_size`` connections kept (the engine's default above when None), as many more opened at a peak."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One writer at a time is SQLite's rule; the busy timeout makes writers queue instead of failing.
        # An in-memory database is one connection (SQLAlchemy's StaticPool), which takes no sizes.
        kept = pool_size or SQLITE_POOL_SIZE
        sizes = {"pool_size": kept, "max_overflow": kept} if database not in ("", ":memory:") else {}
        # One trip to the connection's thread per statement instead of four, and a short read of a unit of work
        # without a snapshot none, run on the event loop's thread (storage/sqlite_driver.py).
        connect_args = {"timeout": 30, "check_same_thread": False}
        engine = create_async_engine(url, echo=echo, connect_args=connect_args, module=one_trip_dbapi(), **sizes)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    kept = pool_size or POSTGRES_POOL_SIZE
    engine = create_async_engine(url, echo=echo, pool_size=kept, max_overflow=kept)
    event.listen(engine.sync_engine.pool, "checkin", _note_returned)
    event.listen(engine.sync_engine.pool, "checkout", _check_still_connected)
    return engine


# A pooled PostgreSQL connection is asked whether it still answers only when it lay idle long enough to have been
# cut off unnoticed (a firewall, a failover); one the server closed (a restart) asyncpg already knows to be closed.
# SQLAlchemy's pool_pre_ping asks every time, and outside a transaction its asyncpg ping is BEGIN, a query and
# ROLLBACK: three round trips before each unit of work's first statement (issue 17).
IDLE_BEFORE_PING_S = 30.0
_RETURNED_AT = "dongne_returned_at"


def _note_returned(_dbapi_connection: Any, record: Any) -> None:
    record.info[_RETURNED_AT] = time.monotonic()


def _check_still_connected(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    driver = dbapi_connection.driver_connection
    if driver.is_closed():
        raise DisconnectionError("the server closed the connection")
    returned = record.info.get(_RETURNED_AT)
    if returned is not None and time.monotonic() - returned > IDLE_BEFORE_PING_S:
        try:
            await_(driver.fetchrow(";"))
        except Exception as exc:  # the pool replaces it with a new connection (and says so in its log)
            raise DisconnectionError("the connection stopped answering") from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 512 KiB of pages per connection instead of 2 MB: the operating system caches the file for all of them,
    # and ten connections' own caches filled to 2 MB under load were 20 MB of the bot's memory (issue 17).
    cursor.execute("PRAGMA cache_size=-512")
    cursor.close()


WRITE_OPTION = "dongne_write"


# A unit of work whose statements need not see one snapshot (a read of one statement, say) runs them outside a
# transaction: no BEGIN and no ROLLBACK to wait for, two of a PostgreSQL read's four round trips.
NO_SNAPSHOT_OPTION = "dongne_no_snapshot"


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails at once with "database is locked" when
    # another writer got in between; a unit of work that will write takes the write lock at BEGIN so
    # writers wait their turn (busy timeout), while readers keep WAL's concurrent snapshots.
    options = connection.get_execution_options()
    alone = bool(options.get(NO_SNAPSHOT_OPTION))
    driver = connection.connection.dbapi_connection
    if isinstance(driver, OneTripConnection):
        driver.reads_in_place = alone  # short reads on the event loop's thread (storage/sqlite_driver.py)
    if options.get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif not alone:
        connection.exec_driver_sql("BEGIN")


def no_snapshot_options(engine: AsyncEngine) -> dict[str, Any]:
    """Execution options for a connection whose statements each read on their own. SQLite's connections are
    already in autocommit (BEGIN is ours, above); PostgreSQL's take SQLAlchemy's AUTOCOMMIT, which asyncpg sets
    without a round trip. (pysqlite's AUTOCOMMIT would change the connection's own transaction handling, which
    _sqlite_pragmas turned off.)"""
    if engine.dialect.name == "sqlite":
        return {NO_SNAPSHOT_OPTION: True}
    return {NO_SNAPSHOT_OPTION: True, "isolation_level": "AUTOCOMMIT"}


# What a repository reads through: a unit of work's session, or a read unit's Core connection (storage/uow.py),
# which spares the ORM's work on each statement. Both run a statement with its values and give rows or a scalar.
Reader = AsyncSession | AsyncConnection


def dialect_of(reader: Reader) -> str:
    return reader.dialect.name if isinstance(reader, AsyncConnection) else reader.get_bind().dialect.name


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"
