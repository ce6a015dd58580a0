"""Writing a generated benchmarking history (demo data, a benchmark's data set) in a few statements, inside
the caller's unit of work.

``BenchmarkRepository`` writes one case, one event, one file at a time, as the services need; a demo of
two hundred cases with their histories goes in as one executemany per table. Values arrive already
checked (storage knows no domain rules); which columns they fill is ``storage.benchmark.rows``' business."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.benchmark.values import LoadedCase, NewAttachment, NewEvent, QuarterSerial
from storage.benchmark.models import BenchmarkAttachment, BenchmarkCase, BenchmarkCaseSerial, BenchmarkEvent
from storage.benchmark.rows import loaded_case_columns
from storage.columns import columns
from storage.staff.models import Staff

_CASE: Table = BenchmarkCase.__table__  # type: ignore[assignment]
_SERIAL: Table = BenchmarkCaseSerial.__table__  # type: ignore[assignment]
_EVENT: Table = BenchmarkEvent.__table__  # type: ignore[assignment]
_ATTACHMENT: Table = BenchmarkAttachment.__table__  # type: ignore[assignment]


class DemoBenchmarkRows:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _connection(self) -> AsyncConnection:
        return await self._session.connection()

    async def lock(self) -> None:
        """Keep registrations out until commit, so the emptiness check stays true and no number is taken in
        between. SQLite's write transaction (BEGIN IMMEDIATE) already excludes other writers."""
        connection = await self._connection()
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text("LOCK TABLE benchmark_case, benchmark_case_serial IN SHARE ROW EXCLUSIVE MODE")
            )

    async def count_existing(self) -> tuple[int, int]:
        """(cases, quarters with a serial counter) already there."""
        connection = await self._connection()
        cases = await connection.scalar(select(func.count()).select_from(_CASE))
        serials = await connection.scalar(select(func.count()).select_from(_SERIAL))
        return int(cases or 0), int(serials or 0)

    async def taken_saeol_ids(self, saeol_ids: Iterable[str]) -> list[str]:
        wanted = list(saeol_ids)
        if not wanted:
            return []
        connection = await self._connection()
        found = await connection.scalars(select(Staff.saeol_id).where(Staff.saeol_id.in_(wanted)))
        return sorted(found)

    async def insert_cases(self, cases: Sequence[LoadedCase]) -> list[int]:
        """Ids of the inserted cases, in the order of ``cases``."""
        if not cases:
            return []
        connection = await self._connection()
        result = await connection.execute(
            insert(_CASE).returning(_CASE.c.id, sort_by_parameter_order=True),
            [loaded_case_columns(case) for case in cases],
        )
        return [int(case_id) for case_id in result.scalars()]

    async def insert_events(self, events: Sequence[NewEvent]) -> None:
        await self._insert(_EVENT, [columns(event) for event in events])

    async def insert_attachments(self, attachments: Sequence[NewAttachment]) -> None:
        await self._insert(_ATTACHMENT, [columns(attachment) for attachment in attachments])

    async def insert_serials(self, serials: Sequence[QuarterSerial]) -> None:
        """The next registration of a quarter continues after the last loaded number."""
        await self._insert(_SERIAL, [columns(serial) for serial in serials])

    async def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            connection = await self._connection()
            await connection.execute(insert(table), rows)
