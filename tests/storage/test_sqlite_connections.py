"""Every SQLite connection is set up alike: foreign keys enforced, WAL for readers beside the writer, and a
small page cache of its own (the operating system caches the file for all of them)."""

import pytest
from sqlalchemy import text

from storage.db import create_engine


@pytest.fixture
async def sqlite_engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'dongne.sqlite3'}")
    yield engine
    await engine.dispose()


async def test_each_connection_enforces_foreign_keys_runs_in_wal_and_keeps_a_small_page_cache(sqlite_engine):
    async with sqlite_engine.connect() as first, sqlite_engine.connect() as second:
        for connection in (first, second):
            pragmas = [
                (await connection.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "cache_size")
            ]
            assert pragmas == [1, "wal", 1, -512]
