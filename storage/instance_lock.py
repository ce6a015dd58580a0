"""One serving bot process per bot token and database: the lock behind ``dongne run``'s standby.

python-telegram-bot loads dialogue state once at start and keeps it in memory, and Telegram hands each
update to whichever process polls first, so two processes on one token split the updates and each works
from its own copy of the dialogues. The lock must be released by the operating system however its holder
dies, kill -9 included, and must never be taken from a holder that is merely slow:

- PostgreSQL: a session-level advisory lock, held on a dedicated connection for the life of the process.
  The server drops it when that session ends: at once when the process dies (the kernel closes its socket),
  and within seconds when its machine vanishes, through the TCP keepalives set on the session below.
- SQLite: an OS file lock (``flock``) on a file beside the database, which the kernel releases when the
  process dies. A lease row would need a heartbeat, and an event loop busy for a while (a large Excel
  export) would miss it and let a second process in while the first still serves.

The key is derived from a hash of the token, never the token itself: advisory locks are visible to every
database user in ``pg_locks``, and the lock file's name is visible to anyone who can list the directory."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

# A vanished machine's session ends after idle + interval * count seconds (5 + 2 * 3 = 11 s), so a
# standby elsewhere takes over within seconds, not after the operating system's two-hour default.
KEEPALIVES = {"tcp_keepalives_idle": "5", "tcp_keepalives_interval": "2", "tcp_keepalives_count": "3"}
# A check on a held lock that takes longer than this means the connection is gone.
CHECK_TIMEOUT = 5.0
APPLICATION_NAME = "dongne bot instance lock"  # how an operator finds the lock's session in pg_stat_activity
UNREACHABLE = (DBAPIError, OSError, TimeoutError)


class InstanceLock(Protocol):
    async def acquire(self) -> bool:
        """Take the lock if no other process holds it; True when this process holds it now."""

    async def held(self) -> bool:
        """Whether this process still holds the lock (PostgreSQL: re-taken on a new connection when the old
        one broke and nobody else took it meanwhile)."""

    async def release(self) -> None: ...


def token_digest(token: str) -> bytes:
    return hashlib.sha256(b"dongne bot token\x00" + token.encode()).digest()


def instance_lock(engine: AsyncEngine, token: str) -> InstanceLock:
    """The lock for serving ``token`` from the database behind ``engine``."""
    digest = token_digest(token)
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, int.from_bytes(digest[:8], "big", signed=True))
    database = engine.url.database or ""
    if not database or database == ":memory:":
        return ProcessLock()  # a private database: no other process can share it
    path = Path(database)
    return FileLock(path.with_name(f"{path.name}.bot-{digest[:8].hex()}.lock"))


class AdvisoryLock:
    def __init__(self, engine: AsyncEngine, key: int) -> None:
        # Its own engine without a pool: the lock lives as long as the session, so the connection must be
        # really closed on release, never handed back to a pool with the lock still on it.
        self._engine = create_async_engine(
            engine.url,
            poolclass=NullPool,
            connect_args={"server_settings": {**KEEPALIVES, "application_name": APPLICATION_NAME}},
        )
        self._key = key
        self._connection: AsyncConnection | None = None
        self._held = False

    async def acquire(self) -> bool:
        try:
            return await self._take()
        except UNREACHABLE as error:
            log.warning("instance lock: the database does not answer: %s", error)
            await self._drop_connection()
            return False

    async def held(self) -> bool:
        if not self._held:
            return False
        try:
            if self._connection is not None:
                await asyncio.wait_for(self._connection.scalar(text("SELECT 1")), CHECK_TIMEOUT)
                await self._connection.commit()
                return True
        except UNREACHABLE as error:
            log.warning("instance lock: its connection broke, taking the lock again: %s", error)
            await self._drop_connection()
        try:
            return await self._take()
        except UNREACHABLE as error:
            # Nobody can take the lock from an unreachable database either: serve on, and whoever reaches it
            # first when it is back serves from then on (the other one stops, or goes on waiting).
            log.warning("instance lock: the database does not answer, serving on until it does: %s", error)
            await self._drop_connection()
            return True

    async def release(self) -> None:
        if self._connection is not None and self._held:
            with contextlib.suppress(*UNREACHABLE):
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
        self._held = False
        await self._drop_connection()
        await self._engine.dispose()

    async def _take(self) -> bool:
        if self._connection is None:
            self._connection = await self._engine.connect()
        statement = text("SELECT pg_try_advisory_lock(:key)")
        self._held = bool(await self._connection.scalar(statement, {"key": self._key}))
        await self._connection.commit()  # the lock is the session's; no transaction stays open
        return self._held

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # Thrown away, never reused: a broken connection may fail to close in any way, which changes nothing.
            with contextlib.suppress(Exception):
                await connection.invalidate()
                await connection.close()


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    async def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        # For an operator wondering which process serves: the holder's pid (the lock is the flock, not this).
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    async def held(self) -> bool:
        """Also False when the lock file was removed or replaced: a new process would lock the new file."""
        if self._fd is None:
            return False
        try:
            return os.path.samestat(os.fstat(self._fd), os.stat(self.path))
        except FileNotFoundError:
            return False

    async def release(self) -> None:
        # The file stays: removing it could slip between another process's open and its flock.
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class ProcessLock:
    """For an in-memory database, which only this process sees."""

    def __init__(self) -> None:
        self._held = False

    async def acquire(self) -> bool:
        self._held = True
        return True

    async def held(self) -> bool:
        return self._held

    async def release(self) -> None:
        self._held = False
