"""Schema upgrades through Alembic, callable from the CLI, the demo and the tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _migrate(engine, _upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _migrate(engine, _downgrade, revision)


class ForeignKeysBroken(RuntimeError):
    """A migration left rows that name a missing row; it was rolled back."""


async def _migrate(engine: AsyncEngine, step: Callable[[Connection, str], None], revision: str) -> None:
    """One transaction for the whole walk. On SQLite, foreign keys are off while it lasts: Alembic's batch mode
    changes a table by copying it, dropping the old one and renaming the copy, and with foreign keys on,
    dropping the old ``complex`` deletes every representative, group and photo that names it (ON DELETE
    CASCADE). The pragma is ignored inside a transaction, so it is set around it, and the rows are checked
    before the commit instead."""
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await _sqlite_foreign_keys(connection, on=False)
        try:
            async with connection.begin():
                await connection.run_sync(step, revision)
                if sqlite:
                    await connection.run_sync(_check_foreign_keys)
        finally:
            if sqlite:
                await _sqlite_foreign_keys(connection, on=True)


async def _sqlite_foreign_keys(connection: AsyncConnection, *, on: bool) -> None:
    def switch(sync: Connection) -> None:
        # On the driver's connection itself: through SQLAlchemy, the statement would open a transaction first.
        cursor = sync.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
        cursor.close()

    await connection.run_sync(switch)


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise ForeignKeysBroken(f"{len(broken)} rows name a missing row, first {tuple(broken[0])}")


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def is_up_to_date(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()


def is_known_revision(revision: str | None) -> bool:
    """Whether ``revision`` is one of this version's migrations (an older schema than head, or head itself)."""
    if revision is None:
        return False
    scripts = ScriptDirectory.from_config(alembic_config())
    return any(script.revision == revision for script in scripts.walk_revisions())
