"""SQLAlchemy's aiosqlite adapter with one trip to the connection's thread per statement.

aiosqlite runs each SQLite connection in a thread of its own, and every call into it is a trip there and back:
the adapter SQLAlchemy ships makes four per statement (open a cursor, execute, fetch, close it), three for the
``BEGIN`` of every unit of work, and one to roll back. A trip costs about 0.1 ms of thread hand-over and
event-loop wake-up while the statement itself takes a few microseconds, so a search was nine trips and 1.6 ms
for 0.2 ms of SQLite (benchmarks/README.md, issue 17). Here a statement runs, fetches and closes in one trip;
a plain ``BEGIN``, which SQLite defers to the first statement anyway, goes along with that statement; and a
transaction that never ran a statement ends without a trip. ``BEGIN IMMEDIATE`` still goes at once, since a
writer waits for SQLite's write lock there (storage/db.py). A unit of work whose reads need no snapshot (the
search, a card) makes no trip at all: its reads run on the event loop's thread, up to a few milliseconds each.
Server-side cursors (streamed exports) keep the stock adapter's cursor."""

from __future__ import annotations

import collections
import functools
import sqlite3
import time
from typing import Any, cast

from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_DEFERRED_BEGIN = "BEGIN"

Outcome = tuple[Any, list[Any], int, int | None, bool]  # description, rows, rowcount, lastrowid, in transaction


def _run(
    connection: sqlite3.Connection, begin: bool, operation: str, parameters: Any, *, many: bool = False
) -> Outcome:
    """On the connection's thread: the deferred BEGIN, the statement (``many``: once per set of parameters),
    its rows."""
    if begin:
        connection.execute(_DEFERRED_BEGIN)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid, connection.in_transaction
    finally:
        cursor.close()


_run_many = functools.partial(_run, many=True)


# A read of a unit of work that asked for it (``OneTripConnection.reads_in_place``) runs on the event loop's own
# thread, with no trip at all, for as long as this: every other update waits meanwhile (on the connection's thread
# they would go on), so a read that takes longer is interrupted and sent to the thread after all. The search and a
# card take a fraction of it (benchmarks/README.md).
IN_PLACE_LIMIT_S = 0.004
_PROGRESS_STEPS = 2_000  # SQLite's virtual machine steps between looks at the clock (a few microseconds)


class _Interrupted(Exception):
    pass


def _run_in_place(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    deadline = time.perf_counter() + IN_PLACE_LIMIT_S
    connection.set_progress_handler(lambda: time.perf_counter() > deadline, _PROGRESS_STEPS)
    try:
        return _run(connection, False, operation, parameters)
    except sqlite3.OperationalError as error:
        if time.perf_counter() > deadline and "interrupted" in str(error):
            raise _Interrupted from error
        raise
    finally:
        connection.set_progress_handler(None, 0)


async def _nothing() -> None:
    return None


def _is_read(operation: str) -> bool:
    return operation.lstrip()[:6].upper() == "SELECT"


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A DB-API cursor over a connection's thread that holds no aiosqlite cursor: each statement is one trip,
    its rows kept here for SQLAlchemy to fetch."""

    __slots__ = ("_description", "_lastrowid", "_rowcount", "_trips")
    _awaitable_cursor_close = False  # nothing to close on the thread: the statement's cursor closed there

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        self._adapt_connection = adapt_connection
        self._trips = cast(OneTripConnection, adapt_connection)
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        connection = self._trips
        if operation == _DEFERRED_BEGIN:
            connection.begin_pending = True
            self._description, self._rowcount = None, -1
            return None
        if operation.startswith("BEGIN"):  # BEGIN IMMEDIATE replaces a plain one that never ran
            connection.begin_pending = False
        if connection.reads_in_place and _is_read(operation) and not connection.begin_pending:
            try:
                self._keep(connection.in_place(operation, parameters))
                # SQLAlchemy's AsyncConnection takes an execution that awaited nothing for a driver that is not
                # asynchronous at all, and refuses it; this one awaited nothing by design.
                await_(_nothing())
                return None
            except _Interrupted:
                pass  # too long to hold the loop for: on the thread, from the start
            except Exception as error:
                connection._handle_exception(error)
        try:
            outcome = await_(connection.on_thread(_run, operation, parameters))
        except Exception as error:
            connection._handle_exception(error)
        self._keep(outcome)
        return None

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection = self._trips
        try:
            outcome = await_(connection.on_thread(_run_many, operation, list(seq_of_parameters)))
        except Exception as error:
            connection._handle_exception(error)
        self._keep(outcome)
        return None

    def _keep(self, outcome: Outcome) -> None:
        self._description, rows, self._rowcount, self._lastrowid, self._trips.in_transaction = outcome
        self._rows = collections.deque(rows)

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("begin_pending", "in_transaction", "reads_in_place")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.begin_pending = False
        # Set per transaction by storage.db's BEGIN listener: the unit of work's reads need no snapshot, so
        # run no BEGIN and may read in place.
        self.reads_in_place = False
        # Whether SQLite had a transaction open after the last statement: the pool rolls back every connection
        # it takes back, after the session's own rollback, and a second trip to end nothing is the commonest.
        self.in_transaction = True

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:  # the stock cursor's statements do not report the transaction's state here
            self.in_transaction = True
        return super().cursor(server_side)

    async def on_thread(self, function: Any, operation: str, parameters: Any) -> Outcome:
        """``function(sqlite3 connection, begin, operation, parameters)`` on the connection's thread, in turn
        with the connection's other calls; a pending BEGIN goes with it."""
        async with self._execute_mutex:
            begin, self.begin_pending = self.begin_pending, False
            self.in_transaction = True  # until the statement reports it: one that fails may leave it open
            # aiosqlite's own calls all go through _execute, which queues a function for its thread.
            return await self._connection._execute(  # type: ignore[no-any-return]
                function, self._connection._conn, begin, operation, parameters
            )

    def in_place(self, operation: str, parameters: Any) -> Outcome:
        """The statement run here, on the event loop's thread; ``_Interrupted`` past ``IN_PLACE_LIMIT_S``. Only
        between the connection's own calls: none is on its thread (SQLAlchemy awaits each one)."""
        if self._execute_mutex.locked():
            raise _Interrupted
        self.in_transaction = True
        return _run_in_place(self._connection._conn, operation, parameters)

    def rollback(self) -> None:
        if self._nothing_to_end():
            return
        super().rollback()
        self.in_transaction = False

    def commit(self) -> None:
        if self._nothing_to_end():
            return
        super().commit()
        self.in_transaction = False

    def _nothing_to_end(self) -> bool:
        """True when no transaction is open: none since the last end, or only a BEGIN that never ran (SQLite
        opens it at the first statement)."""
        pending, self.begin_pending = self.begin_pending, False
        return pending or not self.in_transaction


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        stock = super().connect(*arg, **kw)
        return OneTripConnection(self, stock._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    """The DB-API module for ``create_async_engine(..., module=...)`` on a ``sqlite+aiosqlite`` URL."""
    import aiosqlite

    return OneTripDBAPI(aiosqlite, sqlite3)
