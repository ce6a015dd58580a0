"""A district whose every table holds rows, for the tests of backups and copies between engines: the demo district
(bot/demo_data), plus a row of its own in each table the demo leaves empty, with values that test the archive's
encoding (a timestamp's microseconds, a decimal's trailing zero, bytes, JSON with Korean text, false)."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, Numeric, Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.demo_data import load_demo_district
from core.clock import Clock
from storage.archive.rows import tables_in_order
from storage.uow import UnitOfWorkFactory
from tests.conftest import _truncate

# Values a column's check constraint allows, where the generic value would not.
ALLOWED = {
    ("complaint", "state"): "closed",
    ("complaint", "channel"): "phone",
}


def _value(table: Table, column: Any, references: dict[str, Any]) -> Any:
    if (table.name, column.name) in ALLOWED:
        return ALLOWED[(table.name, column.name)]
    if column.name in references:
        return references[column.name]
    kind = column.type
    if isinstance(kind, DateTime):
        return datetime(2026, 11, 24, 23, 59, 58, 123456, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2026, 2, 28)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, LargeBinary):
        return bytes(range(256))
    if isinstance(kind, JSON):
        return {"이름": "성수동 ✓", "list": [1, 2.5, None, True], "nested": {"b": 1, "a": "\n"}}
    if isinstance(kind, Float):
        return 0.1
    if isinstance(kind, Numeric):
        return Decimal("12.50")
    if isinstance(kind, Integer):
        return 1
    length = getattr(kind, "length", None) or 20
    return "가나다 'x' \\ \t"[:length]


async def load_full_district(engine: AsyncEngine, uow: UnitOfWorkFactory, clock: Clock) -> None:
    await load_demo_district(uow, clock)
    async with engine.begin() as connection:
        for table in tables_in_order():
            if await connection.scalar(select(func.count()).select_from(table)):
                continue
            references = {}
            for fk in table.foreign_keys:
                if fk.column.table is not table:
                    references[fk.parent.name] = await connection.scalar(select(func.min(fk.column)))
            # A lone integer key is left to the database, so its sequence moves on as in the office's own use.
            key = list(table.primary_key.columns)
            lone = len(key) == 1 and isinstance(key[0].type, Integer) and not key[0].foreign_keys
            generated = {key[0].name} if lone else set()
            row = {c.name: _value(table, c, references) for c in table.columns if c.name not in generated}
            await connection.execute(table.insert(), row)


@pytest.fixture(name="other_url")
async def other_url_fixture(database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database on the engine the test's own database (``database_url``) is not."""
    if database_url.startswith("sqlite"):
        url: str = request.getfixturevalue("postgres_database")
        await _truncate(url)
        return url
    path = tmp_path / "other.sqlite3"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite+aiosqlite:///{path}"
