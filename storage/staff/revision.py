"""The staff counter (``staff_revision``, migration 0020) read as cheaply as the engine allows.

The access gate reads it for every update. On SQLite a unit of work costs a pool checkout, BEGIN, the select
and a rollback, each a hop to aiosqlite's thread: about 0.8 ms, as much as reading the member itself. Here it
is one select on a connection of its own that only ever reads, run in place: in WAL mode a reader waits for
no writer and the row's page sits in memory, so it takes microseconds (``benchmarks/README.md``). Any other
engine reads it in a unit of work."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

_READ = "SELECT revision FROM staff_revision WHERE id = 1"


class SqliteRevisionReader:
    def __init__(self, database: Path) -> None:
        self._database = database
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one statement at a time on the connection, whichever thread asks

    @classmethod
    def for_url(cls, url: URL) -> SqliteRevisionReader | None:
        """A reader for a SQLite file; None for another engine or an in-memory database."""
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return cls(Path(url.database))

    def read(self) -> int | None:
        """The counter, or None when it cannot be read here (the caller then reads it in a unit of work)."""
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = sqlite3.connect(self._database, timeout=0.5, check_same_thread=False)
                row = self._connection.execute(_READ).fetchone()
            except sqlite3.Error as error:
                log.warning("could not read the staff revision from %s: %s", self._database, error)
                self.close()
                return None
        return int(row[0]) if row is not None else None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
