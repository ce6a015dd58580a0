"""Loading many complexes at once (demo data, benchmarks, a whole registry's import) with SQLAlchemy Core.

The ORM's unit-of-work bookkeeping costs more than the insert itself at this size, so rows go in as lists of
plain dicts, a chunk per executemany. Complex ids are handed out here rather than returned by the database:
children then need no round trip, and the same code runs on SQLite and PostgreSQL. The caller holds the
write lock for the whole load (``lock_complexes``), so nobody else can take an id in between.

Drafts arrive already checked (storage knows no domain rules); which column each of their fields fills is
decided here, and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.housing.values import (
    AdminDongDraft,
    ComplexBundle,
    ComplexDraft,
)
from storage.columns import columns
from storage.housing.models import Complex, ManagementOffice, Representative, ResidentGroup, SupportProject
from storage.reference.models import AdminDong, Position
from storage.search_keys import name_key

T = TypeVar("T")

DEFAULT_CHUNK = 5_000  # rows per executemany: large enough to amortise, small enough to bound driver memory

_COMPLEX: Table = Complex.__table__  # type: ignore[assignment]
_OFFICE: Table = ManagementOffice.__table__  # type: ignore[assignment]
_REPRESENTATIVE: Table = Representative.__table__  # type: ignore[assignment]
_GROUP: Table = ResidentGroup.__table__  # type: ignore[assignment]
_PROJECT: Table = SupportProject.__table__  # type: ignore[assignment]
_ADMIN_DONG: Table = AdminDong.__table__  # type: ignore[assignment]


@dataclass(slots=True)
class BulkCounts:
    complexes: int = 0
    buildings: int = 0
    households: int = 0
    offices: int = 0
    representatives: int = 0
    groups: int = 0
    projects: int = 0


@dataclass(slots=True)
class _Batch:
    complexes: list[dict[str, Any]] = field(default_factory=list)
    offices: list[dict[str, Any]] = field(default_factory=list)
    representatives: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)


class BulkRepository:
    """Bulk writes inside one unit of work's transaction."""

    def __init__(self, session: AsyncSession, *, chunk_size: int = DEFAULT_CHUNK) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        self._session = session
        self._chunk_size = chunk_size

    async def _connection(self) -> AsyncConnection:
        return await self._session.connection()

    async def lock_complexes(self) -> None:
        """Keep other writers of ``complex`` out until commit, so an emptiness check stays true and the ids
        handed out stay free. SQLite's write transaction (BEGIN IMMEDIATE) already excludes other writers."""
        connection = await self._connection()
        if connection.dialect.name == "postgresql":
            await connection.execute(text("LOCK TABLE complex IN SHARE ROW EXCLUSIVE MODE"))

    async def count_complexes(self) -> int:
        connection = await self._connection()
        return int(await connection.scalar(select(func.count()).select_from(_COMPLEX)) or 0)

    async def position_ids(self) -> dict[str, int]:
        connection = await self._connection()
        rows = await connection.execute(select(Position.id, Position.name))
        return {name: id_ for id_, name in rows}

    async def ensure_admin_dongs(self, dongs: Sequence[AdminDongDraft]) -> dict[str, int]:
        """Ids of the given 행정동 by name, inserting those not there yet (a district seeded earlier keeps its own)."""
        connection = await self._connection()
        existing = {name: id_ for id_, name in await connection.execute(select(AdminDong.id, AdminDong.name))}
        missing = [d for d in dongs if d.name not in existing]
        if missing:
            rows = [{"name": d.name, "short_name": d.short_name, "sort_order": d.sort_order} for d in missing]
            for chunk in _chunks(rows, self._chunk_size):
                await connection.execute(insert(_ADMIN_DONG), chunk)
            existing = {name: id_ for id_, name in await connection.execute(select(AdminDong.id, AdminDong.name))}
        return {d.name: existing[d.name] for d in dongs}

    async def insert_complexes(
        self,
        bundles: Iterable[ComplexBundle],
        *,
        admin_dong_ids: Mapping[str, int],
        position_ids: Mapping[str, int],
        updated_at: datetime,
    ) -> BulkCounts:
        """Insert complexes with their offices, representatives, groups and projects; any iterable works, so a
        generator keeps only one chunk of a large load in memory at a time. Dongs and positions are named in
        the drafts; ``admin_dong_ids`` and ``position_ids`` give their ids (the caller has checked that every
        name is there)."""
        connection = await self._connection()
        next_id = int(await connection.scalar(select(func.coalesce(func.max(_COMPLEX.c.id), 0))) or 0) + 1
        counts = BulkCounts()
        ids_by_name: dict[str, int] = {}
        shared: list[tuple[int, str]] = []
        for chunk in _chunks(bundles, self._chunk_size):
            batch = _Batch()
            for bundle in chunk:
                if bundle.shares_buildings_with:
                    shared.append((next_id, bundle.shares_buildings_with))
                ids_by_name[bundle.complex.name] = next_id
                _add_bundle(batch, bundle, next_id, admin_dong_ids, position_ids, updated_at, counts)
                next_id += 1
            for table, rows in (
                (_COMPLEX, batch.complexes),
                (_OFFICE, batch.offices),
                (_REPRESENTATIVE, batch.representatives),
                (_GROUP, batch.groups),
                (_PROJECT, batch.projects),
            ):
                for part in _chunks(rows, self._chunk_size):
                    await connection.execute(insert(table), part)
        if shared:
            # Hosts may come after their rentals in the load, so links are set once every id exists.
            await connection.execute(
                update(_COMPLEX)
                .where(_COMPLEX.c.id == bindparam("rental"))
                .values(buildings_shared_with_id=bindparam("host")),
                [{"rental": rental, "host": ids_by_name[host]} for rental, host in shared],
            )
        if counts.complexes and connection.dialect.name == "postgresql":
            # Explicit ids do not move PostgreSQL's sequence; without this the next ordinary insert collides.
            await connection.execute(
                text("SELECT setval(pg_get_serial_sequence('complex', 'id'), (SELECT max(id) FROM complex))")
            )
        return counts


def _add_bundle(
    batch: _Batch,
    bundle: ComplexBundle,
    complex_id: int,
    admin_dong_ids: Mapping[str, int],
    position_ids: Mapping[str, int],
    updated_at: datetime,
    counts: BulkCounts,
) -> None:
    c = bundle.complex
    admin_dong_id = admin_dong_ids[c.admin_dong]
    batch.complexes.append(
        {
            **_complex_row(c, admin_dong_id),
            "id": complex_id,
            "name_key": name_key(c.name),
            "updated_at": updated_at,
            "version": 1,
        }
    )
    counts.complexes += 1
    counts.buildings += c.building_count
    counts.households += c.household_count
    if bundle.office is not None:
        batch.offices.append(columns(bundle.office, complex_id=complex_id))
        counts.offices += 1
    batch.representatives.extend(
        columns(
            r,
            skip=("position",),
            complex_id=complex_id,
            admin_dong_id=admin_dong_id,
            position_id=position_ids[r.position],
        )
        for r in bundle.representatives
    )
    batch.groups.extend(columns(g, complex_id=complex_id) for g in bundle.groups)
    batch.projects.extend(columns(p, complex_id=complex_id) for p in bundle.projects)
    counts.representatives += len(bundle.representatives)
    counts.groups += len(bundle.groups)
    counts.projects += len(bundle.projects)


def _complex_row(c: ComplexDraft, admin_dong_id: int) -> dict[str, Any]:
    """The ``complex`` columns a draft fills; ``id``, ``name_key``, ``updated_at``, ``version`` and
    ``buildings_shared_with_id`` are the loader's."""
    area_1, area_2, area_3, area_4, area_5 = c.households_by_area
    return {
        "name": c.name,
        "kind": c.kind,
        "management_type": c.management_type,
        "kapt_code": c.kapt_code,
        "kapt_management_mode": c.kapt_management_mode,
        "admin_dong_id": admin_dong_id,
        "address": c.address,
        "building_count": c.building_count,
        "household_count": c.household_count,
        "floors_min": c.floors_min,
        "floors_max": c.floors_max,
        "approved_on": c.approved_on,
        "households_area_1": area_1,
        "households_area_2": area_2,
        "households_area_3": area_3,
        "households_area_4": area_4,
        "households_area_5": area_5,
        "remarks": c.remarks,
        "latitude": c.location.latitude if c.location else None,
        "longitude": c.location.longitude if c.location else None,
    }


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
