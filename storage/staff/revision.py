"""The staff counter (``staff_revision``, migration 0020) read as cheaply as the engine allows.

The access gate reads it for every update. In a unit of work that costs a pool checkout, BEGIN, the select and
a rollback: about 0.8 ms on SQLite (each step a hop to aiosqlite's thread) and 1 ms on PostgreSQL (each a round
trip, the checkout's ping included), as much as reading the member itself. Here it is one select on a
connection of the reader's own that does nothing else: on SQLite run in place (in WAL mode a reader waits for
no writer and the row's page sits in memory, so it takes microseconds); on PostgreSQL one round trip (about
0.1 ms, more after a pause), and only when the counter may have moved: the connection listens for the
notification the counter's trigger sends (migration 0022). Figures: ``benchmarks/README.md``.

When the side connection cannot be had (an in-memory database, a refused connection, no counter yet), ``read``
answers None and the caller reads the counter in a unit of work; after a failure the reader rests a while
rather than failing, and logging, on every update."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

_READ = "SELECT revision FROM staff_revision WHERE id = 1"
REST_SECONDS = 30.0
CHANNEL = "staff_revision"  # migration 0022 notifies it when the counter moves
TRUSTED_S = 1.0  # on PostgreSQL, the longest a counter read stands without a notification


class RevisionReader:
    """One engine's side connection; ``read`` is None when the caller must read the counter itself."""

    def __init__(self) -> None:
        self._resting_until = 0.0

    @staticmethod
    def for_url(url: URL) -> RevisionReader | None:
        backend = url.get_backend_name()
        if backend == "sqlite" and url.database and url.database != ":memory:":
            return SqliteRevisionReader(Path(url.database))
        if backend == "postgresql" and url.get_driver_name() == "asyncpg":
            return PostgresRevisionReader(url)
        return None

    async def read(self) -> int | None:
        if time.monotonic() < self._resting_until:
            return None
        try:
            return await self._read()
        except Exception as error:  # the unit of work's read stands in; the operator hears why, once a while
            log.warning("could not read the staff revision on a side connection (%s); reading it per update", error)
            self._resting_until = time.monotonic() + REST_SECONDS
            await self.close()
            return None

    def changed(self) -> None:
        """This process committed a change: the counter may have moved (SQLite's reader reads it every time)."""

    async def _read(self) -> int | None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class SqliteRevisionReader(RevisionReader):
    def __init__(self, database: Path) -> None:
        super().__init__()
        self._database = database
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one statement at a time on the connection, whichever thread asks

    async def _read(self) -> int | None:
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(self._database, timeout=0.5, check_same_thread=False)
            row = self._connection.execute(_READ).fetchone()
        return int(row[0]) if row is not None else None

    async def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


class PostgresRevisionReader(RevisionReader):
    """Listens on ``staff_revision`` (migration 0022) and reads the counter only when it may have moved: after a
    notification, after a change this process committed (``changed``, before the notification could arrive),
    on a new connection, and at least every ``TRUSTED_S`` in case the connection was cut without a word. Any
    other update costs no round trip."""

    def __init__(self, url: URL) -> None:
        super().__init__()
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection: Any = None
        self._lock: asyncio.Lock | None = None
        self._known: int | None = None
        self._read_at = 0.0
        self._stale = True

    def changed(self, *_notification: object) -> None:
        self._stale = True

    async def _read(self) -> int | None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # one query at a time on an asyncpg connection
            if self._connection is None or self._connection.is_closed():
                self._stale = True
                self._connection = await asyncpg.connect(self._dsn, timeout=5)
                # Whoever forgets to close the factory still leaves no connection open behind them.
                weakref.finalize(self, _terminate, self._connection)
                await self._connection.add_listener(CHANNEL, self.changed)  # before the read, so none is missed
            now = time.monotonic()
            if not self._stale and now - self._read_at < TRUSTED_S:
                return self._known
            self._stale = False  # a notification arriving during the read marks it stale again
            revision = await self._connection.fetchval(_READ)
            self._known = int(revision) if revision is not None else None
            self._read_at = now
        return self._known

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            await connection.close(timeout=2)


def _terminate(connection: Any) -> None:
    try:
        if not connection.is_closed():
            connection.terminate()
    except Exception:  # at interpreter exit, or on a loop already closed: the server drops it
        log.debug("could not terminate the staff revision's connection", exc_info=True)
